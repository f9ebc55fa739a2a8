// The HTTP tier: request/response values, a router with path parameters, and a Beast server
// that runs handlers on a bounded worker pool (handlers may block on the database).
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dangbo::http {

/// Case-insensitive header map key compare.
struct CaseLess {
  bool operator()(const std::string& a, const std::string& b) const;
};

/// One parsed request. `path` is percent-decoded; `query` holds decoded query parameters
/// (a name may repeat). `params` holds the values of `{name}` segments of the matched route.
struct Request {
  std::string method;  // "GET", "POST", …
  std::string target;  // raw request target, e.g. "/members?q=a%20b"
  std::string path;    // decoded path, e.g. "/members"
  std::multimap<std::string, std::string> query;
  std::map<std::string, std::string, CaseLess> headers;
  std::string body;
  std::string remote_addr;
  std::map<std::string, std::string> params;
  /// Free slot for the security layer (the signed-in actor); opaque to http.
  std::shared_ptr<void> actor;

  std::optional<std::string> header(std::string_view name) const;
  /// First value of a query parameter.
  std::optional<std::string> query_param(std::string_view name) const;
  std::vector<std::string> query_params(std::string_view name) const;
  std::optional<std::string> cookie(std::string_view name) const;
  /// The form's fields, decoded (first value per name): an application/x-www-form-urlencoded
  /// body, or the text fields (parts without a filename) of a multipart/form-data body.
  std::map<std::string, std::string> form() const;
  /// True for requests sent by htmx (HX-Request header).
  bool is_htmx() const;
};

/// A response. Server adds Content-Length, Date and the security headers.
struct Response {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// When set, the body is streamed from this file (static assets, exports).
  std::string file_path;
  /// When set, the response is a server-sent event stream: the server calls this repeatedly
  /// with a sink; the producer writes "data: …\n\n" chunks via sink and returns false when done.
  std::function<bool(const std::function<bool(std::string_view)>& sink)> sse;

  static Response html(std::string body, int status = 200);
  static Response json(std::string body, int status = 200);
  /// RFC 9457 problem+json: {"type":"about:blank","title":…,"status":…,"detail":…}.
  static Response problem(int status, std::string_view title, std::string_view detail);
  static Response redirect(std::string_view location, int status = 303);
  static Response text(std::string body, int status = 200);
  void set_header(std::string name, std::string value);
  /// Adds a Set-Cookie header. max_age_s < 0 → session cookie; 0 → delete.
  void set_cookie(std::string_view name, std::string_view value, long max_age_s = -1,
                  bool http_only = true, bool secure = false);
};

using Handler = std::function<Response(Request&)>;

/// What the authorization layer needs to know about a route (used by the permission matrix).
struct RouteInfo {
  std::string method;
  std::string pattern;  // "/members/{id}"
  std::string rule;     // name of the access rule, e.g. "member.read"; "public" for none
};

/// Matches "METHOD /literal/{param}/…" patterns; a trailing "/*" matches any rest (param "*").
class Router {
 public:
  void add(std::string method, std::string pattern, std::string rule, Handler h);
  /// Finds the handler; fills req.params. Returns nullptr when nothing matches;
  /// sets *method_mismatch when the path matches with another method.
  const Handler* match(Request& req, bool* method_mismatch = nullptr) const;
  /// Methods that have a route matching the request's path, sorted ("HEAD" included when
  /// "GET" is); the value of the Allow header of a 405 answer. Empty when no path matches.
  std::vector<std::string> allowed_methods(const Request& req) const;
  const std::vector<RouteInfo>& routes() const { return infos_; }

 private:
  struct Entry {
    RouteInfo info;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Entry> entries_;
  std::vector<RouteInfo> infos_;
};

/// Wraps every handler (authentication, CSRF, logging, error mapping). Called on the worker.
/// Not called for answers the server makes itself: 404, 405, static files, protocol errors.
using Middleware = std::function<Response(Request&, const Handler&)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 = ephemeral; see Server::port()
  int io_threads = 1;
  int worker_threads = 4;
  std::size_t max_body_bytes = 64 * 1024 * 1024;
  std::size_t max_header_bytes = 16 * 1024;
  int request_timeout_s = 30;
  std::string static_dir;     // files under /static/ are served from here (with caching)
  std::string static_prefix = "/static/";
  /// How long request_stop() waits for in-flight requests before closing every connection.
  int shutdown_timeout_s = 10;
  /// One spdlog info line per request (method, path, status, duration, remote address).
  bool access_log = true;
};

/// HTTP/1.1 server (Boost.Beast, keep-alive). Handlers run on a pool of
/// `worker_threads` threads, never on the `io_threads` that run the sockets.
///
/// Lifecycle: listen() → run() (blocks) ← request_stop() from any thread. After
/// request_stop() the server stops accepting, closes idle keep-alive connections, lets
/// in-flight requests (and their responses) finish for up to `shutdown_timeout_s`, then closes
/// whatever is left and run() returns. The Router (and the Middleware) must outlive the Server;
/// destroy the Server only after run() has returned (or when run() was never called).
///
/// Errors: a handler that throws gets a 500 (problem+json under /api/, a short Vietnamese HTML
/// page elsewhere; the exception text is logged, not sent), except base::Error, whose kind picks
/// the status (bad_request 400, unauthorized 401, forbidden 403, not_found 404, conflict 409)
/// and whose message is sent. Protocol errors (400, 408, 413, 431) are problem+json and close
/// the connection. Every request is logged as one spdlog info line (ServerOptions::access_log).
///
/// Signals: call install_signal_handlers() before run() and SIGINT/SIGTERM call request_stop()
/// (through asio::signal_set, so nothing unsafe runs in a signal handler); a second signal,
/// once stopping, gets the default action (the process ends). request_stop() itself is not
/// async-signal-safe: from a raw signal handler use install_signal_handlers() instead.
class Server {
 public:
  Server(const Router& router, ServerOptions opts, Middleware mw = nullptr);
  ~Server();
  /// Binds (SO_REUSEADDR) and listens. Throws std::runtime_error
  /// ("cannot listen on HOST:PORT: reason") when the address is bad or the port is taken.
  void listen();
  /// The bound port (after listen(); the real one when ServerOptions::port was 0).
  uint16_t port() const;
  /// Serves until request_stop(); calls listen() first if it was not called. Call once.
  void run();
  /// Thread-safe, idempotent; returns at once (run() returns when the drain is over).
  void request_stop();
  /// SIGINT and SIGTERM → request_stop(). Call before run(); idempotent.
  void install_signal_handlers();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Percent-decoding ("+" → space when form=true). Invalid escapes are kept literally.
std::string url_decode(std::string_view s, bool form = false);
std::string url_encode(std::string_view s);
/// Parses "a=1&b=2" into pairs, decoded.
std::multimap<std::string, std::string> parse_query(std::string_view s);
/// Escapes text for HTML element and attribute content.
std::string html_escape(std::string_view s);

/// One part of a multipart/form-data body (RFC 7578). `data` points into the parsed body.
struct MultipartPart {
  std::string name, filename, content_type;
  std::string_view data;
};
/// Parses a multipart/form-data body; `content_type` is the request's Content-Type header (with
/// its boundary). nullopt when the body is not one (another type, no boundary, malformed).
std::optional<std::vector<MultipartPart>> parse_multipart(std::string_view body, std::string_view content_type);

}  // namespace dangbo::http

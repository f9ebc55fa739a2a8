// Real-socket tests of http::Server: a Server on an ephemeral port in a thread, and a tiny
// blocking HTTP/1.1 client over POSIX sockets (so this file does not pull in Beast/Asio).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include "base/error.hpp"
#include "http/http.hpp"

namespace dangbo::http {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; repeated ones joined by "\n"
  std::string body;
  bool has(const std::string& h) const { return headers.count(h) > 0; }
  std::string get(const std::string& h) const {
    auto it = headers.find(h);
    return it == headers.end() ? std::string() : it->second;
  }
};

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// One client connection. Every read waits at most `timeout`.
class Conn {
 public:
  explicit Conn(uint16_t port, std::chrono::milliseconds timeout = 5000ms) : timeout_(timeout) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~Conn() { close(); }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  bool connected() const { return connected_; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  bool send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads more bytes into buf_; false on EOF, error or timeout.
  bool fill() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout_.count())) <= 0) return false;
    char tmp[16384];
    const ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<std::size_t>(n));
    return true;
  }

  // True when the server closed the connection (EOF or reset) within the timeout.
  bool closed_by_peer() {
    while (true) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(timeout_.count())) <= 0) return false;
      char tmp[4096];
      const ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
      if (n <= 0) return true;
    }
  }

  std::optional<std::string> read_line() {
    while (true) {
      const auto eol = buf_.find("\r\n");
      if (eol != std::string::npos) {
        std::string line = buf_.substr(0, eol);
        buf_.erase(0, eol + 2);
        return line;
      }
      if (!fill()) return std::nullopt;
    }
  }

  bool read_exact(std::size_t n, std::string& out) {
    while (buf_.size() < n)
      if (!fill()) return false;
    out.append(buf_, 0, n);
    buf_.erase(0, n);
    return true;
  }

  // Reads status line and headers only.
  std::optional<HttpResponse> read_head() {
    HttpResponse r;
    auto status = read_line();
    if (!status || status->rfind("HTTP/1.", 0) != 0) return std::nullopt;
    r.status = std::stoi(status->substr(9, 3));
    while (true) {
      auto line = read_line();
      if (!line) return std::nullopt;
      if (line->empty()) break;
      const auto colon = line->find(':');
      std::string name = lower(line->substr(0, colon));
      std::string value = line->substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      auto [it, inserted] = r.headers.emplace(name, value);
      if (!inserted) it->second += "\n" + value;
    }
    return r;
  }

  // Reads one chunk of a chunked body; nullopt on the last (empty) chunk or error.
  std::optional<std::string> read_chunk() {
    auto size_line = read_line();
    if (!size_line) return std::nullopt;
    const std::size_t n = std::stoul(*size_line, nullptr, 16);
    std::string data;
    if (n == 0) {
      read_line();  // final CRLF (no trailers)
      return std::nullopt;
    }
    if (!read_exact(n, data)) return std::nullopt;
    read_line();
    return data;
  }

  std::optional<HttpResponse> read_response(bool head_request = false) {
    auto r = read_head();
    if (!r) return r;
    if (head_request || r->status == 304 || r->status == 204 || r->status < 200) return r;
    if (r->has("content-length")) {
      if (!read_exact(std::stoul(r->get("content-length")), r->body)) return std::nullopt;
    } else if (lower(r->get("transfer-encoding")) == "chunked") {
      while (auto c = read_chunk()) r->body += *c;
    } else {
      while (fill()) {
      }
      r->body = std::move(buf_);
      buf_.clear();
    }
    return r;
  }

  std::optional<HttpResponse> request(const std::string& method, const std::string& target,
                                      const std::string& extra_headers = "",
                                      const std::string& body = "") {
    std::string msg = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n" + extra_headers;
    if (!body.empty() || method == "POST" || method == "PUT")
      msg += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    msg += "\r\n" + body;
    if (!send(msg)) return std::nullopt;
    return read_response(method == "HEAD");
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  std::chrono::milliseconds timeout_;
  std::string buf_;
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router.add("GET", "/hello", "public", [](Request&) { return Response::text("hello"); });
    router.add("GET", "/api/v1/members/{id}", "member.read", [](Request& r) {
      return Response::json("{\"id\":\"" + r.params.at("id") + "\",\"q\":\"" +
                            r.query_param("q").value_or("") + "\"}");
    });
    router.add("POST", "/echo", "public", [](Request& r) {
      Response res = Response::text(r.body);
      res.set_header("X-Remote", r.remote_addr);
      res.set_header("X-Method", r.method);
      return res;
    });
    router.add("GET", "/boom", "public",
               [](Request&) -> Response { throw std::runtime_error("secret detail"); });
    router.add("GET", "/api/boom", "public",
               [](Request&) -> Response { throw std::runtime_error("secret detail"); });
    router.add("GET", "/api/missing", "public", [](Request&) -> Response {
      throw base::Error(base::ErrorKind::not_found, "member.not_found",
                        "Không tìm thấy đảng viên.");
    });
    router.add("GET", "/own-csp", "public", [](Request&) {
      Response r = Response::html("<p>x</p>");
      r.set_header("Content-Security-Policy", "default-src 'none'");
      r.set_cookie("sid", "tok", 60);
      r.set_cookie("theme", "dark", -1, false);
      return r;
    });
    router.add("GET", "/slow", "public", [this](Request&) {
      started.fetch_add(1);
      std::this_thread::sleep_for(std::chrono::milliseconds(slow_ms.load()));
      return Response::text("slow");
    });
    router.add("GET", "/thread", "public", [this](Request&) {
      return Response::text(std::this_thread::get_id() == server_thread_id ? "io" : "worker");
    });
    router.add("GET", "/events", "public", [this](Request&) {
      Response r;
      auto n = std::make_shared<int>(0);
      r.sse = [n, this](const std::function<bool(std::string_view)>& sink) {
        ++*n;
        sse_calls.fetch_add(1);
        if (!sink("data: event " + std::to_string(*n) + "\n\n")) {
          sink_failed = true;
          return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(sse_interval_ms.load()));
        return *n < sse_events.load();
      };
      return r;
    });
    // A producer that keeps one call open and writes until the sink reports a dead client.
    router.add("GET", "/events-loop", "public", [this](Request&) {
      Response r;
      r.sse = [this](const std::function<bool(std::string_view)>& sink) {
        for (int i = 0;; ++i) {
          sse_calls.fetch_add(1);
          if (!sink("data: " + std::to_string(i) + "\n\n")) {
            sink_failed = true;
            return false;
          }
          std::this_thread::sleep_for(20ms);
        }
      };
      return r;
    });
  }

  void TearDown() override {
    stop();
    if (!tmp.empty()) std::filesystem::remove_all(tmp);
  }

  void start(ServerOptions o = {}, Middleware mw = nullptr, bool access_log = false) {
    o.host = "127.0.0.1";
    o.port = 0;
    o.access_log = access_log;
    server = std::make_unique<Server>(router, o, std::move(mw));
    server->listen();
    port = server->port();
    ASSERT_NE(port, 0);
    std::promise<std::thread::id> id;
    auto fut = id.get_future();
    thread = std::thread([this, &id] {
      id.set_value(std::this_thread::get_id());
      server->run();
      run_returned = true;
    });
    server_thread_id = fut.get();
  }

  void stop() {
    if (!server) return;
    server->request_stop();
    if (thread.joinable()) thread.join();
    server.reset();
  }

  std::filesystem::path make_static_dir() {
    namespace fs = std::filesystem;
    tmp = fs::temp_directory_path() / ("dangbo_http_server_" + std::to_string(::getpid()));
    fs::remove_all(tmp);
    fs::create_directories(tmp / "static" / "css");
    std::ofstream(tmp / "static" / "css" / "app.css") << "body{color:red}";
    std::ofstream(tmp / "static" / "app.js") << "console.log(1)";
    std::ofstream(tmp / "secret.txt") << "TOP SECRET";
    fs::create_symlink(tmp / "secret.txt", tmp / "static" / "leak.txt");
    return tmp / "static";
  }

  Router router;
  std::unique_ptr<Server> server;
  std::thread thread;
  std::thread::id server_thread_id;
  uint16_t port = 0;
  std::atomic<bool> run_returned{false};
  std::atomic<int> started{0};
  std::atomic<int> slow_ms{200};
  std::atomic<int> sse_events{3};
  std::atomic<int> sse_interval_ms{10};
  std::atomic<bool> sink_failed{false};
  std::atomic<int> sse_calls{0};
  std::filesystem::path tmp;
};

TEST_F(ServerTest, ServesARouteWithSecurityHeaders) {
  start();
  Conn c(port);
  ASSERT_TRUE(c.connected());
  auto r = c.request("GET", "/hello");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello");
  EXPECT_EQ(r->get("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(r->get("content-length"), "5");
  EXPECT_EQ(r->get("x-content-type-options"), "nosniff");
  EXPECT_EQ(r->get("x-frame-options"), "DENY");
  EXPECT_EQ(r->get("referrer-policy"), "same-origin");
  EXPECT_EQ(r->get("content-security-policy"),
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
            "form-action 'self'");
  EXPECT_TRUE(r->get("date").find(" GMT") != std::string::npos) << r->get("date");
}

TEST_F(ServerTest, AccessLogHasOneLinePerRequest) {
  std::ostringstream out;
  auto previous = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>(
      "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
  spdlog::set_default_logger(logger);
  start({}, nullptr, true);
  {
    Conn c(port);
    ASSERT_TRUE(c.request("GET", "/hello?token=secret"));
    ASSERT_TRUE(c.request("GET", "/nowhere"));
  }
  stop();
  spdlog::set_default_logger(previous);
  const std::string log = out.str();
  EXPECT_NE(log.find("method=GET path=/hello status=200 ms="), std::string::npos) << log;
  EXPECT_NE(log.find("method=GET path=/nowhere status=404 ms="), std::string::npos) << log;
  EXPECT_NE(log.find("remote=127.0.0.1"), std::string::npos) << log;
  EXPECT_EQ(log.find("secret"), std::string::npos) << "query strings are not logged";
}

TEST_F(ServerTest, HandlerHeadersCookiesAndOwnCsp) {
  start();
  Conn c(port);
  auto r = c.request("GET", "/own-csp");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->get("content-security-policy"), "default-src 'none'");
  EXPECT_EQ(r->get("set-cookie"),
            "sid=tok; Path=/; SameSite=Strict; Max-Age=60; HttpOnly\n"
            "theme=dark; Path=/; SameSite=Strict");
}

TEST_F(ServerTest, PathParamsQueryBodyAndRemoteAddr) {
  start();
  Conn c(port);
  auto r = c.request("GET", "/api/v1/members/A%2012?q=Nguy%E1%BB%85n+V");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "{\"id\":\"A 12\",\"q\":\"Nguyễn V\"}");
  EXPECT_EQ(r->get("content-type"), "application/json");
  auto e = c.request("POST", "/echo", "Content-Type: text/plain\r\n", "xin chào");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->body, "xin chào");
  EXPECT_EQ(e->get("x-remote"), "127.0.0.1");
}

TEST_F(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  start();
  Conn c(port);
  auto a = c.request("GET", "/hello");
  auto b = c.request("POST", "/echo", "", "second");
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_EQ(a->body, "hello");
  EXPECT_EQ(b->body, "second");
  EXPECT_NE(lower(a->get("connection")), "close");
  // Pipelined: both requests in one write.
  ASSERT_TRUE(
      c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n"
             "Connection: close\r\n\r\n"));
  auto p1 = c.read_response();
  auto p2 = c.read_response();
  ASSERT_TRUE(p1);
  ASSERT_TRUE(p2);
  EXPECT_EQ(p2->body, "hello");
  EXPECT_EQ(lower(p2->get("connection")), "close");
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(ServerTest, HeadFallsBackToGetWithoutBody) {
  start();
  Conn c(port);
  auto r = c.request("HEAD", "/hello");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get("content-length"), "5");
  auto next = c.request("GET", "/hello");  // no stray body bytes on the connection
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "hello");
}

TEST_F(ServerTest, NotFoundAndMethodNotAllowed) {
  start();
  Conn c(port);
  auto page = c.request("GET", "/nowhere");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 404);
  EXPECT_EQ(page->get("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(page->body.find("<h1>"), std::string::npos);
  auto api = c.request("GET", "/api/v1/nowhere");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 404);
  EXPECT_EQ(api->get("content-type"), "application/problem+json");
  EXPECT_NE(api->body.find("\"status\":404"), std::string::npos);
  auto m = c.request("DELETE", "/hello");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 405);
  EXPECT_EQ(m->get("allow"), "GET, HEAD");
  auto m2 = c.request("PUT", "/api/v1/members/3", "", "{}");
  ASSERT_TRUE(m2);
  EXPECT_EQ(m2->status, 405);
  EXPECT_EQ(m2->get("content-type"), "application/problem+json");
}

TEST_F(ServerTest, ExceptionsBecome500WithoutLeakingDetails) {
  start();
  Conn c(port);
  auto api = c.request("GET", "/api/boom");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 500);
  EXPECT_EQ(api->get("content-type"), "application/problem+json");
  EXPECT_EQ(api->body.find("secret detail"), std::string::npos);
  auto page = c.request("GET", "/boom");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 500);
  EXPECT_EQ(page->get("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(page->body.find("secret detail"), std::string::npos);
  auto known = c.request("GET", "/api/missing");  // base::Error keeps its kind and message
  ASSERT_TRUE(known);
  EXPECT_EQ(known->status, 404);
  EXPECT_NE(known->body.find("Không tìm thấy đảng viên."), std::string::npos);
  EXPECT_EQ(c.request("GET", "/hello")->status, 200);  // connection still usable
}

TEST_F(ServerTest, MiddlewareWrapsHandlers) {
  start({}, [](Request& req, const Handler& next) {
    if (req.header("X-Deny")) return Response::problem(403, "Forbidden", "no");
    Response r = next(req);
    r.set_header("X-Mw", "1");
    return r;
  });
  Conn c(port);
  auto ok = c.request("GET", "/hello");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->get("x-mw"), "1");
  auto denied = c.request("GET", "/hello", "X-Deny: 1\r\n");
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 403);
  auto boom = c.request("GET", "/api/boom");  // exceptions thrown through middleware too
  ASSERT_TRUE(boom);
  EXPECT_EQ(boom->status, 500);
}

TEST_F(ServerTest, OversizedBodyIs413) {
  ServerOptions o;
  o.max_body_bytes = 1024;
  start(o);
  {
    Conn c(port);
    auto r = c.request("POST", "/echo", "", std::string(5000, 'x'));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
    EXPECT_EQ(r->get("content-type"), "application/problem+json");
    EXPECT_NE(r->body.find("\"status\":413"), std::string::npos);
    EXPECT_TRUE(c.closed_by_peer());
  }
  {
    Conn c(port);  // chunked body growing past the limit
    std::string msg = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 3; ++i) msg += "200\r\n" + std::string(512, 'y') + "\r\n";
    msg += "0\r\n\r\n";
    ASSERT_TRUE(c.send(msg));
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
  }
  {
    Conn c(port);  // at the limit is fine
    auto r = c.request("POST", "/echo", "", std::string(1024, 'z'));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body.size(), 1024u);
  }
}

TEST_F(ServerTest, HeaderLimitsAre431) {
  ServerOptions o;
  o.max_header_bytes = 2048;
  start(o);
  {
    Conn c(port);
    auto r = c.request("GET", "/hello", "X-Big: " + std::string(4000, 'a') + "\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 431);
  }
  {
    Conn c(port);
    std::string many;
    for (int i = 0; i < 101; ++i) many += "X-" + std::to_string(i) + ": 1\r\n";
    auto r = c.request("GET", "/hello", many);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 431);
  }
  {
    Conn c(port);
    std::string ok;
    for (int i = 0; i < 90; ++i) ok += "X-" + std::to_string(i) + ": 1\r\n";
    auto r = c.request("GET", "/hello", ok);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
}

TEST_F(ServerTest, BadRequestIs400) {
  start();
  Conn c(port);
  ASSERT_TRUE(c.send("NOT A REQUEST\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
}

TEST_F(ServerTest, SlowRequestIs408) {
  ServerOptions o;
  o.request_timeout_s = 1;
  start(o);
  Conn c(port, 4000ms);
  const auto t0 = Clock::now();
  ASSERT_TRUE(c.send("GET /hello HTTP/1.1\r\nHost: x\r\n"));  // never finished
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 408);
  EXPECT_LT(Clock::now() - t0, 3s);
  // An idle keep-alive connection is closed silently after the same timeout.
  Conn idle(port, 4000ms);
  EXPECT_TRUE(idle.closed_by_peer());
}

TEST_F(ServerTest, StaticFiles) {
  ServerOptions o;
  o.static_dir = make_static_dir().string();
  start(o);
  Conn c(port);
  auto css = c.request("GET", "/static/css/app.css");
  ASSERT_TRUE(css);
  EXPECT_EQ(css->status, 200);
  EXPECT_EQ(css->body, "body{color:red}");
  EXPECT_EQ(css->get("content-type"), "text/css; charset=utf-8");
  EXPECT_EQ(css->get("cache-control"), "public, max-age=86400");
  EXPECT_EQ(css->get("x-content-type-options"), "nosniff");
  const std::string etag = css->get("etag");
  ASSERT_FALSE(etag.empty());

  auto js = c.request("GET", "/static/app.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->get("content-type"), "text/javascript; charset=utf-8");

  auto again = c.request("GET", "/static/css/app.css", "If-None-Match: " + etag + "\r\n");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());
  EXPECT_EQ(again->get("etag"), etag);
  auto stale = c.request("GET", "/static/css/app.css", "If-None-Match: \"other\"\r\n");
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->status, 200);

  auto head = c.request("HEAD", "/static/css/app.css");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->get("content-length"), "15");

  for (const char* bad :
       {"/static/../secret.txt", "/static/%2e%2e/secret.txt", "/static/css/..%2F..%2Fsecret.txt",
        "/static/leak.txt", "/static//etc/passwd", "/static/css/app.css%00.png",
        "/static/missing.css", "/static/css"}) {
    auto r = c.request("GET", bad);
    ASSERT_TRUE(r) << bad;
    EXPECT_EQ(r->status, 404) << bad;
    EXPECT_EQ(r->body.find("TOP SECRET"), std::string::npos) << bad;
  }
  auto post = c.request("POST", "/static/app.js", "", "x");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
}

TEST_F(ServerTest, HandlersRunOnTheWorkerPool) {
  ServerOptions o;
  o.io_threads = 1;
  o.worker_threads = 2;
  start(o);
  {
    Conn c(port);
    auto r = c.request("GET", "/thread");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "worker");
  }
  Conn a(port), b(port);
  const auto t0 = Clock::now();
  ASSERT_TRUE(a.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(b.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto ra = a.read_response();
  auto rb = b.read_response();
  const auto elapsed = Clock::now() - t0;
  ASSERT_TRUE(ra);
  ASSERT_TRUE(rb);
  EXPECT_EQ(ra->body, "slow");
  EXPECT_EQ(rb->body, "slow");
  EXPECT_LT(elapsed, 350ms)
      << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
}

TEST_F(ServerTest, ServerSentEvents) {
  start();
  Conn c(port);
  ASSERT_TRUE(c.send("GET /events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n"));
  auto head = c.read_head();
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->get("content-type"), "text/event-stream");
  EXPECT_EQ(head->get("cache-control"), "no-cache");
  EXPECT_EQ(lower(head->get("transfer-encoding")), "chunked");
  EXPECT_FALSE(head->has("content-length"));
  std::vector<std::string> events;
  while (auto chunk = c.read_chunk()) events.push_back(*chunk);
  EXPECT_EQ(events, (std::vector<std::string>{"data: event 1\n\n", "data: event 2\n\n",
                                              "data: event 3\n\n"}));
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(ServerTest, ServerSentEventsStopWhenTheClientLeaves) {
  sse_events = 1000000;
  sse_interval_ms = 20;
  start();
  {
    Conn c(port);  // producer called once per event: the server stops calling it
    ASSERT_TRUE(c.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(c.read_head());
    ASSERT_TRUE(c.read_chunk());
  }
  std::this_thread::sleep_for(300ms);
  const int calls = sse_calls;
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(sse_calls, calls);
  {
    Conn c(port);  // producer looping inside one call: the sink returns false
    ASSERT_TRUE(c.send("GET /events-loop HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(c.read_head());
    ASSERT_TRUE(c.read_chunk());
  }
  const auto t0 = Clock::now();
  while (!sink_failed && Clock::now() - t0 < 3s) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(sink_failed);
}

TEST_F(ServerTest, ServerSentEventsOverHttp10AreCloseDelimited) {
  start();
  Conn c(port);
  ASSERT_TRUE(c.send("GET /events HTTP/1.0\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->has("transfer-encoding"));
  EXPECT_EQ(r->body, "data: event 1\n\ndata: event 2\n\ndata: event 3\n\n");
}

TEST_F(ServerTest, ServerSentEventsEndOnStop) {
  sse_events = 1000000;
  start();
  Conn c(port);
  ASSERT_TRUE(c.send("GET /events-loop HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(c.read_head());
  ASSERT_TRUE(c.read_chunk());
  const auto t0 = Clock::now();
  server->request_stop();
  thread.join();
  EXPECT_LT(Clock::now() - t0, 1s);
  EXPECT_TRUE(sink_failed);
}

TEST_F(ServerTest, ManyClientsOnTwoIoThreads) {
  ServerOptions o;
  o.io_threads = 2;
  o.worker_threads = 3;
  start(o);
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&, t] {
      Conn c(port);
      for (int i = 0; i < 25; ++i) {
        const std::string body = std::to_string(t) + ":" + std::to_string(i);
        auto r = c.request("POST", "/echo", "", body);
        if (r && r->status == 200 && r->body == body) ok.fetch_add(1);
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok, 200);
}

TEST_F(ServerTest, GracefulStopFinishesInFlightRequests) {
  slow_ms = 400;
  start();
  Conn idle(port);
  ASSERT_TRUE(idle.request("GET", "/hello"));  // now an idle keep-alive connection
  Conn busy(port);
  ASSERT_TRUE(busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  const auto t0 = Clock::now();
  while (started == 0 && Clock::now() - t0 < 2s) std::this_thread::sleep_for(5ms);
  ASSERT_EQ(started, 1);
  server->request_stop();
  server->request_stop();  // idempotent
  EXPECT_TRUE(idle.closed_by_peer());
  auto r = busy.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "slow");
  EXPECT_EQ(lower(r->get("connection")), "close");
  thread.join();
  EXPECT_TRUE(run_returned);
  EXPECT_LT(Clock::now() - t0, 3s);
  Conn late(port);  // no longer accepting
  EXPECT_FALSE(late.connected() && late.request("GET", "/hello"));
}

TEST_F(ServerTest, StopGivesUpAfterTheShutdownTimeout) {
  slow_ms = 2500;
  ServerOptions o;
  o.shutdown_timeout_s = 1;
  start(o);
  Conn busy(port);
  ASSERT_TRUE(busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  const auto t0 = Clock::now();
  while (started == 0 && Clock::now() - t0 < 2s) std::this_thread::sleep_for(5ms);
  server->request_stop();
  thread.join();
  const auto elapsed = Clock::now() - t0;
  EXPECT_GE(elapsed, 900ms);
  EXPECT_LT(elapsed, 2000ms);
}

TEST_F(ServerTest, SignalRequestsStop) {
  ServerOptions o;
  o.port = 0;
  server = std::make_unique<Server>(router, o);
  server->install_signal_handlers();
  server->listen();
  thread = std::thread([this] { server->run(); });
  std::this_thread::sleep_for(50ms);
  std::raise(SIGTERM);
  thread.join();
  SUCCEED();
}

TEST_F(ServerTest, RequestStopBeforeRunReturnsAtOnce) {
  ServerOptions o;
  o.port = 0;
  server = std::make_unique<Server>(router, o);
  server->request_stop();
  const auto t0 = Clock::now();
  server->run();
  EXPECT_LT(Clock::now() - t0, 1s);
  server.reset();
}

TEST_F(ServerTest, ListenFailsClearlyWhenThePortIsTaken) {
  start();
  ServerOptions o;
  o.port = port;
  Server second(router, o);
  try {
    second.listen();
    FAIL() << "listen() should throw";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(
        std::string(e.what()).rfind("cannot listen on 127.0.0.1:" + std::to_string(port) + ":", 0),
        0u)
        << e.what();
  }
  ServerOptions bad;
  bad.host = "no-such-host.invalid";
  Server third(router, bad);
  EXPECT_THROW(third.listen(), std::runtime_error);
}

}  // namespace
}  // namespace dangbo::http

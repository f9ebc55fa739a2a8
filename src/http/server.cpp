// The HTTP/1.1 server: Boost.Beast over Asio with C++20 coroutines.
//
// Threads: `io_threads` run the io_context (sockets, parsing, writing); every handler runs on a
// fixed asio::thread_pool of `worker_threads` (handlers may block on the database). A session
// coroutine hands the Request to the pool with co_spawn(pool, …, use_awaitable) and resumes on
// its own strand when the Response is ready.
//
// This is the only translation unit of dangbo_http that includes Beast/Asio.
#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <future>
#include <limits>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "base/error.hpp"
#include "http/http.hpp"
#include "http/static_files.hpp"

namespace dangbo::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
using error_code = boost::system::error_code;

namespace {

constexpr std::size_t kMaxHeaderFields = 100;
constexpr const char* kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'";

bool starts_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.compare(0, p.size(), p) == 0;
}

bool iequals(std::string_view a, std::string_view b) { return beast::iequals(a, b); }

bool is_api_path(std::string_view path) { return path == "/api" || starts_with(path, "/api/"); }

std::string reason(int status) {
  auto r = bhttp::obsolete_reason(bhttp::int_to_status(static_cast<unsigned>(status)));
  return r.empty() || r == "<unknown-status>" ? "Error" : std::string(r);
}

// The Vietnamese title of a protocol error (problem+json "title"; the page's heading).
std::string title_vi(int status) {
  switch (status) {
    case 400: return "Yêu cầu không hợp lệ";
    case 404: return "Không tìm thấy";
    case 405: return "Phương thức không được hỗ trợ";
    case 408: return "Hết thời gian chờ";
    case 413: return "Nội dung quá lớn";
    case 431: return "Phần đầu yêu cầu quá lớn";
    case 500: return "Lỗi máy chủ";
    default: return reason(status);
  }
}

// An error answer: problem+json under /api/ (or when `api`), a short Vietnamese page otherwise.
Response error_response(bool api, int status, std::string_view title_vi,
                        std::string_view detail_vi) {
  if (api) return Response::problem(status, std::string(title_vi), detail_vi);
  std::string body;
  body.reserve(256);
  body.append("<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>")
      .append(std::to_string(status))
      .append(" – ")
      .append(html_escape(title_vi))
      .append("</title></head><body><h1>")
      .append(html_escape(title_vi))
      .append("</h1><p>")
      .append(html_escape(detail_vi))
      .append("</p><p><a href=\"/\">Về trang chủ</a></p></body></html>\n");
  return Response::html(std::move(body), status);
}

// Token characters of a header name (RFC 9110 §5.6.2).
bool valid_header_name(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (c <= 0x20 || c >= 0x7f) return false;
    if (std::string_view("\"(),/:;<=>?@[\\]{}").find(static_cast<char>(c)) !=
        std::string_view::npos)
      return false;
  }
  return true;
}

bool valid_header_value(std::string_view s) {
  for (unsigned char c : s)
    if (c == '\r' || c == '\n' || c == '\0') return false;
  return true;
}

int status_for(base::ErrorKind k) {
  switch (k) {
    case base::ErrorKind::bad_request:
      return 400;
    case base::ErrorKind::unauthorized:
      return 401;
    case base::ErrorKind::forbidden:
      return 403;
    case base::ErrorKind::not_found:
      return 404;
    case base::ErrorKind::conflict:
      return 409;
    case base::ErrorKind::internal:
      return 500;
    case base::ErrorKind::unavailable:
      return 503;
  }
  return 500;
}

std::string_view path_of_target(std::string_view target) {
  return target.substr(0, target.find_first_of("?#"));
}

}  // namespace

// ---- one connection ------------------------------------------------------------------------

struct Session {
  explicit Session(tcp::socket s) : socket(std::move(s)), timer(socket.get_executor()) {}
  tcp::socket socket;
  beast::flat_buffer buffer;
  asio::steady_timer timer;  // read timeout; same strand as the socket
  std::string remote;        // peer IP address
  uint64_t id = 0;
  bool idle = false;       // waiting for the first byte of the next request
  bool timed_out = false;  // the read timer fired
  uint64_t timer_gen = 0;
};

// ---- the server ----------------------------------------------------------------------------

struct Server::Impl {
  Impl(const Router& r, ServerOptions o, Middleware m)
      : router(r),
        opts(std::move(o)),
        mw(std::move(m)),
        ioc(std::max(1, opts.io_threads)),
        strand(asio::make_strand(ioc)),
        acceptor(strand),
        grace_timer(strand),
        pool(static_cast<std::size_t>(std::max(1, opts.worker_threads))) {}

  ~Impl() {
    // Handlers still running on the pool finish before the io_context (which owns the
    // coroutine frames they report to) goes away.
    pool.join();
  }

  const Router& router;
  ServerOptions opts;
  Middleware mw;

  // Declared before the io_context so they outlive the coroutine frames it may destroy.
  std::mutex mu;
  std::unordered_map<uint64_t, std::weak_ptr<Session>> sessions;
  uint64_t next_id = 0;

  asio::io_context ioc;
  asio::strand<asio::io_context::executor_type> strand;  // acceptor, signals, drain
  tcp::acceptor acceptor;
  asio::steady_timer grace_timer;
  std::optional<asio::signal_set> signals;
  asio::thread_pool pool;

  std::atomic<bool> stopping{false};
  bool draining = false;  // on strand
  bool listening = false;
  bool ran = false;
  uint16_t bound_port = 0;

  // -- lifecycle --

  void listen() {
    if (listening) return;
    const std::string where = opts.host + ":" + std::to_string(opts.port);
    error_code ec;
    tcp::endpoint ep;
    auto addr = asio::ip::make_address(opts.host, ec);
    if (!ec) {
      ep = tcp::endpoint(addr, opts.port);
    } else {
      tcp::resolver resolver(ioc);
      auto results =
          resolver.resolve(opts.host, std::to_string(opts.port), tcp::resolver::passive, ec);
      if (ec || results.empty())
        throw std::runtime_error("cannot listen on " + where + ": " +
                                 (ec ? ec.message() : std::string("host not found")));
      ep = results.begin()->endpoint();
    }
    auto fail = [&](const char* what) {
      error_code ignored;
      acceptor.close(ignored);
      throw std::runtime_error("cannot listen on " + where + ": " + what + ": " + ec.message());
    };
    acceptor.open(ep.protocol(), ec);
    if (ec) fail("open");
    acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (ec) fail("SO_REUSEADDR");
    acceptor.bind(ep, ec);
    if (ec) fail("bind");
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) fail("listen");
    bound_port = acceptor.local_endpoint(ec).port();
    listening = true;
  }

  void run() {
    if (ran) throw std::logic_error("Server::run() called twice");
    ran = true;
    listen();
    spdlog::info("http: listening on {}:{} (io_threads={}, worker_threads={})", opts.host,
                 bound_port, std::max(1, opts.io_threads), std::max(1, opts.worker_threads));
    asio::co_spawn(strand, accept_loop(), asio::detached);
    std::vector<std::thread> extra;
    for (int i = 1; i < opts.io_threads; ++i) extra.emplace_back([this] { ioc.run(); });
    ioc.run();
    for (auto& t : extra) t.join();
    spdlog::info("http: stopped");
  }

  void request_stop() {
    if (stopping.exchange(true)) return;
    asio::post(strand, [this] { begin_drain(); });
  }

  void install_signal_handlers() {
    if (signals) return;
    signals.emplace(strand, SIGINT, SIGTERM);
    signals->async_wait([this](const error_code& ec, int sig) {
      if (ec) return;
      spdlog::info("http: signal {} received, stopping (send it again to quit at once)", sig);
      request_stop();
    });
  }

  // On strand.
  void begin_drain() {
    if (draining) return;
    draining = true;
    error_code ec;
    acceptor.close(ec);
    if (signals) {
      signals->cancel(ec);
      signals->clear(ec);  // a second signal gets the default action
    }
    grace_timer.expires_after(std::chrono::seconds(std::max(0, opts.shutdown_timeout_s)));
    grace_timer.async_wait([this](const error_code& e) {
      if (e) return;  // cancelled: every connection ended in time
      force_close();
    });
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard lk(mu);
      for (auto& [id, w] : sessions)
        if (auto s = w.lock()) live.push_back(std::move(s));
      if (sessions.empty()) grace_timer.cancel();
    }
    spdlog::info("http: stopping; {} connection(s) open", live.size());
    for (auto& s : live) {
      asio::post(s->socket.get_executor(), [s] {
        if (s->idle && s->buffer.size() == 0) {
          error_code e;
          s->socket.close(e);
        }
      });
    }
  }

  // On strand: the grace period is over.
  void force_close() {
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard lk(mu);
      for (auto& [id, w] : sessions)
        if (auto s = w.lock()) live.push_back(std::move(s));
    }
    spdlog::warn("http: shutdown timeout; closing {} connection(s)", live.size());
    for (auto& s : live) {
      asio::post(s->socket.get_executor(), [s] {
        error_code e;
        s->socket.close(e);
      });
    }
    // Handlers that never return must not keep run() from returning.
    asio::post(strand, [this] { ioc.stop(); });
  }

  void session_ended(uint64_t id) {
    std::lock_guard lk(mu);
    sessions.erase(id);
    if (stopping && sessions.empty()) {
      asio::post(strand, [this] {
        if (draining) grace_timer.cancel();
      });
    }
  }

  awaitable<void> accept_loop() {
    for (;;) {
      asio::any_io_executor ex = asio::make_strand(ioc);
      auto [ec, sock] = co_await acceptor.async_accept(ex, asio::as_tuple(use_awaitable));
      if (stopping || !acceptor.is_open()) {
        error_code e;
        sock.close(e);
        co_return;
      }
      if (ec) {
        if (ec == asio::error::operation_aborted) co_return;
        spdlog::warn("http: accept failed: {}", ec.message());
        if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space ||
            ec == asio::error::no_memory) {
          asio::steady_timer t(strand, std::chrono::milliseconds(100));
          co_await t.async_wait(asio::as_tuple(use_awaitable));
        }
        continue;
      }
      auto s = std::make_shared<Session>(std::move(sock));
      error_code e;
      auto ep = s->socket.remote_endpoint(e);
      s->remote = e ? std::string("?") : ep.address().to_string();
      s->socket.set_option(tcp::no_delay(true), e);
      {
        std::lock_guard lk(mu);
        s->id = ++next_id;
        sessions.emplace(s->id, s);
      }
      asio::co_spawn(s->socket.get_executor(), serve(s), asio::detached);
    }
  }

  // -- timers --

  void arm_read_timer(const std::shared_ptr<Session>& s) {
    const uint64_t gen = ++s->timer_gen;
    s->timed_out = false;
    s->timer.expires_after(std::chrono::seconds(std::max(1, opts.request_timeout_s)));
    s->timer.async_wait([s, gen](const error_code& ec) {
      if (ec || s->timer_gen != gen) return;
      s->timed_out = true;
      error_code e;
      s->socket.cancel(e);
    });
  }

  static void disarm_timer(Session& s) {
    ++s.timer_gen;
    s.timer.cancel();
  }

  // -- one connection --

  awaitable<void> serve(std::shared_ptr<Session> s) {
    try {
      co_await serve_requests(s);
    } catch (const std::exception& e) {
      spdlog::error("http: connection from {} failed: {}", s->remote, e.what());
    }
    error_code ec;
    s->socket.shutdown(tcp::socket::shutdown_both, ec);
    s->socket.close(ec);
    disarm_timer(*s);
    session_ended(s->id);
  }

  awaitable<void> serve_requests(const std::shared_ptr<Session>& s) {
    for (;;) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(
          std::min<std::size_t>(opts.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
      parser.body_limit(static_cast<std::uint64_t>(opts.max_body_bytes));

      s->idle = s->buffer.size() == 0;
      if (stopping && s->idle) co_return;
      arm_read_timer(s);
      error_code ec;
      co_await bhttp::async_read_header(s->socket, s->buffer, parser,
                                        asio::redirect_error(use_awaitable, ec));
      s->idle = false;
      const auto t0 = std::chrono::steady_clock::now();
      if (ec) {
        disarm_timer(*s);
        co_await on_read_error(s, ec, parser.got_some(), std::string_view{}, t0,
                               std::string_view{});
        co_return;
      }
      auto& head = parser.get();
      const std::string raw_path(path_of_target(head.target()));
      if (static_cast<std::size_t>(std::distance(head.begin(), head.end())) > kMaxHeaderFields) {
        disarm_timer(*s);
        co_await send_error_and_close(s, 431, "Yêu cầu có quá nhiều trường header (tối đa 100).",
                                      head.method_string(), raw_path, t0);
        co_return;
      }
      if (!parser.is_done()) {
        auto expect = head.find(bhttp::field::expect);
        if (expect != head.end() && iequals(expect->value(), "100-continue") &&
            head.version() >= 11) {
          static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
          co_await asio::async_write(s->socket, asio::buffer(kContinue.data(), kContinue.size()),
                                     asio::redirect_error(use_awaitable, ec));
          if (ec) {
            disarm_timer(*s);
            co_return;
          }
        }
        co_await bhttp::async_read(s->socket, s->buffer, parser,
                                   asio::redirect_error(use_awaitable, ec));
        if (ec) {
          disarm_timer(*s);
          const std::string method(head.method_string());
          co_await on_read_error(s, ec, true, raw_path, t0, method);
          co_return;
        }
      }
      disarm_timer(*s);

      auto msg = parser.release();
      auto req = std::make_shared<Request>();
      req->method = std::string(msg.method_string());
      req->target = std::string(msg.target());
      fill_path_and_query(*req);
      for (const auto& f : msg) {
        std::string name(f.name_string());
        auto [it, inserted] = req->headers.emplace(name, std::string(f.value()));
        if (!inserted) it->second.append(iequals(name, "Cookie") ? "; " : ", ").append(f.value());
      }
      req->body = std::move(msg.body());
      req->remote_addr = s->remote;
      const unsigned version = msg.version();
      bool keep_alive = msg.keep_alive();

      // The handler (or the static file lookup) runs on the worker pool. (The lambda and the
      // awaitable are named locals: GCC 12 may destroy temporaries of a co_await expression
      // twice, so no co_await operand here builds an object with a non-trivial destructor.)
      auto job = [this, req]() -> awaitable<Response> { co_return handle(*req); };
      auto on_worker = asio::co_spawn(pool, std::move(job), use_awaitable);
      Response resp = co_await std::move(on_worker);

      if (stopping) keep_alive = false;
      const bool head_only = req->method == "HEAD";
      int status = resp.status;
      if (resp.sse) {
        co_await write_sse(s, resp, version, head_only);
        keep_alive = false;
      } else {
        status = co_await write_response(s, resp, version, head_only, keep_alive);
      }
      log_request(req->method, raw_path, status, t0, s->remote);
      if (!keep_alive) co_return;
    }
  }

  static void fill_path_and_query(Request& req) {
    std::string_view t = req.target;
    if (starts_with(t, "http://") || starts_with(t, "https://")) {  // absolute-form
      const auto authority = t.find("//") + 2;
      const auto slash = t.find_first_of("/?#", authority);
      t = slash == std::string_view::npos ? std::string_view("/") : t.substr(slash);
    }
    const auto q = t.find('?');
    const auto path_end = t.find_first_of("?#");
    req.path = url_decode(t.substr(0, path_end));
    if (req.path.empty()) req.path = "/";
    if (q != std::string_view::npos) {
      auto query = t.substr(q + 1);
      query = query.substr(0, query.find('#'));
      req.query = parse_query(query);
    }
  }

  void log_request(std::string_view method, std::string_view path, int status,
                   std::chrono::steady_clock::time_point t0, std::string_view remote) {
    if (!opts.access_log) return;
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    spdlog::info("http method={} path={} status={} ms={:.1f} remote={}", method, path, status, ms,
                 remote);
  }

  awaitable<void> on_read_error(const std::shared_ptr<Session>& s, error_code ec, bool got_bytes,
                                std::string_view raw_path, std::chrono::steady_clock::time_point t0,
                                std::string_view method) {
    if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
        ec == asio::error::connection_reset || ec == asio::error::bad_descriptor ||
        ec == bhttp::error::partial_message)
      co_return;
    if (ec == asio::error::operation_aborted) {
      if (s->timed_out && got_bytes)
        co_await send_error_and_close(s, 408, "Hết thời gian chờ nhận yêu cầu.", method, raw_path,
                                      t0);
      co_return;  // idle keep-alive timeout, or closed by request_stop()
    }
    if (ec == bhttp::error::body_limit) {
      const std::string detail =
          "Nội dung yêu cầu vượt quá giới hạn " + std::to_string(opts.max_body_bytes) + " byte.";
      co_await send_error_and_close(s, 413, detail, method, raw_path, t0);
    } else if (ec == bhttp::error::header_limit) {
      co_await send_error_and_close(s, 431, "Phần header của yêu cầu quá lớn.", method, raw_path,
                                    t0);
    } else if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() ||
               ec == bhttp::error::buffer_overflow) {
      co_await send_error_and_close(s, 400, "Yêu cầu HTTP không hợp lệ.", method, raw_path, t0);
    }
    // other socket errors: just close
  }

  // Protocol errors are answered with problem+json, then the connection is closed after
  // draining what the client is still sending (so it reads the answer instead of a reset).
  awaitable<void> send_error_and_close(const std::shared_ptr<Session>& s, int status,
                                       std::string_view detail, std::string_view method,
                                       std::string_view raw_path,
                                       std::chrono::steady_clock::time_point t0) {
    Response r = Response::problem(status, title_vi(status), detail);
    co_await write_response(s, r, 11, false, false);
    log_request(method.empty() ? std::string_view("-") : method,
                raw_path.empty() ? std::string_view("-") : raw_path, status, t0, s->remote);
    error_code ec;
    s->socket.shutdown(tcp::socket::shutdown_send, ec);
    if (ec) co_return;
    s->timer.expires_after(std::chrono::seconds(2));
    const uint64_t gen = ++s->timer_gen;
    s->timer.async_wait([s, gen](const error_code& e) {
      if (e || s->timer_gen != gen) return;
      error_code ignored;
      s->socket.close(ignored);
    });
    std::size_t total = 0;
    char buf[8192];
    while (total < (1u << 20)) {
      auto [e, n] =
          co_await s->socket.async_read_some(asio::buffer(buf), asio::as_tuple(use_awaitable));
      if (e) break;
      total += n;
    }
    disarm_timer(*s);
  }

  // -- handlers (worker pool) --

  Response handle(Request& req) {
    const bool api = is_api_path(req.path);
    try {
      if (!opts.static_dir.empty() && starts_with(req.path, opts.static_prefix)) {
        if (req.method == "GET" || req.method == "HEAD") return serve_static(req);
        Response r = error_response(false, 405, "Phương thức không được hỗ trợ",
                                    "Tệp tĩnh chỉ đọc được bằng GET.");
        r.set_header("Allow", "GET, HEAD");
        return r;
      }
      bool mismatch = false;
      const Handler* h = router.match(req, &mismatch);
      if (!h) {
        if (mismatch) {
          std::string allow;
          for (const auto& m : router.allowed_methods(req)) {
            if (!allow.empty()) allow += ", ";
            allow += m;
          }
          Response r =
              error_response(api, 405, "Phương thức không được hỗ trợ",
                             "Phương thức " + req.method + " không dùng được ở địa chỉ này.");
          r.set_header("Allow", allow);
          return r;
        }
        return error_response(api, 404, "Không tìm thấy trang",
                              "Không tìm thấy trang hoặc tài nguyên được yêu cầu.");
      }
      return mw ? mw(req, *h) : (*h)(req);
    } catch (const base::Error& e) {
      const int status = status_for(e.kind());
      if (status >= 500) {
        spdlog::error("http: {} {}: {} ({})", req.method, req.path, e.what(), e.code());
        return error_response(api, 500, "Lỗi máy chủ",
                              "Đã xảy ra lỗi máy chủ. Vui lòng thử lại sau.");
      }
      Response r = error_response(api, status, title_vi(status), e.what());
      return r;
    } catch (const std::exception& e) {
      spdlog::error("http: {} {}: unhandled exception: {}", req.method, req.path, e.what());
    } catch (...) {
      spdlog::error("http: {} {}: unhandled non-standard exception", req.method, req.path);
    }
    return error_response(api, 500, "Lỗi máy chủ", "Đã xảy ra lỗi máy chủ. Vui lòng thử lại sau.");
  }

  Response serve_static(const Request& req) {
    namespace fs = std::filesystem;
    const std::string_view rel = std::string_view(req.path).substr(opts.static_prefix.size());
    auto file = resolve_static_path(opts.static_dir, rel);
    if (!file)
      return error_response(false, 404, "Không tìm thấy tệp", "Không tìm thấy tệp được yêu cầu.");
    std::error_code ec;
    const auto size = fs::file_size(*file, ec);
    const auto mtime = fs::last_write_time(*file, ec);
    if (ec)
      return error_response(false, 404, "Không tìm thấy tệp", "Không tìm thấy tệp được yêu cầu.");
    const std::string etag = make_etag(
        size,
        std::chrono::duration_cast<std::chrono::nanoseconds>(mtime.time_since_epoch()).count());
    Response r;
    r.set_header("ETag", etag);
    r.set_header("Cache-Control", "public, max-age=86400");
    if (auto inm = req.header("If-None-Match"); inm && etag_matches(*inm, etag)) {
      r.status = 304;
      r.content_type.clear();
      return r;
    }
    r.content_type = std::string(content_type_for(file->filename().string()));
    r.file_path = file->string();
    return r;
  }

  // -- writing (io strand) --

  template <class Fields>
  void fill_headers(Fields& f, Response& r) {
    for (auto& [name, value] : r.headers) {
      if (!valid_header_name(name) || !valid_header_value(value)) {
        spdlog::warn("http: dropping invalid response header '{}'", name);
        continue;
      }
      f.insert(name, value);
    }
    const bool no_body = r.status == 204 || r.status == 304 || r.status < 200;
    if (!no_body && !r.content_type.empty() && f.find(bhttp::field::content_type) == f.end() &&
        valid_header_value(r.content_type))
      f.set(bhttp::field::content_type, r.content_type);
    if (f.find("X-Content-Type-Options") == f.end()) f.set("X-Content-Type-Options", "nosniff");
    if (f.find("X-Frame-Options") == f.end()) f.set("X-Frame-Options", "DENY");
    if (f.find("Referrer-Policy") == f.end()) f.set("Referrer-Policy", "same-origin");
    if (f.find("Content-Security-Policy") == f.end()) f.set("Content-Security-Policy", kCsp);
    if (f.find(bhttp::field::date) == f.end())
      f.set(bhttp::field::date, http_date(std::time(nullptr)));
  }

  // Writes a plain or file response; returns the status sent.
  awaitable<int> write_response(const std::shared_ptr<Session>& s, Response& r, unsigned version,
                                bool head_only, bool keep_alive) {
    error_code ec;
    const auto status_code = bhttp::int_to_status(static_cast<unsigned>(r.status));
    const bool no_body = r.status == 204 || r.status == 304 || r.status < 200;
    if (!r.file_path.empty() && !no_body) {
      bhttp::file_body::value_type file;
      file.open(r.file_path.c_str(), beast::file_mode::scan, ec);
      if (ec) {
        spdlog::warn("http: cannot open {}: {}", r.file_path, ec.message());
        Response nf =
            error_response(false, 404, "Không tìm thấy tệp", "Không tìm thấy tệp được yêu cầu.");
        co_return co_await write_response(s, nf, version, head_only, keep_alive);
      }
      if (head_only) {
        bhttp::response<bhttp::empty_body> res{status_code, version};
        res.result(static_cast<unsigned>(r.status));
        fill_headers(res, r);
        res.content_length(file.size());
        res.keep_alive(keep_alive);
        co_await bhttp::async_write(s->socket, res, asio::redirect_error(use_awaitable, ec));
      } else {
        bhttp::response<bhttp::file_body> res{status_code, version};
        res.result(static_cast<unsigned>(r.status));
        fill_headers(res, r);
        res.body() = std::move(file);
        res.prepare_payload();
        res.keep_alive(keep_alive);
        co_await bhttp::async_write(s->socket, res, asio::redirect_error(use_awaitable, ec));
      }
    } else if (head_only || no_body) {
      bhttp::response<bhttp::empty_body> res{status_code, version};
      res.result(static_cast<unsigned>(r.status));
      fill_headers(res, r);
      if (!no_body) res.content_length(r.body.size());
      res.keep_alive(keep_alive);
      co_await bhttp::async_write(s->socket, res, asio::redirect_error(use_awaitable, ec));
    } else {
      bhttp::response<bhttp::string_body> res{status_code, version};
      res.result(static_cast<unsigned>(r.status));
      fill_headers(res, r);
      res.body() = std::move(r.body);
      res.prepare_payload();
      res.keep_alive(keep_alive);
      co_await bhttp::async_write(s->socket, res, asio::redirect_error(use_awaitable, ec));
    }
    co_return r.status;
  }

  struct SseState {
    std::atomic<bool> gone{false};
  };

  // Server-sent events: headers, then the producer is called on the pool until it returns false,
  // the client goes away or the server stops. Chunked on HTTP/1.1, close-delimited on 1.0.
  awaitable<void> write_sse(const std::shared_ptr<Session>& s, Response& r, unsigned version,
                            bool head_only) {
    error_code ec;
    const bool chunked = version >= 11;
    bhttp::response<bhttp::empty_body> res{bhttp::int_to_status(static_cast<unsigned>(r.status)),
                                           version};
    res.result(static_cast<unsigned>(r.status));
    r.content_type = "text/event-stream";
    r.set_header("Content-Type", "text/event-stream");
    r.set_header("Cache-Control", "no-cache");
    r.set_header("X-Accel-Buffering", "no");
    fill_headers(res, r);
    res.keep_alive(false);
    if (chunked) res.chunked(true);
    bhttp::response_serializer<bhttp::empty_body> sr{res};
    co_await bhttp::async_write_header(s->socket, sr, asio::redirect_error(use_awaitable, ec));
    if (ec || head_only) co_return;

    auto state = std::make_shared<SseState>();
    // Notice a client that goes away while the producer is waiting for news.
    asio::co_spawn(
        s->socket.get_executor(),
        [s, state]() -> awaitable<void> {
          char buf[512];
          for (;;) {
            auto [e, n] = co_await s->socket.async_read_some(asio::buffer(buf),
                                                             asio::as_tuple(use_awaitable));
            if (e) {
              state->gone = true;
              co_return;
            }
          }
        },
        asio::detached);

    const auto write_wait = std::chrono::seconds(std::max(5, opts.request_timeout_s));
    const std::function<bool(std::string_view)> sink = [this, s, state, chunked,
                                                        write_wait](std::string_view data) -> bool {
      if (state->gone || stopping) return false;
      if (data.empty()) return true;  // an empty chunk would end the chunked body
      auto buf = std::make_shared<std::string>(data);
      auto done = std::make_shared<std::promise<bool>>();
      auto fut = done->get_future();
      asio::post(s->socket.get_executor(), [s, state, buf, done, chunked] {
        auto cb = [state, buf, done](const error_code& e, std::size_t) {
          if (e) state->gone = true;
          done->set_value(!e);
        };
        if (chunked)
          asio::async_write(s->socket, bhttp::make_chunk(asio::buffer(*buf)), cb);
        else
          asio::async_write(s->socket, asio::buffer(*buf), cb);
      });
      if (fut.wait_for(write_wait) != std::future_status::ready) {
        state->gone = true;
        return false;
      }
      return fut.get();
    };

    while (!state->gone && !stopping) {
      bool more = false;
      try {
        auto job = [&r, &sink]() -> awaitable<bool> { co_return r.sse(sink); };
        auto on_worker = asio::co_spawn(pool, std::move(job), use_awaitable);
        more = co_await std::move(on_worker);
      } catch (const std::exception& e) {
        spdlog::error("http: event stream producer failed: {}", e.what());
        more = false;
      }
      if (!more) break;
    }
    if (chunked && !state->gone) {
      const auto last = bhttp::make_chunk_last();
      co_await asio::async_write(s->socket, last, asio::redirect_error(use_awaitable, ec));
    }
  }
};

// ---- public API ----------------------------------------------------------------------------

Server::Server(const Router& router, ServerOptions opts, Middleware mw)
    : impl_(std::make_unique<Impl>(router, std::move(opts), std::move(mw))) {}

Server::~Server() = default;

void Server::listen() { impl_->listen(); }

uint16_t Server::port() const { return impl_->bound_port; }

void Server::run() { impl_->run(); }

void Server::request_stop() { impl_->request_stop(); }

void Server::install_signal_handlers() { impl_->install_signal_handlers(); }

}  // namespace dangbo::http

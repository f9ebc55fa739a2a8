// libFuzzer target: HTTP request parsing as `dangbo serve` does it — Boost.Beast's request parser
// with the server's limits (16 KiB of header, 100 fields, 1 MiB body here), then every helper the
// handlers use on what came in: target → path and query, headers, cookies, form bodies, the
// router's matching and Allow list, and the codecs (url_decode/encode round trip, html_escape).
// Invariants checked (abort on violation): url_decode(url_encode(x)) == x; html_escape output
// has no raw < > " '; a matched route's parameters are non-empty.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "http/http.hpp"

namespace bhttp = boost::beast::http;
using namespace dangbo;

namespace {

const http::Router& router() {
  static http::Router* r = [] {
    auto* rt = new http::Router;
    http::Handler h = [](http::Request&) { return http::Response::text("ok"); };
    for (const char* p : {"/", "/login", "/orgs/{code}", "/orgs/{code}/children", "/orgs/{code}/export.csv",
                          "/members/{id}", "/members/{id}/edit", "/api/v1/members/{id}", "/api/v1/organizations",
                          "/static/*", "/audit"})
      rt->add("GET", p, "rule", h);
    rt->add("POST", "/members/{id}/edit", "rule", h);
    rt->add("PATCH", "/api/v1/members/{id}", "rule", h);
    return rt;
  }();
  return *r;
}

// The server's own target handling (server.cpp fill_path_and_query), reproduced here because it
// is private to the server's translation unit.
void fill_path_and_query(http::Request& req) {
  std::string_view t = req.target;
  if (t.rfind("http://", 0) == 0 || t.rfind("https://", 0) == 0) {
    const auto authority = t.find("//") + 2;
    const auto slash = t.find_first_of("/?#", authority);
    t = slash == std::string_view::npos ? std::string_view("/") : t.substr(slash);
  }
  const auto q = t.find('?');
  const auto path_end = t.find_first_of("?#");
  req.path = http::url_decode(t.substr(0, path_end));
  if (req.path.empty()) req.path = "/";
  if (q != std::string_view::npos) {
    auto query = t.substr(q + 1);
    query = query.substr(0, query.find('#'));
    req.query = http::parse_query(query);
  }
}

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);

  // codecs on the raw bytes
  check(http::url_decode(http::url_encode(input)) == input);
  std::string esc = http::html_escape(input);
  check(esc.find_first_of("<>\"'") == std::string::npos);
  (void)http::parse_query(input);

  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(1024 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  std::size_t used = 0;
  while (used < size && !parser.is_done()) {
    std::size_t n = parser.put(boost::asio::buffer(data + used, size - used), ec);
    if (ec == bhttp::error::need_more) {
      ec = {};
      if (n == 0) break;
    }
    if (ec) return 0;
    if (n == 0) break;
    used += n;
  }
  if (!parser.is_header_done()) return 0;
  auto& msg = parser.get();
  if (static_cast<std::size_t>(std::distance(msg.begin(), msg.end())) > 100) return 0;  // 431 in the server

  http::Request req;
  req.method = std::string(msg.method_string());
  req.target = std::string(msg.target());
  fill_path_and_query(req);
  for (const auto& f : msg) {
    std::string name(f.name_string());
    auto [it, inserted] = req.headers.emplace(name, std::string(f.value()));
    if (!inserted) it->second.append(name == "Cookie" ? "; " : ", ").append(f.value());
  }
  if (parser.is_done()) req.body = msg.body();
  req.remote_addr = "192.0.2.1";

  // what handlers read
  (void)req.header("Authorization");
  (void)req.query_param("q");
  (void)req.query_params("status");
  (void)req.cookie("dangbo_session");
  (void)req.cookie("lang");
  (void)req.form();
  (void)req.is_htmx();

  bool mismatch = false;
  if (router().match(req, &mismatch)) {
    for (auto& [k, v] : req.params) check(k == "*" || !v.empty());
  }
  (void)router().allowed_methods(req);
  return 0;
}

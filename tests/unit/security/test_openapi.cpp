// The OpenAPI document (web/openapi.json, served at /api/v1/openapi.json) against the program's
// real route table (app::register_all_routes, the function `dangbo serve` uses): every API route
// is documented with its method, every documented operation is a route, every path parameter is
// declared and every $ref names a schema — so the document cannot fall behind the code again.
#include <boost/json.hpp>

#include <algorithm>
#include <functional>
#include <set>

#include "app/wiring.hpp"
#include "fixture.hpp"
#include "web/web.hpp"

using namespace dangbo;
namespace json = boost::json;

namespace {

struct OpenApi : sectest::Tree {
  std::unique_ptr<web::I18n> i18n;
  std::unique_ptr<web::Renderer> renderer;
  std::unique_ptr<web::Context> ctx;
  http::Router router;
  json::object doc;

  void SetUp() override {
    sectest::Tree::SetUp();
    if (IsSkipped()) return;
    i18n = std::make_unique<web::I18n>();
    i18n->load(std::string(DANGBO_SOURCE_DIR) + "/web/i18n");
    renderer = std::make_unique<web::Renderer>(std::string(DANGBO_SOURCE_DIR) + "/web/templates", *i18n);
    ctx = std::make_unique<web::Context>(*db, *renderer);
    ctx->keys = keys.get();
    app::register_all_routes(router, *ctx, std::string(DANGBO_SOURCE_DIR) + "/web");
    // the document as the server serves it
    http::Request req;
    req.method = "GET";
    req.target = req.path = "/api/v1/openapi.json";
    req.remote_addr = "192.0.2.10";
    const http::Handler* h = router.match(req);
    ASSERT_NE(h, nullptr);
    auto resp = web::make_middleware(*ctx)(req, *h);
    ASSERT_EQ(resp.status, 200);
    json::value v = json::parse(resp.body);  // throws (fails the test) when it is not JSON
    ASSERT_TRUE(v.is_object());
    doc = v.as_object();
    ASSERT_TRUE(doc.contains("paths") && doc.at("paths").is_object());
  }

  static bool is_api(const std::string& pattern) {
    return pattern.rfind("/api/v1/", 0) == 0 && pattern != "/api/v1/openapi.json";
  }
  static std::string lower(std::string s) {
    for (auto& c : s) c = char(std::tolower((unsigned char)c));
    return s;
  }
};

const char* kMethods[] = {"get", "put", "post", "delete", "patch", "head", "options", "trace"};

TEST_P(OpenApi, EveryApiRouteIsDocumentedWithItsMethod) {
  const auto& paths = doc.at("paths").as_object();
  int api_routes = 0;
  for (auto& r : router.routes()) {
    if (!is_api(r.pattern)) continue;
    ++api_routes;
    auto* p = paths.if_contains(r.pattern);
    if (!p) {
      ADD_FAILURE() << "route " << r.method << " " << r.pattern << " is not in web/openapi.json (\"paths\")";
      continue;
    }
    EXPECT_TRUE(p->is_object() && p->as_object().contains(lower(r.method)))
        << "web/openapi.json documents " << r.pattern << " but not its method " << r.method;
  }
  EXPECT_GE(api_routes, 20);  // the table really was built
}

TEST_P(OpenApi, EveryDocumentedOperationIsARoute) {
  std::set<std::string> routes;
  for (auto& r : router.routes()) routes.insert(lower(r.method) + " " + r.pattern);
  int operations = 0;
  for (auto& [path, item] : doc.at("paths").as_object()) {
    ASSERT_TRUE(item.is_object()) << path;
    bool any = false;
    for (auto& [key, op] : item.as_object()) {
      if (std::find(std::begin(kMethods), std::end(kMethods), std::string(key)) == std::end(kMethods)) continue;
      any = true;
      ++operations;
      EXPECT_TRUE(routes.count(std::string(key) + " " + std::string(path)))
          << "web/openapi.json documents " << key << " " << path << ", which is no route of the program";
      EXPECT_TRUE(op.is_object() && op.as_object().contains("responses")) << key << " " << path << " has no responses";
    }
    EXPECT_TRUE(any) << path << " documents no operation";
  }
  EXPECT_GE(operations, 20);
}

// Each {name} of a path is declared as a path parameter of each of its operations.
TEST_P(OpenApi, PathParametersAreDeclared) {
  for (auto& [path, item] : doc.at("paths").as_object()) {
    std::set<std::string> names;
    std::string p(path);
    for (auto b = p.find('{'); b != std::string::npos; b = p.find('{', b + 1)) names.insert(p.substr(b + 1, p.find('}', b) - b - 1));
    for (auto& [key, op] : item.as_object()) {
      if (!op.is_object()) continue;
      std::set<std::string> declared;
      if (auto* ps = op.as_object().if_contains("parameters"); ps && ps->is_array())
        for (auto& x : ps->as_array())
          if (x.is_object() && x.as_object().contains("in") && x.at("in").is_string() && x.at("in").as_string() == "path") declared.insert(std::string(x.at("name").as_string()));
      for (auto& n : names) EXPECT_TRUE(declared.count(n)) << key << " " << p << " does not declare the path parameter " << n;
    }
  }
}

// Every "$ref": "#/components/schemas/X" names a schema of the document.
TEST_P(OpenApi, EveryReferenceResolves) {
  const auto& schemas = doc.at("components").at("schemas").as_object();
  int refs = 0;
  std::function<void(const json::value&)> walk = [&](const json::value& v) {
    if (v.is_array())
      for (auto& x : v.as_array()) walk(x);
    if (!v.is_object()) return;
    for (auto& [k, x] : v.as_object()) {
      if (k == "$ref" && x.is_string()) {
        std::string ref(x.as_string());
        const std::string prefix = "#/components/schemas/";
        ++refs;
        EXPECT_TRUE(ref.rfind(prefix, 0) == 0 && schemas.contains(ref.substr(prefix.size()))) << "unresolved $ref " << ref;
      }
      walk(x);
    }
  };
  walk(doc);
  EXPECT_GT(refs, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, OpenApi, ::testing::Values(std::string("sqlite")), sectest::backend_name);

}  // namespace

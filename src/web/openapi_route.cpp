#include <fstream>
#include <sstream>

#include "web/routes.hpp"

namespace dangbo::web {
void register_openapi(http::Router& r, Context& ctx, const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  std::string doc = ss.str();
  if (doc.empty()) throw std::runtime_error("cannot read " + path);
  route(r, ctx, "GET", "/api/v1/openapi.json", "public",
        [doc](http::Request&, const security::Actor*) { return http::Response::json(doc); });
}
}  // namespace dangbo::web

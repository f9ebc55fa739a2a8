#include "app/wiring.hpp"

#include "linkage/routes.hpp"
#include "registry/routes.hpp"
#include "restructure/routes.hpp"
#include "web/routes.hpp"

namespace dangbo::app {

void register_all_routes(http::Router& router, web::Context& ctx, const std::string& web_dir) {
  web::register_auth_routes(router, ctx);
  web::register_openapi(router, ctx, web_dir + "/openapi.json");
  web::register_account_routes(router, ctx);
  web::register_audit_routes(router, ctx);
  registry::register_routes(router, ctx);
  restructure::register_routes(router, ctx, web_dir + "/../data");
  linkage::register_routes(router, ctx);
}

}  // namespace dangbo::app

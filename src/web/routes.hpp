// Routes of the web module itself: sign-in/out, language switch, health, OpenAPI.
#pragma once
#include <soci/soci.h>

#include "web/web.hpp"

namespace dangbo::web {
/// GET/POST /login, POST /logout, GET /lang/{vi|en}, GET /healthz.
void register_auth_routes(http::Router& r, Context& ctx);
/// GET /api/v1/openapi.json (served from web/openapi.json).
void register_openapi(http::Router& r, Context& ctx, const std::string& openapi_path);
}  // namespace dangbo::web

// Routes of the web module itself: sign-in/out, language switch, health, OpenAPI, the own
// account (password, second factor, sessions) and the auditor's search of the audit log.
#pragma once
#include <soci/soci.h>

#include "web/web.hpp"

namespace dangbo::web {
/// GET/POST /login, GET/POST /login/totp, POST /logout, GET /lang/{vi|en}, GET /healthz (JSON:
/// 200 {"status":"ok","database":"ok"}, or 503 {"status":"unavailable","database":"unreachable"
/// or "error","detail":…} with Retry-After).
void register_auth_routes(http::Router& r, Context& ctx);
/// GET /api/v1/openapi.json (served from web/openapi.json).
void register_openapi(http::Router& r, Context& ctx, const std::string& openapi_path);
/// GET /account, GET/POST /account/password, POST /account/sessions/revoke,
/// POST /account/totp/setup|enable|disable.
void register_account_routes(http::Router& r, Context& ctx);
/// GET /audit (page) and GET /api/v1/audit (JSON): search by actor, member, organization,
/// action and time; newest first, keyset-paged (`before`).
void register_audit_routes(http::Router& r, Context& ctx);
}  // namespace dangbo::web

// Registry pages and JSON API (no SQL here: everything goes through RegistryService).
#pragma once
#include "http/http.hpp"
#include "web/web.hpp"

namespace dangbo::registry {

/// Registers: GET /orgs/{code}, /orgs/{code}/children (htmx), /orgs/{code}/members (htmx),
/// /members/{id}, GET/POST /members/{id}/edit, /dashboard, and the API
/// /api/v1/organizations, /api/v1/members, GET/PATCH /api/v1/members/{id}, /api/v1/stats.
void register_routes(http::Router& r, web::Context& ctx);

}  // namespace dangbo::registry

// dangbo::linkage — the review desk: pages /dedupe… and API /api/v1/dedupe/… (no SQL here).
#pragma once

#include "http/http.hpp"
#include "web/web.hpp"

namespace dangbo::linkage {

// Registers the pages and the API. Authorization in DedupeService (admin, staff; subtree).
void register_routes(http::Router& r, web::Context& ctx);

}  // namespace dangbo::linkage

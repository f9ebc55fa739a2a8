// dangbo::quality — the pages and API of imports and of the cleaning campaign.
//
// Imports (staff and administrators for rosters; any role that edits members for fix sheets,
// always inside the actor's scope):
//   GET  /imports                     jobs of the scope, the upload form
//   POST /imports                     multipart upload (file, org, dry_run) → the job page
//   GET  /imports/{id}                the detected column mapping to confirm; the live progress
//                                     (server-sent events); the result with its row accounting
//   POST /imports/{id}/start          the confirmed mapping (col_N = field), dry_run, save_mapping
//   POST /imports/{id}/resume         runs an interrupted job again (continues after its last batch)
//   POST /api/v1/imports?org=CODE&name=FILE&dry_run=0|1&start=1&batch=N&mapping=JSON  (body: the file)
//   GET  /api/v1/imports, /api/v1/imports/{id}, /api/v1/imports/{id}/rejected?after=LINE
//   GET  /api/v1/imports/{id}/events  text/event-stream: "progress" events, then one "done"
//   POST /api/v1/imports/{id}/resume
// Campaign (read access in scope):
//   GET  /campaign?org=CODE           burn-down per unit, totals, who fixed what
//   GET  /campaign/findings?org=CODE&code=&severity=&status=&import=&after=
//   GET  /campaign/findings.xlsx?org=CODE   the sheet a unit fills in and sends back
//   GET  /api/v1/campaign?org=CODE    the chart's data;  GET /api/v1/findings?… (JSON)
#pragma once
#include <string>

#include "http/http.hpp"
#include "web/web.hpp"

namespace dangbo::quality {

/// `data_dir` holds the reference data the standardizer loads (on first use).
void register_import_routes(http::Router& r, web::Context& ctx, const std::string& data_dir);
/// The campaign's pages and API (campaign_routes.cpp).
void register_campaign_routes(http::Router& r, web::Context& ctx);

}  // namespace dangbo::quality

// Restructure pages and API:
//   GET  /restructure                     plans applied, the plan form (paste or load a CSV, or build
//                                         it operation by operation), undo of the last plan
//   POST /restructure/build               adds one operation (form fields) to the plan text
//   POST /restructure/preview             problems, tree before and after, members that move
//   POST /restructure/apply               applies (one transaction) → the plan's page
//   POST /restructure/undo                undoes the last plan (administrators)
//   GET  /restructure/plans/{id}          one plan: operations, decisions, counts
//   GET  /restructure/plans/{id}/plan.csv the plan as imported
//   GET  /restructure/plan-2025.csv       the real HCMC 2025 plan from the reference data
//   GET  /restructure/standards           units below the area/population thresholds
//   POST /api/v1/restructure/preview      body: text/csv, or JSON {"csv": "…"}
//   POST /api/v1/restructure/apply        same body; 422 problem+json listing the problems
//   POST /api/v1/restructure/undo         JSON {"plan_id": N} (optional)
//   GET  /api/v1/restructure/plans
//   GET  /api/v1/restructure/standards    ?province=79&basis=arrangement_2025|standard&on=YYYY-MM-DD&all=1
#pragma once
#include "http/http.hpp"
#include "web/web.hpp"

namespace dangbo::restructure {

/// `data_dir` is the repository's data/ (for the 2025 plan download).
void register_routes(http::Router& r, web::Context& ctx, const std::string& data_dir);

}  // namespace dangbo::restructure

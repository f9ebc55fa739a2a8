// Restructure pages and API:
//   GET  /restructure                     plans applied, the plan form (paste or load a CSV, or build
//                                         it operation by operation), undo of the last plan
//   POST /restructure/build               adds one operation (form fields) to the plan text
//   POST /restructure/preview             problems, tree before and after, members that move
//   POST /restructure/apply               applies (one transaction) → the plan's page
//   POST /restructure/xlsx                an .xlsx body → the plan as CSV text (for the page's file picker)
//   POST /restructure/undo                undoes the last plan (administrators)
//   GET  /restructure/plans/{id}          one plan: operations, decisions, counts
//   GET  /restructure/plans/{id}/plan.csv the plan as imported
//   GET  /restructure/plan-2025.csv       the real HCMC 2025 plan from the reference data
//   GET  /restructure/standards           units below the area/population thresholds
//   POST /api/v1/restructure/preview      body: text/csv, an .xlsx workbook, or JSON {"csv": "…"}
//   POST /api/v1/restructure/apply        same body; 422 problem+json listing the problems
//   POST /api/v1/restructure/undo         JSON {"plan_id": N} (optional)
//   GET  /api/v1/restructure/plans
//   GET  /api/v1/restructure/standards    ?province=79&basis=arrangement_2025|standard&on=YYYY-MM-DD&all=1
#pragma once
#include <functional>
#include <string>

#include "http/http.hpp"
#include "web/web.hpp"

namespace dangbo::restructure {

/// Converts an .xlsx workbook's table to CSV text (the app passes the quality module's reader;
/// restructure does not depend on that module). Empty: XLSX plans are refused.
using XlsxToCsv = std::function<std::string(const std::string&)>;

/// `data_dir` is the repository's data/ (for the 2025 plan download). Plans may come as CSV, or
/// as XLSX when `xlsx_to_csv` is given (POST /restructure/xlsx turns a workbook into the text of
/// the plan form; the API accepts an .xlsx body).
void register_routes(http::Router& r, web::Context& ctx, const std::string& data_dir, XlsxToCsv xlsx_to_csv = {});

}  // namespace dangbo::restructure

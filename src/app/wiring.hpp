// The route table of the whole program, in one place: `dangbo serve` and the permission-matrix
// test (tests/unit/security/test_permission_matrix.cpp) build the very same router, so a route
// added here without an entry in the matrix fails that test. Add every module's routes here.
#pragma once
#include <string>

#include "http/http.hpp"
#include "web/web.hpp"

namespace dangbo::app {

/// Registers every route of every module. `web_dir` holds openapi.json.
void register_all_routes(http::Router& router, web::Context& ctx, const std::string& web_dir);

/// The main table of an .xlsx workbook (its first data sheet, quality::XlsxReader) as CSV text
/// (UTF-8, RFC 4180, LF): how restructuring plans kept in Excel are read. Throws
/// std::runtime_error (a Vietnamese sentence) when the bytes are not a workbook.
std::string xlsx_to_csv(const std::string& bytes);

}  // namespace dangbo::app

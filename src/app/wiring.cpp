#include "app/wiring.hpp"

#include "linkage/routes.hpp"
#include "quality/import_routes.hpp"
#include "quality/reader.hpp"
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
  restructure::register_routes(router, ctx, web_dir + "/../data", xlsx_to_csv);
  linkage::register_routes(router, ctx);
  quality::register_import_routes(router, ctx, web_dir + "/../data");
  quality::register_campaign_routes(router, ctx);
}

std::string xlsx_to_csv(const std::string& bytes) {
  auto reader = quality::XlsxReader::open_memory(bytes);
  std::string out;
  quality::RawRecord rec;
  std::size_t width = 0;  // the header's columns; every row is written with as many
  while (reader->next(rec)) {
    std::size_t n = rec.cells.size();
    while (n > 0 && rec.cells[n - 1].empty()) --n;
    if (n == 0) continue;
    if (width == 0) width = n;
    for (std::size_t i = 0; i < width; ++i) {
      const std::string c = i < rec.cells.size() ? rec.cells[i] : std::string();
      if (i) out += ',';
      if (c.find_first_of(",\"\r\n") == std::string::npos) {
        out += c;
      } else {
        out += '"';
        for (char ch : c) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
        out += '"';
      }
    }
    out += '\n';
  }
  return out;
}

}  // namespace dangbo::app

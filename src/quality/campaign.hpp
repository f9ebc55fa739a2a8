// dangbo::quality — the cleaning campaign: open findings per unit over time (a daily snapshot
// per organization, burn-down), who fixed what, the totals; the findings of a unit as a list
// and as the XLSX sheet the unit fills in and sends back (import kind "fixes").
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "registry/model.hpp"
#include "security/security.hpp"

namespace dangbo::quality {

/// Replaces the snapshot of `day` (ISO; default today in Vietnam): per organization (the
/// member's current one), its open errors, open warnings and fixed findings. Cheap enough to
/// run after every import and fix sheet; the campaign page also takes the day's first one.
void take_campaign_snapshot(db::Database& db, const std::string& day = "");

struct CampaignCounts {
  int64_t open_errors = 0, open_warnings = 0, fixed = 0;
  int64_t open() const { return open_errors + open_warnings; }
};

struct CampaignUnit {
  std::string code, name;
  CampaignCounts now;
  std::vector<int64_t> open_by_day;  // aligned with CampaignView::days
};

struct Fixer {
  std::string name;
  int64_t fixed = 0;
  std::string last_at;
};

struct RecentFix {
  std::string at, by, member_name, org_name, field, column, code, before, after;
  int64_t member_id = 0;
};

struct CampaignView {
  registry::Organization org;
  std::vector<std::string> days;        // ISO days, oldest first, continuous up to today
  std::vector<int64_t> total_by_day;    // open findings of the whole subtree per day
  std::vector<CampaignUnit> units;      // the organization's direct subordinates (or itself)
  CampaignCounts total;                 // now
  int64_t auto_fixed = 0;               // values changed automatically by imports (info findings)
  std::map<std::string, int64_t> open_by_code;
  std::vector<Fixer> fixers;
  std::vector<RecentFix> recent;
};

/// The campaign of `org_code` (default: the actor's scope) over the last `days` days. Requires
/// read_member in scope (not_found outside it, forbidden for members and auditors).
CampaignView campaign_view(db::Database& db, const security::Actor& a, const std::string& org_code, int days = 60);

/// One finding as listed.
struct FindingRow {
  int64_t id = 0, member_id = 0, import_id = 0, line = 0;
  std::string member_name, org_code, org_name;
  std::string field, column, code, severity, message, original, suggested, status, current;
  std::string fixed_at, fixed_by, fixed_value;
};

struct FindingQuery {
  std::string status = "open";  // open | fixed | "" (both)
  std::string severity;         // "" | warning | error | info
  std::string code;             // "" or one code
  std::optional<int64_t> import_id;
  int64_t after_id = 0;         // keyset: findings with a larger id
  int limit = 100;
};

/// Findings of members inside the subtree of `org_code` (scope checked as campaign_view),
/// ordered by id. `current` holds the member's current value of the field.
std::vector<FindingRow> list_findings(db::Database& db, const security::Actor& a, const std::string& org_code,
                                      const FindingQuery& q, registry::Organization* org_out = nullptr);

/// The XLSX (bytes) of the open findings (warnings and errors) of `org_code`'s subtree: one row
/// per finding, with the finding's id, the member's id and name, the current and suggested
/// values, and two columns to fill in: "Đồng ý đề xuất (x)" and "Giá trị sửa". Sent back, it is
/// imported as a fix sheet (import kind "fixes"). Requires export_members in scope; audited.
std::string findings_xlsx(db::Database& db, const security::Actor& a, const std::string& org_code, int64_t* rows = nullptr);

}  // namespace dangbo::quality

// The cleaning campaign: snapshots, the campaign view, finding lists.
#include "quality/campaign.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <unordered_map>

#include "base/date.hpp"
#include "base/error.hpp"
#include "quality/import.hpp"
#include "quality/import_internal.hpp"
#include "registry/service.hpp"
#include "registry/store.hpp"

namespace dangbo::quality {
using base::Error;
using base::ErrorKind;

namespace {

registry::Organization scoped_org(soci::session& sql, const security::Actor& a, const std::string& org_code,
                                  security::Action act) {
  using security::Role;
  if (!security::role_allows(a.role, act) || a.role == Role::member || a.role == Role::auditor)
    throw Error(ErrorKind::forbidden, "forbidden", "Bạn không có quyền xem công tác làm sạch dữ liệu");
  std::string code = org_code.empty() ? a.org_code : org_code;
  auto o = registry::find_org(sql, code, base::today().iso());
  if (!o || !a.in_scope(o->path))
    throw Error(ErrorKind::not_found, "org.not_found",
                "Không tìm thấy tổ chức đảng có mã '" + code + "' (hoặc bạn không có quyền xem)");
  return *o;
}

}  // namespace

// The current value of a member's field (by quality field name) as shown to people.
std::string field_current_text(const registry::Member& m, const std::string& field) {
  auto f = parse_field(field);
  if (!f) return "";
  switch (*f) {
    case Field::full_name: return m.full_name();
    case Field::family_middle: return vntext::collapse_spaces(m.family_name + " " + m.middle_name);
    case Field::gender: return m.gender == registry::Gender::female ? "Nữ" : "Nam";
    case Field::status: return std::string(registry::label_vi(m.status));
    default: break;
  }
  auto rf = registry_fields(*f);
  return rf.empty() ? std::string() : registry::member_field_text(m, rf.front());
}

void take_campaign_snapshot(db::Database& db, const std::string& day_in) {
  std::string day = day_in.empty() ? base::today().iso() : day_in, now = db::now_utc();
  auto s = db.session();
  soci::transaction tr(*s);
  isql::Query d;
  d.text = "DELETE FROM campaign_snapshot WHERE day = " + d.add(day);
  isql::exec(*s, d);
  isql::Query q;
  q.text = "INSERT INTO campaign_snapshot(day, org_id, org_path, open_errors, open_warnings, fixed, taken_at) "
           "SELECT CAST(" + q.add(day) + " AS TEXT), m.org_id, m.org_path, "
           "sum(CASE WHEN f.status = 'open' AND f.severity = 'error' THEN 1 ELSE 0 END), "
           "sum(CASE WHEN f.status = 'open' AND f.severity = 'warning' THEN 1 ELSE 0 END), "
           "sum(CASE WHEN f.status = 'fixed' THEN 1 ELSE 0 END), CAST(" + q.add(now) + " AS TEXT) "
           "FROM finding f JOIN member m ON m.id = f.member_id WHERE f.status IN ('open', 'fixed') "
           "GROUP BY m.org_id, m.org_path";
  isql::exec(*s, q);
  tr.commit();
}

CampaignView campaign_view(db::Database& db, const security::Actor& a, const std::string& org_code, int ndays) {
  CampaignView v;
  auto s = db.session();
  v.org = scoped_org(*s, a, org_code, security::Action::read_member);
  const std::string today = base::today().iso();
  {
    isql::Query q;
    q.text = "SELECT count(*) FROM campaign_snapshot WHERE day = " + q.add(today);
    bool have = isql::to_i64(isql::scalar(*s, q)) > 0;
    isql::Query any;
    any.text = "SELECT count(*) FROM finding WHERE status IN ('open', 'fixed')";
    if (!have && isql::to_i64(isql::scalar(*s, any)) > 0) take_campaign_snapshot(db, today);
  }
  // The units: direct subordinates valid today (or the organization itself when it has none).
  struct Unit {
    std::string path;
    std::size_t idx;
  };
  std::vector<Unit> units;
  {
    isql::Query q;
    q.text = "SELECT code, name, path FROM organization WHERE parent_id = " + q.add(v.org.id) + " AND valid_from <= " +
             q.add(today) + " AND (valid_to IS NULL OR valid_to > " + q.add(today) + ") ORDER BY code";
    isql::each(*s, q, 3, [&](const isql::Row& r) {
      units.push_back({r.s(2), v.units.size()});
      v.units.push_back(CampaignUnit{r.s(0), r.s(1), {}, {}});
    });
    if (units.empty()) {
      units.push_back({v.org.path, 0});
      v.units.push_back(CampaignUnit{v.org.code, v.org.name, {}, {}});
    }
  }
  // Paths are "/1/23/…/": a unit is found by the prefix of a path up to its own segment.
  std::unordered_map<std::string, std::size_t> unit_of_path;
  for (auto& u : units) unit_of_path[u.path] = u.idx;
  const std::size_t depth = std::count(units.front().path.begin(), units.front().path.end(), '/');
  auto unit_for = [&](const std::string& path) -> std::optional<std::size_t> {
    std::size_t seen = 0, cut = std::string::npos;
    for (std::size_t i = 0; i < path.size(); ++i)
      if (path[i] == '/' && ++seen == depth) {
        cut = i + 1;
        break;
      }
    if (cut == std::string::npos) return std::nullopt;
    auto it = unit_of_path.find(path.substr(0, cut));
    if (it == unit_of_path.end()) return std::nullopt;
    return it->second;
  };
  const std::string lo = v.org.path, hi = registry::subtree_end(v.org.path);

  // Now: open and fixed findings per unit.
  {
    isql::Query q;
    q.text = "SELECT m.org_path, f.status, f.severity, count(*) FROM finding f JOIN member m ON m.id = f.member_id "
             "WHERE m.org_path >= " + q.add(lo) + " AND m.org_path < " + q.add(hi) +
             " GROUP BY m.org_path, f.status, f.severity";
    isql::each(*s, q, 4, [&](const isql::Row& r) {
      int64_t n = r.i(3);
      const std::string &st = r.s(1), &sev = r.s(2);
      CampaignCounts* c = nullptr;
      if (auto u = unit_for(r.s(0))) c = &v.units[*u].now;
      auto add = [&](CampaignCounts& x) {
        if (st == "open" && sev == "error") x.open_errors += n;
        else if (st == "open" && sev == "warning") x.open_warnings += n;
        else if (st == "fixed") x.fixed += n;
      };
      if (c) add(*c);
      add(v.total);
    });
  }
  {
    isql::Query q;
    q.text = "SELECT sum(findings_auto) FROM import_job WHERE dry_run = 0 AND org_path >= " + q.add(lo) +
             " AND org_path < " + q.add(hi);
    v.auto_fixed = isql::to_i64(isql::scalar(*s, q));
  }
  {
    isql::Query q;
    q.text = "SELECT f.code, count(*) FROM finding f JOIN member m ON m.id = f.member_id WHERE f.status = 'open' AND "
             "m.org_path >= " + q.add(lo) + " AND m.org_path < " + q.add(hi) + " GROUP BY f.code";
    isql::each(*s, q, 2, [&](const isql::Row& r) { v.open_by_code[r.s(0)] = r.i(1); });
  }
  // Over time: the snapshots of the last days, each day's missing value carried forward.
  {
    base::CivilDate from = base::add_days(base::today(), -(ndays - 1));
    isql::Query q;
    q.text = "SELECT day, org_path, open_errors + open_warnings FROM campaign_snapshot WHERE org_path >= " + q.add(lo) +
             " AND org_path < " + q.add(hi) + " AND day >= " + q.add(from.iso()) + " ORDER BY day";
    std::map<std::string, std::map<std::size_t, int64_t>> per_day;  // day → unit → open
    std::map<std::string, int64_t> total_day;
    isql::each(*s, q, 3, [&](const isql::Row& r) {
      total_day[r.s(0)] += r.i(2);
      per_day[r.s(0)];
      if (auto u = unit_for(r.s(1))) per_day[r.s(0)][*u] += r.i(2);
    });
    if (!per_day.empty()) {
      auto first = base::parse_iso_date(per_day.begin()->first);
      for (base::CivilDate d = *first; d.iso() <= today; d = base::add_days(d, 1)) v.days.push_back(d.iso());
      std::vector<int64_t> last(v.units.size(), 0);
      int64_t last_total = 0;
      for (auto& day : v.days) {
        auto it = per_day.find(day);
        if (it != per_day.end()) {
          std::fill(last.begin(), last.end(), 0);
          for (auto& [u, n] : it->second) last[u] = n;
          last_total = total_day[day];
        }
        for (std::size_t u = 0; u < v.units.size(); ++u) v.units[u].open_by_day.push_back(last[u]);
        v.total_by_day.push_back(last_total);
      }
    }
  }
  // Who fixed what.
  {
    isql::Query q;
    q.text = "SELECT f.fixed_by_name, count(*), max(f.fixed_at) FROM finding f JOIN member m ON m.id = f.member_id "
             "WHERE f.status = 'fixed' AND m.org_path >= " + q.add(lo) + " AND m.org_path < " + q.add(hi) +
             " GROUP BY f.fixed_by_name ORDER BY count(*) DESC LIMIT 20";
    isql::each(*s, q, 3, [&](const isql::Row& r) { v.fixers.push_back({r.s(0), r.i(1), r.s(2)}); });
  }
  {
    isql::Query q;
    q.text = "SELECT f.fixed_at, f.fixed_by_name, m.id, m.family_name, m.middle_name, m.given_name, o.name, f.field, "
             "f.column_name, f.code, f.original, f.fixed_value FROM finding f JOIN member m ON m.id = f.member_id "
             "JOIN organization o ON o.id = m.org_id WHERE f.status = 'fixed' AND m.org_path >= " + q.add(lo) +
             " AND m.org_path < " + q.add(hi) + " ORDER BY f.fixed_at DESC, f.id DESC LIMIT 15";
    isql::each(*s, q, 12, [&](const isql::Row& r) {
      RecentFix f;
      f.at = r.s(0);
      f.by = r.s(1);
      f.member_id = r.i(2);
      f.member_name = vntext::collapse_spaces(r.s(3) + " " + r.s(4) + " " + r.s(5));
      f.org_name = r.s(6);
      f.field = r.s(7);
      f.column = r.s(8);
      f.code = r.s(9);
      f.before = r.s(10);
      f.after = r.s(11);
      v.recent.push_back(std::move(f));
    });
  }
  return v;
}

std::vector<FindingRow> list_findings(db::Database& db, const security::Actor& a, const std::string& org_code,
                                      const FindingQuery& fq, registry::Organization* org_out) {
  auto s = db.session();
  auto org = scoped_org(*s, a, org_code, security::Action::read_member);
  if (org_out) *org_out = org;
  isql::Query q;
  q.text = "SELECT f.id, f.member_id, f.import_id, f.line, m.family_name, m.middle_name, m.given_name, o.code, o.name, "
           "f.field, f.column_name, f.code, f.severity, f.message, f.original, f.suggested, f.status, f.fixed_at, "
           "f.fixed_by_name, f.fixed_value FROM finding f JOIN member m ON m.id = f.member_id JOIN organization o ON "
           "o.id = m.org_id WHERE m.org_path >= " + q.add(org.path) + " AND m.org_path < " + q.add(registry::subtree_end(org.path));
  if (fq.status.empty()) q.text += " AND f.status IN ('open', 'fixed')";
  else q.text += " AND f.status = " + q.add(fq.status);
  if (!fq.severity.empty()) q.text += " AND f.severity = " + q.add(fq.severity);
  if (!fq.code.empty()) q.text += " AND f.code = " + q.add(fq.code);
  if (fq.import_id) q.text += " AND f.import_id = " + q.add(*fq.import_id);
  if (fq.after_id > 0) q.text += " AND f.id > " + q.add(fq.after_id);
  q.text += " ORDER BY f.id LIMIT " + std::to_string(std::clamp(fq.limit, 1, 100000));
  std::vector<FindingRow> out;
  isql::each(*s, q, 20, [&](const isql::Row& r) {
    FindingRow f;
    f.id = r.i(0);
    f.member_id = r.i(1);
    f.import_id = r.i(2);
    f.line = r.i(3);
    f.member_name = vntext::collapse_spaces(r.s(4) + " " + r.s(5) + " " + r.s(6));
    f.org_code = r.s(7);
    f.org_name = r.s(8);
    f.field = r.s(9);
    f.column = r.s(10);
    f.code = r.s(11);
    f.severity = r.s(12);
    f.message = r.s(13);
    f.original = r.s(14);
    f.suggested = r.s(15);
    f.status = r.s(16);
    f.fixed_at = r.s(17);
    f.fixed_by = r.s(18);
    f.fixed_value = r.s(19);
    out.push_back(std::move(f));
  });
  // The members' current values: read in a few statements (find_members), not one per member
  // (the fix sheet lists up to 100,000 findings).
  std::vector<int64_t> ids;
  ids.reserve(out.size());
  for (auto& f : out) ids.push_back(f.member_id);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::unordered_map<int64_t, registry::Member> members;
  for (auto& m : registry::find_members(*s, ids)) members.emplace(m.id, std::move(m));
  for (auto& f : out)
    if (auto it = members.find(f.member_id); it != members.end()) f.current = field_current_text(it->second, f.field);
  return out;
}

}  // namespace dangbo::quality

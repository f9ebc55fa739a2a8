#include "restructure/seed2025.hpp"

#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "registry/seed.hpp"
#include "vntext/text.hpp"

namespace dangbo::restructure {
using registry::GeneratedOrg;

namespace {
bool is_synthetic_kind(OrgKind k) {
  return k == OrgKind::grassroots_committee || k == OrgKind::grassroots_cell || k == OrgKind::cell;
}
double secs_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}
}  // namespace

OldTree old_tree_2025(const registry::RefData& ref, const std::vector<GeneratedOrg>& new_tree,
                      const std::vector<std::string>& new_provinces) {
  OldTree out;
  auto wanted = [&](const std::string& np) {
    return new_provinces.empty() || std::find(new_provinces.begin(), new_provinces.end(), np) != new_provinces.end();
  };
  std::set<std::string> old_provs;
  for (auto& m : ref.province_mappings())
    if (wanted(m.new_code)) old_provs.insert(m.old_code);
  std::set<std::string> old_units;
  for (auto& p : ref.old_provinces())
    if (old_provs.count(p.code))
      out.orgs.push_back({old_province_org_code(p.code), province_org_name(p), OrgKind::city, "", p.code, 0});
  for (auto& d : ref.old_districts())
    if (old_provs.count(d.province_code)) {
      out.orgs.push_back({d.code, district_org_name(d), OrgKind::upper_committee, old_province_org_code(d.province_code), d.code, 0});
      old_units.insert(d.code);
    }
  for (auto& c : ref.old_communes())
    if (old_provs.count(c.province_code)) {
      out.orgs.push_back({c.code, old_commune_org_name(c), OrgKind::commune_committee, c.district_code, c.code, 0});
      old_units.insert(c.code);
    }

  // Sources of each new unit: whole ones first, then the parts of split ones, each by code.
  std::map<std::string, const GeneratedOrg*> by_code;
  for (auto& g : new_tree) by_code[g.code] = &g;
  std::map<std::string, std::vector<std::pair<std::string, bool>>> sources_cache;  // new → (old, split?)
  auto sources = [&](const std::string& nc) -> const std::vector<std::pair<std::string, bool>>& {
    auto it = sources_cache.find(nc);
    if (it != sources_cache.end()) return it->second;
    std::vector<std::pair<std::string, bool>> v;
    for (auto* m : ref.mappings_to(nc))
      if (old_units.count(m->old_code)) v.emplace_back(m->old_code, m->n_targets > 1);
    std::sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.second != b.second ? !a.second : a.first < b.first; });
    return sources_cache[nc] = std::move(v);
  };
  std::map<std::string, int> seen_in_unit;                     // new unit → grassroots placed so far
  std::unordered_map<std::string, std::string> old_unit_of;    // org code → old unit code (for its subtree)
  for (auto& g : new_tree) {
    if (g.kind == OrgKind::city || g.kind == OrgKind::commune_committee) continue;
    auto parent = by_code.find(g.parent_code);
    if (parent == by_code.end()) throw std::runtime_error("old_tree_2025: organization " + g.code + " has an unknown parent");
    GeneratedOrg o = g;
    if (parent->second->kind == OrgKind::commune_committee) {
      const std::string& nc = parent->second->code;
      auto& src = sources(nc);
      if (src.empty()) throw std::runtime_error("old_tree_2025: new unit " + nc + " has no old unit in the mapping");
      auto& [old, split] = src[std::size_t(seen_in_unit[nc]++) % src.size()];
      o.parent_code = old;
      o.admin_unit_code = old;
      if (split) out.assignments.push_back({g.code, nc, 0});
    } else {
      auto it = old_unit_of.find(g.parent_code);
      o.admin_unit_code = it == old_unit_of.end() ? g.admin_unit_code : it->second;
    }
    old_unit_of[g.code] = o.admin_unit_code;
    out.orgs.push_back(std::move(o));
  }
  return out;
}

int64_t load_tree(db::Database& db, const std::vector<GeneratedOrg>& orgs, const CivilDate& from) {
  auto s = db.session();
  soci::session& sql = *s;
  soci::transaction tr(sql);
  long long max_id = 0;
  soci::indicator ind = soci::i_null;
  sql << "SELECT max(id) FROM organization", soci::into(max_id, ind);
  int64_t next = (ind == soci::i_ok ? max_id : 0) + 1;
  std::unordered_map<std::string, std::pair<int64_t, std::string>> by_code;
  long long id = 0, pid = 0;
  soci::indicator pind = soci::i_null;
  std::string code, name, key, kind, unit, vfrom = from.iso(), path, now = db::now_utc();
  int syn = 0;
  soci::statement ins = (sql.prepare << "INSERT INTO organization(id, code, name, name_key, kind, parent_id, admin_unit_code, "
                                        "valid_from, valid_to, path, synthetic, created_at) VALUES (:id, :c, :n, :k, :kd, :p, :a, "
                                        ":f, NULL, :path, :s, :at)",
                         soci::use(id), soci::use(code), soci::use(name), soci::use(key), soci::use(kind), soci::use(pid, pind),
                         soci::use(unit), soci::use(vfrom), soci::use(path), soci::use(syn), soci::use(now));
  for (auto& g : orgs) {
    std::string ppath = "/";
    pind = soci::i_null;
    pid = 0;
    if (!g.parent_code.empty()) {
      auto it = by_code.find(g.parent_code);
      if (it == by_code.end()) throw std::runtime_error("organization " + g.code + " names unknown parent " + g.parent_code);
      pid = it->second.first;
      pind = soci::i_ok;
      ppath = it->second.second;
    }
    id = next++;
    code = g.code;
    name = g.name;
    key = vntext::search_key(g.name);
    kind = std::string(registry::to_string(g.kind));
    unit = g.admin_unit_code;
    path = ppath + std::to_string(id) + "/";
    syn = is_synthetic_kind(g.kind) ? 1 : 0;
    ins.execute(true);
    by_code[g.code] = {id, path};
  }
  if (db.dialect() == db::Dialect::postgresql && !orgs.empty())
    sql << "SELECT setval(pg_get_serial_sequence('organization', 'id'), (SELECT max(id) FROM organization))";
  tr.commit();
  return int64_t(orgs.size());
}

void backdate_memberships(db::Database& db, const CivilDate& effective) {
  auto s = db.session();
  soci::session& sql = *s;
  soci::transaction tr(sql);
  std::string start = kHistoryStart.iso(), last = base::add_days(effective, -1).iso();
  sql << "UPDATE membership SET valid_from = COALESCE((SELECT CASE WHEN m.admitted_on IS NULL OR m.admitted_on < :s1 THEN :s2 "
         "WHEN m.admitted_on > :l1 THEN :l2 ELSE m.admitted_on END FROM member m WHERE m.id = membership.member_id), :s3) "
         "WHERE valid_to IS NULL",
      soci::use(start, "s1"), soci::use(start, "s2"), soci::use(last, "l1"), soci::use(last, "l2"), soci::use(start, "s3");
  tr.commit();
}

SeedReport seed_history_2025(db::Database& db, const registry::RefData& ref, const registry::GenOptions& opts,
                             const std::function<void(int64_t)>& progress) {
  SeedReport rep;
  auto t0 = std::chrono::steady_clock::now();
  {
    auto s = db.session();
    int n = 0;
    *s << "SELECT count(*) FROM organization", soci::into(n);
    if (n) throw std::runtime_error("seed_history_2025: the database already has organizations");
  }
  auto new_tree = registry::generate_org_tree(ref, opts);
  OldTree old = old_tree_2025(ref, new_tree);
  rep.old_orgs = load_tree(db, old.orgs, kHistoryStart);
  rep.seconds_tree = secs_since(t0);
  auto t1 = std::chrono::steady_clock::now();
  if (opts.members > 0) {
    rep.members = registry::load_roster(db, ref, new_tree, opts, progress);
    backdate_memberships(db, Decisions2025{}.effective);
  }
  rep.seconds_roster = secs_since(t1);
  auto t2 = std::chrono::steady_clock::now();
  Plan plan = plan_2025(ref, SplitRule::listed, old.assignments);
  Engine engine(db);
  auto res = engine.apply(plan, nullptr);
  rep.plan_id = res.plan_id;
  rep.preview = std::move(res.preview);
  if (db.dialect() == db::Dialect::sqlite) {
    auto s = db.session();
    *s << "PRAGMA analysis_limit=2000";
    *s << "ANALYZE";
  } else {
    auto s = db.session();
    *s << "ANALYZE";
  }
  rep.seconds_apply = secs_since(t2);
  spdlog::info("2025 history seeded: {} old organizations ({:.2f} s), {} members ({:.2f} s), plan {} applied ({:.2f} s)",
               rep.old_orgs, rep.seconds_tree, rep.members, rep.seconds_roster, rep.plan_id, rep.seconds_apply);
  return rep;
}

std::vector<GeneratedOrg> generate_national_tree(const registry::RefData& ref, int64_t orgs, uint64_t seed) {
  std::vector<GeneratedOrg> out;
  uint64_t x = seed * 0x9E3779B97F4A7C15ULL + 1;
  auto rnd = [&]() {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  const auto& units = ref.new_communes();
  double pop = 0;
  for (auto& u : units) pop += double(std::max<long>(u.population, 1000));
  for (auto& p : ref.new_provinces())
    out.push_back({new_province_org_code(p.code), province_org_name(p), OrgKind::city, "", p.code, 0});
  // About 1.4 organizations per leaf (grassroots committees carry 3–8 cells), plus the units.
  double leaves_total = std::max<double>(double(units.size()), double(orgs - int64_t(units.size()) - 34) / 1.15);
  for (auto& u : units) {
    out.push_back({u.code, registry::org_name_for_unit(u), OrgKind::commune_committee, new_province_org_code(u.province_code), u.code, 0});
    int64_t leaves = std::max<int64_t>(1, std::llround(leaves_total * double(std::max<long>(u.population, 1000)) / pop));
    int g = 0;
    while (leaves > 0) {
      ++g;
      std::string gc = u.code + "." + std::to_string(g);
      if (leaves >= 4 && rnd() % 8 == 0) {
        int k = int(3 + rnd() % 6);
        if (k > leaves) k = int(leaves);
        out.push_back({gc, "Đảng bộ cơ sở số " + std::to_string(g), OrgKind::grassroots_committee, u.code, u.code, 0});
        for (int c = 1; c <= k; ++c)
          out.push_back({gc + "." + std::to_string(c), "Chi bộ số " + std::to_string(c), OrgKind::cell, gc, u.code, 10 + int64_t(rnd() % 40)});
        leaves -= k;
      } else {
        out.push_back({gc, "Chi bộ cơ sở số " + std::to_string(g), OrgKind::grassroots_cell, u.code, u.code, 10 + int64_t(rnd() % 40)});
        --leaves;
      }
    }
  }
  return out;
}

}  // namespace dangbo::restructure

#include "registry/lineage.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "registry/store.hpp"

namespace dangbo::registry {

namespace {

int64_t to_i64(const std::string& s) {
  int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

std::vector<LineageLink> links(soci::session& sql, int64_t org_id, bool predecessors) {
  // this side's column, the other side's column
  const char* mine = predecessors ? "successor_id" : "predecessor_id";
  const char* other = predecessors ? "predecessor_id" : "successor_id";
  std::string q = std::string("SELECT ") + other + ", operation, decision_no, decision_date, effective_date, plan_id FROM org_lineage WHERE " +
                  mine + " = :id ORDER BY id";
  std::string o, op, no, dd, ed, plan;
  soci::indicator oi = soci::i_null, pi = soci::i_null;
  long long id = org_id;
  soci::statement st = (sql.prepare << q, soci::use(id), soci::into(o, oi), soci::into(op), soci::into(no), soci::into(dd),
                        soci::into(ed), soci::into(plan, pi));
  st.execute();
  std::vector<std::pair<std::string, LineageLink>> rows;
  std::vector<int64_t> ids;
  while (st.fetch()) {
    LineageLink l;
    l.operation = op;
    l.decision_no = no;
    l.decision_date = base::parse_iso_date(dd).value_or(CivilDate{});
    l.effective_date = base::parse_iso_date(ed).value_or(CivilDate{});
    l.plan_id = pi == soci::i_ok ? to_i64(plan) : 0;
    rows.emplace_back(oi == soci::i_ok ? o : std::string(), std::move(l));
  }
  std::vector<LineageLink> out;
  for (auto& [oid, l] : rows) {
    if (!oid.empty()) l.other = find_org_by_id(sql, to_i64(oid));
    out.push_back(std::move(l));
  }
  std::stable_sort(out.begin(), out.end(), [](const LineageLink& a, const LineageLink& b) {
    return (a.other ? a.other->code : std::string()) < (b.other ? b.other->code : std::string());
  });
  return out;
}

}  // namespace

std::vector<LineageLink> org_predecessors(soci::session& sql, int64_t org_id) { return links(sql, org_id, true); }
std::vector<LineageLink> org_successors(soci::session& sql, int64_t org_id) { return links(sql, org_id, false); }

std::string lineage_label(const std::string& operation, bool en) {
  std::string out;
  std::size_t pos = 0;
  while (pos <= operation.size()) {
    auto c = operation.find(',', pos);
    std::string op = operation.substr(pos, c == std::string::npos ? std::string::npos : c - pos);
    std::string l;
    if (op == "merge") l = en ? "Merger" : "Hợp nhất, sáp nhập";
    else if (op == "split") l = en ? "Split" : "Chia tách";
    else if (op == "rename") l = en ? "Renamed" : "Đổi tên";
    else if (op == "move") l = en ? "Moved to another parent" : "Chuyển trực thuộc";
    else if (op == "dissolve") l = en ? "Dissolved" : "Giải thể";
    else if (op == "change_kind") l = en ? "Change of kind" : "Đổi loại hình tổ chức";
    else if (op == "follow") l = en ? "Moved with its parent organization" : "Chuyển theo tổ chức cấp trên";
    else l = op;
    out += (out.empty() ? "" : ", ") + l;
    if (c == std::string::npos) break;
    pos = c + 1;
  }
  return out;
}

bool path_in(const std::vector<std::string>& paths, const std::string& path) {
  for (auto& p : paths)
    if (path.size() >= p.size() && path.compare(0, p.size(), p) == 0) return true;
  return false;
}

std::vector<std::string> scope_paths_as_of(soci::session& sql, const security::Actor& a, const std::string& as_of) {
  std::vector<std::string> out{a.org_path};
  if (!a.org_id) return out;
  std::string from;
  {
    long long id = a.org_id;
    soci::indicator ind = soci::i_null;
    sql << "SELECT valid_from FROM organization WHERE id = :id", soci::use(id), soci::into(from, ind);
    if (!sql.got_data() || ind != soci::i_ok || as_of >= from) return out;
  }
  // Predecessors, transitively (bounded: a chain of reorganisations, not a graph walk of the country).
  // Not through a split: a unit that received part of another does not see all of it (ADR 0004:
  // scope over time follows mergers, renames, moves; a split predecessor's other part belongs to
  // the other successor's staff).
  std::set<int64_t> seen{a.org_id};
  std::vector<int64_t> frontier{a.org_id};
  for (int depth = 0; depth < 16 && !frontier.empty() && seen.size() < 5000; ++depth) {
    std::vector<int64_t> next;
    for (int64_t id : frontier) {
      long long x = id;
      std::string pred, path, vfrom;
      soci::statement st = (sql.prepare << "SELECT l.predecessor_id, o.path, o.valid_from FROM org_lineage l JOIN organization o ON "
                                           "o.id = l.predecessor_id WHERE l.successor_id = :id AND l.operation <> 'split'",
                            soci::use(x), soci::into(pred), soci::into(path), soci::into(vfrom));
      st.execute();
      while (st.fetch()) {
        int64_t p = to_i64(pred);
        if (!seen.insert(p).second) continue;
        if (!path_in(out, path)) out.push_back(path);
        if (as_of < vfrom) next.push_back(p);  // only older history needs the next step back
      }
    }
    frontier = std::move(next);
  }
  return out;
}

}  // namespace dangbo::registry

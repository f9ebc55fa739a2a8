#include "restructure/engine.hpp"

#include <boost/json.hpp>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "base/error.hpp"
#include "db/database.hpp"
#include "db/sql.hpp"
#include "registry/counts.hpp"
#include "registry/service.hpp"
#include "registry/store.hpp"
#include "restructure/sql_util.hpp"
#include "vntext/text.hpp"

namespace dangbo::restructure {
using base::Error;
using base::ErrorKind;
using registry::OrgKind;
namespace json = boost::json;

namespace {

constexpr const char* kActive = "('probationary','full','exempted')";

// An organization valid on the day before the effective date.
struct Node {
  int64_t id = 0;
  std::string code, name;
  OrgKind kind = OrgKind::cell;
  int64_t parent = 0;  // 0 = root
  std::string admin_unit_code, path, valid_from;
  bool closed_later = false;  // valid_to already set (changed on or after the effective date)
  bool synthetic = false;
  int64_t direct = 0, direct_active = 0;  // members attached directly (member.org_id)
  int64_t subtree_active = -1;            // computed on demand
  std::vector<int64_t> children;
  bool loaded_subtree = false;            // its whole subtree is in the snapshot
};

// A handle names an organization of the after-state: > 0 an existing id (unchanged), < 0 a new
// row (index -h - 1 into State::news), 0 none.
using Handle = int64_t;

struct NewOrg {
  std::string code, name;
  OrgKind kind = OrgKind::cell;
  Handle parent = 0;
  std::string admin_unit_code;
  bool synthetic = false;
  int64_t from_id = 0;   // the existing organization it continues (a version), 0 = new
  int op_index = -1;     // the operation that establishes or changes it
  bool named = false;    // named in the plan (target or modified), not only following
  std::vector<std::string> ops;  // operations that change it (versions)
  // filled by apply
  int64_t id = 0;
  std::string path;
  int depth = -1;
  int64_t after_active = 0;
};

struct Lineage {
  int64_t pred = 0;
  Handle succ = 0;  // 0 = dissolved, no successor
  std::string op;
  int op_index = -1;
};

struct Modification {
  std::vector<int> ops;
  std::string new_code, name, parent;
  std::optional<OrgKind> kind;
  std::string admin_unit_code;
};

std::string iso(const CivilDate& d) { return d.iso(); }

}  // namespace

struct Engine::State {
  const Plan* plan = nullptr;
  CivilDate eff, day;  // effective date, the day before
  std::string eff_s, day_s;
  std::unordered_map<int64_t, Node> nodes;
  std::unordered_map<std::string, int64_t> by_code;  // valid on `day`
  std::vector<NewOrg> news;
  std::unordered_map<int64_t, int> consumed;          // id → op index (merge, split, dissolve)
  std::unordered_map<int64_t, Modification> modified;  // id → changes (rename, move, change_kind, target changes)
  std::map<std::string, TargetSpec> target_decl;       // code → declared attributes
  std::map<std::string, int> target_op;                // code → first operation declaring it
  std::map<std::string, Handle> new_target;            // code → handle of a new organization
  std::unordered_map<int64_t, Handle> version;         // existing id → its new version
  std::unordered_map<int64_t, Handle> after_handle;    // memo: existing id → handle after
  std::unordered_set<int64_t> in_progress;
  std::map<int64_t, Handle> org_map;                   // closed id → where its direct members go
  std::vector<std::pair<int64_t, Handle>> member_map;  // member id → where it goes
  std::unordered_map<int64_t, Handle> member_map_idx;
  std::unordered_map<int64_t, Handle> child_target;    // child of a consumed org → its new parent
  std::vector<Lineage> lineage;
  std::vector<int64_t> closed;                          // every existing id closed by the plan
  std::unordered_set<int64_t> named;                    // existing ids named in the plan
  std::map<std::string, std::pair<std::string, int>> member_info;  // "member:ID" → residence, active
  Preview pv;
  bool cycle_reported = false;

  void problem(std::string code, std::string msg, int line = 0, std::string org = "", bool blocking = true) {
    pv.problems.push_back({std::move(code), std::move(msg), line, std::move(org), blocking});
  }
  NewOrg& news_of(Handle h) { return news[std::size_t(-h - 1)]; }
  Handle add_new(NewOrg n) {
    news.push_back(std::move(n));
    return -Handle(news.size());
  }
  std::string handle_code(Handle h) {
    if (h < 0) return news_of(h).code;
    auto it = nodes.find(h);
    return it == nodes.end() ? std::string() : it->second.code;
  }
  std::string handle_name(Handle h) {
    if (h < 0) return news_of(h).name;
    auto it = nodes.find(h);
    return it == nodes.end() ? std::string() : it->second.name;
  }
};

bool Preview::ok() const { return blocking() == 0; }
int Preview::blocking() const {
  int n = 0;
  for (auto& p : problems) n += p.blocking ? 1 : 0;
  return n;
}

namespace {

void read_node(const sqlu::Row& r, Node& n) {
  n.id = r.i(0);
  n.code = r.s(1);
  n.name = r.s(2);
  n.kind = registry::parse_org_kind(r.s(3)).value_or(OrgKind::cell);
  n.parent = r.null(4) ? 0 : r.i(4);
  n.admin_unit_code = r.s(5);
  n.path = r.s(6);
  n.valid_from = r.s(7);
  n.closed_later = !r.null(8);
  n.synthetic = r.s(9) == "1" || r.s(9) == "t";
}
constexpr const char* kNodeCols = "id, code, name, kind, parent_id, admin_unit_code, path, valid_from, valid_to, synthetic";

}  // namespace

std::unique_ptr<Engine::State> Engine::compute(soci::session& sql, const Plan& plan, bool for_apply) {
  auto st = std::make_unique<State>();
  State& S = *st;
  // Phase timings, logged at debug level (DANGBO_LOG=debug) for tuning large plans.
  auto t_phase = std::chrono::steady_clock::now();
  std::string timings;
  auto lap = [&](const char* what) {
    auto now = std::chrono::steady_clock::now();
    timings += std::string(timings.empty() ? "" : ", ") + what + " " +
               std::to_string(int(std::chrono::duration<double, std::milli>(now - t_phase).count())) + " ms";
    t_phase = now;
  };
  S.plan = &plan;
  for (auto& p : plan.problems) S.pv.problems.push_back(p);
  if (plan.ops.empty()) {
    if (plan.problems.empty()) S.problem("empty_plan", "Phương án không có thao tác nào");
    return st;
  }

  // ---- dates
  S.eff = plan.ops.front().effective_date;
  for (auto& o : plan.ops) {
    if (!(o.effective_date == S.eff))
      S.problem("mixed_effective_dates",
                "Mọi thao tác của một phương án phải có cùng ngày hiệu lực (" + S.eff.display() + "); thao tác này hiệu lực " +
                    o.effective_date.display() + ". Hãy tách thành các phương án riêng.",
                o.lines.empty() ? 0 : o.lines.front(), o.sources.empty() ? "" : o.sources.front());
    if (o.effective_date < o.decision_date)
      S.problem("effective_before_decision",
                "Ngày hiệu lực " + o.effective_date.display() + " trước ngày quyết định " + o.decision_date.display() +
                    " (quyết định " + o.decision_no + ")",
                o.lines.empty() ? 0 : o.lines.front(), o.sources.empty() ? "" : o.sources.front());
  }
  S.pv.effective = S.eff;
  // Applying a plan moves members and role grants at once, so a plan that takes effect after
  // today would put today's lists on organizations not yet valid: apply it on that day or after.
  if (base::today() < S.eff)
    S.problem("future_effective",
              "Phương án có hiệu lực từ " + S.eff.display() + ", sau hôm nay: hãy áp dụng vào ngày đó hoặc sau", 0,
              plan.ops.front().sources.empty() ? "" : plan.ops.front().sources.front());
  S.day = base::add_days(S.eff, -1);
  S.eff_s = iso(S.eff);
  S.day_s = iso(S.day);

  // ---- load the organizations named in the plan, valid on the day before
  auto find_code = [&](const std::string& code) -> int64_t {
    if (code.empty()) return 0;
    if (auto it = S.by_code.find(code); it != S.by_code.end()) return it->second;
    sqlu::Query q;
    q.text = std::string("SELECT ") + kNodeCols + " FROM organization WHERE code = " + q.add(code) +
             " AND valid_from <= " + q.add(S.day_s) + " AND (valid_to IS NULL OR valid_to > " + q.add(S.day_s) + ")";
    int64_t found = 0;
    int n = 0;
    sqlu::each(sql, q, 10, [&](const sqlu::Row& r) {
      Node node;
      read_node(r, node);
      found = node.id;
      ++n;
      if (!S.nodes.count(node.id)) S.nodes.emplace(node.id, std::move(node));
    });
    if (n > 1) S.problem("code_reused", "Có " + std::to_string(n) + " tổ chức cùng mã " + code + " cùng hiệu lực ngày " + S.day.display(), 0, code);
    if (found) S.by_code[code] = found;
    return found;
  };

  std::set<std::string> source_codes, target_codes;
  for (auto& o : plan.ops) {
    for (auto& s : o.sources) source_codes.insert(s);
    for (auto& t : o.targets)
      if (!t.code.empty()) target_codes.insert(t.code);
  }
  for (auto& c : source_codes) find_code(c);
  for (auto& c : target_codes) find_code(c);

  lap("names");
  // Subtrees to load: every source, and existing targets that change. Roots inside an already
  // loaded subtree are skipped.
  std::vector<int64_t> roots;
  for (auto& c : source_codes)
    if (auto it = S.by_code.find(c); it != S.by_code.end()) roots.push_back(it->second);
  for (auto& o : plan.ops)
    for (auto& t : o.targets)
      if (!t.code.empty() && (!t.name.empty() || t.kind || !t.parent.empty()))
        if (auto it = S.by_code.find(t.code); it != S.by_code.end()) roots.push_back(it->second);
  std::sort(roots.begin(), roots.end(), [&](int64_t a, int64_t b) { return S.nodes[a].path < S.nodes[b].path; });
  std::vector<std::string> loaded_paths;
  for (int64_t r : roots) {
    const std::string path = S.nodes[r].path;
    bool inside = false;
    for (auto& p : loaded_paths)
      if (path.compare(0, p.size(), p) == 0) inside = true;
    if (inside) continue;
    loaded_paths.push_back(path);
    std::string end = registry::subtree_end(path);
    {
      sqlu::Query q;
      q.text = std::string("SELECT ") + kNodeCols + " FROM organization WHERE path >= " + q.add(path) + " AND path < " +
               q.add(end) + " AND valid_from <= " + q.add(S.day_s) + " AND (valid_to IS NULL OR valid_to > " + q.add(S.day_s) + ")";
      sqlu::each(sql, q, 10, [&](const sqlu::Row& row) {
        Node n;
        read_node(row, n);
        auto [it, fresh] = S.nodes.emplace(n.id, n);
        if (!fresh) it->second.closed_later = n.closed_later;
      });
    }
    {
      sqlu::Query q;
      q.text = "SELECT code, valid_from FROM organization WHERE path >= " + q.add(path) + " AND path < " + q.add(end) +
               " AND valid_from > " + q.add(S.day_s) + " ORDER BY valid_from LIMIT 5";
      sqlu::each(sql, q, 2, [&](const sqlu::Row& row) {
        S.problem("changed_later",
                  "Tổ chức " + row.s(0) + " được lập từ ngày " + row.s(1) +
                      ", sau ngày hiệu lực, trong phạm vi phương án: phương án này không thể áp dụng lùi trước thay đổi đó",
                  0, row.s(0));
      });
    }
    {
      // Members directly in each organization (and, for the preview's views, how many are on
      // the rolls). Applying needs only the first: counted from the (org_id, …) index alone.
      sqlu::Query q;
      if (for_apply)
        q.text = "SELECT org_id, count(*), 0 FROM member WHERE org_id IN (SELECT id FROM organization WHERE path >= " + q.add(path) +
                 " AND path < " + q.add(end) + ") GROUP BY org_id";
      else
        q.text = "SELECT org_id, count(*), sum(CASE WHEN status IN " + std::string(kActive) +
                 " THEN 1 ELSE 0 END) FROM member WHERE org_path >= " + q.add(path) + " AND org_path < " + q.add(end) +
                 " GROUP BY org_id";
      sqlu::each(sql, q, 3, [&](const sqlu::Row& row) {
        auto it = S.nodes.find(row.i(0));
        if (it == S.nodes.end()) return;
        it->second.direct = row.i(1);
        it->second.direct_active = row.i(2);
      });
    }
    {
      sqlu::Query q;
      q.text = "SELECT count(*) FROM membership WHERE valid_from > " + q.add(S.day_s) +
               " AND valid_to IS NULL AND org_id IN (SELECT id FROM organization WHERE path >= " + q.add(path) + " AND path < " +
               q.add(end) + ")";
      int64_t later = sqlu::to_i64(sqlu::scalar(sql, q));
      if (later > 0)
        S.problem("changed_later",
                  std::to_string(later) + " đảng viên bắt đầu sinh hoạt tại tổ chức trong phạm vi phương án sau ngày " +
                      S.day.display() + ": phương án không thể áp dụng lùi trước các thay đổi đó",
                  0, S.nodes[r].code);
    }
  }
  lap("subtrees");
  // Links, codes, and which nodes have their whole subtree loaded.
  for (auto& [id, n] : S.nodes) {
    if (n.parent)
      if (auto p = S.nodes.find(n.parent); p != S.nodes.end()) p->second.children.push_back(id);
    for (auto& lp : loaded_paths)
      if (n.path.compare(0, lp.size(), lp) == 0) n.loaded_subtree = true;
    auto [it, fresh] = S.by_code.emplace(n.code, id);
    if (!fresh && it->second != id && n.loaded_subtree)
      S.problem("code_reused", "Có hai tổ chức cùng mã " + n.code + " cùng hiệu lực ngày " + S.day.display(), 0, n.code);
  }
  for (auto& [id, n] : S.nodes)
    std::sort(n.children.begin(), n.children.end(),
              [&](int64_t a, int64_t b) { return S.nodes[a].code < S.nodes[b].code; });
  // Every member (any status) in a subtree: the weight of a subordinate organization when a
  // split shares them out (the same figure in preview and apply).
  std::unordered_map<int64_t, int64_t> total_memo;
  std::function<int64_t(int64_t)> subtree_total = [&](int64_t id) -> int64_t {
    if (auto it = total_memo.find(id); it != total_memo.end()) return it->second;
    Node& n = S.nodes[id];
    int64_t t = n.direct;
    for (int64_t c : n.children) t += subtree_total(c);
    return total_memo[id] = t;
  };
  std::function<int64_t(int64_t)> subtree_active = [&](int64_t id) -> int64_t {
    Node& n = S.nodes[id];
    if (n.subtree_active >= 0) return n.subtree_active;
    int64_t s = n.direct_active;
    for (int64_t c : n.children) s += subtree_active(c);
    return n.subtree_active = s;
  };

  lap("links");
  // ---- resolve operations
  auto line_of = [](const Operation& o) { return o.lines.empty() ? 0 : o.lines.front(); };
  std::unordered_map<int64_t, int> touched;  // id → first op index that consumes or modifies it
  for (std::size_t i = 0; i < plan.ops.size(); ++i) {
    const Operation& o = plan.ops[i];
    for (std::size_t k = 0; k < o.sources.size(); ++k) {
      const std::string& code = o.sources[k];
      int line = k < o.lines.size() ? o.lines[k] : line_of(o);
      auto it = S.by_code.find(code);
      if (it == S.by_code.end()) {
        S.problem("unknown_code", "Không có tổ chức đảng nào mã '" + code + "' còn hiệu lực ngày " + S.day.display(), line, code);
        continue;
      }
      int64_t id = it->second;
      if (S.nodes[id].closed_later)
        S.problem("changed_later", "Tổ chức " + code + " đã có thay đổi từ ngày hiệu lực trở về sau (đã hết hiệu lực)", line, code);
      bool consuming = o.kind == OpKind::merge || o.kind == OpKind::split || o.kind == OpKind::dissolve;
      if (auto prev = touched.find(id); prev != touched.end()) {
        const Operation& po = plan.ops[std::size_t(prev->second)];
        bool both_modify = !consuming && S.modified.count(id) && !S.consumed.count(id);
        if (!both_modify) {
          S.problem("double_use",
                    "Tổ chức " + code + " nằm trong hai thao tác: " + std::string(label_vi(po.kind)) + " (dòng " +
                        std::to_string(line_of(po)) + ") và " + std::string(label_vi(o.kind)) + " (dòng " + std::to_string(line) + ")",
                    line, code);
          continue;
        }
      } else {
        touched[id] = int(i);
      }
      S.named.insert(id);
      if (consuming) {
        S.consumed[id] = int(i);
      } else {
        Modification& m = S.modified[id];
        m.ops.push_back(int(i));
        const TargetSpec* t = o.targets.empty() ? nullptr : &o.targets[0];
        if (t) {
          if (o.kind == OpKind::rename) {
            if (!t->name.empty()) m.name = t->name;
            if (!t->code.empty() && t->code != code) m.new_code = t->code;
          }
          if (o.kind == OpKind::move) m.parent = t->parent;
          if (o.kind == OpKind::change_kind && t->kind) m.kind = t->kind;
        }
        if (o.kind == OpKind::change_kind) {
          // Only a cell becoming a grassroots committee or back (GLOSSARY: chi bộ ↔ đảng bộ cơ sở).
          auto is_cell = [](OrgKind k) { return k == OrgKind::cell || k == OrgKind::grassroots_cell; };
          OrgKind from = S.nodes[id].kind;
          std::optional<OrgKind> to = t ? t->kind : std::nullopt;
          bool allowed = to && ((is_cell(from) && *to == OrgKind::grassroots_committee) ||
                                (from == OrgKind::grassroots_committee && is_cell(*to)));
          if (!allowed)
            S.problem("bad_kind",
                      !to ? "Đổi loại hình " + code + " nhưng không ghi loại mới (target_kind)"
                          : "Không thể đổi " + code + " từ " + std::string(registry::label_vi(from)) + " sang " +
                                std::string(registry::label_vi(*to)) +
                                ": chỉ được đổi giữa chi bộ và đảng bộ cơ sở (cell/grassroots_cell ↔ grassroots_committee)",
                      line, code);
        }
      }
    }
    // Declared targets: attributes must agree wherever the same code is declared.
    for (auto& t : o.targets) {
      if (t.code.empty() || o.kind == OpKind::rename || o.kind == OpKind::move || o.kind == OpKind::change_kind) continue;
      auto [it, fresh] = S.target_decl.emplace(t.code, t);
      if (fresh) {
        S.target_op[t.code] = int(i);
        continue;
      }
      TargetSpec& d = it->second;
      auto agree = [&](std::string& a, const std::string& b, const char* what) {
        if (b.empty()) return;
        if (a.empty()) a = b;
        else if (a != b)
          S.problem("conflicting_target", "Tổ chức đích " + t.code + " được khai báo với " + what + " khác nhau", t.line, t.code);
      };
      agree(d.name, t.name, "tên");
      agree(d.parent, t.parent, "tổ chức cấp trên");
      agree(d.admin_unit_code, t.admin_unit_code, "mã đơn vị hành chính");
      if (t.kind && !d.kind) d.kind = t.kind;
      else if (t.kind && d.kind && *t.kind != *d.kind)
        S.problem("conflicting_target", "Tổ chức đích " + t.code + " được khai báo với loại khác nhau", t.line, t.code);
    }
    if (o.kind == OpKind::split && o.targets.size() < 2)
      S.problem("split_one_target", "Chia tách " + (o.sources.empty() ? std::string() : o.sources[0]) +
                                        " chỉ có một tổ chức đích; dùng sáp nhập (merge) nếu chuyển toàn bộ",
                line_of(o), o.sources.empty() ? "" : o.sources[0], false);
    if (o.kind == OpKind::merge && o.targets.size() == 1)
      for (auto& s : o.sources)
        if (s == o.targets[0].code && o.sources.size() == 1 && o.targets[0].name.empty() && !o.targets[0].kind && o.targets[0].parent.empty())
          S.problem("noop", "Sáp nhập " + s + " vào chính nó không thay đổi gì", line_of(o), s, false);
  }

  // A unit that receives in one operation and is itself merged, split or dissolved in another:
  // the result would depend on the order of the operations (does what it receives go on to the
  // next target, or stay?). Allowed only when the target declares a new unit (name and kind)
  // reusing the code, as the 2025 plan does: then the sources all read the tree of the day before.
  {
    std::set<std::string> reported;
    for (std::size_t i = 0; i < plan.ops.size(); ++i) {
      const Operation& o = plan.ops[i];
      if (o.kind == OpKind::rename || o.kind == OpKind::move || o.kind == OpKind::change_kind) continue;
      for (auto& t : o.targets) {
        if (t.code.empty() || reported.count(t.code)) continue;
        auto it = S.by_code.find(t.code);
        if (it == S.by_code.end()) continue;
        auto c = S.consumed.find(it->second);
        if (c == S.consumed.end() || c->second == int(i)) continue;
        const TargetSpec& d = S.target_decl[t.code];
        if (d.kind && !d.name.empty()) continue;
        const Operation& other = plan.ops[std::size_t(c->second)];
        auto join = [](const std::vector<std::string>& v) {
          std::string r;
          for (auto& x : v) r += (r.empty() ? "" : ", ") + x;
          return r;
        };
        std::vector<std::string> onward;
        for (auto& ot : other.targets) onward.push_back(ot.code);
        reported.insert(t.code);
        S.problem("chained_operations",
                  "Tổ chức " + t.code + " vừa nhận " + join(o.sources) + " (" + std::string(label_vi(o.kind)) + ", dòng " +
                      std::to_string(line_of(o)) + ") vừa bị " + std::string(label_vi(other.kind)) +
                      (onward.empty() ? std::string() : " vào " + join(onward)) + " (dòng " + std::to_string(line_of(other)) +
                      ") trong cùng phương án: kết quả phụ thuộc thứ tự các thao tác. Hãy ghi thẳng tổ chức nhận cuối cùng "
                      "hoặc tách thành hai phương án",
                  t.line ? t.line : line_of(o), t.code);
      }
    }
  }

  // Targets: existing (valid on the day before and not consumed) or new.
  for (auto& [code, t] : S.target_decl) {
    auto it = S.by_code.find(code);
    bool exists = it != S.by_code.end();
    if (exists && !S.consumed.count(it->second)) {
      // An existing target; attributes given are changes.
      Node& n = S.nodes[it->second];
      // its parent's code (the parent may lie outside the loaded subtrees)
      std::string parent_code = n.parent && S.nodes.count(n.parent) ? S.nodes[n.parent].code : std::string();
      if (n.parent && parent_code.empty())
        if (auto po = registry::find_org_by_id(sql, n.parent)) parent_code = po->code;
      bool changes = (!t.name.empty() && t.name != n.name) || (t.kind && *t.kind != n.kind) ||
                     (!t.parent.empty() && t.parent != parent_code) ||
                     (!t.admin_unit_code.empty() && t.admin_unit_code != n.admin_unit_code);
      S.named.insert(n.id);
      {
        // The code of an organization that stays, declared with another name, parent or kind: most
        // likely a code reused by mistake (it would rename or move another unit silently).
        std::vector<std::string> diff;
        if (!t.name.empty() && t.name != n.name) diff.push_back("tên '" + t.name + "'");
        if (!t.parent.empty() && t.parent != parent_code) diff.push_back("tổ chức cấp trên " + t.parent);
        if (t.kind && *t.kind != n.kind) diff.push_back("loại " + std::string(registry::to_string(*t.kind)));
        if (!diff.empty()) {
          std::string list;
          for (auto& x : diff) list += (list.empty() ? "" : ", ") + x;
          S.problem("code_reused",
                    "Mã " + code + " là mã của " + n.name + (parent_code.empty() ? "" : " (trực thuộc " + parent_code + ")") +
                        ", tổ chức vẫn tiếp tục hoạt động, nhưng phương án ghi cho tổ chức đích này " + list +
                        ": nếu muốn lập tổ chức mới hãy dùng mã mới; nếu muốn đổi tên, chuyển trực thuộc hoặc đổi loại "
                        "tổ chức nhận thì dùng thao tác rename, move hoặc change_kind",
                    t.line, code);
        }
      }
      if (changes) {
        if (S.consumed.count(n.id) || touched.count(n.id)) {
          if (S.modified.count(n.id))
            S.problem("double_use", "Tổ chức " + code + " vừa là tổ chức đích có thay đổi vừa bị đổi tên/chuyển/đổi loại trong phương án", t.line, code);
        }
        Modification& m = S.modified[n.id];
        m.ops.push_back(S.target_op[code]);
        if (!t.name.empty() && t.name != n.name) m.name = t.name;
        if (t.kind && *t.kind != n.kind) m.kind = t.kind;
        if (!t.parent.empty()) m.parent = t.parent;
        if (!t.admin_unit_code.empty()) m.admin_unit_code = t.admin_unit_code;
      }
      continue;
    }
    NewOrg n;
    n.code = code;
    n.name = t.name;
    n.kind = t.kind.value_or(OrgKind::cell);
    n.admin_unit_code = t.admin_unit_code;
    n.named = true;
    if (exists) {  // the code of a consumed organization: inherit what was not declared
      const Node& old = S.nodes[it->second];
      if (n.name.empty()) n.name = old.name;
      if (!t.kind) n.kind = old.kind;
      if (n.admin_unit_code.empty()) n.admin_unit_code = old.admin_unit_code;
    }
    if (n.name.empty() || (!t.kind && !exists)) {
      S.problem("unknown_code",
                "Mã tổ chức đích '" + code + "' không có tổ chức nào còn hiệu lực ngày " + S.day.display() +
                    "; muốn lập tổ chức mới thì khai báo tên (target_name), loại (target_kind) và tổ chức cấp trên (target_parent)",
                t.line, code);
      continue;
    }
    S.new_target[code] = S.add_new(std::move(n));
  }

  // ---- the after-state: handles, versions, cycles
  auto resolve_code = [&](const std::string& code, int line, const std::string& who) -> std::optional<Handle> {
    if (auto it = S.new_target.find(code); it != S.new_target.end()) return it->second;
    int64_t id = find_code(code);
    if (!id) {
      S.problem("unknown_code", "Không có tổ chức đảng nào mã '" + code + "' còn hiệu lực ngày " + S.day.display(), line, who);
      return std::nullopt;
    }
    if (S.consumed.count(id)) {
      S.problem("bad_target", "Tổ chức " + code + " bị giải thể, sáp nhập hoặc chia tách trong chính phương án này, không thể nhận " + who, line, who);
      return std::nullopt;
    }
    return Handle(id);
  };

  // Where the children and direct members of consumed organizations go.
  std::map<std::string, const Assignment*> assigned;
  for (auto& a : plan.assignments) {
    auto [it, fresh] = assigned.emplace(a.what, &a);
    if (!fresh) S.problem("double_use", "'" + a.what + "' được phân bổ hai lần (dòng " + std::to_string(it->second->line) + " và " + std::to_string(a.line) + ")", a.line, a.what);
  }
  std::set<std::string> used_assign;

  lap("resolve");
  // Members of split and dissolved organizations (their residence decides under rule residence).
  struct MemberRec {
    int64_t id;
    int64_t org_id;
    std::string path, residence;
    bool active;
  };
  std::unordered_map<int64_t, std::vector<MemberRec>> members_of_consumed;  // consumed id → members in its subtree
  for (auto& [id, op] : S.consumed) {
    const Operation& o = plan.ops[std::size_t(op)];
    if (o.kind == OpKind::merge) continue;
    Node& n = S.nodes[id];
    if (!n.direct && !(o.kind == OpKind::split && o.rule == SplitRule::residence)) continue;
    sqlu::Query q;
    q.text = "SELECT id, org_id, org_path, residence_unit_code, CASE WHEN status IN " + std::string(kActive) +
             " THEN 1 ELSE 0 END FROM member WHERE ";
    // the whole subtree only where residence decides where subordinate organizations go
    if (o.kind == OpKind::split && o.rule == SplitRule::residence)
      q.text += "org_path >= " + q.add(n.path) + " AND org_path < " + q.add(registry::subtree_end(n.path));
    else
      q.text += "org_id = " + q.add(id);
    auto& v = members_of_consumed[id];
    sqlu::each(sql, q, 5, [&](const sqlu::Row& r) { v.push_back({r.i(0), r.i(1), r.s(2), r.s(3), r.s(4) == "1"}); });
  }

  // The target chosen for each child / direct member of each consumed organization.
  std::unordered_map<int64_t, Handle> child_dest;  // child id → handle
  for (auto& [id, opi] : S.consumed) {
    const Operation& o = plan.ops[std::size_t(opi)];
    Node& n = S.nodes[id];
    int line = line_of(o);
    std::vector<Handle> th;  // the op's targets
    std::vector<std::string> tunit;
    std::vector<double> tshare;
    bool targets_ok = true;
    for (auto& t : o.targets) {
      auto h = resolve_code(t.code, t.line, n.code);
      if (!h) {
        targets_ok = false;
        continue;
      }
      th.push_back(*h);
      std::string unit = *h < 0 ? S.news_of(*h).admin_unit_code : S.nodes[*h].admin_unit_code;
      tunit.push_back(unit);
      tshare.push_back(t.share);
    }
    if (!targets_ok) continue;
    auto in_targets = [&](Handle h) { return std::find(th.begin(), th.end(), h) != th.end(); };
    auto take_assignment = [&](const std::string& what) -> std::optional<Handle> {
      auto it = assigned.find(what);
      if (it == assigned.end()) return std::nullopt;
      used_assign.insert(what);
      auto h = resolve_code(it->second->target, it->second->line, what);
      if (!h) return std::nullopt;
      if (o.kind == OpKind::split && !in_targets(*h)) {
        S.problem("bad_assignment", "'" + what + "' được phân bổ về " + it->second->target + ", không phải tổ chức đích của chia tách " + n.code,
                  it->second->line, what);
        return std::nullopt;
      }
      return h;
    };

    if (o.kind == OpKind::merge) {
      if (th.size() != 1) continue;
      S.org_map[id] = th[0];
      for (int64_t c : n.children)
        if (!S.consumed.count(c)) child_dest[c] = th[0];
      S.lineage.push_back({id, th[0], "merge", opi});
      continue;
    }

    // split or dissolve: place every child organization and every direct member.
    std::vector<int64_t> open_children;
    for (int64_t c : n.children)
      if (!S.consumed.count(c)) open_children.push_back(c);
    std::vector<const MemberRec*> direct;
    for (auto& m : members_of_consumed[id])
      if (m.org_id == id) direct.push_back(&m);

    if (o.kind == OpKind::dissolve) {
      std::optional<Handle> dest;
      if (!th.empty()) dest = th[0];
      std::vector<std::string> unplaced_orgs;
      int64_t unplaced_members = 0;
      for (int64_t c : open_children) {
        auto h = take_assignment(S.nodes[c].code);
        if (!h) h = dest;
        if (h) child_dest[c] = *h;
        else unplaced_orgs.push_back(S.nodes[c].code);
      }
      for (auto* m : direct) {
        std::string key = "member:" + std::to_string(m->id);
        auto h = take_assignment(key);
        if (!h) h = dest;
        if (h) {
          S.member_map.push_back({m->id, *h});
        } else {
          ++unplaced_members;
        }
      }
      if (!unplaced_orgs.empty()) {
        std::string list;
        for (std::size_t k = 0; k < unplaced_orgs.size() && k < 5; ++k) list += (k ? ", " : "") + unplaced_orgs[k];
        S.problem("unplaced_members",
                  "Giải thể " + n.code + " nhưng còn " + std::to_string(unplaced_orgs.size()) +
                      " tổ chức trực thuộc chưa được chuyển đi (" + list + (unplaced_orgs.size() > 5 ? ", …" : "") +
                      "): hãy chuyển trực thuộc (move), phân bổ (assign) hoặc ghi tổ chức nhận (target) trước khi giải thể",
                  line, n.code);
      }
      if (unplaced_members)
        S.problem("unplaced_members",
                  "Giải thể " + n.code + " nhưng còn " + std::to_string(unplaced_members) +
                      " đảng viên chưa được chuyển sinh hoạt: hãy phân bổ (assign member:ID) hoặc ghi tổ chức nhận (target)",
                  line, n.code);
      S.lineage.push_back({id, dest.value_or(0), "dissolve", opi});
      continue;
    }

    // split
    for (Handle h : th) S.lineage.push_back({id, h, "split", opi});
    if (o.rule == SplitRule::residence) {
      bool any_unit = false;
      for (auto& u : tunit) any_unit = any_unit || !u.empty();
      if (!any_unit)
        S.problem("bad_rule", "Chia theo nơi cư trú cần tổ chức đích có mã đơn vị hành chính (target_unit)", line, n.code);
    }
    std::vector<double> assigned_w(th.size(), 0);
    double share_sum = 0;
    for (double s : tshare) share_sum += s;
    if (o.rule == SplitRule::proportional) {
      // Shares are relative weights (1 and 1, 2 and 3, or 40 and 60); but fractions (every share below
      // 1) that do not add up to 1 are a mistake, not a ratio: 0.7 and 0.7 would become 50/50.
      bool negative = false, fractions = share_sum > 0;
      for (double s : tshare) negative = negative || s < 0, fractions = fractions && s < 1;
      if (negative)
        S.problem("bad_share", "Tỷ lệ chia tách " + n.code + " không được âm", line, n.code);
      else if (fractions && std::abs(share_sum - 1) > 1e-6) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g", share_sum);
        std::string sum = buf;
        std::replace(sum.begin(), sum.end(), '.', ',');
        S.problem("bad_share",
                  "Tỷ lệ chia tách " + n.code + " cộng lại " + sum + ", không phải 1: hãy sửa để tổng bằng 1 (hoặc ghi theo phần trăm, tổng 100)",
                  line, n.code);
      }
    }
    auto share = [&](std::size_t k) { return share_sum > 0 ? tshare[k] / share_sum : 1.0 / double(th.size()); };
    auto index_of = [&](Handle h) { return std::size_t(std::find(th.begin(), th.end(), h) - th.begin()); };
    // residence counts per child
    std::unordered_map<int64_t, std::vector<int64_t>> votes;  // child → count per target
    if (o.rule == SplitRule::residence) {
      std::unordered_map<std::string, std::size_t> unit_idx;
      for (std::size_t k = 0; k < tunit.size(); ++k)
        if (!tunit[k].empty()) unit_idx.emplace(tunit[k], k);
      for (auto& m : members_of_consumed[id]) {
        if (m.org_id == id || !m.active) continue;
        // the child whose subtree holds the member: the path component right after n.path
        auto rest = m.path.substr(n.path.size());
        int64_t child = sqlu::to_i64(rest.substr(0, rest.find('/')));
        auto u = unit_idx.find(m.residence);
        if (u == unit_idx.end()) continue;
        auto& v = votes[child];
        v.resize(th.size(), 0);
        ++v[u->second];
      }
    }
    std::vector<std::string> unplaced_orgs;
    std::vector<int64_t> pending_children;
    for (int64_t c : open_children) {
      if (auto h = take_assignment(S.nodes[c].code)) {
        child_dest[c] = *h;
        assigned_w[index_of(*h)] += double(subtree_total(c));
        continue;
      }
      switch (o.rule) {
        case SplitRule::listed:
          unplaced_orgs.push_back(S.nodes[c].code);
          break;
        case SplitRule::residence: {
          auto& v = votes[c];
          std::size_t best = 0;
          int64_t best_n = -1;
          for (std::size_t k = 0; k < v.size(); ++k)
            if (v[k] > best_n) best_n = v[k], best = k;
          if (best_n <= 0) {
            best = 0;
            S.problem("residence_default",
                      "Không đảng viên nào của " + S.nodes[c].code + " cư trú trên địa bàn các tổ chức đích; chuyển về " +
                          S.handle_code(th[0]) + " (tổ chức đích đầu tiên)",
                      line, S.nodes[c].code, false);
          }
          child_dest[c] = th[best];
          assigned_w[best] += double(subtree_total(c));
          break;
        }
        case SplitRule::proportional:
          pending_children.push_back(c);
          break;
      }
    }
    if (!pending_children.empty()) {
      std::stable_sort(pending_children.begin(), pending_children.end(),
                       [&](int64_t a, int64_t b) { return subtree_total(a) > subtree_total(b); });
      double total = 0;
      for (auto w : assigned_w) total += w;
      for (int64_t c : pending_children) total += double(subtree_total(c));
      total += double(direct.size());
      for (int64_t c : pending_children) {
        std::size_t best = 0;
        double best_gap = -1e300;
        for (std::size_t k = 0; k < th.size(); ++k) {
          double gap = share(k) * total - assigned_w[k];
          if (gap > best_gap) best_gap = gap, best = k;
        }
        child_dest[c] = th[best];
        assigned_w[best] += double(subtree_total(c));
      }
    }
    if (!unplaced_orgs.empty()) {
      std::string list;
      for (std::size_t k = 0; k < unplaced_orgs.size() && k < 5; ++k) list += (k ? ", " : "") + unplaced_orgs[k];
      S.problem("unplaced_members",
                "Chia tách " + n.code + " theo danh sách nhưng " + std::to_string(unplaced_orgs.size()) +
                    " tổ chức trực thuộc chưa được phân bổ (" + list + (unplaced_orgs.size() > 5 ? ", …" : "") +
                    "): các đảng viên của chúng sẽ không có tổ chức",
                line, n.code);
    }
    int64_t unplaced_members = 0;
    std::vector<int64_t> unplaced_ids;
    for (auto* m : direct) {
      std::string key = "member:" + std::to_string(m->id);
      std::optional<Handle> h = take_assignment(key);
      if (!h && o.rule == SplitRule::residence)
        for (std::size_t k = 0; k < th.size(); ++k)
          if (!tunit[k].empty() && tunit[k] == m->residence) h = th[k];
      if (!h && o.rule == SplitRule::proportional) {
        double total = 0;
        for (auto w : assigned_w) total += w;
        total += 1;
        std::size_t best = 0;
        double best_gap = -1e300;
        for (std::size_t k = 0; k < th.size(); ++k) {
          double gap = share(k) * total - assigned_w[k];
          if (gap > best_gap) best_gap = gap, best = k;
        }
        h = th[best];
      }
      if (h) {
        S.member_map.push_back({m->id, *h});
        assigned_w[index_of(*h)] += 1;
      } else {
        ++unplaced_members;
        if (unplaced_ids.size() < 5) unplaced_ids.push_back(m->id);
      }
    }
    if (unplaced_members) {
      std::string list;
      for (std::size_t k = 0; k < unplaced_ids.size(); ++k) list += (k ? ", " : "") + std::to_string(unplaced_ids[k]);
      S.problem("unplaced_members",
                std::to_string(unplaced_members) + " đảng viên sinh hoạt trực tiếp tại " + n.code +
                    " không có tổ chức sau chia tách (" +
                    (o.rule == SplitRule::residence ? "nơi cư trú không thuộc tổ chức đích nào" : "không có trong danh sách phân bổ") +
                    "; mã đảng viên: " + list + (unplaced_members > 5 ? ", …" : "") + ")",
                line, n.code);
    }
  }
  for (auto& a : plan.assignments)
    if (!used_assign.count(a.what))
      S.problem("bad_assignment",
                "Dòng phân bổ '" + a.what + "' không thuộc tổ chức nào bị chia tách hoặc giải thể trong phương án (mã sai, hoặc không phải tổ chức trực thuộc trực tiếp)",
                a.line, a.what);
  for (auto& [mid, h] : S.member_map) S.member_map_idx[mid] = h;

  lap("placement");
  // Handles of the after-state. A node continues as a new version when it is modified or its
  // parent's handle changes; this runs top-down and detects cycles.
  std::function<std::optional<Handle>(int64_t)> handle_of = [&](int64_t id) -> std::optional<Handle> {
    if (auto it = S.after_handle.find(id); it != S.after_handle.end()) return it->second;
    auto nit = S.nodes.find(id);
    if (nit == S.nodes.end()) return Handle(id);
    Node& n = nit->second;
    if (S.consumed.count(id)) return std::nullopt;
    if (S.in_progress.count(id)) {
      if (!S.cycle_reported)
        S.problem("cycle", "Phương án tạo vòng lặp trong cây tổ chức: " + n.code + " sẽ trực thuộc chính tổ chức cấp dưới của nó", 0, n.code);
      S.cycle_reported = true;
      return std::nullopt;
    }
    S.in_progress.insert(id);
    std::optional<Handle> parent_after;
    bool parent_changed = false;
    auto mod = S.modified.find(id);
    if (mod != S.modified.end() && !mod->second.parent.empty()) {
      auto line = mod->second.ops.empty() ? 0 : line_of(plan.ops[std::size_t(mod->second.ops[0])]);
      parent_after = resolve_code(mod->second.parent, line, n.code);
      if (parent_after && *parent_after > 0) parent_after = handle_of(*parent_after);
      parent_changed = true;
    } else if (n.parent) {
      if (auto cd = child_dest.find(id); cd != child_dest.end()) {
        parent_after = cd->second > 0 ? handle_of(cd->second) : std::optional<Handle>(cd->second);
        parent_changed = true;
      } else if (S.consumed.count(n.parent)) {
        parent_after = std::nullopt;  // unplaced, already reported
        parent_changed = true;
      } else {
        parent_after = handle_of(n.parent);
        parent_changed = parent_after && *parent_after != n.parent;
      }
    }
    S.in_progress.erase(id);
    Handle result = id;
    if (mod != S.modified.end() || parent_changed) {
      NewOrg v;
      v.from_id = id;
      v.code = n.code;
      v.name = n.name;
      v.kind = n.kind;
      v.admin_unit_code = n.admin_unit_code;
      v.synthetic = n.synthetic;
      v.parent = parent_after.value_or(0);
      if (mod != S.modified.end()) {
        auto& m = mod->second;
        if (!m.new_code.empty()) v.code = m.new_code;
        if (!m.name.empty()) v.name = m.name;
        if (m.kind) v.kind = *m.kind;
        if (!m.admin_unit_code.empty()) v.admin_unit_code = m.admin_unit_code;
        v.named = true;
        v.op_index = m.ops.empty() ? -1 : m.ops.front();
        for (int oi : m.ops) v.ops.emplace_back(to_string(plan.ops[std::size_t(oi)].kind));
      } else {
        v.ops.emplace_back("follow");
      }
      // A unit code inherited from the old parent follows the new parent.
      if (mod == S.modified.end() || mod->second.admin_unit_code.empty()) {
        const Node* op_ = n.parent ? &S.nodes[n.parent] : nullptr;
        bool inherited = op_ && !n.admin_unit_code.empty() && n.admin_unit_code == op_->admin_unit_code &&
                         n.kind != OrgKind::commune_committee && n.kind != OrgKind::city;
        if (inherited && v.parent) {
          std::string pu = v.parent < 0 ? S.news_of(v.parent).admin_unit_code
                                        : (S.nodes.count(v.parent) ? S.nodes[v.parent].admin_unit_code : std::string());
          if (!pu.empty()) v.admin_unit_code = pu;
        }
      }
      if (!parent_after && n.parent && !S.cycle_reported) {
        // parent unresolved: reported elsewhere
      }
      result = S.add_new(std::move(v));
      S.version[id] = result;
      std::string lop;
      for (auto& o : S.news_of(result).ops) lop += (lop.empty() ? "" : ",") + o;
      S.lineage.push_back({id, result, lop, S.news_of(result).op_index});
    }
    S.after_handle[id] = result;
    return result;
  };

  // New targets' parents.
  for (auto& [code, h] : S.new_target) {
    const TargetSpec& t = S.target_decl[code];
    NewOrg& n = S.news_of(h);
    if (t.parent.empty()) {
      if (n.kind != OrgKind::city) {
        // inherit the parent of the consumed organization with the same code, if any
        auto it = S.by_code.find(code);
        if (it != S.by_code.end() && S.nodes[it->second].parent) {
          if (auto p = handle_of(S.nodes[it->second].parent)) S.news_of(h).parent = *p;
          else S.problem("bad_target", "Tổ chức mới " + code + " cần tổ chức cấp trên (target_parent)", t.line, code);
        } else {
          S.problem("bad_target", "Tổ chức mới " + code + " cần tổ chức cấp trên (target_parent); chỉ cấp thành phố/tỉnh mới được là gốc", t.line, code);
        }
      }
      continue;
    }
    auto p = resolve_code(t.parent, t.line, code);
    if (!p) continue;
    Handle ph = *p > 0 ? handle_of(*p).value_or(0) : *p;
    S.news_of(h).parent = ph;
  }
  // Every loaded, not consumed node: its after-handle (creates versions).
  {
    std::vector<int64_t> order;
    for (auto& [id, n] : S.nodes)
      if (n.loaded_subtree || S.modified.count(id)) order.push_back(id);
    std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
      const auto &x = S.nodes[a], &y = S.nodes[b];
      return x.path.size() != y.path.size() ? x.path.size() < y.path.size() : x.path < y.path;
    });
    for (int64_t id : order)
      if (!S.consumed.count(id)) handle_of(id);
  }
  // Modified nodes outside any loaded subtree were handled above; members of versions follow.
  for (auto& [id, h] : S.version) S.org_map[id] = h;
  // Merge sources point at the target's after-handle (a target that changes has a version).
  for (auto& [id, h] : S.org_map)
    if (h > 0) h = handle_of(h).value_or(h);
  for (auto& l : S.lineage)
    if (l.succ > 0) l.succ = handle_of(l.succ).value_or(l.succ);
  for (auto& [mid, h] : S.member_map)
    if (h > 0) h = handle_of(h).value_or(h);
  for (auto& [mid, h] : S.member_map_idx)
    if (h > 0) h = handle_of(h).value_or(h);
  for (auto& [code, h] : S.new_target) {
    NewOrg& n = S.news_of(h);
    if (n.parent > 0) n.parent = handle_of(n.parent).value_or(n.parent);
  }

  // Cycles among new organizations (a new unit whose parent chain comes back to itself).
  for (std::size_t i = 0; i < S.news.size() && !S.cycle_reported; ++i) {
    Handle h = -Handle(i + 1);
    std::unordered_set<Handle> seen;
    while (h < 0) {
      if (!seen.insert(h).second) {
        S.problem("cycle", "Phương án tạo vòng lặp trong cây tổ chức quanh " + S.news_of(h).code, 0, S.news_of(h).code);
        S.cycle_reported = true;
        break;
      }
      h = S.news_of(h).parent;
    }
  }

  // Closed rows.
  for (auto& [id, op] : S.consumed) S.closed.push_back(id);
  for (auto& [id, h] : S.version) S.closed.push_back(id);
  std::sort(S.closed.begin(), S.closed.end());

  lap("handles");
  // Code reused: a code valid at the same time for two organizations after the plan.
  {
    std::unordered_set<int64_t> closed_set(S.closed.begin(), S.closed.end());
    std::map<std::string, int> count;
    for (auto& n : S.news) count[n.code]++;
    for (auto& [c, k] : count)
      if (k > 1)
        S.problem("code_reused", "Mã " + c + " được dùng cho " + std::to_string(k) + " tổ chức cùng hiệu lực từ ngày " + S.eff.display(), 0, c);
    std::set<std::string> check;  // codes of new organizations and renamed codes
    for (auto& n : S.news)
      if (n.from_id == 0 || n.code != S.nodes[n.from_id].code) check.insert(n.code);
    for (auto& c : check) {
      sqlu::Query q;
      q.text = "SELECT id, name, valid_from FROM organization WHERE code = " + q.add(c) + " AND (valid_to IS NULL OR valid_to > " +
               q.add(S.eff_s) + ")";
      sqlu::each(sql, q, 3, [&](const sqlu::Row& r) {
        if (closed_set.count(r.i(0))) return;
        S.problem("code_reused",
                  "Mã " + c + " đang là mã của " + r.s(1) + " (hiệu lực từ " + r.s(2) + ", vẫn còn hiệu lực từ ngày " + S.eff.display() +
                      "): hai tổ chức không được cùng mã trong cùng thời gian",
                  0, c);
      });
    }
  }

  // Role grants that will point at closed organizations with no single successor.
  // (Grants with one successor move with it; reported in apply's summary.)

  lap("codes");
  // ---- preview views
  Preview& pv = S.pv;
  pv.orgs_new = 0;
  for (auto& n : S.news) {
    if (n.from_id == 0) ++pv.orgs_new;
    else ++pv.orgs_versioned;
  }
  pv.orgs_closed = int64_t(S.consumed.size());
  // Members whose place in the tree changes: those of merged, split or dissolved organizations,
  // and those of organizations moved (themselves or with an ancestor). A rename or a change of
  // kind re-versions the organization but nobody moves.
  std::function<bool(int64_t)> relocated = [&](int64_t id) -> bool {
    for (int hops = 0; id && hops < 64; ++hops) {
      if (S.consumed.count(id) || child_dest.count(id)) return true;
      auto m = S.modified.find(id);
      if (m != S.modified.end() && !m->second.parent.empty()) return true;
      if (!S.version.count(id)) return false;
      auto it = S.nodes.find(id);
      if (it == S.nodes.end()) return false;
      id = it->second.parent;
    }
    return false;
  };
  for (auto& [id, h] : S.org_map) {
    int64_t direct = S.nodes.count(id) ? S.nodes[id].direct : 0;
    pv.memberships_reopened += direct;
    if (relocated(id)) pv.members_moved += direct;
  }
  pv.members_moved += int64_t(S.member_map.size());
  pv.memberships_reopened += int64_t(S.member_map.size());

  // after-state active counts per handle (new rows), aggregated up the new tree
  for (auto& [id, h] : S.org_map)
    if (h < 0) S.news_of(h).after_active += S.nodes[id].direct_active;
  {
    std::unordered_map<int64_t, bool> active_of;
    for (auto& [id, v] : members_of_consumed)
      for (auto& m : v) active_of[m.id] = m.active;
    for (auto& [mid, h] : S.member_map)
      if (h < 0 && active_of[mid]) S.news_of(h).after_active += 1;
  }
  {
    // depth of each new row, then add children's counts to parents, deepest first
    std::function<int(Handle)> depth = [&](Handle h) -> int {
      NewOrg& n = S.news_of(h);
      if (n.depth >= 0) return n.depth;
      n.depth = 0;  // guards cycles
      n.depth = n.parent < 0 ? depth(n.parent) + 1 : 0;
      return n.depth;
    };
    std::vector<Handle> hs;
    for (std::size_t i = 0; i < S.news.size(); ++i) {
      hs.push_back(-Handle(i + 1));
      if (!S.cycle_reported) depth(hs.back());
    }
    std::sort(hs.begin(), hs.end(), [&](Handle a, Handle b) { return S.news_of(a).depth > S.news_of(b).depth; });
    if (!S.cycle_reported)
      for (Handle h : hs)
        if (S.news_of(h).parent < 0) S.news_of(S.news_of(h).parent).after_active += S.news_of(h).after_active;
  }

  std::unordered_multimap<int64_t, std::size_t> lin_by_pred;
  std::unordered_multimap<Handle, std::size_t> lin_by_succ;
  for (std::size_t k = 0; k < S.lineage.size(); ++k) {
    lin_by_pred.emplace(S.lineage[k].pred, k);
    if (S.lineage[k].succ) lin_by_succ.emplace(S.lineage[k].succ, k);
  }

  // Members that change place, in groups (where they are now → the after-state handle they go
  // to, active members): an existing organization's count after the plan is its count now, less
  // the groups that leave its subtree, plus those that enter it.
  struct Group {
    std::string from_path;
    Handle to;
    int64_t active;
  };
  std::vector<Group> groups;
  {
    for (auto& [id, h] : S.org_map)
      if (S.nodes[id].direct_active) groups.push_back({S.nodes[id].path, h, S.nodes[id].direct_active});
    std::unordered_map<int64_t, const MemberRec*> rec;
    for (auto& [id, v] : members_of_consumed)
      for (auto& m : v) rec[m.id] = &m;
    for (auto& [mid, h] : S.member_map)
      if (auto it = rec.find(mid); it != rec.end() && it->second->active)
        groups.push_back({S.nodes.count(it->second->org_id) ? S.nodes[it->second->org_id].path : it->second->path, h, 1});
  }
  std::unordered_map<int64_t, std::string> path_cache;
  auto existing_path = [&](int64_t id) -> std::string {
    if (auto it = S.nodes.find(id); it != S.nodes.end()) return it->second.path;
    if (auto it = path_cache.find(id); it != path_cache.end()) return it->second;
    auto o = registry::find_org_by_id(sql, id);
    return path_cache[id] = o ? o->path : std::string();
  };
  auto lands_in = [&](Handle to, Handle h, const std::string& hpath) -> bool {
    for (int hops = 0; to < 0 && hops < 64; ++hops) {
      if (to == h) return true;
      to = S.news_of(to).parent;
    }
    if (to <= 0) return false;
    if (to == h) return true;
    std::string p = existing_path(to);
    return !hpath.empty() && p.compare(0, hpath.size(), hpath) == 0;
  };
  auto net_inflow = [&](Handle h, const std::string& hpath) -> int64_t {
    int64_t d = 0;
    for (auto& g : groups) {
      bool was = g.from_path.compare(0, hpath.size(), hpath) == 0, will = lands_in(g.to, h, hpath);
      if (was && !will) d -= g.active;
      if (!was && will) d += g.active;
    }
    return d;
  };

  // Named organizations: the level at which the plan acts (sources, targets, modified).
  std::unordered_set<Handle> named_after;
  for (auto& [code, h] : S.new_target) named_after.insert(h);
  for (auto& [id, h] : S.version)
    if (S.news_of(h).named) named_after.insert(h);
  for (int64_t id : S.named)
    if (!S.consumed.count(id) && !S.version.count(id)) named_after.insert(id);
  auto parent_label = [&](int64_t id) -> std::pair<std::string, std::string> {
    auto it = S.nodes.find(id);
    if (it == S.nodes.end() || !it->second.parent) return {"", ""};
    auto p = S.nodes.find(it->second.parent);
    if (p == S.nodes.end()) {
      auto po = registry::find_org_by_id(sql, it->second.parent);
      return po ? std::pair{po->code, po->name} : std::pair{std::string(), std::string()};
    }
    return {p->second.code, p->second.name};
  };
  {
    std::vector<int64_t> named(S.named.begin(), S.named.end());
    std::sort(named.begin(), named.end(), [&](int64_t a, int64_t b) { return S.nodes[a].path < S.nodes[b].path; });
    for (int64_t id : named) {
      Node& n = S.nodes[id];
      TreeRow r;
      r.code = n.code;
      r.name = n.name;
      r.kind = std::string(registry::to_string(n.kind));
      std::tie(r.parent_code, r.parent_name) = parent_label(id);
      if (n.loaded_subtree) {
        r.members = subtree_active(id);
      } else {  // a target outside the plan's subtrees: counted (the preview showed '?')
        sqlu::Query q;
        q.text = "SELECT count(*) FROM member WHERE org_path >= " + q.add(n.path) + " AND org_path < " +
                 q.add(registry::subtree_end(n.path)) + " AND status IN " + kActive;
        r.members = for_apply ? -1 : sqlu::to_i64(sqlu::scalar(sql, q));
      }
      auto [b, e] = lin_by_pred.equal_range(id);
      std::vector<std::size_t> ks;
      for (auto it = b; it != e; ++it) ks.push_back(it->second);
      std::sort(ks.begin(), ks.end());
      for (auto k : ks) r.to.push_back(S.lineage[k].succ ? S.handle_code(S.lineage[k].succ) : "");
      if (auto c = S.consumed.find(id); c != S.consumed.end()) r.change = std::string(to_string(plan.ops[std::size_t(c->second)].kind));
      else if (S.version.count(id)) r.change = "changed";
      else r.change = "target";
      pv.before.push_back(std::move(r));
    }
  }
  {
    std::vector<Handle> named(named_after.begin(), named_after.end());
    auto key = [&](Handle h) { return std::pair(S.handle_code(h) == "" ? 1 : 0, S.handle_code(h)); };
    std::sort(named.begin(), named.end(), [&](Handle a, Handle b) {
      int da = a < 0 ? S.news_of(a).depth : -1, db = b < 0 ? S.news_of(b).depth : -1;
      return da != db ? da < db : key(a) < key(b);
    });
    for (Handle h : named) {
      TreeRow r;
      r.code = S.handle_code(h);
      r.name = S.handle_name(h);
      if (h < 0) {
        NewOrg& n = S.news_of(h);
        r.kind = std::string(registry::to_string(n.kind));
        if (n.parent < 0 || (n.parent > 0 && S.nodes.count(n.parent))) {
          r.parent_code = S.handle_code(n.parent);
          r.parent_name = S.handle_name(n.parent);
        } else if (n.parent > 0) {  // an unchanged organization outside the loaded subtrees
          if (auto po = registry::find_org_by_id(sql, n.parent)) {
            r.parent_code = po->code;
            r.parent_name = po->name;
          }
        }
        r.members = n.after_active;
        r.change = n.from_id ? "changed" : "new";
      } else {
        Node& n = S.nodes[h];
        r.kind = std::string(registry::to_string(n.kind));
        std::tie(r.parent_code, r.parent_name) = parent_label(h);
        int64_t base_count = 0;
        if (n.loaded_subtree) {
          base_count = subtree_active(h);
        } else {
          sqlu::Query q;
          q.text = "SELECT count(*) FROM member WHERE org_path >= " + q.add(n.path) + " AND org_path < " +
                   q.add(registry::subtree_end(n.path)) + " AND status IN " + kActive;
          base_count = sqlu::to_i64(sqlu::scalar(sql, q));
        }
        r.members = base_count + net_inflow(h, n.path);
        r.change = "receives";
      }
      auto [b, e] = lin_by_succ.equal_range(h);
      std::vector<std::size_t> ks;
      for (auto it = b; it != e; ++it) ks.push_back(it->second);
      std::sort(ks.begin(), ks.end());
      for (auto k : ks) r.from.push_back(S.nodes[S.lineage[k].pred].code);
      if (h < 0 && S.news_of(h).from_id && r.from.empty()) r.from.push_back(S.nodes[S.news_of(h).from_id].code);
      pv.after.push_back(std::move(r));
    }
  }
  // Moves, grouped by the nearest named organization on each side.
  {
    auto named_before = [&](int64_t id) -> int64_t {
      for (int hops = 0; id && hops < 64; ++hops) {
        if (S.named.count(id)) return id;
        auto it = S.nodes.find(id);
        if (it == S.nodes.end()) return 0;
        id = it->second.parent;
      }
      return 0;
    };
    auto named_after_of = [&](Handle h) -> Handle {
      for (int hops = 0; h && hops < 64; ++hops) {
        if (named_after.count(h)) return h;
        if (h < 0) h = S.news_of(h).parent;
        else {
          auto it = S.nodes.find(h);
          if (it == S.nodes.end()) return h;
          h = it->second.parent;
        }
      }
      return h;
    };
    std::map<std::pair<int64_t, Handle>, int64_t> agg;
    for (auto& [id, h] : S.org_map)
      if (S.nodes[id].direct && relocated(id)) agg[{named_before(id), named_after_of(h)}] += S.nodes[id].direct;
    {
      std::unordered_map<int64_t, int64_t> org_of;
      for (auto& [id, v] : members_of_consumed)
        for (auto& m : v) org_of[m.id] = m.org_id;
      for (auto& [mid, h] : S.member_map) agg[{named_before(org_of[mid]), named_after_of(h)}] += 1;
    }
    for (auto& [k, n] : agg) {
      MoveRow r;
      r.from_code = k.first ? S.nodes[k.first].code : "";
      r.from_name = k.first ? S.nodes[k.first].name : "";
      r.to_code = S.handle_code(k.second);
      r.to_name = S.handle_name(k.second);
      r.members = n;
      pv.moves.push_back(std::move(r));
    }
  }
  lap("views");
  // A sample of the members that move (names), for the page.
  if (!for_apply && pv.members_moved > 0) {
    std::vector<int64_t> ids;
    for (auto& [id, h] : S.org_map)
      if (S.nodes[id].direct && relocated(id)) ids.push_back(id);
    for (std::size_t k = 0; k < ids.size() && pv.member_sample.size() < 200; ++k) {
      sqlu::Query q;
      q.text = "SELECT id, family_name, middle_name, given_name FROM member WHERE org_id = " + q.add(ids[k]) + " ORDER BY sort_key, id LIMIT " +
               std::to_string(200 - pv.member_sample.size());
      Handle dest = S.org_map[ids[k]];
      sqlu::each(sql, q, 4, [&](const sqlu::Row& r) {
        MemberMove mm;
        mm.member_id = r.i(0);
        mm.name = vntext::collapse_spaces(r.s(1) + " " + r.s(2) + " " + r.s(3));
        mm.from_code = S.nodes[ids[k]].code;
        mm.from_name = S.nodes[ids[k]].name;
        mm.to_code = S.handle_code(dest);
        mm.to_name = S.handle_name(dest);
        pv.member_sample.push_back(std::move(mm));
      });
    }
  }
  lap("sample");
  // Blocking problems first.
  std::stable_sort(pv.problems.begin(), pv.problems.end(), [](const Problem& a, const Problem& b) { return a.blocking > b.blocking; });
  lap("sort");
  spdlog::debug("restructure compute: {}", timings);
  return st;
}

Preview Engine::preview(const Plan& plan) {
  auto s = db_.session();
  auto st = compute(*s, plan, false);
  return std::move(st->pv);
}

namespace {

std::string summary_json(const Preview& pv) {
  json::object o;
  o["orgs_new"] = pv.orgs_new;
  o["orgs_versioned"] = pv.orgs_versioned;
  o["orgs_closed"] = pv.orgs_closed;
  o["members_moved"] = pv.members_moved;
  return json::serialize(o);
}

}  // namespace

ApplyResult Engine::apply(const Plan& plan, const security::Actor* actor) {
  auto t0 = std::chrono::steady_clock::now();
  auto s = db_.session();
  soci::session& sql = *s;
  bool pg = db_.dialect() == db::Dialect::postgresql;
  // SQLite: foreign keys are not checked during the apply (every reference is to a row this
  // transaction has just written or checked), so that the bulk statements below need no
  // statement journal (OR FAIL) and no per-row lookups. Restored on every exit.
  // A larger page cache for the apply keeps the pages it rewrites in memory until the commit
  // (fewer spills to the WAL); restored with the foreign keys.
  struct FkGuard {
    soci::session& sql;
    bool on;
    ~FkGuard() {
      if (on) try {
          sql << "PRAGMA foreign_keys=ON";
          sql << "PRAGMA cache_size=-65536";
        } catch (...) {
        }
    }
  } fk_guard{sql, !pg};
  if (!pg) {
    sql << "PRAGMA foreign_keys=OFF";
    sql << "PRAGMA cache_size=-262144";
  }
  db::WriteTransaction tr(sql);  // SQLite: BEGIN IMMEDIATE, no "database is locked" half-way
  if (pg) sql << "SELECT pg_advisory_xact_lock(727276)";  // one restructuring at a time
  registry::lock_member_writes(sql);  // member counts move with the members (counts.hpp)
  auto st = compute(sql, plan, true);
  State& S = *st;
  if (!S.pv.ok()) {
    std::string msg = "Phương án còn " + std::to_string(S.pv.blocking()) + " vấn đề, chưa áp dụng: ";
    int k = 0;
    for (auto& p : S.pv.problems)
      if (p.blocking && k++ < 3) msg += (k > 1 ? "; " : "") + p.message;
    throw Error(ErrorKind::conflict, "restructure.problems", msg);
  }
  auto t_check = std::chrono::steady_clock::now();
  std::string now = db::now_utc(), who = actor ? actor->username : "system";

  // The plan row.
  long long plan_id = 0;
  {
    std::string name = plan.name.empty() ? "Phương án sắp xếp hiệu lực " + S.eff.display() + " (" +
                                               std::to_string(plan.ops.size()) + " thao tác)"
                                         : plan.name,
                eff = S.eff_s, status = "applied",
                summary = summary_json(S.pv), text = plan.source_text;
    if (pg) {
      sql << "INSERT INTO restructure_plan(name, effective_date, status, source_text, summary, applied_at, applied_by) "
             "VALUES (:n, :e, :s, :t, :sm, :a, :b) RETURNING id",
          soci::use(name), soci::use(eff), soci::use(status), soci::use(text), soci::use(summary), soci::use(now),
          soci::use(who), soci::into(plan_id);
    } else {
      sql << "INSERT INTO restructure_plan(name, effective_date, status, source_text, summary, applied_at, applied_by) "
             "VALUES (:n, :e, :s, :t, :sm, :a, :b)",
          soci::use(name), soci::use(eff), soci::use(status), soci::use(text), soci::use(summary), soci::use(now),
          soci::use(who);
      sql << "SELECT last_insert_rowid()", soci::into(plan_id);
    }
  }

  // New rows: ids in order, parents first.
  long long max_id = 0;
  soci::indicator mind = soci::i_null;
  sql << "SELECT max(id) FROM organization", soci::into(max_id, mind);
  int64_t next_id = (mind == soci::i_ok ? max_id : 0) + 1;
  std::vector<Handle> order;
  {
    for (std::size_t i = 0; i < S.news.size(); ++i) {
      Handle h = -Handle(i + 1);
      int d = 0;
      for (Handle p = S.news_of(h).parent; p < 0 && d < 1000; p = S.news_of(p).parent) ++d;
      S.news_of(h).depth = d;
      order.push_back(h);
    }
    std::stable_sort(order.begin(), order.end(), [&](Handle a, Handle b) { return S.news_of(a).depth < S.news_of(b).depth; });
  }
  auto path_of_existing = [&](int64_t id) -> std::string {
    if (auto it = S.nodes.find(id); it != S.nodes.end()) return it->second.path;
    auto o = registry::find_org_by_id(sql, id);
    if (!o) throw Error(ErrorKind::internal, "restructure.parent", "Không tìm thấy tổ chức cấp trên id " + std::to_string(id));
    Node n;
    n.id = id;
    n.code = o->code;
    n.name = o->name;
    n.path = o->path;
    S.nodes.emplace(id, n);
    return o->path;
  };
  {
    long long id = 0, pid = 0, pl = plan_id;
    soci::indicator pind = soci::i_ok;
    std::string code, name, key, kind, unit, from = S.eff_s, path;
    int syn = 0;
    soci::statement ins = (sql.prepare << "INSERT INTO organization(id, code, name, name_key, kind, parent_id, admin_unit_code, "
                                          "valid_from, valid_to, path, synthetic, created_at, opened_by_plan) VALUES (:id, :c, :n, :k, "
                                          ":kd, :p, :a, :f, NULL, :path, :s, :at, :pl)",
                           soci::use(id), soci::use(code), soci::use(name), soci::use(key), soci::use(kind),
                           soci::use(pid, pind), soci::use(unit), soci::use(from), soci::use(path), soci::use(syn),
                           soci::use(now), soci::use(pl));
    for (Handle h : order) {
      NewOrg& n = S.news_of(h);
      n.id = next_id++;
      std::string ppath;
      if (n.parent < 0) ppath = S.news_of(n.parent).path;
      else if (n.parent > 0) ppath = path_of_existing(n.parent);
      n.path = (ppath.empty() ? std::string("/") : ppath) + std::to_string(n.id) + "/";
      id = n.id;
      code = n.code;
      name = n.name;
      key = vntext::search_key(n.name);
      kind = std::string(registry::to_string(n.kind));
      unit = n.admin_unit_code;
      path = n.path;
      syn = n.synthetic ? 1 : 0;
      pind = n.parent ? soci::i_ok : soci::i_null;
      pid = n.parent < 0 ? S.news_of(n.parent).id : n.parent;
      ins.execute(true);
    }
    if (pg && !order.empty())
      sql << "SELECT setval(pg_get_serial_sequence('organization', 'id'), (SELECT max(id) FROM organization))";
  }
  auto id_of = [&](Handle h) -> int64_t { return h < 0 ? S.news_of(h).id : h; };
  auto path_of = [&](Handle h) -> std::string { return h < 0 ? S.news_of(h).path : path_of_existing(h); };

  // Temp tables: closed organizations, organization → organization moves, member moves.
  for (const char* t : {"rs_closed", "rs_org_map", "rs_member_map"}) sql << (std::string("DROP TABLE IF EXISTS ") + t);
  sql << "CREATE TEMP TABLE rs_closed (id BIGINT PRIMARY KEY)";
  sql << "CREATE TEMP TABLE rs_org_map (old_id BIGINT PRIMARY KEY, new_id BIGINT NOT NULL, new_path TEXT NOT NULL)";
  sql << "CREATE TEMP TABLE rs_member_map (member_id BIGINT PRIMARY KEY, new_id BIGINT NOT NULL, new_path TEXT NOT NULL)";
  {
    long long id = 0;
    soci::statement ins = (sql.prepare << "INSERT INTO rs_closed(id) VALUES (:id)", soci::use(id));
    for (int64_t c : S.closed) {
      id = c;
      ins.execute(true);
    }
  }
  {
    long long a = 0, b = 0;
    std::string p;
    soci::statement ins = (sql.prepare << "INSERT INTO rs_org_map(old_id, new_id, new_path) VALUES (:a, :b, :p)", soci::use(a),
                           soci::use(b), soci::use(p));
    for (auto& [old, h] : S.org_map) {
      if (!S.nodes[old].direct) continue;  // nobody to move
      a = old;
      b = id_of(h);
      p = path_of(h);
      ins.execute(true);
    }
  }
  {
    long long a = 0, b = 0;
    std::string p;
    soci::statement ins = (sql.prepare << "INSERT INTO rs_member_map(member_id, new_id, new_path) VALUES (:a, :b, :p)",
                           soci::use(a), soci::use(b), soci::use(p));
    for (auto& [m, h] : S.member_map) {
      a = m;
      b = id_of(h);
      p = path_of(h);
      ins.execute(true);
    }
  }
  auto t_rows = std::chrono::steady_clock::now();

  // Members: new memberships, closed old ones, then the member rows.
  {
    std::string eff = S.eff_s;
    long long pl = plan_id;
    std::string reason = "Sắp xếp tổ chức (phương án " + std::to_string(plan_id) + ")";
    if (!plan.ops.empty()) reason = "Sắp xếp tổ chức theo " + plan.ops.front().decision_no;
    // SQLite: OR FAIL needs no statement journal (a failure aborts the whole apply anyway).
    const std::string ins = pg ? "INSERT INTO" : "INSERT OR FAIL INTO", upd = pg ? "UPDATE" : "UPDATE OR FAIL";
    std::string timing;
    auto t = std::chrono::steady_clock::now();
    auto lap = [&](const char* what) {
      auto n = std::chrono::steady_clock::now();
      timing += std::string(timing.empty() ? "" : ", ") + what + " " +
                std::to_string(int(std::chrono::duration<double, std::milli>(n - t).count())) + " ms";
      t = n;
    };
    // (Dropping and rebuilding the indexes on the moved columns was measured slower: the new
    // rows' keys are mostly appended in order, so the indexes are updated nearly sequentially.)
    sql << ins + " membership(member_id, org_id, valid_from, reason, opened_by_plan) SELECT m.id, om.new_id, :e, :r, :p "
                 "FROM rs_org_map om JOIN member m ON m.org_id = om.old_id",
        soci::use(eff), soci::use(reason), soci::use(pl);
    sql << ins + " membership(member_id, org_id, valid_from, reason, opened_by_plan) SELECT mm.member_id, mm.new_id, :e, :r, :p "
                 "FROM rs_member_map mm",
        soci::use(eff), soci::use(reason), soci::use(pl);
    lap("memberships opened");
    sql << upd + " membership SET valid_to = :e, closed_by_plan = :p WHERE valid_to IS NULL AND org_id IN (SELECT id FROM rs_closed)",
        soci::use(eff), soci::use(pl);
    lap("closed");
    // The stored per-organization counts (registry/counts.hpp) move with the members: each
    // delta is taken just before the update it describes (a member moved on its own may then
    // sit in an organization that moves as a whole).
    auto moved_counts = [&](const std::string& q) {
      registry::CountDelta d;
      sqlu::Query cq(q);
      sqlu::each(sql, cq, 3, [&](const sqlu::Row& r) {
        d[r.i(0)] -= r.i(2);
        d[r.i(1)] += r.i(2);
      });
      registry::add_org_counts(sql, d);
    };
    moved_counts("SELECT m.org_id, mm.new_id, count(*) FROM rs_member_map mm JOIN member m ON m.id = mm.member_id WHERE "
                 "m.status IN ('probationary','full','exempted') GROUP BY m.org_id, mm.new_id");
    sql << upd + " member SET org_id = mm.new_id, org_path = mm.new_path FROM rs_member_map mm WHERE mm.member_id = member.id";
    moved_counts("SELECT om.old_id, om.new_id, count(*) FROM rs_org_map om JOIN member m ON m.org_id = om.old_id WHERE "
                 "m.status IN ('probationary','full','exempted') GROUP BY om.old_id, om.new_id");
    sql << upd + " member SET org_id = om.new_id, org_path = om.new_path FROM rs_org_map om WHERE om.old_id = member.org_id";
    lap("members");
    sql << upd + " organization SET valid_to = :e, closed_by_plan = :p WHERE id IN (SELECT id FROM rs_closed)", soci::use(eff),
        soci::use(pl);
    lap("organizations closed");
    spdlog::debug("restructure apply members: {}", timing);
  }
  auto t_members = std::chrono::steady_clock::now();

  std::string rest_timing;
  auto t_rest = std::chrono::steady_clock::now();
  auto rest_lap = [&](const char* what) {
    auto n = std::chrono::steady_clock::now();
    rest_timing += std::string(rest_timing.empty() ? "" : ", ") + what + " " +
                   std::to_string(int(std::chrono::duration<double, std::milli>(n - t_rest).count())) + " ms";
    t_rest = n;
  };
  // Lineage.
  {
    long long pred = 0, succ = 0, pl = plan_id;
    int seq = 0;
    soci::indicator sind = soci::i_ok;
    std::string op, dno, ddate, eff = S.eff_s;
    soci::statement ins = (sql.prepare << "INSERT INTO org_lineage(predecessor_id, successor_id, operation, decision_no, "
                                          "decision_date, effective_date, plan_id, op_seq) VALUES (:a, :b, :o, :n, :d, :e, :p, :q)",
                           soci::use(pred), soci::use(succ, sind), soci::use(op), soci::use(dno), soci::use(ddate),
                           soci::use(eff), soci::use(pl), soci::use(seq));
    // A follower inherits the decision of the operation that moved its nearest changed ancestor.
    std::function<int(int64_t)> op_for = [&](int64_t id) -> int {
      for (int hops = 0; id && hops < 64; ++hops) {
        if (auto c = S.consumed.find(id); c != S.consumed.end()) return c->second;
        if (auto m = S.modified.find(id); m != S.modified.end() && !m->second.ops.empty()) return m->second.ops.front();
        auto it = S.nodes.find(id);
        if (it == S.nodes.end()) break;
        id = it->second.parent;
      }
      return 0;
    };
    for (auto& l : S.lineage) {
      int oi = l.op_index >= 0 ? l.op_index : op_for(S.nodes[l.pred].parent);
      const Operation& o = plan.ops[std::size_t(std::max(0, oi))];
      pred = l.pred;
      succ = l.succ ? id_of(l.succ) : 0;
      sind = l.succ ? soci::i_ok : soci::i_null;
      op = l.op;
      dno = o.decision_no;
      ddate = o.decision_date.iso();
      seq = oi + 1;
      ins.execute(true);
    }
  }

  rest_lap("lineage");
  // Role grants: follow the single successor.
  int64_t grants_moved = 0, grants_left = 0;
  {
    std::vector<std::pair<int64_t, int64_t>> grants;
    sqlu::Query q;
    q.text = "SELECT g.id, g.org_id FROM role_grant g JOIN rs_closed c ON c.id = g.org_id";
    sqlu::each(sql, q, 2, [&](const sqlu::Row& r) { grants.emplace_back(r.i(0), r.i(1)); });
    for (auto& [gid, oid] : grants) {
      std::vector<Handle> succ;
      for (auto& l : S.lineage)
        if (l.pred == oid && l.succ) succ.push_back(l.succ);
      if (succ.size() != 1) {
        ++grants_left;
        continue;
      }
      long long g = gid, o = oid, n = id_of(succ[0]), pl = plan_id;
      sql << "UPDATE role_grant SET org_id = :n WHERE id = :g", soci::use(n), soci::use(g);
      sql << "INSERT INTO restructure_grant_move(plan_id, grant_id, old_org_id, new_org_id) VALUES (:p, :g, :o, :n)", soci::use(pl),
          soci::use(g), soci::use(o), soci::use(n);
      ++grants_moved;
    }
  }

  rest_lap("grants");
  // Operations and the audit chain: one entry per operation, one for the plan.
  {
    long long pl = plan_id;
    int seq = 0;
    std::string op, dno, ddate, eff, detail;
    soci::statement ins = (sql.prepare << "INSERT INTO restructure_op(plan_id, seq, op, decision_no, decision_date, effective_date, "
                                          "detail) VALUES (:p, :s, :o, :n, :d, :e, :t)",
                           soci::use(pl), soci::use(seq), soci::use(op), soci::use(dno), soci::use(ddate), soci::use(eff),
                           soci::use(detail));
    std::map<int, int64_t> moved_by_op;
    for (auto& [id, h] : S.org_map) {
      auto c = S.consumed.find(id);
      if (c != S.consumed.end()) moved_by_op[c->second] += S.nodes[id].direct;
    }
    for (std::size_t i = 0; i < plan.ops.size(); ++i) {
      const Operation& o = plan.ops[i];
      json::object d;
      d["plan_id"] = plan_id;
      json::array src, tgt;
      for (auto& s : o.sources) src.emplace_back(s);
      for (auto& t : o.targets) tgt.emplace_back(t.code);
      d["sources"] = src;
      d["targets"] = tgt;
      if (o.kind == OpKind::split) d["rule"] = std::string(to_string(o.rule));
      if (!o.note.empty()) d["note"] = o.note;
      d["decision_no"] = o.decision_no;
      d["decision_date"] = o.decision_date.iso();
      d["effective_date"] = o.effective_date.iso();
      seq = int(i + 1);
      op = std::string(to_string(o.kind));
      dno = o.decision_no;
      ddate = o.decision_date.iso();
      eff = o.effective_date.iso();
      detail = json::serialize(d);
      ins.execute(true);
      std::string path;
      if (!o.sources.empty())
        if (auto it = S.by_code.find(o.sources[0]); it != S.by_code.end()) path = S.nodes[it->second].path;
      security::audit_append(sql, actor, "restructure." + op, "organization", o.sources.empty() ? "" : o.sources[0], path, detail);
    }
    json::object d = json::parse(summary_json(S.pv)).as_object();
    d["plan_id"] = plan_id;
    d["name"] = plan.name;
    d["operations"] = int64_t(plan.ops.size());
    d["grants_moved"] = grants_moved;
    d["grants_left_on_closed"] = grants_left;
    security::audit_append(sql, actor, "restructure.apply", "restructure_plan", std::to_string(plan_id), "", json::serialize(d));
  }
  rest_lap("operations and audit");
  for (const char* t : {"rs_closed", "rs_org_map", "rs_member_map"}) sql << (std::string("DROP TABLE ") + t);
  tr.commit();
  registry::RegistryService::invalidate_counts();  // members moved: cached subtree counts are stale
  rest_lap("commit");
  spdlog::debug("restructure apply rest: {}", rest_timing);
  auto t_end = std::chrono::steady_clock::now();
  auto secs = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
  spdlog::info("restructure apply plan {}: check {:.2f} s, rows {:.2f} s, members {:.2f} s, rest {:.2f} s", plan_id,
               secs(t0, t_check), secs(t_check, t_rows), secs(t_rows, t_members), secs(t_members, t_end));
  ApplyResult res;
  res.plan_id = plan_id;
  res.preview = std::move(S.pv);
  res.seconds = secs(t0, t_end);
  return res;
}

std::vector<Problem> Engine::undo_blockers(int64_t plan_id) {
  auto s = db_.session();
  soci::session& sql = *s;
  std::vector<Problem> out;
  auto add = [&](std::string code, std::string msg) { out.push_back({std::move(code), std::move(msg), 0, "", true}); };
  std::string pid = std::to_string(plan_id);
  {
    sqlu::Query q;
    q.text = "SELECT status FROM restructure_plan WHERE id = " + q.add(pid);
    std::string status = sqlu::scalar(sql, q);
    if (status.empty()) {
      add("not_found", "Không có phương án số " + pid);
      return out;
    }
    if (status != "applied") add("not_applied", "Phương án số " + pid + " không ở trạng thái đã áp dụng (" + status + ")");
  }
  {
    sqlu::Query q;
    q.text = "SELECT id, name FROM restructure_plan WHERE status = 'applied' AND id > " + q.add(pid) + " ORDER BY id";
    sqlu::each(sql, q, 2, [&](const sqlu::Row& r) {
      add("later_plan", "Phương án số " + r.s(0) + " (" + r.s(1) + ") được áp dụng sau; hãy hoàn tác phương án đó trước");
    });
  }
  auto count = [&](const std::string& text) {
    sqlu::Query q;
    q.text = text;
    for (std::size_t k = 0; k < q.text.size();) {  // replace every ":plan" by a parameter
      auto at = q.text.find(":plan", k);
      if (at == std::string::npos) break;
      std::string ph = q.add(pid);
      q.text.replace(at, 5, ph);
      k = at + ph.size();
    }
    return sqlu::to_i64(sqlu::scalar(sql, q));
  };
  if (int64_t n = count("SELECT count(*) FROM organization WHERE opened_by_plan = :plan AND valid_to IS NOT NULL"))
    add("later_change", std::to_string(n) + " tổ chức do phương án lập đã thay đổi hoặc hết hiệu lực sau đó");
  if (int64_t n = count("SELECT count(*) FROM organization c WHERE (c.opened_by_plan IS NULL OR c.opened_by_plan <> :plan) AND "
                        "c.parent_id IN (SELECT id FROM organization WHERE opened_by_plan = :plan)"))
    add("later_change", std::to_string(n) + " tổ chức được lập sau đó trực thuộc các tổ chức do phương án lập");
  if (int64_t n = count("SELECT count(*) FROM membership WHERE opened_by_plan = :plan AND valid_to IS NOT NULL"))
    add("later_change", std::to_string(n) + " đảng viên đã chuyển sinh hoạt sau khi phương án được áp dụng");
  if (int64_t n = count("SELECT count(*) FROM membership ms WHERE (ms.opened_by_plan IS NULL OR ms.opened_by_plan <> :plan) AND "
                        "ms.org_id IN (SELECT id FROM organization WHERE opened_by_plan = :plan)"))
    add("later_change", std::to_string(n) + " lượt sinh hoạt đảng mới tại các tổ chức do phương án lập");
  if (int64_t n = count("SELECT count(*) FROM role_grant g WHERE g.org_id IN (SELECT id FROM organization WHERE opened_by_plan = :plan) "
                        "AND g.id NOT IN (SELECT grant_id FROM restructure_grant_move WHERE plan_id = :plan)"))
    add("later_change", std::to_string(n) + " tài khoản được cấp quyền trên các tổ chức do phương án lập");
  return out;
}

int64_t Engine::undo(std::optional<int64_t> plan_id, const security::Actor* actor) {
  int64_t pid = 0;
  {
    auto s = db_.session();
    sqlu::Query q;
    q.text = "SELECT max(id) FROM restructure_plan WHERE status = 'applied'";
    pid = sqlu::to_i64(sqlu::scalar(*s, q));
  }
  if (!pid) throw Error(ErrorKind::not_found, "restructure.none", "Không có phương án nào đã áp dụng để hoàn tác");
  if (plan_id && *plan_id != pid)
    throw Error(ErrorKind::conflict, "restructure.not_last",
                "Chỉ hoàn tác được phương án áp dụng gần nhất (số " + std::to_string(pid) + ")");
  auto blockers = undo_blockers(pid);
  if (!blockers.empty()) {
    std::string msg = "Không thể hoàn tác phương án số " + std::to_string(pid) + ": ";
    for (std::size_t k = 0; k < blockers.size() && k < 3; ++k) msg += (k ? "; " : "") + blockers[k].message;
    throw Error(ErrorKind::conflict, "restructure.depends", msg);
  }
  auto s = db_.session();
  soci::session& sql = *s;
  db::WriteTransaction tr(sql);
  if (db::sql::is_postgresql(sql)) sql << "SELECT pg_advisory_xact_lock(727276)";  // one restructuring at a time
  registry::lock_member_writes(sql);
  long long p = pid;
  std::string now = db::now_utc(), who = actor ? actor->username : "system";
  // The stored per-organization counts: the members go back where they were before the plan.
  auto active_of_moved = [&](int sign, registry::CountDelta& d) {
    sqlu::Query cq;
    cq.text = "SELECT org_id, count(*) FROM member WHERE status IN ('probationary','full','exempted') AND id IN (SELECT member_id "
              "FROM membership WHERE opened_by_plan = " + cq.add(int64_t(pid)) + ") GROUP BY org_id";
    sqlu::each(sql, cq, 2, [&](const sqlu::Row& r) { d[r.i(0)] += sign * r.i(1); });
  };
  registry::CountDelta undo_delta;
  active_of_moved(-1, undo_delta);
  sql << "UPDATE member SET org_id = (SELECT ms.org_id FROM membership ms WHERE ms.member_id = member.id AND ms.closed_by_plan = :p "
         "ORDER BY ms.valid_from DESC, ms.id DESC LIMIT 1) WHERE id IN (SELECT member_id FROM membership WHERE opened_by_plan = :p2)",
      soci::use(p), soci::use(p);
  sql << "UPDATE member SET org_path = (SELECT o.path FROM organization o WHERE o.id = member.org_id) WHERE id IN "
         "(SELECT member_id FROM membership WHERE opened_by_plan = :p)",
      soci::use(p);
  active_of_moved(+1, undo_delta);
  registry::add_org_counts(sql, undo_delta);
  sql << "DELETE FROM membership WHERE opened_by_plan = :p", soci::use(p);
  sql << "UPDATE membership SET valid_to = NULL, closed_by_plan = NULL WHERE closed_by_plan = :p", soci::use(p);
  sql << "UPDATE role_grant SET org_id = (SELECT gm.old_org_id FROM restructure_grant_move gm WHERE gm.plan_id = :p AND gm.grant_id = "
         "role_grant.id) WHERE id IN (SELECT grant_id FROM restructure_grant_move WHERE plan_id = :p2)",
      soci::use(p), soci::use(p);
  sql << "DELETE FROM org_lineage WHERE plan_id = :p", soci::use(p);
  sql << "DELETE FROM org_member_count WHERE org_id IN (SELECT id FROM organization WHERE opened_by_plan = :p)", soci::use(p);
  sql << "DELETE FROM organization WHERE opened_by_plan = :p", soci::use(p);
  sql << "UPDATE organization SET valid_to = NULL, closed_by_plan = NULL WHERE closed_by_plan = :p", soci::use(p);
  sql << "UPDATE restructure_plan SET status = 'undone', undone_at = :a, undone_by = :b WHERE id = :p", soci::use(now), soci::use(who),
      soci::use(p);
  security::audit_append(sql, actor, "restructure.undo", "restructure_plan", std::to_string(pid), "", "{\"plan_id\":" + std::to_string(pid) + "}");
  tr.commit();
  registry::RegistryService::invalidate_counts();
  return pid;
}

std::vector<PlanInfo> Engine::plans(int limit) {
  auto s = db_.session();
  sqlu::Query q;
  q.text = "SELECT p.id, p.name, p.effective_date, p.status, p.applied_at, p.applied_by, p.undone_at, p.summary, "
           "(SELECT count(*) FROM restructure_op o WHERE o.plan_id = p.id) FROM restructure_plan p ORDER BY p.id DESC LIMIT " +
           std::to_string(std::clamp(limit, 1, 500));
  std::vector<PlanInfo> out;
  sqlu::each(*s, q, 9, [&](const sqlu::Row& r) {
    out.push_back({r.i(0), r.s(1), r.s(2), r.s(3), r.s(4), r.s(5), r.s(6), r.s(7), int(r.i(8))});
  });
  return out;
}

std::optional<PlanInfo> Engine::plan(int64_t id) {
  for (auto& p : plans(500))
    if (p.id == id) return p;
  return std::nullopt;
}

std::string Engine::plan_source(int64_t id) {
  auto s = db_.session();
  sqlu::Query q;
  q.text = "SELECT source_text FROM restructure_plan WHERE id = " + q.add(id);
  return sqlu::scalar(*s, q);
}

}  // namespace dangbo::restructure

#include "restructure/plan.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <sstream>

#include "base/csv.hpp"
#include "vntext/text.hpp"

namespace dangbo::restructure {

namespace {
struct OpInfo {
  OpKind k;
  std::string_view name, vi, en;
};
constexpr OpInfo kOps[] = {
    {OpKind::merge, "merge", "Hợp nhất, sáp nhập", "Merge"},
    {OpKind::split, "split", "Chia tách", "Split"},
    {OpKind::rename, "rename", "Đổi tên", "Rename"},
    {OpKind::move, "move", "Chuyển trực thuộc", "Move"},
    {OpKind::dissolve, "dissolve", "Giải thể", "Dissolve"},
    {OpKind::change_kind, "change_kind", "Đổi loại hình tổ chức", "Change of kind"},
};

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

// A plan file is read back by dangbo (restructure plan import): values as they are.
std::string csv_field(const std::string& s) { return base::csv_cell(s, base::CsvGuard::none); }

std::string lower_first_word(std::string s) {
  // "Quận 1" → "quận 1", "Huyện Củ Chi" → "huyện Củ Chi", "Thành phố Thủ Đức" → "thành phố Thủ Đức".
  auto sp = s.find(' ');
  std::string first = s.substr(0, sp);
  std::string rest = sp == std::string::npos ? "" : s.substr(sp);
  return registry::unit_type_lower(first) + rest;
}

}  // namespace

std::string_view to_string(OpKind k) {
  for (auto& i : kOps)
    if (i.k == k) return i.name;
  return "merge";
}
std::optional<OpKind> parse_op_kind(std::string_view s) {
  for (auto& i : kOps)
    if (i.name == s) return i.k;
  return std::nullopt;
}
std::string_view label_vi(OpKind k) {
  for (auto& i : kOps)
    if (i.k == k) return i.vi;
  return "";
}
std::string_view label_en(OpKind k) {
  for (auto& i : kOps)
    if (i.k == k) return i.en;
  return "";
}

std::string_view to_string(SplitRule r) {
  switch (r) {
    case SplitRule::residence: return "residence";
    case SplitRule::listed: return "listed";
    case SplitRule::proportional: return "proportional";
  }
  return "residence";
}
std::optional<SplitRule> parse_split_rule(std::string_view s) {
  if (s == "residence") return SplitRule::residence;
  if (s == "listed") return SplitRule::listed;
  if (s == "proportional") return SplitRule::proportional;
  return std::nullopt;
}

std::optional<CivilDate> Plan::effective_date() const {
  if (ops.empty()) return std::nullopt;
  return ops.front().effective_date;
}

Plan parse_plan_csv(std::string_view text, const std::string& source_name) {
  Plan plan;
  plan.source_text = std::string(text);
  plan.name = source_name;  // unless a "# plan: NAME" line names it
  auto problem = [&](std::string code, std::string msg, int line, std::string org = "") {
    plan.problems.push_back({std::move(code), std::move(msg), line, std::move(org), true});
  };

  // Comments ("# …") are blanked out (keeping line numbers); "# plan: NAME" names the plan.
  std::string body;
  body.reserve(text.size());
  {
    std::size_t pos = 0;
    while (pos <= text.size()) {
      auto nl = text.find('\n', pos);
      std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
      std::string t = trim(line);
      if (!t.empty() && t[0] == '#') {
        std::string c = trim(std::string_view(t).substr(1));
        for (std::string_view key : {"plan:", "kế hoạch:", "phương án:"})
          if (c.rfind(key, 0) == 0) plan.name = trim(std::string_view(c).substr(key.size()));
      } else {
        body.append(line);
      }
      if (nl == std::string_view::npos) break;
      body += '\n';
      pos = nl + 1;
    }
  }

  registry::CsvTable t;
  try {
    t = registry::parse_csv(body, source_name.empty() ? "plan.csv" : source_name);
  } catch (const std::exception& e) {
    problem("parse", std::string("Không đọc được tệp phương án: ") + e.what(), 0);
    return plan;
  }
  if (t.header.empty()) {
    problem("empty_plan", "Phương án không có thao tác nào", 0);
    return plan;
  }
  auto col = [&](std::string_view name) -> int {
    for (std::size_t i = 0; i < t.header.size(); ++i)
      if (trim(t.header[i]) == name) return int(i);
    return -1;
  };
  int c_op = col("op"), c_code = col("code"), c_target = col("target"), c_tname = col("target_name"),
      c_tkind = col("target_kind"), c_tparent = col("target_parent"), c_tunit = col("target_unit"), c_rule = col("rule"),
      c_share = col("share"), c_dno = col("decision_no"), c_ddate = col("decision_date"), c_eff = col("effective_date"),
      c_note = col("note");
  for (auto [c, n] : {std::pair{c_op, "op"}, {c_code, "code"}, {c_dno, "decision_no"}, {c_ddate, "decision_date"},
                      {c_eff, "effective_date"}})
    if (c < 0) problem("parse", std::string("Thiếu cột bắt buộc '") + n + "' ở dòng tiêu đề", 1);
  if (c_op < 0 || c_code < 0) return plan;

  // Group rows into operations: merges by target, splits by source, the rest one per row.
  std::map<std::string, std::size_t> merge_by_target, split_by_source;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const auto& row = t.rows[r];
    int line = int(t.lines[r]);
    auto get = [&](int c) { return c < 0 ? std::string() : vntext::collapse_spaces(vntext::nfc(trim(row[std::size_t(c)]))); };
    std::string op_s = get(c_op), code = get(c_code), target = get(c_target);
    if (op_s.empty() && code.empty()) continue;
    if (code.empty()) {
      problem("parse", "Thiếu mã tổ chức (cột code)", line);
      continue;
    }
    if (op_s == "assign") {
      if (target.empty()) problem("parse", "Dòng phân bổ (assign) thiếu nơi đến (cột target)", line, code);
      else plan.assignments.push_back({code, target, line});
      continue;
    }
    auto op = parse_op_kind(op_s);
    if (!op) {
      problem("parse", "Thao tác không hợp lệ '" + op_s + "' (merge, split, rename, move, dissolve, change_kind, assign)", line, code);
      continue;
    }
    auto date = [&](int c, const char* what) -> std::optional<CivilDate> {
      std::string v = get(c);
      auto d = base::parse_user_date(v);
      if (!d || d->precision != base::DatePrecision::day) {
        problem("parse", std::string("Ngày không hợp lệ ở cột ") + what + ": '" + v + "' (YYYY-MM-DD hoặc dd/mm/yyyy)", line, code);
        return std::nullopt;
      }
      return d;
    };
    std::string dno = get(c_dno);
    if (dno.empty()) problem("parse", "Thiếu số quyết định (cột decision_no)", line, code);
    auto ddate = date(c_ddate, "decision_date");
    auto eff = date(c_eff, "effective_date");
    if (!ddate || !eff) continue;

    TargetSpec ts;
    ts.code = target;
    ts.name = get(c_tname);
    ts.parent = get(c_tparent);
    ts.admin_unit_code = get(c_tunit);
    ts.line = line;
    if (std::string k = get(c_tkind); !k.empty()) {
      ts.kind = registry::parse_org_kind(k);
      if (!ts.kind) problem("parse", "Loại tổ chức không hợp lệ '" + k + "'", line, code);
    }
    if (std::string sh = get(c_share); !sh.empty()) {
      double v = 0;
      auto [p, ec] = std::from_chars(sh.data(), sh.data() + sh.size(), v);
      if (ec != std::errc() || p != sh.data() + sh.size() || v < 0)
        problem("parse", "Tỷ lệ (share) không hợp lệ '" + sh + "'", line, code);
      else ts.share = v;
    }
    std::optional<SplitRule> rule;
    if (std::string rs = get(c_rule); !rs.empty()) {
      rule = parse_split_rule(rs);
      if (!rule) problem("parse", "Nguyên tắc chia không hợp lệ '" + rs + "' (residence, listed, proportional)", line, code);
    }
    std::string note = get(c_note);

    auto start = [&](Operation& o) {
      o.kind = *op;
      o.decision_no = dno;
      o.decision_date = *ddate;
      o.effective_date = *eff;
      o.note = note;
      if (rule) o.rule = *rule;
    };
    auto same_decision = [&](const Operation& o) {
      if (o.decision_no != dno || !(o.decision_date == *ddate) || !(o.effective_date == *eff))
        problem("conflicting_rows", "Các dòng của cùng một thao tác phải có cùng số quyết định, ngày quyết định và ngày hiệu lực", line, code);
    };
    switch (*op) {
      case OpKind::merge: {
        if (target.empty()) {
          problem("parse", "Sáp nhập cần mã tổ chức đích (cột target)", line, code);
          break;
        }
        auto it = merge_by_target.find(target);
        if (it == merge_by_target.end()) {
          Operation o;
          start(o);
          o.targets.push_back(ts);
          merge_by_target[target] = plan.ops.size();
          plan.ops.push_back(std::move(o));
          it = merge_by_target.find(target);
        } else {
          same_decision(plan.ops[it->second]);
          auto& t0 = plan.ops[it->second].targets[0];
          // Attributes may be given on any row; where two rows give them they must agree.
          auto agree = [&](std::string& a, const std::string& b, const char* what) {
            if (b.empty()) return;
            if (a.empty()) a = b;
            else if (a != b)
              problem("conflicting_target", std::string("Tổ chức đích ") + target + ": " + what + " khác nhau giữa các dòng", line, target);
          };
          agree(t0.name, ts.name, "tên");
          agree(t0.parent, ts.parent, "tổ chức cấp trên");
          agree(t0.admin_unit_code, ts.admin_unit_code, "mã đơn vị hành chính");
          if (ts.kind && !t0.kind) t0.kind = ts.kind;
          else if (ts.kind && t0.kind && *ts.kind != *t0.kind)
            problem("conflicting_target", "Tổ chức đích " + target + ": loại tổ chức khác nhau giữa các dòng", line, target);
        }
        auto& o = plan.ops[it->second];
        o.sources.push_back(code);
        o.lines.push_back(line);
        break;
      }
      case OpKind::split: {
        if (target.empty()) {
          problem("parse", "Chia tách cần mã tổ chức đích (cột target)", line, code);
          break;
        }
        auto it = split_by_source.find(code);
        if (it == split_by_source.end()) {
          Operation o;
          start(o);
          o.sources.push_back(code);
          split_by_source[code] = plan.ops.size();
          plan.ops.push_back(std::move(o));
          it = split_by_source.find(code);
        } else {
          same_decision(plan.ops[it->second]);
          if (rule && *rule != plan.ops[it->second].rule)
            problem("conflicting_rows", "Các dòng chia tách của " + code + " ghi nguyên tắc chia khác nhau", line, code);
        }
        auto& o = plan.ops[it->second];
        o.targets.push_back(ts);
        o.lines.push_back(line);
        break;
      }
      default: {
        Operation o;
        start(o);
        o.sources.push_back(code);
        o.lines.push_back(line);
        if (*op == OpKind::rename && ts.name.empty() && ts.code.empty())
          problem("parse", "Đổi tên cần tên mới (cột target_name)", line, code);
        if (*op == OpKind::move && ts.parent.empty())
          problem("parse", "Chuyển trực thuộc cần tổ chức cấp trên mới (cột target_parent)", line, code);
        if (*op == OpKind::change_kind && !ts.kind)
          problem("parse", "Đổi loại hình cần loại tổ chức mới (cột target_kind)", line, code);
        if (*op != OpKind::dissolve || !ts.code.empty()) o.targets.push_back(ts);
        plan.ops.push_back(std::move(o));
      }
    }
  }
  if (plan.ops.empty() && plan.problems.empty()) problem("empty_plan", "Phương án không có thao tác nào", 0);
  return plan;
}

std::string write_plan_csv(const Plan& plan) {
  std::ostringstream out;
  if (!plan.name.empty()) out << "# plan: " << plan.name << "\n";
  out << "op,code,target,target_name,target_kind,target_parent,target_unit,rule,share,decision_no,decision_date,"
         "effective_date,note\n";
  auto row = [&](const Operation& o, const std::string& code, const TargetSpec* t, bool with_rule) {
    std::string share;
    if (t && t->share > 0) {
      std::ostringstream s;
      s << t->share;
      share = s.str();
    }
    out << to_string(o.kind) << ',' << csv_field(code) << ',' << csv_field(t ? t->code : "") << ','
        << csv_field(t ? t->name : "") << ',' << (t && t->kind ? registry::to_string(*t->kind) : "") << ','
        << csv_field(t ? t->parent : "") << ',' << csv_field(t ? t->admin_unit_code : "") << ','
        << (with_rule ? to_string(o.rule) : "") << ',' << share << ',' << csv_field(o.decision_no) << ','
        << o.decision_date.iso() << ',' << o.effective_date.iso() << ',' << csv_field(o.note) << "\n";
  };
  for (auto& o : plan.ops) {
    switch (o.kind) {
      case OpKind::merge:
        for (std::size_t i = 0; i < o.sources.size(); ++i) row(o, o.sources[i], o.targets.empty() ? nullptr : &o.targets[0], false);
        break;
      case OpKind::split:
        for (auto& t : o.targets) row(o, o.sources[0], &t, true);
        break;
      default:
        row(o, o.sources.empty() ? "" : o.sources[0], o.targets.empty() ? nullptr : &o.targets[0], false);
    }
  }
  for (auto& a : plan.assignments)
    out << "assign," << csv_field(a.what) << ',' << csv_field(a.target) << ",,,,,,,,,,\n";
  return out.str();
}

std::string old_province_org_code(std::string_view p) {
  if (p == "79") return "HCM";
  if (p == "74") return "BDG";
  if (p == "77") return "BRVT";
  return "P" + std::string(p);
}

std::string new_province_org_code(std::string_view p) {
  if (p == "79") return "HCM";
  return "P" + std::string(p);
}

std::string province_org_name(const registry::AdminUnit& p) {
  // Centrally-run cities keep the capital ("Đảng bộ Thành phố Hồ Chí Minh"); "Tỉnh X" → "tỉnh X".
  std::string full = p.full_name.empty() ? p.name : p.full_name;
  if (full.rfind("Tỉnh ", 0) == 0) full = "tỉnh " + full.substr(std::string("Tỉnh ").size());
  return "Đảng bộ " + full;
}

std::string district_org_name(const registry::AdminUnit& d) {
  return "Đảng bộ " + lower_first_word(d.full_name.empty() ? d.name : d.full_name);
}

std::string old_commune_org_name(const registry::AdminUnit& c) {
  std::string n = registry::org_name_for_unit(c);
  if (!c.district_name.empty()) n += ", " + c.district_name;
  return n;
}

Plan plan_2025(const registry::RefData& ref, SplitRule rule, const std::vector<Assignment>& assignments,
               const Decisions2025& d, const std::vector<std::string>& new_provinces) {
  Plan plan;
  plan.name = new_provinces == std::vector<std::string>{"79"}
                  ? "Sắp xếp tổ chức đảng theo đơn vị hành chính mới của Thành phố Hồ Chí Minh (hiệu lực 01/07/2025)"
                  : "Sắp xếp tổ chức đảng theo đơn vị hành chính mới (hiệu lực 01/07/2025)";
  auto wanted = [&](const std::string& new_prov) {
    return new_provinces.empty() || std::find(new_provinces.begin(), new_provinces.end(), new_prov) != new_provinces.end();
  };
  auto mk = [&](OpKind k, const std::string& no, const CivilDate& date, std::string note) {
    Operation o;
    o.kind = k;
    o.decision_no = no;
    o.decision_date = date;
    o.effective_date = d.effective;
    o.note = std::move(note);
    return o;
  };

  // 1. Provinces: old provincial organizations merged into the new one.
  std::map<std::string, std::vector<std::string>> old_provs_of;  // new → old province codes
  for (auto& m : ref.province_mappings())
    if (wanted(m.new_code)) old_provs_of[m.new_code].push_back(m.old_code);
  std::set<std::string> old_prov_set;
  for (auto& [nc, olds] : old_provs_of) {
    const registry::AdminUnit* np = ref.new_province(nc);
    Operation o = mk(OpKind::merge, d.province_no, d.province_date, "");
    TargetSpec t;
    t.code = new_province_org_code(nc);
    t.name = np ? province_org_name(*np) : "Đảng bộ " + nc;
    t.kind = OrgKind::city;
    t.admin_unit_code = nc;
    o.targets.push_back(t);
    std::vector<std::string> sorted = olds;
    std::sort(sorted.begin(), sorted.end(), [&](const std::string& a, const std::string& b) {
      // the province whose code the new one keeps comes first
      return (a == nc) != (b == nc) ? a == nc : a < b;
    });
    for (auto& oc : sorted) {
      o.sources.push_back(old_province_org_code(oc));
      old_prov_set.insert(oc);
    }
    plan.ops.push_back(std::move(o));
  }

  // 2. Communes: sources by target; partial sources become splits.
  std::set<std::string> old_known;
  for (auto& c : ref.old_communes()) old_known.insert(c.code);
  for (auto& dd : ref.old_districts()) old_known.insert(dd.code);
  std::map<std::string, std::vector<std::string>> full_sources;      // new → old (full)
  std::map<std::string, std::vector<std::string>> split_targets;     // old → new (partial)
  std::set<std::string> targets_needed;
  for (auto& m : ref.mappings()) {
    if (!wanted(m.new_province_code) || !old_known.count(m.old_code)) continue;
    targets_needed.insert(m.new_code);
    if (m.full && m.n_targets <= 1) full_sources[m.new_code].push_back(m.old_code);
    else split_targets[m.old_code].push_back(m.new_code);
  }
  auto target_spec = [&](const std::string& nc) {
    TargetSpec t;
    t.code = nc;
    if (const registry::AdminUnit* u = ref.new_commune(nc)) {
      t.name = registry::org_name_for_unit(*u);
      t.parent = new_province_org_code(u->province_code);
    }
    t.kind = OrgKind::commune_committee;
    t.admin_unit_code = nc;
    return t;
  };
  std::set<std::string> declared;
  for (auto& nc : targets_needed) {
    auto it = full_sources.find(nc);
    if (it == full_sources.end()) continue;  // formed only from parts: declared by its split rows
    Operation o = mk(OpKind::merge, d.commune_no, d.commune_date, "");
    o.targets.push_back(target_spec(nc));
    o.sources = it->second;
    std::sort(o.sources.begin(), o.sources.end());
    declared.insert(nc);
    plan.ops.push_back(std::move(o));
  }
  for (auto& [oc, news] : split_targets) {
    Operation o = mk(OpKind::split, d.commune_no, d.commune_date, "");
    o.rule = rule;
    o.sources.push_back(oc);
    std::vector<std::string> sorted = news;
    std::sort(sorted.begin(), sorted.end());
    for (auto& nc : sorted) {
      TargetSpec t = target_spec(nc);
      if (declared.count(nc)) {  // declared once is enough; keep the code only
        t.name.clear();
        t.parent.clear();
        t.kind.reset();
        t.admin_unit_code.clear();
      } else {
        declared.insert(nc);
      }
      o.targets.push_back(t);
    }
    plan.ops.push_back(std::move(o));
  }

  // 3. Districts: dissolved (their communes have gone to the new units); island districts are
  //    sources of a merge above and are not dissolved.
  std::set<std::string> merged_districts;
  for (auto& [nc, olds] : full_sources)
    for (auto& oc : olds)
      if (oc.size() == 3) merged_districts.insert(oc);
  for (auto& dd : ref.old_districts()) {
    if (!old_prov_set.count(dd.province_code) || merged_districts.count(dd.code)) continue;
    plan.ops.push_back(mk(OpKind::dissolve, d.district_no, d.district_date,
                          "Kết thúc hoạt động đơn vị hành chính cấp huyện; các đảng bộ cấp xã đã chuyển về tổ chức mới"));
    plan.ops.back().sources.push_back(dd.code);
  }
  plan.assignments = assignments;
  plan.source_text = write_plan_csv(plan);
  return plan;
}

}  // namespace dangbo::restructure

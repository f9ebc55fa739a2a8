#include "registry/refdata.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace dangbo::registry {

namespace {

[[noreturn]] void fail(const std::string& source, std::size_t line, const std::string& reason) {
  throw std::runtime_error(source + ":" + std::to_string(line) + ": " + reason);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

double to_double(const CsvTable& t, std::size_t row, std::size_t col) {
  std::string_view s = trim(t.rows[row][col]);
  if (s.empty()) return 0;
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size())
    fail(t.source, t.lines[row], "column " + t.header[col] + ": not a number: \"" + std::string(s) + "\"");
  return v;
}

long to_long(const CsvTable& t, std::size_t row, std::size_t col) {
  std::string_view s = trim(t.rows[row][col]);
  if (s.empty()) return 0;
  long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size())
    fail(t.source, t.lines[row], "column " + t.header[col] + ": not an integer: \"" + std::string(s) + "\"");
  return v;
}

/// A non-empty code made of digits only, of the given length.
const std::string& code_field(const CsvTable& t, std::size_t row, std::size_t col, std::size_t len) {
  const std::string& s = t.rows[row][col];
  bool ok = s.size() == len;
  for (char c : s) ok = ok && c >= '0' && c <= '9';
  if (!ok)
    fail(t.source, t.lines[row],
         "column " + t.header[col] + ": expected a " + std::to_string(len) + "-digit code, found \"" + s + "\"");
  return s;
}

const std::string& required(const CsvTable& t, std::size_t row, std::size_t col) {
  const std::string& s = t.rows[row][col];
  if (trim(s).empty()) fail(t.source, t.lines[row], "column " + t.header[col] + " is empty");
  return s;
}

std::vector<std::string> split_variants(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    auto bar = s.find('|');
    std::string_view part = trim(s.substr(0, bar));
    if (!part.empty()) out.emplace_back(part);
    if (bar == std::string_view::npos) break;
    s.remove_prefix(bar + 1);
  }
  return out;
}

template <class Idx>
void index_unique(Idx& idx, const std::vector<AdminUnit>& units, const CsvTable& t) {
  for (std::size_t i = 0; i < units.size(); ++i)
    if (!idx.emplace(units[i].code, i).second) fail(t.source, t.lines[i], "duplicate code " + units[i].code);
}

std::vector<ControlledValue> load_controlled(const std::string& path, bool has_hcmc, bool has_kind) {
  CsvTable t = read_csv_file(path);
  std::size_t c_code = t.column("code"), c_name = t.column("name"), c_var = t.column("variants"),
              c_share = t.column("share_pct");
  std::size_t c_hcmc = has_hcmc ? t.column("share_hcmc_pct") : 0, c_kind = has_kind ? t.column("kind") : 0;
  std::vector<ControlledValue> out;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    ControlledValue v;
    v.code = required(t, r, c_code);
    v.name = required(t, r, c_name);
    v.variants = split_variants(t.rows[r][c_var]);
    v.share_pct = to_double(t, r, c_share);
    if (has_hcmc) v.share_hcmc_pct = to_double(t, r, c_hcmc);
    if (has_kind) {
      v.kind = required(t, r, c_kind);
      if (v.kind != "general" && v.kind != "general_10" && v.kind != "professional")
        fail(t.source, t.lines[r], "column kind: unknown value \"" + v.kind + "\"");
    }
    if (v.share_pct < 0 || v.share_hcmc_pct < 0) fail(t.source, t.lines[r], "negative share");
    for (const auto& o : out)
      if (o.code == v.code) fail(t.source, t.lines[r], "duplicate code " + v.code);
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<NameWeight> load_names(const std::string& path, bool gendered) {
  CsvTable t = read_csv_file(path);
  std::size_t c_name = t.column("name");
  std::size_t c_m = gendered ? t.column("male_pct") : t.column("share_pct");
  std::size_t c_f = gendered ? t.column("female_pct") : c_m;
  std::vector<NameWeight> out;
  out.reserve(t.rows.size());
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    NameWeight w{required(t, r, c_name), to_double(t, r, c_m), to_double(t, r, c_f)};
    if (w.male_pct < 0 || w.female_pct < 0) fail(t.source, t.lines[r], "negative share");
    out.push_back(std::move(w));
  }
  return out;
}

}  // namespace

std::size_t CsvTable::column(std::string_view name) const {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  throw std::runtime_error(source + ":1: missing column " + std::string(name));
}

CsvTable parse_csv(std::string_view text, const std::string& source) {
  CsvTable t;
  t.source = source;
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::size_t i = 0, line = 1, n = text.size();
  std::vector<std::string> rec;
  std::string field;
  bool header_done = false;
  while (i < n) {
    // One record.
    std::size_t rec_line = line;
    rec.clear();
    bool blank = true;
    for (;;) {
      field.clear();
      if (i < n && text[i] == '"') {
        blank = false;
        std::size_t q_line = line;
        ++i;
        for (;;) {
          if (i >= n) fail(source, q_line, "unterminated quoted field");
          char c = text[i];
          if (c == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (c == '\n') ++line;
          field += c;
          ++i;
        }
        if (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
          fail(source, line, "unexpected character after closing quote");
      } else {
        std::size_t start = i;
        while (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
          if (text[i] == '"') fail(source, line, "quote inside an unquoted field");
          ++i;
        }
        field.assign(text.substr(start, i - start));
        if (!field.empty()) blank = false;
      }
      rec.push_back(field);
      if (i < n && text[i] == ',') {
        blank = false;
        ++i;
        continue;
      }
      // End of record: CRLF, LF, lone CR, or end of text.
      if (i < n && text[i] == '\r') ++i;
      if (i < n && text[i] == '\n') ++i;
      ++line;
      break;
    }
    if (blank) continue;  // empty line
    if (!header_done) {
      t.header = rec;
      header_done = true;
      continue;
    }
    if (rec.size() != t.header.size())
      fail(source, rec_line,
           "expected " + std::to_string(t.header.size()) + " fields, found " + std::to_string(rec.size()));
    t.rows.push_back(rec);
    t.lines.push_back(rec_line);
  }
  if (!header_done) fail(source, 1, "empty file (no header)");
  return t;
}

CsvTable read_csv_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_csv(ss.str(), path);
}

RefData RefData::load(const std::string& data_dir) {
  RefData d;
  const std::string au = data_dir + "/admin_units/";

  {  // new provinces
    CsvTable t = read_csv_file(au + "new_provinces_2025-07.csv");
    std::size_t c_code = t.column("province_code"), c_name = t.column("name"), c_full = t.column("full_name"),
                c_type = t.column("unit_type"), c_area = t.column("area_km2"), c_pop = t.column("population");
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      AdminUnit u;
      u.code = code_field(t, r, c_code, 2);
      u.name = required(t, r, c_name);
      u.full_name = required(t, r, c_full);
      u.unit_type = required(t, r, c_type);
      u.province_code = u.code;
      u.province_name = u.full_name;
      u.area_km2 = to_double(t, r, c_area);
      u.population = to_long(t, r, c_pop);
      d.new_provinces_.push_back(std::move(u));
    }
    index_unique(d.new_province_idx_, d.new_provinces_, t);
  }
  {  // new communes
    CsvTable t = read_csv_file(au + "new_communes_2025-07.csv");
    std::size_t c_code = t.column("commune_code"), c_name = t.column("name"), c_full = t.column("full_name"),
                c_type = t.column("unit_type"), c_pc = t.column("province_code"), c_pn = t.column("province_name"),
                c_area = t.column("area_km2"), c_pop = t.column("population");
    d.new_communes_.reserve(t.rows.size());
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      AdminUnit u;
      u.code = code_field(t, r, c_code, 5);
      u.name = required(t, r, c_name);
      u.full_name = required(t, r, c_full);
      u.unit_type = required(t, r, c_type);
      u.province_code = code_field(t, r, c_pc, 2);
      u.province_name = required(t, r, c_pn);
      u.area_km2 = to_double(t, r, c_area);
      u.population = to_long(t, r, c_pop);
      d.new_communes_.push_back(std::move(u));
    }
    index_unique(d.new_commune_idx_, d.new_communes_, t);
  }
  {  // old provinces
    CsvTable t = read_csv_file(au + "old_provinces_2025-03.csv");
    std::size_t c_code = t.column("province_code"), c_name = t.column("name"), c_full = t.column("full_name"),
                c_type = t.column("unit_type");
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      AdminUnit u;
      u.code = code_field(t, r, c_code, 2);
      u.name = required(t, r, c_name);
      u.full_name = required(t, r, c_full);
      u.unit_type = required(t, r, c_type);
      u.province_code = u.code;
      u.province_name = u.full_name;
      d.old_provinces_.push_back(std::move(u));
    }
    index_unique(d.old_province_idx_, d.old_provinces_, t);
  }
  {  // old districts
    CsvTable t = read_csv_file(au + "old_districts_2025-03.csv");
    std::size_t c_code = t.column("district_code"), c_name = t.column("name"), c_full = t.column("full_name"),
                c_type = t.column("unit_type"), c_pc = t.column("province_code"), c_pn = t.column("province_name");
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      AdminUnit u;
      u.code = code_field(t, r, c_code, 3);
      u.name = required(t, r, c_name);
      u.full_name = required(t, r, c_full);
      u.unit_type = required(t, r, c_type);
      u.province_code = code_field(t, r, c_pc, 2);
      u.province_name = required(t, r, c_pn);
      u.district_code = u.code;
      u.district_name = u.full_name;
      d.old_districts_.push_back(std::move(u));
    }
  }
  {  // old communes
    CsvTable t = read_csv_file(au + "old_communes_2025-03.csv");
    std::size_t c_code = t.column("commune_code"), c_name = t.column("name"), c_full = t.column("full_name"),
                c_type = t.column("unit_type"), c_dc = t.column("district_code"), c_dn = t.column("district_name"),
                c_pc = t.column("province_code"), c_pn = t.column("province_name");
    d.old_communes_.reserve(t.rows.size());
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      AdminUnit u;
      u.code = code_field(t, r, c_code, 5);
      u.name = required(t, r, c_name);
      u.full_name = required(t, r, c_full);
      u.unit_type = required(t, r, c_type);
      u.district_code = code_field(t, r, c_dc, 3);
      u.district_name = required(t, r, c_dn);
      u.province_code = code_field(t, r, c_pc, 2);
      u.province_name = required(t, r, c_pn);
      d.old_communes_.push_back(std::move(u));
    }
    index_unique(d.old_commune_idx_, d.old_communes_, t);
  }
  {  // old → new communes
    CsvTable t = read_csv_file(au + "map_old_to_new_dvhcvn.csv");
    std::size_t c_level = t.column("old_level"), c_opc = t.column("old_province_code"), c_old = t.column("old_code"),
                c_npc = t.column("new_province_code"), c_new = t.column("new_commune_code"),
                c_cov = t.column("coverage"), c_nt = t.column("n_targets");
    d.mappings_.reserve(t.rows.size());
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      UnitMapping m;
      m.old_level = required(t, r, c_level);
      if (m.old_level != "commune" && m.old_level != "district")
        fail(t.source, t.lines[r], "column old_level: unknown value \"" + m.old_level + "\"");
      m.old_code = code_field(t, r, c_old, m.old_level == "commune" ? 5 : 3);
      m.new_code = code_field(t, r, c_new, 5);
      m.old_province_code = code_field(t, r, c_opc, 2);
      m.new_province_code = code_field(t, r, c_npc, 2);
      const std::string& cov = required(t, r, c_cov);
      if (cov != "full" && cov != "partial")
        fail(t.source, t.lines[r], "column coverage: expected full or partial, found \"" + cov + "\"");
      m.full = cov == "full";
      m.n_targets = int(to_long(t, r, c_nt));
      if (m.n_targets < 1) fail(t.source, t.lines[r], "column n_targets must be at least 1");
      d.mapping_by_new_.emplace(m.new_code, d.mappings_.size());
      d.mappings_.push_back(std::move(m));
    }
  }
  {  // old → new provinces
    CsvTable t = read_csv_file(au + "map_old_to_new_provinces.csv");
    std::size_t c_old = t.column("old_province_code"), c_new = t.column("new_province_code");
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      UnitMapping m;
      m.old_level = "province";
      m.old_code = m.old_province_code = code_field(t, r, c_old, 2);
      m.new_code = m.new_province_code = code_field(t, r, c_new, 2);
      d.province_mappings_.push_back(std::move(m));
    }
  }

  d.ethnic_groups_ = load_controlled(data_dir + "/ethnic_groups.csv", true, false);
  d.religions_ = load_controlled(data_dir + "/religions.csv", true, false);
  d.theory_levels_ = load_controlled(data_dir + "/theory_levels.csv", false, false);
  d.education_levels_ = load_controlled(data_dir + "/education_levels.csv", false, true);
  d.family_names_ = load_names(data_dir + "/names/family_names.csv", false);
  d.middle_names_ = load_names(data_dir + "/names/middle_names.csv", true);
  d.given_names_ = load_names(data_dir + "/names/given_names.csv", true);
  return d;
}

std::vector<const AdminUnit*> RefData::new_communes_of(std::string_view province_code) const {
  std::vector<const AdminUnit*> out;
  for (const auto& u : new_communes_)
    if (u.province_code == province_code) out.push_back(&u);
  std::stable_sort(out.begin(), out.end(), [](const AdminUnit* a, const AdminUnit* b) { return a->code < b->code; });
  return out;
}

const AdminUnit* RefData::new_commune(std::string_view code) const {
  auto it = new_commune_idx_.find(code);
  return it == new_commune_idx_.end() ? nullptr : &new_communes_[it->second];
}

const AdminUnit* RefData::new_province(std::string_view code) const {
  auto it = new_province_idx_.find(code);
  return it == new_province_idx_.end() ? nullptr : &new_provinces_[it->second];
}

const AdminUnit* RefData::old_commune(std::string_view code) const {
  auto it = old_commune_idx_.find(code);
  return it == old_commune_idx_.end() ? nullptr : &old_communes_[it->second];
}

const AdminUnit* RefData::old_province(std::string_view code) const {
  auto it = old_province_idx_.find(code);
  return it == old_province_idx_.end() ? nullptr : &old_provinces_[it->second];
}

std::vector<const UnitMapping*> RefData::mappings_to(std::string_view new_code) const {
  std::vector<const UnitMapping*> out;
  auto [lo, hi] = mapping_by_new_.equal_range(new_code);
  for (auto it = lo; it != hi; ++it) out.push_back(&mappings_[it->second]);
  return out;
}

std::string unit_type_lower(std::string_view unit_type) {
  // Vietnamese capitals that can start a unit-type word; the rest of the word is lower case already.
  static const std::pair<std::string_view, std::string_view> caps[] = {
      {"Đ", "đ"}, {"Ư", "ư"}, {"Ơ", "ơ"}, {"Â", "â"}, {"Ê", "ê"}, {"Ô", "ô"}, {"Ă", "ă"}};
  std::string out(unit_type);
  for (auto [upper, lower] : caps)
    if (out.compare(0, upper.size(), upper) == 0) return std::string(lower) + out.substr(upper.size());
  if (!out.empty() && out[0] >= 'A' && out[0] <= 'Z') out[0] = char(out[0] - 'A' + 'a');
  return out;
}

std::string org_name_for_unit(const AdminUnit& unit) {
  return "Đảng bộ " + unit_type_lower(unit.unit_type) + " " + unit.name;
}

}  // namespace dangbo::registry

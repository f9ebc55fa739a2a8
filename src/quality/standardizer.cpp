// The row standardizer and the record rules.

#include "quality/standardizer.hpp"

#include <fmt/format.h>

#include <array>
#include <atomic>
#include <bitset>
#include <unordered_set>

#include "quality/address.hpp"
#include "quality/vocab.hpp"
#include "registry/card_number.hpp"
#include "registry/citizen_id.hpp"
#include "vntext/text.hpp"

namespace dangbo::quality {

namespace {

using base::CivilDate;
using base::DatePrecision;

constexpr std::size_t kFieldCount = std::size_t(Field::org_code) + 1;
constexpr std::size_t kCacheCap = 4096;

std::vector<registry::ControlledValue> kind_subset(const std::vector<registry::ControlledValue>& all, bool professional) {
  std::vector<registry::ControlledValue> r;
  for (const auto& v : all)
    if ((v.kind == "professional") == professional) r.push_back(v);
  return r;
}

std::vector<registry::ControlledValue> status_values() {
  // Member statuses (GLOSSARY.md) as rosters write them.
  auto cv = [](std::string name, std::vector<std::string> variants) {
    registry::ControlledValue v;
    v.code = name;
    v.name = std::move(name);
    v.variants = std::move(variants);
    return v;
  };
  return {
      cv("Dự bị", {"Đảng viên dự bị", "ĐVDB", "DB", "Dự bị đảng"}),
      cv("Chính thức", {"Đảng viên chính thức", "ĐVCT", "CT"}),
      cv("Miễn công tác và sinh hoạt đảng",
         {"Miễn sinh hoạt", "Miễn công tác", "Miễn SH", "Miễn sinh hoạt đảng", "Miễn công tác, sinh hoạt đảng",
          "Miễn CT và SHĐ", "Miễn công tác và sinh hoạt" /* the registry's own label (exports) */}),
      cv("Đã chuyển đi", {"Chuyển đi", "Chuyển sinh hoạt", "Đã chuyển sinh hoạt"}),
      cv("Xóa tên", {"Xoá tên", "Đã xóa tên"}),
      cv("Khai trừ", {"Bị khai trừ", "Đã khai trừ"}),
      cv("Từ trần", {"Đã từ trần", "Chết", "Qua đời", "Đã mất"}),
  };
}

class FamilyLexicon final : public NameLexicon {
 public:
  FamilyLexicon(const std::vector<registry::NameWeight>& fam, const std::vector<registry::NameWeight>& middle,
                const std::vector<registry::NameWeight>& given) {
    // Middle and given names are tables of whole names ("Thị", "Hồng", "Ngọc Anh"): every word.
    for (const auto* tab : {&middle, &given})
      for (const auto& n : *tab) {
        auto& set = tab == &middle ? middle_ : given_;
        std::size_t i = 0;
        while (i <= n.name.size()) {
          std::size_t j = n.name.find(' ', i);
          if (j == std::string::npos) j = n.name.size();
          if (j > i) set.insert(n.name.substr(i, j - i));
          i = j + 1;
        }
      }
    for (const auto& n : fam) {
      if (n.male_pct < 0.01) continue;  // rare names say little
      common_.insert(n.name);
      const std::string k = vntext::search_key(n.name);
      bool marked = false;
      for (unsigned char c : n.name) marked = marked || c >= 0x80;
      if (marked) unmarked_.insert(k);
    }
  }
  bool is_family(std::string_view w) const override { return common_.count(std::string(w)) > 0; }
  bool is_unmarked_family(std::string_view w) const override {
    return unmarked_.count(vntext::search_key(w)) > 0;
  }
  bool is_middle(std::string_view w) const override {
    return middle_.count(std::string(w)) > 0 || given_.count(std::string(w)) > 0;
  }
  bool is_given(std::string_view w) const override { return given_.count(std::string(w)) > 0; }

 private:
  std::unordered_set<std::string> common_, unmarked_, middle_, given_;
};

struct CellCache {
  std::string value;
  std::vector<Finding> findings;
  std::optional<CivilDate> date;
  GenderValue gender = GenderValue::unknown;
  std::string province_code;  // places
  CitizenId cid;              // citizen IDs
};

// Hash and equality that accept std::string_view, so a lookup does not build a std::string.
struct SvHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
using CellMap = std::unordered_map<std::string, CellCache, SvHash, std::equal_to<>>;

struct ThreadCache {
  std::uint64_t owner = 0;
  std::array<CellMap, kFieldCount> maps;
  std::array<std::string, kFieldCount> last_raw;
  std::array<const CellCache*, kFieldCount> last{};  // the previous row's result (in maps or owned)
  std::array<CellCache, kFieldCount> owned;          // results of Reuse::last fields
};
thread_local ThreadCache t_cache;
std::atomic<std::uint64_t> g_instances{0};

// How a field's results are reused within a thread: not at all (unique values, or a fast path
// cheaper than a lookup), the previous row's value (rosters come grouped by cell), or a small
// map for fields with few distinct values (kept small so that it stays in the CPU cache).
enum class Reuse { none, last, map };
Reuse reuse(Field f) {
  switch (f) {
    case Field::ethnicity:
    case Field::religion:
    case Field::education:
    case Field::professional:
    case Field::theory_level:
    case Field::status:
    case Field::occupation:
    case Field::position:
    case Field::home_town:
    case Field::birth_place:
    case Field::residence:
    case Field::residence_code:
    case Field::none: return Reuse::map;
    case Field::org_name:
    case Field::org_code: return Reuse::last;
    default: return Reuse::none;
  }
}


std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The versions of one rule (config/rules.json), read once so that a row check is a short scan
// with no exceptions (RuleSet::at throws for a day before the first version).
struct RuleCache {
  std::vector<base::RuleVersion> versions;  // by effective date
  RuleCache() = default;
  RuleCache(const base::RuleSet& rs, const std::string& id) {
    CivilDate d = base::make_date(2200, 1, 1);
    for (int guard = 0; guard < 1000; ++guard) {
      try {
        const base::RuleVersion& v = rs.at(id, d);
        versions.insert(versions.begin(), v);
        d = base::add_days(v.effective_from, -1);
      } catch (const std::out_of_range&) {
        break;
      }
    }
  }
  const base::RuleVersion* at(const CivilDate& d) const {
    const base::RuleVersion* best = nullptr;
    for (const auto& v : versions)
      if (v.effective_from.days() <= d.days()) best = &v;
    return best;
  }
  std::optional<double> value(const CivilDate& d) const {
    const auto* v = at(d);
    return v ? std::optional<double>(v->value) : std::nullopt;
  }
};

// Values of one row that the record rules use.
struct Parsed {
  GenderValue gender = GenderValue::unknown;
  std::optional<CivilDate> birth, admitted, full, card_issued;
  CitizenId cid;
  std::string status, card;
  std::string birth_province;  // new province code of the birth place
  bool has_name = false;
};

}  // namespace

struct Standardizer::Impl {
  const registry::RefData& rd;
  const base::RuleSet& rules;
  CleanOptions opts;
  std::uint64_t id = ++g_instances;
  AddressIndex addresses;
  Vocabulary ethnic, religion, education, professional, theory, status;
  FamilyLexicon families;
  std::bitset<100> cccd_prefix;  // old province codes
  std::unordered_map<std::string, std::string> new_province_of_old;
  int two_digit_min_age = 16;

  Impl(const registry::RefData& r, const base::RuleSet& ru, CleanOptions o)
      : rd(r),
        rules(ru),
        opts(o),
        addresses(r),
        ethnic("dân tộc", r.ethnic_groups(), {"dan toc", "nguoi"}),
        religion("tôn giáo", r.religions(), {"ton giao", "dao"}),
        education("trình độ giáo dục phổ thông", kind_subset(r.education_levels(), false), {"lop", "he"}),
        professional("trình độ chuyên môn", kind_subset(r.education_levels(), true), {"trinh do"}),
        theory("lý luận chính trị", r.theory_levels(), {"trinh do", "llct"}),
        status("tình trạng đảng viên", status_values()),
        families(r.family_names(), r.middle_names(), r.given_names()) {
    for (const auto& p : rd.old_provinces()) cccd_prefix.set(std::size_t(std::stoi(p.code)));
    for (const auto& m : rd.province_mappings()) new_province_of_old[m.old_code] = m.new_code;
    load_rules();
    if (auto v = two_digit_min_age_rule.value(opts.today)) two_digit_min_age = int(*v);
  }

  // Rules used per row (see rules_check for their sources), read once.
  RuleCache max_plausible_age;  // member.max_plausible_age_years
  RuleCache min_admission_age;  // member.min_admission_age_years
  RuleCache max_admission_age;  // member.max_admission_age_years
  RuleCache probation_months;  // member.probation_months
  RuleCache full_member_max_months;  // member.full_member_max_months
  RuleCache probation_review_days;  // member.probation_review_working_days
  RuleCache card_min_digits;  // card_number.min_digits
  RuleCache card_max_digits;  // card_number.max_digits
  RuleCache cmnd_accepted;  // citizen_id.cmnd_accepted
  RuleCache two_digit_min_age_rule;  // date.two_digit_birth_year_min_age
  void load_rules() {
    max_plausible_age = RuleCache(rules, "member.max_plausible_age_years");
    min_admission_age = RuleCache(rules, "member.min_admission_age_years");
    max_admission_age = RuleCache(rules, "member.max_admission_age_years");
    probation_months = RuleCache(rules, "member.probation_months");
    full_member_max_months = RuleCache(rules, "member.full_member_max_months");
    probation_review_days = RuleCache(rules, "member.probation_review_working_days");
    card_min_digits = RuleCache(rules, "card_number.min_digits");
    card_max_digits = RuleCache(rules, "card_number.max_digits");
    cmnd_accepted = RuleCache(rules, "citizen_id.cmnd_accepted");
    two_digit_min_age_rule = RuleCache(rules, "date.two_digit_birth_year_min_age");
  }

  bool valid_prefix(std::string_view ppp) const {
    if (ppp.size() != 3 || ppp[0] != '0' || ppp[1] < '0' || ppp[1] > '9' || ppp[2] < '0' || ppp[2] > '9') return false;
    return cccd_prefix.test(std::size_t((ppp[1] - '0') * 10 + (ppp[2] - '0')));
  }

  // Standardizes one cell by field (no cache).
  std::string cell(Field f, std::string_view raw, Sink& sink, CellCache& extra) const {
    switch (f) {
      case Field::gender: return std_gender(raw, sink, &extra.gender);
      case Field::birth_date:
        return std_date(raw, DateRole::birth, opts.today, two_digit_min_age, opts.date_format, sink, &extra.date);
      case Field::admitted_on:
      case Field::full_member_on:
      case Field::card_issued_on:
        return std_date(raw, DateRole::event, opts.today, two_digit_min_age, opts.date_format, sink, &extra.date);
      case Field::birth_place:
      case Field::home_town:
      case Field::residence: {
        AddressResult ar;
        std::string v = std_address(addresses, raw, opts.tone, sink, &ar);
        extra.province_code = ar.province_code;
        return v;
      }
      case Field::ethnicity: return std_controlled(ethnic, raw, sink);
      case Field::religion: return std_controlled(religion, raw, sink);
      case Field::education: return std_controlled(education, raw, sink);
      case Field::professional: return std_controlled(professional, raw, sink);
      case Field::theory_level: return std_controlled(theory, raw, sink);
      case Field::status: return std_controlled(status, raw, sink);
      case Field::phone: return std_phone(raw, sink);
      case Field::citizen_id:
        return std_citizen_id(
            raw, [this](std::string_view p) { return valid_prefix(p); }, sink, &extra.cid);
      case Field::full_name:
      case Field::family_middle:
      case Field::family_name:
      case Field::middle_name:
      case Field::given_name:
      case Field::other_names: return std_person_name(raw, opts.tone, &families, sink).value;
      case Field::card_number: return std_card_number(raw, sink);
      default: return std_text(raw, sink);
    }
  }

  // Party-card number: the format is unconfirmed (party-rules.md §2.3), so only spaces and
  // dots inside an all-digit number are removed; the length check is a row rule.
  static std::string std_card_number(std::string_view raw, Sink& sink) {
    std::vector<Finding> tf;
    Sink ts(tf, sink.column());
    std::string v = std_text(raw, ts);
    const std::string digits = registry::normalize_card_number(v);  // the member edit's form
    if (digits != v) {
      sink.add("card_number.format", Severity::info, "Bỏ dấu cách, dấu chấm trong số thẻ đảng viên: " + digits, raw,
               digits);
      return digits;
    }
    for (auto& f : tf) sink.add(f.code, f.severity, f.message, f.original, f.suggested);
    return v;
  }

  // With the per-thread reuse of repeated values.
  const CellCache& cached(Field f, std::string_view raw, int column, CellCache& scratch) const {
    const Reuse how = reuse(f);
    if (how == Reuse::none) {
      scratch.findings.clear();
      scratch.date.reset();
      scratch.gender = GenderValue::unknown;
      scratch.province_code.clear();
      scratch.cid = CitizenId{};
      Sink s(scratch.findings, column);
      scratch.value = cell(f, raw, s, scratch);
      return scratch;
    }
    ThreadCache& tc = t_cache;
    if (tc.owner != id) {
      for (auto& m : tc.maps) m.clear();
      tc.last.fill(nullptr);
      tc.owner = id;
    }
    const std::size_t fi = std::size_t(f);
    if (tc.last[fi] && tc.last_raw[fi] == raw) return *tc.last[fi];
    const CellCache* hit = nullptr;
    if (how == Reuse::map) {
      auto& map = tc.maps[fi];
      auto it = map.find(raw);
      if (it != map.end()) {
        hit = &it->second;
      } else {
        CellCache fresh;
        Sink s(fresh.findings, -1);
        fresh.value = cell(f, raw, s, fresh);
        if (map.size() >= kCacheCap) map.clear();  // tc.last[fi] is replaced just below
        hit = &map.emplace(std::string(raw), std::move(fresh)).first->second;
      }
    } else {
      CellCache& own = tc.owned[fi];
      own.findings.clear();
      own.date.reset();
      own.gender = GenderValue::unknown;
      own.province_code.clear();
      own.cid = CitizenId{};
      Sink s(own.findings, -1);
      own.value = cell(f, raw, s, own);
      hit = &own;
    }
    tc.last_raw[fi].assign(raw);
    tc.last[fi] = hit;
    return *hit;
  }

  void row(const Mapping& m, const std::vector<std::string>& cells, RowResult& out) const;
  void rules_check(const Mapping& m, RowResult& out, const Parsed& p) const;
};

namespace {

void add(RowResult& out, int column, std::string code, Severity sev, std::string msg, std::string_view orig,
         std::string_view sug = {}) {
  out.findings.push_back(Finding{column, std::move(code), sev, std::move(msg), std::string(orig), std::string(sug)});
}

std::string show(const CivilDate& d) { return d.display(); }

// Age in whole years on `on`, taking the earliest birth the precision allows when `earliest`
// (the oldest the person can be: an "under age" finding is then certain), else the latest.
int age_on(const CivilDate& born, const CivilDate& on, bool earliest) {
  CivilDate b = born;
  if (!earliest) {
    if (born.precision == DatePrecision::year) b = base::make_date(born.year(), 12, 31);
    else if (born.precision == DatePrecision::month) b = base::add_days(base::add_months(born, 1), -1);
  }
  return base::years_between(b, on);
}

}  // namespace

void Standardizer::Impl::row(const Mapping& m, const std::vector<std::string>& cells, RowResult& out) const {
  const std::size_t n = m.header.size();
  out.values.resize(n);
  out.findings.clear();
  out.rejected = out.blank = false;
  out.name = {};
  out.citizen_id.clear();
  out.card_number.clear();
  bool any = false;
  for (const auto& c : cells)
    if (!trim(c).empty()) {
      any = true;
      break;
    }
  if (!any) {
    out.blank = true;
    for (auto& v : out.values) v.clear();
    return;
  }
  if (cells.size() > n) {
    for (std::size_t c = n; c < cells.size(); ++c)
      if (!trim(cells[c]).empty()) {
        out.rejected = true;
        add(out, -1, "row.extra_cells", Severity::error,
            fmt::format("Dòng có {} ô nhưng tiêu đề chỉ có {} cột (ô thừa có dữ liệu); không dùng được dòng này",
                        cells.size(), n),
            cells[c]);
        break;
      }
  } else if (cells.size() < n && cells.size() > 1) {
    add(out, -1, "row.missing_cells", Severity::warning,
        fmt::format("Dòng chỉ có {} ô trong khi tiêu đề có {} cột; các ô thiếu được coi là trống", cells.size(), n), "");
  }
  if (out.rejected) {
    for (std::size_t c = 0; c < n; ++c) out.values[c] = c < cells.size() ? cells[c] : std::string();
    return;
  }

  Parsed p;
  thread_local CellCache scratch;  // kept across rows: its buffers are reused
  std::string family_middle, given_only, fam, mid;
  for (std::size_t c = 0; c < n; ++c) {
    const std::string_view raw = c < cells.size() ? std::string_view(cells[c]) : std::string_view();
    const Field f = m.fields[c];
    if (f == Field::full_name) {
      Sink s(out.findings, int(c));
      NameResult nr = std_person_name(raw, opts.tone, &families, s);
      out.values[c] = std::move(nr.value);
      out.name = std::move(nr.parts);
      p.has_name = !out.values[c].empty();
      if (!nr.alias.empty() && opts.fill_member) out.member.other_names = nr.alias;
      continue;
    }
    const CellCache& cc = cached(f, raw, int(c), scratch);
    if (&cc != &scratch) {
      out.values[c] = cc.value;
      for (const auto& fd : cc.findings) {
        out.findings.push_back(fd);
        out.findings.back().column = int(c);
      }
    } else {
      out.values[c].swap(scratch.value);
      for (auto& fd : scratch.findings) out.findings.push_back(std::move(fd));
    }
    switch (f) {
      case Field::gender: p.gender = cc.gender; break;
      case Field::birth_date: p.birth = cc.date; break;
      case Field::admitted_on: p.admitted = cc.date; break;
      case Field::full_member_on: p.full = cc.date; break;
      case Field::card_issued_on: p.card_issued = cc.date; break;
      case Field::status: p.status = out.values[c]; break;
      case Field::card_number: p.card = out.values[c]; break;
      case Field::birth_place: p.birth_province = cc.province_code; break;
      case Field::family_middle: family_middle = out.values[c]; break;
      case Field::given_name: given_only = out.values[c]; break;
      case Field::family_name: fam = out.values[c]; break;
      case Field::middle_name: mid = out.values[c]; break;
      case Field::citizen_id: p.cid = cc.cid; break;
      default: break;
    }
  }
  // Names given in parts.
  if (!m.has(Field::full_name)) {
    if (!family_middle.empty()) {  // "Họ và tên đệm" + "Tên"
      vntext::NameParts fm = vntext::split_full_name(family_middle + " x");
      out.name.family = fm.family;
      out.name.middle = fm.middle;
      out.name.given = given_only;
      if (out.name.family.empty() && !family_middle.empty()) out.name.family = family_middle;
    } else if (!fam.empty() || !mid.empty() || !given_only.empty()) {  // "Họ", "Tên đệm", "Tên"
      out.name.family = fam;
      out.name.middle = mid;
      out.name.given = given_only;
    }
    p.has_name = !out.name.given.empty() || !out.name.family.empty();
  }
  if (p.cid.kind == CitizenId::cccd || p.cid.kind == CitizenId::cmnd) out.citizen_id = p.cid.digits;
  out.card_number = p.card;
  rules_check(m, out, p);

  if (opts.fill_member) {
    registry::Member& mb = out.member;
    const std::string other = mb.other_names;
    mb = registry::Member{};
    mb.other_names = other;
    mb.family_name = out.name.family;
    mb.middle_name = out.name.middle;
    mb.given_name = out.name.given;
    mb.gender = p.gender == GenderValue::female ? registry::Gender::female : registry::Gender::male;
    mb.birth_date = p.birth;
    mb.admitted_on = p.admitted;
    mb.full_member_on = p.full;
    mb.card_issued_on = p.card_issued;
    mb.card_number = p.card;
    mb.citizen_id = out.citizen_id;
    auto val = [&](Field f) -> std::string {
      const int c = m.column_of(f);
      return c < 0 ? std::string() : out.values[std::size_t(c)];
    };
    mb.birth_place = val(Field::birth_place);
    mb.home_town = val(Field::home_town);
    mb.residence = val(Field::residence);
    mb.ethnicity = val(Field::ethnicity);
    mb.religion = val(Field::religion);
    mb.phone = val(Field::phone);
    mb.email = val(Field::email);
    mb.education = val(Field::education);
    mb.professional_qualification = val(Field::professional);
    mb.theory_level = val(Field::theory_level);
    mb.occupation = val(Field::occupation);
    mb.position = val(Field::position);
    mb.org_code = val(Field::org_code);
    mb.org_name = val(Field::org_name);
    const std::string st = val(Field::status);
    if (st == "Chính thức") mb.status = registry::MemberStatus::full;
    else if (st == "Dự bị") mb.status = registry::MemberStatus::probationary;
    else if (st == "Miễn công tác và sinh hoạt đảng") mb.status = registry::MemberStatus::exempted;
    else if (st == "Đã chuyển đi") mb.status = registry::MemberStatus::transferred_out;
    else if (st == "Xóa tên") mb.status = registry::MemberStatus::removed;
    else if (st == "Khai trừ") mb.status = registry::MemberStatus::expelled;
    else if (st == "Từ trần") mb.status = registry::MemberStatus::deceased;
    else mb.status = p.full ? registry::MemberStatus::full : registry::MemberStatus::probationary;
  }
}

// Record rules. Each names its source; numbers come from config/rules.json as of the day the
// event happened (admission rules) or of CleanOptions::today.
void Standardizer::Impl::rules_check(const Mapping& m, RowResult& out, const Parsed& p) const {
  const CivilDate& today = opts.today;
  std::array<int, kFieldCount> col;
  col.fill(-1);
  for (std::size_t i = m.fields.size(); i-- > 0;) col[std::size_t(m.fields[i])] = int(i);
  auto at = [&](Field f) { return col[std::size_t(f)]; };
  const int c_name = at(Field::full_name) >= 0 ? at(Field::full_name) : at(Field::given_name);
  const int c_gender = at(Field::gender), c_birth = at(Field::birth_date), c_adm = at(Field::admitted_on),
            c_full = at(Field::full_member_on), c_cid = at(Field::citizen_id), c_card = at(Field::card_number),
            c_issued = at(Field::card_issued_on), c_status = at(Field::status);
  auto value = [&](int c) -> std::string { return c < 0 ? std::string() : out.values[std::size_t(c)]; };

  // Required fields (Phiếu đảng viên 2-HSĐV; the national member database makes the CCCD a
  // mandatory key: party-rules.md §2.2, §8.1). Only columns present in the file are required.
  auto required = [&](int c, bool present, std::string_view what) {
    if (c >= 0 && !present && value(c).empty())
      add(out, c, "required.missing", Severity::error, fmt::format("Thiếu {} (bắt buộc)", what), "");
  };
  required(c_name, p.has_name, "họ và tên");
  required(c_gender, false, "giới tính");
  required(c_birth, false, "ngày sinh");
  required(c_adm, false, "ngày vào Đảng");
  required(c_cid, false, "số CCCD (số định danh cá nhân)");

  // Dates in the future.
  for (auto [c, d, what] : {std::tuple{c_birth, &p.birth, "Ngày sinh"}, std::tuple{c_adm, &p.admitted, "Ngày vào Đảng"},
                            std::tuple{c_full, &p.full, "Ngày chính thức"},
                            std::tuple{c_issued, &p.card_issued, "Ngày cấp thẻ"}})
    if (*d && (*d)->days() > today.days())
      add(out, c, "date.future", Severity::error, fmt::format("{} {} ở sau ngày hôm nay", what, show(**d)), value(c));

  // Birth date plausible: not over the configured maximum age (a data-plausibility rule).
  if (p.birth && p.birth->days() <= today.days()) {
    if (auto max_age = max_plausible_age.value(today); max_age && age_on(*p.birth, today, false) > *max_age)
      add(out, c_birth, "birth_date.implausible", Severity::error,
          fmt::format("Ngày sinh {}: hơn {} tuổi, không hợp lý", show(*p.birth), int(*max_age)), value(c_birth));
  }

  // Admission age: Điều lệ Đảng, Điều 1.2; Quy định 294-QĐ/TW (26/5/2025): from 18 to 60
  // (over 60 needs the provincial committee's decision). Rule versions as of the admission.
  if (p.birth && p.admitted) {
    if (p.admitted->days() < p.birth->days()) {
      add(out, c_adm, "admitted_on.before_birth", Severity::error,
          fmt::format("Ngày vào Đảng {} trước ngày sinh {}", show(*p.admitted), show(*p.birth)), value(c_adm));
    } else if (const auto* r = min_admission_age.at(*p.admitted)) {
      const int age = age_on(*p.birth, *p.admitted, true);  // the oldest the member can have been
      if (age < int(r->value))
        add(out, c_adm, "admitted_on.under_age", Severity::error,
            fmt::format("Vào Đảng ngày {} khi mới {} tuổi (sinh {}); quy định từ đủ {} tuổi ({})", show(*p.admitted), age,
                        show(*p.birth), int(r->value), r->source),
            value(c_adm));
      if (const auto* mx = max_admission_age.at(*p.admitted)) {
        const int a2 = age_on(*p.birth, *p.admitted, false);  // the youngest
        if (a2 > int(mx->value))
          add(out, c_adm, "admitted_on.over_age", Severity::warning,
              fmt::format("Vào Đảng khi đã {} tuổi: trên {} tuổi phải có quyết định của cấp ủy cấp tỉnh ({})", a2,
                          int(mx->value), mx->source),
              value(c_adm));
      }
    }
  }

  // Full membership: 12 months of probation counted from admission (Điều lệ Đảng, Điều 5;
  // Quy định 294-QĐ/TW), never before; later than configured months is flagged for review.
  if (p.admitted && p.full) {
    const int months = base::months_between(*p.admitted, *p.full);
    if (p.full->days() < p.admitted->days()) {
      add(out, c_full, "full_member_on.before_admission", Severity::error,
          fmt::format("Ngày chính thức {} trước ngày vào Đảng {}", show(*p.full), show(*p.admitted)), value(c_full));
    } else if (const auto* r = probation_months.at(*p.admitted);
               r && p.full->precision == DatePrecision::day && p.admitted->precision == DatePrecision::day &&
               p.full->days() < base::add_months(*p.admitted, int(r->value)).days()) {  // 29/02 + 12 months = 28/02
      add(out, c_full, "full_member_on.too_early", Severity::error,
          fmt::format("Công nhận chính thức {} chỉ {} tháng sau khi vào Đảng {}; thời gian dự bị là {} tháng ({})",
                      show(*p.full), months, show(*p.admitted), int(r->value), r->source),
          value(c_full));
    } else if (auto mx = full_member_max_months.value(*p.admitted);
               mx && p.full->days() > base::add_months(*p.admitted, int(*mx)).days()) {
      add(out, c_full, "full_member_on.late", Severity::warning,
          fmt::format("Công nhận chính thức {} sau {} tháng dự bị (vào Đảng {}); quá {} tháng, cần kiểm tra", show(*p.full),
                      months, show(*p.admitted), int(*mx)),
          value(c_full));
    }
  }

  // Party card: only full members hold one (Chỉ thị 51-CT/TW, 2025: cards for official
  // members), so it is issued on or after the date of full membership.
  if (p.card_issued && p.full && p.card_issued->days() < p.full->days())
    add(out, c_issued, "card_issued_on.before_full", Severity::error,
        fmt::format("Ngày cấp thẻ {} trước ngày chính thức {}", show(*p.card_issued), show(*p.full)), value(c_issued));
  if (!p.card.empty() && p.status == "Dự bị")
    add(out, c_card, "card_number.probationary", Severity::warning,
        "Đảng viên dự bị chưa được cấp thẻ đảng viên (chỉ cấp cho đảng viên chính thức)", p.card);
  // Card number format: unconfirmed (party-rules.md §2.3); digits, length from config.
  if (!p.card.empty()) {
    bool digits = true;
    for (char ch : p.card) digits = digits && ch >= '0' && ch <= '9';
    auto lo = card_min_digits.value(today), hi = card_max_digits.value(today);
    if (!digits || (lo && int(p.card.size()) < int(*lo)) || (hi && int(p.card.size()) > int(*hi)))
      add(out, c_card, "card_number.format", Severity::warning,
          fmt::format("Số thẻ đảng viên \"{}\" không đúng dạng (chỉ gồm {}–{} chữ số)", p.card, lo ? int(*lo) : 0,
                      hi ? int(*hi) : 0),
          p.card);
  }

  // Status and dates agree (Quy định 294-QĐ/TW: the cell reviews a probationary member within
  // 30 working days after the 12 months end).
  if (c_status >= 0) {
    if (p.status == "Chính thức" && c_full >= 0 && !p.full && value(c_full).empty())
      add(out, c_full, "status.full_without_date", Severity::warning,
          "Tình trạng là đảng viên chính thức nhưng thiếu ngày chính thức", "");
    if (p.status == "Dự bị" && p.full && p.full->days() <= today.days())
      add(out, c_status, "status.probationary_with_full_date", Severity::warning,
          fmt::format("Tình trạng là dự bị nhưng đã có ngày chính thức {}", show(*p.full)), p.status);
    if (p.status == "Dự bị" && !p.full && p.admitted) {
      const auto months = probation_months.value(*p.admitted);
      const auto grace = probation_review_days.value(today);  // the review is owed now
      if (months && grace) {
        // 30 working days ≈ 6 weeks (5 working days a week).
        const CivilDate due = base::add_days(base::add_months(*p.admitted, int(*months)), long(*grace / 5 * 7));
        if (due.days() < today.days())
          add(out, c_status, "status.probation_overdue", Severity::warning,
              fmt::format("Vào Đảng {}, đã quá hạn xét công nhận đảng viên chính thức ({})", show(*p.admitted),
                          show(due)),
              p.status);
      }
    }
  }

  // Citizen ID against the record: 4th digit = century and gender, 5th–6th = year of birth
  // (registry/citizen_id.hpp, the same check as member edits).
  if (p.cid.kind == CitizenId::cccd) {
    std::optional<bool> female;
    if (p.gender != GenderValue::unknown) female = p.gender == GenderValue::female;
    for (auto& [code, message] : registry::cccd_mismatches(p.cid.digits, female, p.birth))
      add(out, c_cid, code, Severity::error, message, p.cid.digits);
    // Province of birth registration vs. place of birth: information only (registration
    // may be elsewhere).
    if (!p.birth_province.empty()) {
      auto it = new_province_of_old.find(p.cid.province.substr(1));
      if (it != new_province_of_old.end() && it->second != p.birth_province) {
        const auto* op = rd.old_province(p.cid.province.substr(1));
        add(out, c_cid, "citizen_id.province_vs_birth_place", Severity::info,
            fmt::format("Mã tỉnh đăng ký khai sinh trong số CCCD ({}: {}) khác nơi sinh; có thể đúng nếu đăng ký khai "
                        "sinh ở nơi khác",
                        p.cid.province, op ? op->full_name : std::string("?")),
            p.cid.digits);
      }
    }
  }
  if (p.cid.kind == CitizenId::cmnd) {
    // The field check already says a 9-digit ID is outdated; here: since when (rules.json).
    (void)cmnd_accepted.value(today);
  }
}

Standardizer::Standardizer(const registry::RefData& rd, const base::RuleSet& rules, CleanOptions opts)
    : impl_(std::make_unique<Impl>(rd, rules, opts)) {}
Standardizer::~Standardizer() = default;

RowResult Standardizer::standardize_row(const Mapping& m, const std::vector<std::string>& cells) const {
  RowResult r;
  impl_->row(m, cells, r);
  return r;
}

void Standardizer::standardize_row(const Mapping& m, const std::vector<std::string>& cells, RowResult& out) const {
  impl_->row(m, cells, out);
}

std::string Standardizer::standardize_cell(Field f, std::string_view raw, std::vector<Finding>& findings,
                                           int column) const {
  CellCache scratch;
  Sink s(findings, column);
  if (f == Field::full_name) return std_person_name(raw, impl_->opts.tone, &impl_->families, s).value;
  return impl_->cell(f, raw, s, scratch);
}

const CleanOptions& Standardizer::options() const { return impl_->opts; }

std::size_t FileChecks::Table::find_or_insert(std::uint64_t key, std::size_t line) {
  if ((used_ + 1) * 2 > keys_.size()) {
    std::vector<std::uint64_t> ok = std::move(keys_);
    std::vector<std::size_t> ol = std::move(lines_);
    keys_.assign(std::max<std::size_t>(1024, ok.size() * 2), 0);
    lines_.assign(keys_.size(), 0);
    used_ = 0;
    for (std::size_t i = 0; i < ok.size(); ++i)
      if (ok[i]) find_or_insert(ok[i] - 1, ol[i]);
  }
  const std::uint64_t k = key + 1;
  std::uint64_t h = k * 0x9E3779B97F4A7C15ULL;
  const std::size_t mask = keys_.size() - 1;
  for (std::size_t i = std::size_t(h >> 20) & mask;; i = (i + 1) & mask) {
    if (keys_[i] == k) return lines_[i];
    if (keys_[i] == 0) {
      keys_[i] = k;
      lines_[i] = line;
      ++used_;
      return 0;
    }
  }
}

void FileChecks::Table::clear() {
  keys_.clear();
  lines_.clear();
  used_ = 0;
}

void FileChecks::reset() {
  ids_.clear();
  cards_.clear();
  other_cards_.clear();
}

void FileChecks::check(const Mapping& m, std::size_t line, RowResult& r) {
  if (r.blank || r.rejected) return;
  check_keys(m, line, r.citizen_id, r.card_number, r.findings);
}

void FileChecks::check_keys(const Mapping& m, std::size_t line, std::string_view citizen_id,
                            std::string_view card_number, std::vector<Finding>& out) {
  if (!citizen_id.empty()) {
    std::uint64_t key = 0;
    for (char c : citizen_id) key = key * 10 + std::uint64_t(c - '0');
    key = key * 16 + citizen_id.size();  // 012… and 12… differ
    if (std::size_t first = ids_.find_or_insert(key, line))
      out.push_back(Finding{m.column_of(Field::citizen_id), "citizen_id.duplicate", Severity::error,
                            fmt::format("Trùng số CCCD với dòng {}", first), std::string(citizen_id), ""});
  }
  if (!card_number.empty()) {
    bool digits = card_number.size() <= 17;
    std::uint64_t key = 0;
    for (char c : card_number) {
      digits = digits && c >= '0' && c <= '9';
      key = key * 10 + std::uint64_t(c - '0');
    }
    std::size_t first = 0;
    if (digits) {
      first = cards_.find_or_insert(key * 32 + card_number.size(), line);
    } else {
      auto [it, fresh] = other_cards_.emplace(std::string(card_number), line);
      if (!fresh) first = it->second;
    }
    if (first)
      out.push_back(Finding{m.column_of(Field::card_number), "card_number.duplicate", Severity::error,
                            fmt::format("Trùng số thẻ đảng viên với dòng {}", first), std::string(card_number), ""});
  }
}

}  // namespace dangbo::quality

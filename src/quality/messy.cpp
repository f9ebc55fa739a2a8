// The messy roster generator: clean members from registry::RosterGenerator, then every kind of
// dirt `dangbo clean` handles, injected at known rates, with the ground truth.

#include "quality/messy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <deque>
#include <ostream>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "quality/clean.hpp"
#include "registry/roster_gen.hpp"
#include "vntext/encoding.hpp"
#include "vntext/text.hpp"
#include "vntext/utf8.hpp"

namespace dangbo::quality {

namespace {

using base::CivilDate;
using base::DatePrecision;
using registry::Member;
using vntext::Encoding;

// xoshiro256** seeded by splitmix64 (same construction as the roster generator).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    std::uint64_t x = seed;
    for (auto& v : s_) {
      std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      v = z ^ (z >> 31);
    }
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9, t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  std::uint64_t below(std::uint64_t n) { return n ? std::uint64_t((unsigned __int128)next() * n >> 64) : 0; }
  long range(long lo, long hi) { return hi <= lo ? lo : lo + long(below(std::uint64_t(hi - lo) + 1)); }
  double unit() { return double(next() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return unit() < p; }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[below(v.size())];
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

enum Col {
  STT, NAME, GENDER, BIRTH, ETHNIC, RELIGION, HOMETOWN, BIRTHPLACE, RESIDENCE, CCCD, PHONE, ADMITTED, FULL, CARD,
  ISSUED, EDU, PROF, THEORY, OCC, POS, STATUS, ORG, ORGCODE, SYN, NCOLS
};
constexpr const char* kCols[NCOLS] = {
    "STT",          "Họ và tên",     "Giới tính",     "Ngày sinh",       "Dân tộc",       "Tôn giáo",
    "Quê quán",     "Nơi sinh",      "Nơi thường trú", "Số CCCD",        "Điện thoại",    "Ngày vào Đảng",
    "Ngày chính thức", "Số thẻ",     "Ngày cấp thẻ",  "Trình độ GDPT",   "Chuyên môn",    "Lý luận chính trị",
    "Nghề nghiệp",  "Chức vụ",       "Tình trạng",    "Chi bộ",          "Mã chi bộ",     "Dữ liệu mô phỏng"};

struct Row {
  std::array<std::string, NCOLS> c;
  std::array<bool, NCOLS> touched{};
  std::optional<CivilDate> birth, admitted, full, issued;
  bool male = true;
};

struct Truth {
  int col;
  std::string kind, expect, correct, dirty;
};

std::string dmy(const CivilDate& d) {
  if (d.precision == DatePrecision::year) return fmt::format("{:04d}", d.year());
  return fmt::format("{:02d}/{:02d}/{:04d}", d.day(), d.month(), d.year());
}

std::string_view status_vi(registry::MemberStatus s) {
  switch (s) {
    case registry::MemberStatus::probationary: return "Dự bị";
    case registry::MemberStatus::full: return "Chính thức";
    case registry::MemberStatus::exempted: return "Miễn công tác và sinh hoạt đảng";
    case registry::MemberStatus::transferred_out: return "Đã chuyển đi";
    case registry::MemberStatus::removed: return "Xóa tên";
    case registry::MemberStatus::expelled: return "Khai trừ";
    case registry::MemberStatus::deceased: return "Từ trần";
  }
  return "";
}

// The 2018 mobile renumbering, new 3-digit prefix → old 4-digit prefix (typed from
// datacleaning.md §3.2, independently of the cleaner's table).
const std::unordered_map<std::string, std::string>& old_prefix_of() {
  static const std::unordered_map<std::string, std::string> m = {
      {"070", "0120"}, {"079", "0121"}, {"077", "0122"}, {"076", "0126"}, {"078", "0128"}, {"083", "0123"},
      {"084", "0124"}, {"085", "0125"}, {"081", "0127"}, {"082", "0129"}, {"032", "0162"}, {"033", "0163"},
      {"034", "0164"}, {"035", "0165"}, {"036", "0166"}, {"037", "0167"}, {"038", "0168"}, {"039", "0169"},
      {"056", "0186"}, {"058", "0188"}, {"059", "0199"}};
  return m;
}

// Plain Levenshtein on bytes (the generator's own, to keep typos recoverable).
int lev(std::string_view a, std::string_view b) {
  std::vector<int> p(b.size() + 1), c(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) p[j] = int(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    c[0] = int(i);
    for (std::size_t j = 1; j <= b.size(); ++j)
      c[j] = std::min({p[j] + 1, c[j - 1] + 1, p[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(p, c);
  }
  return p[b.size()];
}

std::string compact_key(std::string_view s) {
  std::string k = vntext::search_key(s);
  k.erase(std::remove(k.begin(), k.end(), ' '), k.end());
  return k;
}

std::vector<std::string> code_points(std::string_view s) {
  std::vector<std::string> r;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t a = i;
    vntext::detail::next_cp(s, i);
    r.emplace_back(s.substr(a, i - a));
  }
  return r;
}

std::string join_cps(const std::vector<std::string>& v) {
  std::string r;
  for (auto& x : v) r += x;
  return r;
}

// A controlled list as the generator sees it: official names, and for each the variants that
// map to it alone.
struct Vocab {
  std::vector<std::string> names;
  std::unordered_map<std::string, std::vector<std::string>> variants;  // name → usable variants
  std::vector<std::string> all_keys;                                   // compact keys (names + variants)
  std::unordered_map<std::string, std::string> key_owner;              // compact key → name ("" if shared)

  explicit Vocab(const std::vector<registry::ControlledValue>& vals) {
    for (const auto& v : vals) names.push_back(v.name);
    std::unordered_set<std::string> name_keys;
    for (const auto& v : vals) name_keys.insert(vntext::search_key(v.name));
    auto own = [&](const std::string& k, const std::string& n) {
      auto [it, fresh] = key_owner.emplace(k, n);
      if (!fresh && it->second != n) it->second.clear();
    };
    for (const auto& v : vals) {
      own(compact_key(v.name), v.name);
      all_keys.push_back(compact_key(v.name));
      for (const auto& var : v.variants) {
        own(compact_key(var), v.name);
        all_keys.push_back(compact_key(var));
      }
    }
    for (const auto& v : vals)
      for (const auto& var : v.variants) {
        const std::string k = vntext::search_key(var);
        if (k == vntext::search_key(v.name) || name_keys.count(k)) continue;
        auto it = key_owner.find(compact_key(var));
        if (it == key_owner.end() || it->second != v.name) continue;
        variants[v.name].push_back(var);
      }
  }
  // A one-letter typo of `name` that only `name` is within distance 1 of (nullopt if none).
  std::optional<std::string> typo(const std::string& name, Rng& rng) const {
    const std::string key = compact_key(name);
    if (key.size() < 4) return std::nullopt;
    auto cps = code_points(name);
    for (int attempt = 0; attempt < 8; ++attempt) {
      auto t = cps;
      // Positions of ASCII letters.
      std::vector<std::size_t> pos;
      for (std::size_t i = 0; i < t.size(); ++i)
        if (t[i].size() == 1 && std::isalpha(static_cast<unsigned char>(t[i][0]))) pos.push_back(i);
      if (pos.size() < 2) return std::nullopt;
      const std::size_t k = pos[rng.below(pos.size())];
      switch (rng.below(3)) {
        case 0:  // swap with the next letter
          if (k + 1 < t.size() && t[k + 1].size() == 1 && std::isalpha(static_cast<unsigned char>(t[k + 1][0])) &&
              t[k] != t[k + 1])
            std::swap(t[k], t[k + 1]);
          break;
        case 1: t.insert(t.begin() + long(k), t[k]); break;  // doubled letter
        default: t[k] = std::string(1, char('a' + rng.below(26))); break;
      }
      const std::string s = join_cps(t), sk = compact_key(s);
      if (sk == key || lev(sk, key) != 1) continue;
      bool unique = true;
      for (const auto& [ok, owner] : key_owner)
        if (owner != name && lev(sk, ok) <= 1) unique = false;
      if (!unique || key_owner.count(sk)) continue;
      return s;
    }
    return std::nullopt;
  }
};

struct Weighted {
  std::vector<std::pair<std::string, double>> items;
  const std::string& draw(Rng& r) const {
    double t = 0;
    for (auto& i : items) t += i.second;
    double x = r.unit() * t;
    for (auto& i : items) {
      if (x < i.second) return i.first;
      x -= i.second;
    }
    return items.back().first;
  }
};

}  // namespace

MessyStats write_messy_roster(const registry::RefData& rd, const MessyOptions& opts, std::ostream& out,
                              std::ostream& truth_out) {
  registry::GenOptions g;
  g.members = opts.members;
  g.seed = opts.seed;
  g.as_of = opts.as_of;
  registry::RosterGenerator gen(rd, registry::generate_org_tree(rd, g), g);
  Rng rng(opts.seed * 0x9E3779B97F4A7C15ULL + 0x6D657373ULL);
  const double sc = opts.error_scale;
  MessyStats stats;

  // Reference tables the injections need.
  Vocab ethnic(rd.ethnic_groups()), religion(rd.religions()), theory(rd.theory_levels());
  std::vector<registry::ControlledValue> gen_edu, prof_edu;
  for (const auto& e : rd.education_levels()) (e.kind == "professional" ? prof_edu : gen_edu).push_back(e);
  Vocab education(gen_edu), professional(prof_edu);
  std::unordered_map<std::string, const registry::AdminUnit*> new_by_full, old_dist;
  for (const auto& u : rd.new_communes())
    if (u.province_code == "79") new_by_full[u.full_name + ", " + u.province_name] = &u;
  for (const auto& d : rd.old_districts()) old_dist[d.code] = &d;
  std::unordered_map<std::string, std::string> new_prov_full, old_prov_full, new_of_old;
  std::unordered_map<std::string, std::vector<std::string>> olds_of_new;
  for (const auto& p : rd.new_provinces()) new_prov_full[p.code] = p.full_name;
  for (const auto& p : rd.old_provinces()) old_prov_full[p.code] = p.full_name;
  for (const auto& m : rd.province_mappings()) new_of_old[m.old_code] = m.new_code, olds_of_new[m.new_code].push_back(m.old_code);
  std::unordered_map<std::string, std::string> new_code_of_full;  // province full name → new code
  for (const auto& p : rd.new_provinces()) new_code_of_full[p.full_name] = p.code;
  std::unordered_set<std::string> common_family;
  for (const auto& f : rd.family_names())
    if (f.male_pct >= 0.01) common_family.insert(f.name);

  // Header.
  {
    std::string line = "\xEF\xBB\xBF";
    for (int c = 0; c < NCOLS; ++c) {
      if (c) line += ',';
      csv_append(line, kCols[c]);
    }
    out << line << "\r\n";
    truth_out << "stt,column,kind,expect,correct,dirty\n";
  }

  std::vector<Truth> truths;
  auto note = [&](Row& r, int col, std::string kind, std::string expect, std::string correct) {
    truths.push_back(Truth{col, kind, std::move(expect), std::move(correct), r.c[std::size_t(col)]});
    r.touched[std::size_t(col)] = true;
    ++stats.by_kind[kind];
  };
  auto set = [&](Row& r, int col, std::string value, std::string kind, std::string expect = "fix") {
    std::string correct = r.c[std::size_t(col)];
    if (value == correct) return false;
    r.c[std::size_t(col)] = std::move(value);
    note(r, col, std::move(kind), std::move(expect), std::move(correct));
    return true;
  };

  const int as_of_year = opts.as_of.year();
  auto two_digit_ok = [&](int year, bool birth) {
    const int yy = year % 100;
    const int limit = birth ? as_of_year - 16 : as_of_year;
    return (2000 + yy <= limit ? 2000 + yy : 1900 + yy) == year;
  };

  // ---------------------------------------------------------------- cell injections
  auto inject_text_encoding = [&](Row& r, int col, const std::string& kind_prefix, bool lossy_ok) {
    static const std::pair<Encoding, const char*> kEnc[] = {{Encoding::tcvn3_via_cp1252, "tcvn3"},
                                                              {Encoding::vni_via_cp1252, "vni"},
                                                              {Encoding::cp1252_mojibake_utf8, "utf8_as_cp1252"},
                                                              {Encoding::viqr, "viqr"}};
    const auto& [enc, name] = kEnc[rng.below(4)];
    bool exact = true;
    std::string v = vntext::encode(r.c[std::size_t(col)], enc, &exact);
    if (!exact && !lossy_ok) return false;
    return set(r, col, v, kind_prefix + "_" + name);
  };

  auto inject_name = [&](Row& r) {
    const std::string name = r.c[NAME];
    static const Weighted kinds{{{"enc", 50}, {"nfd", 10}, {"eth", 8}, {"upper", 10}, {"lower", 7},
                                 {"inner_case", 5}, {"spaces", 5}, {"zero_width", 3}, {"swapped", 2}}};
    const std::string k = kinds.draw(rng);
    if (k == "enc") return inject_text_encoding(r, NAME, "name", true);
    if (k == "nfd") return set(r, NAME, vntext::nfd(name), "name_nfd");
    if (k == "eth" && name.find("Đ") != std::string::npos) {
      std::string v = name;
      for (std::size_t p; (p = v.find("Đ")) != std::string::npos;) v.replace(p, 2, "\xC3\x90");
      return set(r, NAME, v, "name_eth");
    }
    if (k == "lower") return set(r, NAME, vntext::to_lower(name), "name_lower");
    if (k == "inner_case") {
      auto cps = code_points(name);
      std::size_t last = name.rfind(' ');
      std::size_t start = last == std::string::npos ? 0 : code_points(name.substr(0, last + 1)).size();
      if (start + 2 < cps.size()) {
        cps[start + 1] = vntext::to_upper(cps[start + 1]);
        return set(r, NAME, join_cps(cps), "name_inner_case");
      }
      return false;
    }
    if (k == "spaces") {
      std::string v = " ";
      for (char c : name) v += c == ' ' ? std::string("  ") : std::string(1, c);
      return set(r, NAME, v + " ", "name_spaces");
    }
    if (k == "zero_width") {
      std::size_t sp = name.find(' ');
      if (sp == std::string::npos || sp + 1 >= name.size()) return false;
      std::size_t after = sp + 1;
      vntext::detail::next_cp(name, after);  // one whole letter after the space
      return set(r, NAME, name.substr(0, after) + "\u200B" + name.substr(after), "name_zero_width");
    }
    if (k == "swapped") {
      // "Given Family Middle" for a common family name and middle name Văn / Thị.
      std::vector<std::string> w;
      for (std::size_t i = 0; i < name.size();) {
        std::size_t j = name.find(' ', i);
        if (j == std::string::npos) j = name.size();
        w.push_back(name.substr(i, j - i));
        i = j + 1;
      }
      if (w.size() == 3 && (w[1] == "Văn" || w[1] == "Thị") && common_family.count(w[0]) && !common_family.count(w[2]))
        return set(r, NAME, w[2] + " " + w[0] + " " + w[1], "name_swapped", "flag");
      return false;
    }
    return set(r, NAME, vntext::to_upper(name), "name_upper");
  };

  auto inject_date = [&](Row& r, int col, const std::optional<CivilDate>& d, bool birth) {
    if (!d) return false;
    const std::string prefix = "date";
    if (d->precision == DatePrecision::year) return set(r, col, fmt::format("năm {}", d->year()), prefix + "_text");
    static const Weighted kinds{{{"iso", 14}, {"dash", 12}, {"dot", 10}, {"nopad", 12}, {"two_digit", 12},
                                 {"excel_serial", 14}, {"text", 10}, {"impossible", 10}, {"us_order", 6}}};
    const std::string k = kinds.draw(rng);
    const int y = d->year();
    const unsigned m = d->month(), dd = d->day();
    if (k == "iso") return set(r, col, fmt::format("{:04d}-{:02d}-{:02d}", y, m, dd), "date_iso");
    if (k == "dash") return set(r, col, fmt::format("{:02d}-{:02d}-{:04d}", dd, m, y), "date_dash");
    if (k == "dot") return set(r, col, fmt::format("{:02d}.{:02d}.{:04d}", dd, m, y), "date_dot");
    if (k == "nopad" && (dd < 10 || m < 10)) return set(r, col, fmt::format("{}/{}/{:04d}", dd, m, y), "date_nopad");
    if (k == "two_digit" && two_digit_ok(y, birth))
      return set(r, col, fmt::format("{}/{}/{:02d}", dd, m, y % 100), "date_two_digit_year");
    if (k == "excel_serial") {
      const long serial = d->days() - base::make_date(1899, 12, 30).days();
      if (serial > 60) return set(r, col, std::to_string(serial), "date_excel_serial");
    }
    if (k == "text")
      return set(r, col,
                 rng.chance(0.5) ? fmt::format("ngày {} tháng {} năm {}", dd, m, y) : fmt::format("{} tháng {} năm {}", dd, m, y),
                 "date_text");
    if (k == "impossible") {
      static const std::pair<int, int> kBad[] = {{30, 2}, {31, 2}, {31, 4}, {31, 6}, {31, 9}, {31, 11}};
      auto [bd, bm] = kBad[rng.below(6)];
      return set(r, col, fmt::format("{:02d}/{:02d}/{:04d}", bd, bm, y), "date_impossible", "flag");
    }
    if (k == "us_order" && dd > 12)
      return set(r, col, fmt::format("{:02d}/{:02d}/{:04d}", m, dd, y), "date_us_order", "flag");
    return set(r, col, fmt::format("{:04d}-{:02d}-{:02d}", y, m, dd), "date_iso");
  };

  auto inject_cccd = [&](Row& r) {
    const std::string id = r.c[CCCD];
    if (id.size() != 12) return false;
    static const Weighted kinds{{{"spaces", 20}, {"dots", 12}, {"apostrophe", 8}, {"lost_zero", 20},
                                 {"excel_sci", 10}, {"wrong_gender", 15}, {"cmnd9", 15}}};
    const std::string k = kinds.draw(rng);
    if (k == "spaces")
      return set(r, CCCD,
                 rng.chance(0.5) ? id.substr(0, 3) + " " + id.substr(3, 3) + " " + id.substr(6, 3) + " " + id.substr(9)
                                 : id.substr(0, 3) + " " + id.substr(3, 1) + " " + id.substr(4, 2) + " " + id.substr(6),
                 "cccd_spaces");
    if (k == "dots")
      return set(r, CCCD, id.substr(0, 3) + "." + id.substr(3, 3) + "." + id.substr(6, 3) + "." + id.substr(9), "cccd_dots");
    if (k == "apostrophe") return set(r, CCCD, "'" + id, "cccd_apostrophe");
    if (k == "lost_zero") return set(r, CCCD, id.substr(id.find_first_not_of('0')), "cccd_lost_zero");
    if (k == "excel_sci") {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.5E", double(std::stoll(id)));
      std::string s = buf;  // "7.90123E+10"
      return set(r, CCCD, s, "cccd_excel_scientific", "flag");
    }
    if (k == "wrong_gender") {
      std::string v = id;
      v[3] = char('0' + ((v[3] - '0') ^ 1));
      return set(r, CCCD, v, "cccd_wrong_gender", "flag");
    }
    std::string v = std::to_string(rng.range(1, 38));
    if (v.size() < 2) v = "0" + v;
    while (v.size() < 9) v += char('0' + rng.below(10));
    return set(r, CCCD, v, "cccd_old_cmnd9", "flag");
  };

  auto inject_phone = [&](Row& r) {
    const std::string p = r.c[PHONE];
    if (p.size() != 10) return false;
    static const Weighted kinds{{{"old11", 25}, {"plus84", 15}, {"84", 5}, {"0084", 5}, {"separators", 20},
                                 {"lost_zero", 15}, {"landline", 15}}};
    const std::string k = kinds.draw(rng);
    const std::string rest = p.substr(1);  // without the 0
    if (k == "old11") {
      auto it = old_prefix_of().find(p.substr(0, 3));
      if (it != old_prefix_of().end()) return set(r, PHONE, it->second + p.substr(3), "phone_old_11_digits");
    }
    if (k == "plus84")
      return set(r, PHONE,
                 rng.chance(0.5) ? "+84 " + rest.substr(0, 3) + " " + rest.substr(3, 3) + " " + rest.substr(6)
                                 : "(+84) " + rest.substr(0, 3) + "." + rest.substr(3, 3) + "." + rest.substr(6),
                 "phone_plus84");
    if (k == "84") return set(r, PHONE, "84" + rest, "phone_84");
    if (k == "0084") return set(r, PHONE, "0084" + rest, "phone_0084");
    if (k == "lost_zero") return set(r, PHONE, rest, "phone_lost_zero");
    if (k == "landline") {
      std::string sub = std::to_string(rng.range(3, 6));
      while (sub.size() < 8) sub += char('0' + rng.below(10));
      const std::string correct = "028" + sub;
      std::string shown;
      switch (rng.below(3)) {
        case 0: shown = "(028) " + sub.substr(0, 4) + " " + sub.substr(4); break;
        case 1: shown = "028." + sub.substr(0, 4) + "." + sub.substr(4); break;
        default: shown = "(+84) 28 " + sub.substr(0, 4) + " " + sub.substr(4); break;
      }
      truths.push_back(Truth{PHONE, "phone_landline", "fix", correct, shown});
      r.c[PHONE] = shown;
      r.touched[PHONE] = true;
      ++stats.by_kind["phone_landline"];
      return true;
    }
    return set(r, PHONE,
               rng.chance(0.5) ? p.substr(0, 4) + " " + p.substr(4, 3) + " " + p.substr(7)
                               : p.substr(0, 4) + "." + p.substr(4, 3) + "." + p.substr(7),
               "phone_separators");
  };

  // Old (pre-2025) spelling of a current HCMC ward address.
  auto old_address = [&](const std::string& residence, bool want_full, bool abbreviate) -> std::optional<std::string> {
    auto it = new_by_full.find(residence);
    if (it == new_by_full.end()) return std::nullopt;
    std::vector<const registry::UnitMapping*> cands;
    for (const auto* m : rd.mappings_to(it->second->code))
      if (m->old_level == "commune" && m->full == want_full && rd.old_commune(m->old_code)) cands.push_back(m);
    if (cands.empty()) return std::nullopt;
    const auto* m = cands[rng.below(cands.size())];
    const registry::AdminUnit* oc = rd.old_commune(m->old_code);
    auto d = old_dist.find(oc->district_code);
    if (d == old_dist.end()) return std::nullopt;
    const registry::AdminUnit* od = d->second;
    std::string ward = oc->full_name, dist = od->full_name, prov = oc->province_name;
    if (abbreviate) {
      auto abbr = [](const std::string& full, const std::string& type, const std::string& ab) {
        return full.rfind(type + " ", 0) == 0 ? ab + full.substr(type.size() + 1) : full;
      };
      ward = abbr(abbr(abbr(ward, "Phường", "P. "), "Xã", "X. "), "Thị trấn", "TT. ");
      dist = abbr(abbr(abbr(abbr(dist, "Quận", "Q."), "Huyện", "H. "), "Thị xã", "TX. "), "Thành phố", "TP. ");
      if (prov == "Thành phố Hồ Chí Minh") prov = rng.chance(0.5) ? "TP.HCM" : "Tp. Hồ Chí Minh";
    }
    return ward + ", " + dist + ", " + prov;
  };

  auto inject_residence = [&](Row& r) {
    const std::string v = r.c[RESIDENCE];
    static const Weighted kinds{{{"abbrev", 30}, {"lower", 10}, {"old_full", 35}, {"old_split", 15}, {"enc", 10}}};
    const std::string k = kinds.draw(rng);
    if (k == "old_full") {
      if (auto a = old_address(v, true, rng.chance(0.5))) return set(r, RESIDENCE, *a, "address_old_unit");
    }
    if (k == "old_split") {
      if (auto a = old_address(v, false, rng.chance(0.5))) return set(r, RESIDENCE, *a, "address_old_split_ward", "flag");
    }
    if (k == "lower") return set(r, RESIDENCE, vntext::to_lower(v), "address_lower");
    if (k == "enc") return inject_text_encoding(r, RESIDENCE, "address", true);
    // Abbreviations of a current address.
    std::string a = v;
    auto rep = [&](const std::string& from, const std::string& to) {
      if (a.rfind(from, 0) == 0) a = to + a.substr(from.size());
    };
    if (rng.chance(0.7)) {
      rep("Phường ", rng.chance(0.5) ? "P. " : "P.");
      rep("Xã ", "X. ");
    }
    const std::string city = ", Thành phố Hồ Chí Minh";
    if (a.size() > city.size() && a.compare(a.size() - city.size(), city.size(), city) == 0) {
      static const char* kCity[] = {", TP.HCM", ", Tp.HCM", ", TPHCM", ", TP. Hồ Chí Minh", ", Tp Hồ Chí Minh"};
      a = a.substr(0, a.size() - city.size()) + kCity[rng.below(5)];
    }
    return set(r, RESIDENCE, a, "address_abbreviation");
  };

  auto inject_place = [&](Row& r, int col) {
    const std::string v = r.c[std::size_t(col)];
    if (v.empty()) return false;
    static const Weighted kinds{{{"abbrev", 40}, {"bare", 20}, {"old_province", 25}, {"lower", 10}, {"enc", 5}}};
    const std::string k = kinds.draw(rng);
    if (k == "old_province") {
      auto nc = new_code_of_full.find(v);
      if (nc != new_code_of_full.end()) {
        std::vector<std::string> olds;
        std::string from_id = col == BIRTHPLACE && r.c[CCCD].size() == 12 ? r.c[CCCD].substr(1, 2) : std::string();
        for (const auto& o : olds_of_new[nc->second])
          if (old_prov_full[o] != v && (from_id.empty() || o == from_id)) olds.push_back(o);
        if (!olds.empty()) return set(r, col, old_prov_full[olds[rng.below(olds.size())]], "place_old_province");
      }
    }
    if (k == "lower") return set(r, col, vntext::to_lower(v), "place_lower");
    if (k == "enc") return inject_text_encoding(r, col, "place", true);
    std::string a = v;
    if (a == "Thành phố Hồ Chí Minh") {
      static const char* kHcm[] = {"TP.HCM", "TPHCM", "Tp. Hồ Chí Minh", "TP Hồ Chí Minh", "Hồ Chí Minh"};
      return set(r, col, kHcm[rng.below(5)], "place_abbreviation");
    }
    if (k == "bare" || rng.chance(0.3)) {
      if (a.rfind("Tỉnh ", 0) == 0) return set(r, col, a.substr(std::string("Tỉnh ").size()), "place_abbreviation");
      if (a.rfind("Thành phố ", 0) == 0) return set(r, col, a.substr(std::string("Thành phố ").size()), "place_abbreviation");
    }
    if (a.rfind("Tỉnh ", 0) == 0) return set(r, col, "T. " + a.substr(std::string("Tỉnh ").size()), "place_abbreviation");
    if (a.rfind("Thành phố ", 0) == 0)
      return set(r, col, "TP. " + a.substr(std::string("Thành phố ").size()), "place_abbreviation");
    return false;
  };

  auto inject_controlled = [&](Row& r, int col, const Vocab& voc, const std::string& kind_prefix, bool typos) {
    const std::string v = r.c[std::size_t(col)];
    if (v.empty()) return false;
    static const Weighted kinds{{{"variant", 40}, {"case", 20}, {"space", 15}, {"typo", 15}, {"enc", 10}}};
    const std::string k = kinds.draw(rng);
    if (k == "variant" || (k == "typo" && !typos)) {
      auto it = voc.variants.find(v);
      if (it != voc.variants.end() && !it->second.empty())
        return set(r, col, it->second[rng.below(it->second.size())], kind_prefix + "_variant");
    }
    if (k == "typo" && typos) {
      if (auto t = voc.typo(v, rng)) return set(r, col, *t, kind_prefix + "_misspelling");
    }
    if (k == "enc") return inject_text_encoding(r, col, kind_prefix, false);
    if (k == "space") return set(r, col, rng.chance(0.5) ? v + " " : " " + v + "  ", kind_prefix + "_spaces");
    return set(r, col, rng.chance(0.7) ? vntext::to_upper(v) : vntext::to_lower(v), kind_prefix + "_case");
  };

  auto inject_gender = [&](Row& r) {
    static const std::vector<std::string> kMale = {"nam", "NAM", "Nam giới", "M", " Nam"};
    static const std::vector<std::string> kFemale = {"nữ", "NỮ", "Nu", "F", "Nữ giới", "Nữ "};
    return set(r, GENDER, r.c[GENDER] == "Nam" ? rng.pick(kMale) : rng.pick(kFemale), "gender_variant");
  };

  auto inject_status = [&](Row& r) {
    const std::string v = r.c[STATUS];
    if (v == "Chính thức") return set(r, STATUS, rng.chance(0.5) ? "Đảng viên chính thức" : "chính thức", "status_variant");
    if (v == "Dự bị") return set(r, STATUS, rng.chance(0.5) ? "Đảng viên dự bị" : "dự bị", "status_variant");
    return false;
  };

  // ---------------------------------------------------------------- rule errors (whole row)
  std::deque<std::string> recent_ids, recent_cards;
  auto rule_errors = [&](Row& r) {
    auto date_set = [&](int col, std::optional<CivilDate>& field, const CivilDate& nd, const std::string& kind) {
      const std::string correct = r.c[std::size_t(col)];
      field = nd;
      r.c[std::size_t(col)] = dmy(nd);
      if (r.c[std::size_t(col)] == correct) return;
      truths.push_back(Truth{col, kind, "flag", correct, r.c[std::size_t(col)]});
      r.touched[std::size_t(col)] = true;
      ++stats.by_kind[kind];
    };
    // The other date of each rule is kept readable (not spoiled), so the rule can be checked.
    if (r.birth && r.admitted && r.birth->precision == DatePrecision::day && rng.chance(0.004 * sc)) {
      CivilDate nd = base::add_days(base::add_months(*r.birth, 16 * 12), rng.range(0, 300));
      if (nd.days() <= opts.as_of.days()) date_set(ADMITTED, r.admitted, nd, "rule_admitted_under_18"), r.touched[BIRTH] = true;
    } else if (r.admitted && r.full && rng.chance(0.004 * sc)) {
      date_set(FULL, r.full, base::add_days(*r.admitted, -rng.range(10, 400)), "rule_full_before_admission");
      r.touched[ADMITTED] = true;
    } else if (r.admitted && r.full && rng.chance(0.004 * sc)) {
      date_set(FULL, r.full, base::add_months(*r.admitted, int(rng.range(3, 10))), "rule_full_too_early");
      r.touched[ADMITTED] = true;
    } else if (r.admitted && r.full && rng.chance(0.003 * sc)) {
      CivilDate nd = base::add_months(*r.admitted, int(rng.range(26, 60)));
      if (nd.days() <= opts.as_of.days()) date_set(FULL, r.full, nd, "rule_full_late"), r.touched[ADMITTED] = true;
    } else if (r.issued && r.full && rng.chance(0.004 * sc)) {
      date_set(ISSUED, r.issued, base::add_days(*r.full, -rng.range(30, 700)), "rule_card_before_full");
      r.touched[FULL] = true;
    } else if (r.birth && rng.chance(0.003 * sc)) {
      const std::string correct = r.c[BIRTH];
      r.c[BIRTH].clear();
      r.birth.reset();
      truths.push_back(Truth{BIRTH, "rule_missing_birth_date", "flag", correct, ""});
      r.touched[BIRTH] = true;
      ++stats.by_kind["rule_missing_birth_date"];
    } else if (!recent_ids.empty() && rng.chance(0.003 * sc)) {
      set(r, CCCD, recent_ids[rng.below(recent_ids.size())], "rule_duplicate_cccd", "flag");
    } else if (!recent_cards.empty() && !r.c[CARD].empty() && rng.chance(0.003 * sc)) {
      set(r, CARD, recent_cards[rng.below(recent_cards.size())], "rule_duplicate_card", "flag");
    }
  };

  auto inject_cells = [&](Row& r) {
    auto maybe = [&](int col, double p, auto&& fn) {
      if (!r.touched[std::size_t(col)] && !r.c[std::size_t(col)].empty() && rng.chance(p * sc)) fn();
    };
    maybe(NAME, 0.12, [&] { inject_name(r); });
    maybe(GENDER, 0.03, [&] { inject_gender(r); });
    maybe(BIRTH, 0.10, [&] { inject_date(r, BIRTH, r.birth, true); });
    maybe(ETHNIC, 0.03, [&] { inject_controlled(r, ETHNIC, ethnic, "ethnicity", true); });
    maybe(RELIGION, 0.03, [&] { inject_controlled(r, RELIGION, religion, "religion", true); });
    maybe(HOMETOWN, 0.05, [&] { inject_place(r, HOMETOWN); });
    maybe(BIRTHPLACE, 0.04, [&] { inject_place(r, BIRTHPLACE); });
    maybe(RESIDENCE, 0.10, [&] { inject_residence(r); });
    maybe(CCCD, 0.08, [&] { inject_cccd(r); });
    maybe(PHONE, 0.10, [&] { inject_phone(r); });
    maybe(ADMITTED, 0.04, [&] { inject_date(r, ADMITTED, r.admitted, false); });
    maybe(FULL, 0.03, [&] { inject_date(r, FULL, r.full, false); });
    maybe(ISSUED, 0.03, [&] { inject_date(r, ISSUED, r.issued, false); });
    maybe(EDU, 0.02, [&] { inject_controlled(r, EDU, education, "education", false); });
    maybe(PROF, 0.02, [&] { inject_controlled(r, PROF, professional, "professional", false); });
    maybe(THEORY, 0.02, [&] { inject_controlled(r, THEORY, theory, "theory", false); });
    maybe(STATUS, 0.01, [&] { inject_status(r); });
  };

  // ---------------------------------------------------------------- rows
  auto format = [&](const Member& m, const std::string& stt) {
    Row r;
    r.c[STT] = stt;
    r.c[NAME] = m.family_name + (m.middle_name.empty() ? "" : " " + m.middle_name) + " " + m.given_name;
    r.c[GENDER] = m.gender == registry::Gender::male ? "Nam" : "Nữ";
    r.male = m.gender == registry::Gender::male;
    r.birth = m.birth_date, r.admitted = m.admitted_on, r.full = m.full_member_on, r.issued = m.card_issued_on;
    if (m.birth_date) r.c[BIRTH] = dmy(*m.birth_date);
    r.c[ETHNIC] = m.ethnicity;
    r.c[RELIGION] = m.religion;
    r.c[HOMETOWN] = m.home_town;
    r.c[BIRTHPLACE] = m.birth_place;
    r.c[RESIDENCE] = m.residence;
    r.c[CCCD] = m.citizen_id;
    r.c[PHONE] = m.phone;
    if (m.admitted_on) r.c[ADMITTED] = dmy(*m.admitted_on);
    if (m.full_member_on) r.c[FULL] = dmy(*m.full_member_on);
    r.c[CARD] = m.card_number;
    if (m.card_issued_on) r.c[ISSUED] = dmy(*m.card_issued_on);
    r.c[EDU] = m.education;
    r.c[PROF] = m.professional_qualification;
    r.c[THEORY] = m.theory_level;
    r.c[OCC] = m.occupation;
    r.c[POS] = m.position;
    r.c[STATUS] = std::string(status_vi(m.status));
    r.c[ORG] = m.org_name;
    r.c[ORGCODE] = m.org_code;
    r.c[SYN] = m.synthetic ? "Có" : "Không";
    return r;
  };

  std::string line, tl;
  auto emit = [&](Row& r) {
    line.clear();
    for (int c = 0; c < NCOLS; ++c) {
      if (c) line += ',';
      csv_append(line, r.c[std::size_t(c)]);
    }
    line += "\r\n";
    out.write(line.data(), std::streamsize(line.size()));
    tl.clear();
    for (const Truth& t : truths) {
      tl += r.c[STT];
      tl += ',';
      csv_append(tl, t.col >= 0 ? kCols[t.col] : "");
      tl += ',';
      tl += t.kind;
      tl += ',';
      tl += t.expect;
      tl += ',';
      csv_append(tl, t.correct);
      tl += ',';
      csv_append(tl, t.dirty);
      tl += '\n';
      ++stats.truth_lines;
    }
    truth_out.write(tl.data(), std::streamsize(tl.size()));
    truths.clear();
    ++stats.rows;
  };

  struct Kept {
    Row row;
    std::string stt;
    bool clustered = false;
  };
  std::vector<Kept> reservoir;
  const std::size_t kReservoir = 20000;
  std::int64_t seen = 0, stt = 0;
  Member m;
  std::string org;
  while (gen.next(m, org)) {
    Row r = format(m, std::to_string(++stt));
    Row clean = r;
    rule_errors(r);
    inject_cells(r);
    if (!r.touched[CCCD]) {
      recent_ids.push_back(r.c[CCCD]);
      if (recent_ids.size() > 64) recent_ids.pop_front();
    }
    if (!r.touched[CARD] && !r.c[CARD].empty()) {
      recent_cards.push_back(r.c[CARD]);
      if (recent_cards.size() > 64) recent_cards.pop_front();
    }
    emit(r);
    ++seen;
    if (reservoir.size() < kReservoir) reservoir.push_back(Kept{clean, clean.c[STT]});
    else if (std::uint64_t j = rng.below(std::uint64_t(seen)); j < kReservoir) reservoir[j] = Kept{clean, clean.c[STT]};

    // A re-entered duplicate of an earlier member, in this member's unit.
    if (opts.duplicates > 0 && rng.chance(opts.duplicates) && reservoir.size() > 1) {
      Kept& orig = reservoir[rng.below(reservoir.size())];
      if (orig.stt == clean.c[STT]) continue;
      Row d = orig.row;
      d.c[STT] = std::to_string(++stt);
      d.c[ORG] = m.org_name;
      d.c[ORGCODE] = m.org_code;
      const std::string cluster = "C" + orig.stt;
      if (!orig.clustered) {
        tl = orig.stt + ",,duplicate,cluster," + cluster + ",\n";
        truth_out << tl;
        ++stats.truth_lines;
        orig.clustered = true;
      }
      truths.push_back(Truth{-1, "duplicate", "cluster", cluster, ""});
      auto vary = [&](int col, std::string v, const std::string& kind) {
        if (v == d.c[std::size_t(col)]) return;
        d.c[std::size_t(col)] = v;
        truths.push_back(Truth{col, kind, "none", v, v});
        d.touched[std::size_t(col)] = true;
        ++stats.by_kind[kind];
      };
      if (rng.chance(0.35)) {
        // One syllable of the name without its marks, or the middle name dropped.
        std::vector<std::string> w;
        const std::string& nm = d.c[NAME];
        for (std::size_t i = 0; i < nm.size();) {
          std::size_t j = nm.find(' ', i);
          if (j == std::string::npos) j = nm.size();
          w.push_back(nm.substr(i, j - i));
          i = j + 1;
        }
        if (w.size() >= 3 && rng.chance(0.3)) w.erase(w.begin() + 1);
        else {
          std::size_t k = rng.below(w.size());
          std::string plain = vntext::search_key(w[k]);
          if (!plain.empty()) plain[0] = char(std::toupper(static_cast<unsigned char>(plain[0])));
          w[k] = plain;
        }
        std::string v;
        for (auto& x : w) v += (v.empty() ? "" : " ") + x;
        vary(NAME, v, "dup_name_variant");
      } else if (rng.chance(0.1)) {
        std::string v = vntext::search_key(d.c[NAME]);
        bool up = true;
        for (char& c : v) {
          if (up) c = char(std::toupper(static_cast<unsigned char>(c)));
          up = c == ' ';
        }
        vary(NAME, v, "dup_name_no_diacritics");
      }
      if (d.birth && d.birth->precision == DatePrecision::day && d.birth->day() <= 12 &&
          d.birth->day() != d.birth->month() && rng.chance(0.2))
        vary(BIRTH, fmt::format("{:02d}/{:02d}/{:04d}", d.birth->month(), d.birth->day(), d.birth->year()),
             "dup_day_month_swapped");
      else if (d.birth && rng.chance(0.05))
        vary(BIRTH, std::to_string(d.birth->year()), "dup_birth_year_only");
      if (rng.chance(0.2)) {
        std::string v = std::to_string(rng.range(10, 38));
        while (v.size() < 9) v += char('0' + rng.below(10));
        vary(CCCD, v, "dup_old_id_cmnd9");
      }
      if (rng.chance(0.3) && d.c[PHONE].size() == 10) {
        std::string v = d.c[PHONE].substr(0, 3);
        while (v.size() < 10) v += char('0' + rng.below(10));
        vary(PHONE, v, "dup_other_phone");
      }
      inject_cells(d);
      emit(d);
      ++stats.duplicate_rows;
    }
  }
  return stats;
}

}  // namespace dangbo::quality

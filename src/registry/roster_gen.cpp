#include "registry/roster_gen.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <map>
#include <ostream>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "base/csv.hpp"

namespace dangbo::registry {

namespace {

using namespace std::chrono;

// ------------------------------------------------------------------ PRNG and weighted draws

uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// xoshiro256** (Blackman & Vigna), seeded through splitmix64. Only integer arithmetic and
/// exact IEEE operations are used on its output, so runs are identical on every platform.
class Rng {
 public:
  Rng(uint64_t seed, uint64_t stream) {
    uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03ULL);
    for (auto& v : s_) v = splitmix64(x);
  }
  uint64_t next() {
    uint64_t result = rotl(s_[1] * 5, 7) * 9;
    uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  /// Uniform in [0, n).
  uint64_t below(uint64_t n) { return uint64_t((unsigned __int128)next() * n >> 64); }
  /// Uniform in [lo, hi] (inclusive).
  long range(long lo, long hi) { return hi <= lo ? lo : lo + long(below(uint64_t(hi - lo) + 1)); }
  /// Uniform in [0, 1).
  double unit() { return double(next() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return unit() < p; }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

/// Walker/Vose alias table: O(1) weighted draws with one 64-bit random number.
class Alias {
 public:
  Alias() = default;
  explicit Alias(const std::vector<double>& w) { build(w); }
  void build(const std::vector<double>& w) {
    n_ = uint32_t(w.size());
    double sum = 0;
    for (double x : w) sum += x > 0 ? x : 0;
    if (n_ == 0 || !(sum > 0)) throw std::runtime_error("roster generator: empty or all-zero weight table");
    prob_.assign(n_, 0);
    alias_.assign(n_, 0);
    std::vector<double> p(n_);
    std::vector<uint32_t> small, large;
    for (uint32_t i = 0; i < n_; ++i) {
      p[i] = (w[i] > 0 ? w[i] : 0) * n_ / sum;
      (p[i] < 1.0 ? small : large).push_back(i);
    }
    while (!small.empty() && !large.empty()) {
      uint32_t s = small.back(), l = large.back();
      small.pop_back();
      prob_[s] = to_threshold(p[s]);
      alias_[s] = l;
      p[l] = (p[l] + p[s]) - 1.0;
      if (p[l] < 1.0) {
        large.pop_back();
        small.push_back(l);
      }
    }
    for (uint32_t i : large) prob_[i] = UINT32_MAX, alias_[i] = i;
    for (uint32_t i : small) prob_[i] = UINT32_MAX, alias_[i] = i;
  }
  uint32_t sample(Rng& r) const {
    uint64_t x = r.next();
    uint32_t i = uint32_t(((x >> 32) * n_) >> 32);
    return uint32_t(x) < prob_[i] ? i : alias_[i];
  }
  uint32_t size() const { return n_; }

 private:
  static uint32_t to_threshold(double p) {
    double t = p * 4294967296.0;
    return t >= 4294967295.0 ? UINT32_MAX : uint32_t(t);
  }
  std::vector<uint32_t> prob_, alias_;
  uint32_t n_ = 0;
};

// ------------------------------------------------------------------ dates as day numbers

long day_number(const year_month_day& ymd) { return sys_days(ymd).time_since_epoch().count(); }
year_month_day ymd_of(long d) { return year_month_day(sys_days(days(d))); }
long day_number(int y, unsigned m, unsigned d) { return day_number(year(y) / month(m) / day(d)); }

/// The same calendar day k years later (29 February → 1 March in common years).
long plus_years(long d, int k) {
  auto ymd = ymd_of(d);
  year_month_day r = (ymd.year() + years(k)) / ymd.month() / ymd.day();
  if (!r.ok()) r = (ymd.year() + years(k)) / March / 1;
  return day_number(r);
}

/// The same day k months later, clamped to the month's last day (as base::add_months).
long plus_months(long d, int k) {
  auto ymd = ymd_of(d);
  auto ym = year_month(ymd.year(), ymd.month()) + months(k);
  auto last = (ym.year() / ym.month() / std::chrono::last).day();
  return day_number(ym.year() / ym.month() / (ymd.day() > last ? last : ymd.day()));
}

CivilDate civil(long d, base::DatePrecision p = base::DatePrecision::day) {
  CivilDate c;
  c.ymd = ymd_of(d);
  if (p == base::DatePrecision::year) c.ymd = c.ymd.year() / January / 1;
  c.precision = p;
  return c;
}

// ------------------------------------------------------------------ small formatting helpers

void put_digits(std::string& s, uint64_t v, int width) {
  char buf[24];
  int n = 0;
  do {
    buf[n++] = char('0' + v % 10);
    v /= 10;
  } while (v);
  for (int i = n; i < width; ++i) s += '0';
  while (n) s += buf[--n];
}

std::string padded(int64_t v, int width) {
  std::string s;
  put_digits(s, uint64_t(v), width);
  return s;
}

int digits(int64_t v) {
  int n = 1;
  while (v >= 10) v /= 10, ++n;
  return n;
}

bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

// ------------------------------------------------------------------ organization names

constexpr std::string_view kPeople[] = {
    "Nguyễn Du",        "Lê Quý Đôn",     "Trần Hưng Đạo",  "Lê Lợi",          "Nguyễn Trãi",      "Chu Văn An",
    "Võ Thị Sáu",       "Lý Thường Kiệt", "Quang Trung",    "Phan Bội Châu",   "Hai Bà Trưng",     "Trần Quốc Toản",
    "Kim Đồng",         "Lê Văn Tám",     "Nguyễn Văn Trỗi", "Võ Văn Tần",     "Phan Chu Trinh",   "Nguyễn Đình Chiểu",
    "Trương Định",      "Hùng Vương",     "Ngô Quyền",      "Đinh Tiên Hoàng", "Lê Hồng Phong",    "Tô Hiến Thành",
    "Nguyễn Bỉnh Khiêm", "Lương Thế Vinh", "Huỳnh Thúc Kháng", "Trần Phú",      "Nguyễn Hữu Thọ",   "Nguyễn Thị Minh Khai",
    "Lê Thánh Tông",    "Trần Quang Khải", "Nguyễn Huệ",     "Bùi Thị Xuân",    "Nguyễn Thái Học",  "Phạm Ngũ Lão",
    "Mạc Đĩnh Chi",     "Nguyễn Khuyến",  "Trần Văn Ơn",    "Lê Anh Xuân"};
constexpr std::string_view kFirms[] = {
    "Sao Mai",   "Phương Nam", "Hòa Bình",  "Thành Công", "Tân Phát",   "Minh Long",  "Đại Việt",  "Hưng Thịnh",
    "Bình Minh", "Thái Sơn",   "Trường An", "Phú Gia",    "An Khang",   "Đông Á",     "Vạn Xuân",  "Hoàng Gia",
    "Nam Việt",  "Thiên Phúc", "Kim Long",  "Hải Đăng",   "Tân Tiến",   "Sông Hồng",  "Mê Kông",   "Gia Định",
    "Sài Gòn Xanh", "Bến Thành", "Thủ Thiêm", "Hồng Phát", "Việt Tiến", "Lam Sơn",   "Quốc Thịnh", "Phước Lộc"};

/// Keeps organization names unique inside one commune-level unit.
class NameBook {
 public:
  std::string unique(std::string name) {
    if (used_.insert(name).second) return name;
    for (int k = 2;; ++k) {
      std::string alt = name + " " + std::to_string(k);
      if (used_.insert(alt).second) return alt;
    }
  }

 private:
  std::set<std::string> used_;
};

// ------------------------------------------------------------------ member field tables

enum class Sector : uint8_t { residential, education, health, police, military, enterprise, government, other };

Sector sector_of(std::string_view leaf, std::string_view parent) {
  for (std::string_view s : {leaf, parent}) {
    if (contains(s, "Khu phố") || contains(s, "Ấp ") || contains(s, "Khu dân cư") || contains(s, "Tổ dân phố"))
      return Sector::residential;
    if (contains(s, "Trường")) return Sector::education;
    if (contains(s, "Y tế") || contains(s, "Bệnh viện")) return Sector::health;
    if (contains(s, "Công an")) return Sector::police;
    if (contains(s, "Quân sự")) return Sector::military;
    if (contains(s, "Công ty") || contains(s, "Hợp tác xã")) return Sector::enterprise;
    if (contains(s, "Ủy ban nhân dân") || contains(s, "Mặt trận")) return Sector::government;
  }
  return Sector::other;
}

struct Weighted {
  std::vector<std::string> values;
  Alias alias;
  Weighted() = default;
  Weighted(std::initializer_list<std::pair<std::string_view, double>> items) {
    std::vector<double> w;
    for (auto& [v, x] : items) values.emplace_back(v), w.push_back(x);
    alias.build(w);
  }
  const std::string& draw(Rng& r) const { return values[alias.sample(r)]; }
};

// Age bands (years at as_of) and their weights: a band [lo, hi) with weight w.
struct Band {
  int lo, hi;
  double w;
};
// Members of residential cells (retirees live there) and of workplace cells (working age only).
constexpr Band kAgeResidential[] = {{18, 25, 3},  {25, 30, 5},  {30, 40, 13}, {40, 50, 16},
                                     {50, 60, 18}, {60, 70, 22}, {70, 80, 14}, {80, 96, 9}};
constexpr Band kAgeWorkplace[] = {{18, 25, 5}, {25, 30, 11}, {30, 40, 30}, {40, 50, 28}, {50, 60, 22}};
// Age at admission.
constexpr Band kAdmissionAge[] = {{18, 22, 28}, {22, 26, 27}, {26, 30, 17}, {30, 35, 13}, {35, 45, 11}, {45, 60, 4}};

struct PhonePrefix {
  std::string_view prefix;
  double w;
};
// Mobile prefixes in use since the 2018 renumbering (datacleaning.md §3.2), weighted roughly
// by operator size: Viettel, VinaPhone, MobiFone, Vietnamobile, Gmobile.
constexpr PhonePrefix kPhones[] = {
    {"086", 4}, {"096", 7}, {"097", 8}, {"098", 8}, {"032", 3}, {"033", 3}, {"034", 3}, {"035", 3},
    {"036", 3}, {"037", 3}, {"038", 3}, {"039", 3}, {"088", 2}, {"091", 6}, {"094", 4}, {"081", 2},
    {"082", 2}, {"083", 2}, {"084", 2}, {"085", 2}, {"089", 2}, {"090", 7}, {"093", 5}, {"070", 2},
    {"076", 1}, {"077", 2}, {"078", 1}, {"079", 2}, {"092", 1}, {"056", 1}, {"058", 1}, {"099", 0.5},
    {"059", 0.5}};

// Card numbers: 8 digits = 10,000,000 + (A·k + B) mod 90,000,000, a bijection of the counter k.
constexpr uint64_t kCardSpan = 90000000, kCardA = 7777777;  // gcd(A, span) = 1
// Citizen-ID serials: (A·c + B) mod 10^6 per (province, century/gender, year) key.
constexpr uint64_t kSerialSpan = 1000000, kSerialA = 737573;  // odd, not a multiple of 5
// Phone subscriber numbers: (A·c + B) mod 10^7 per prefix.
constexpr uint64_t kPhoneSpan = 10000000, kPhoneA = 3141593;  // odd, not a multiple of 5

}  // namespace

// ====================================================================== organization tree

std::vector<GeneratedOrg> generate_org_tree(const RefData& rd, const GenOptions& opts) {
  auto units = rd.new_communes_of("79");
  if (units.empty()) throw std::runtime_error("generate_org_tree: no commune-level units for province 79");
  std::vector<GeneratedOrg> out;
  out.push_back({"HCM", "Đảng bộ Thành phố Hồ Chí Minh", OrgKind::city, "", "79", 0});

  // Leaves planned: ~30.4 members each on average (10 + 51·u^1.5, u uniform).
  const double mean_leaf = 10.0 + 51.0 / 2.5;
  const int64_t n_units = int64_t(units.size());
  int64_t leaves_total = std::max<int64_t>(n_units, std::llround(double(std::max<int64_t>(opts.members, 0)) / mean_leaf));

  // Every unit gets one leaf; the rest are shared out by population (largest remainder).
  std::vector<int64_t> leaves(units.size(), 1);
  {
    double pop_sum = 0;
    for (auto* u : units) pop_sum += double(std::max<long>(u->population, 1));
    int64_t extra = leaves_total - n_units, given = 0;
    std::vector<std::pair<double, std::size_t>> rema;
    for (std::size_t i = 0; i < units.size(); ++i) {
      double q = double(extra) * double(std::max<long>(units[i]->population, 1)) / pop_sum;
      int64_t f = int64_t(std::floor(q));
      leaves[i] += f;
      given += f;
      rema.emplace_back(q - double(f), i);
    }
    std::stable_sort(rema.begin(), rema.end(), [](auto& a, auto& b) { return a.first > b.first; });
    for (int64_t k = 0; k < extra - given; ++k) ++leaves[rema[std::size_t(k)].second];
  }

  Rng rng(opts.seed, 0x747265650000ULL);  // the tree has its own stream
  for (std::size_t w = 0; w < units.size(); ++w) {
    const AdminUnit& u = *units[w];
    out.push_back({u.code, org_name_for_unit(u), OrgKind::commune_committee, "HCM", u.code, 0});
    const std::string t = unit_type_lower(u.unit_type), tu = t + " " + u.name;
    const bool rural = u.unit_type != "Phường";
    const std::string_view hamlet = u.unit_type == "Phường" ? "Khu phố" : u.unit_type == "Xã" ? "Ấp" : "Khu dân cư";

    // Organizations every unit has once it is big enough (police, the People's Committee
    // office, military command, health station, Fatherland Front), then the rest: grassroots
    // cells (1 leaf) and grassroots committees with 3–8 cells, residential ones most often.
    enum Special { police, people_committee, military, health, front };
    const int64_t n_leaves = leaves[w];
    const double p_special = std::min(1.0, double(n_leaves) / 25.0);
    std::vector<std::pair<int, int>> groups;  // (special or -1, number of cells; 1 = grassroots cell)
    int64_t left = n_leaves;
    for (int sp = police; sp <= front; ++sp) {
      if (!rng.chance(p_special)) continue;
      int k = (sp == police || sp == people_committee) && n_leaves >= 40 ? 3 : 1;
      if (left - k < 1) break;
      groups.emplace_back(sp, k);
      left -= k;
    }
    while (left > 0) {
      int k = 1;
      if (left >= 3 && rng.chance(0.2)) k = int(std::min<int64_t>(left, 3 + int64_t(rng.below(6))));
      groups.emplace_back(-1, k);
      left -= k;
    }
    const int width = std::max(2, digits(int64_t(groups.size())));

    NameBook names;
    int n_hamlet = 0, n_people = int(rng.below(std::size(kPeople))), n_firm = int(rng.below(std::size(kFirms)));
    auto person = [&] { return std::string(kPeople[std::size_t(n_people++) % std::size(kPeople)]); };
    auto firm = [&] { return std::string(kFirms[std::size_t(n_firm++) % std::size(kFirms)]); };
    auto leaf_size = [&] {
      double x = rng.unit();
      return int64_t(10 + int64_t(51.0 * x * std::sqrt(x)));
    };

    for (std::size_t g = 0; g < groups.size(); ++g) {
      const auto [special, k] = groups[g];
      std::string code = u.code + "." + padded(int64_t(g + 1), width);
      std::string name;
      std::string_view cell_prefix = "Chi bộ số ";
      switch (special) {
        case police: name = (k == 1 ? "Chi bộ Công an " : "Đảng bộ Công an ") + tu; break;
        case people_committee: name = (k == 1 ? "Chi bộ Cơ quan Ủy ban nhân dân " : "Đảng bộ Cơ quan Ủy ban nhân dân ") + tu; break;
        case military: name = "Chi bộ Ban Chỉ huy Quân sự " + tu; break;
        case health: name = "Chi bộ Trạm Y tế " + tu; break;
        case front: name = "Chi bộ Mặt trận Tổ quốc và các đoàn thể " + tu; break;
        default:
          if (k == 1) {
            if (rng.chance(0.65)) {
              name = "Chi bộ " + std::string(hamlet) + " " + std::to_string(++n_hamlet);
            } else {
              switch (rng.below(5)) {
                case 0: name = "Chi bộ Trường Mầm non " + person(); break;
                case 1: name = "Chi bộ Trường Tiểu học " + person(); break;
                case 2: name = "Chi bộ Trường Trung học cơ sở " + person(); break;
                case 3: name = "Chi bộ Công ty TNHH " + firm(); break;
                default: name = (rural ? "Chi bộ Hợp tác xã " : "Chi bộ Công ty Cổ phần ") + firm(); break;
              }
            }
          } else {
            double x = rng.unit();
            if (x < 0.45) {
              name = "Đảng bộ " + std::string(hamlet) + " " + std::to_string(++n_hamlet);
              cell_prefix = rural ? "Chi bộ Tổ nhân dân " : "Chi bộ Tổ dân phố ";
            } else if (x < 0.78) {
              name = "Đảng bộ Công ty Cổ phần " + firm();
            } else if (x < 0.9) {
              name = "Đảng bộ Trường Trung học phổ thông " + person();
            } else {
              name = "Đảng bộ Bệnh viện " + firm();
            }
          }
      }
      if (k == 1) {
        out.push_back({code, names.unique(name), OrgKind::grassroots_cell, u.code, u.code, leaf_size()});
        continue;
      }
      out.push_back({code, names.unique(name), OrgKind::grassroots_committee, u.code, u.code, 0});
      for (int c = 1; c <= k; ++c)
        out.push_back({code + "." + padded(c, 2), std::string(cell_prefix) + std::to_string(c), OrgKind::cell, code,
                       u.code, leaf_size()});
    }
  }
  return out;
}

// ====================================================================== member generator

struct RosterGenerator::Impl {
  struct Leaf {
    std::string code, name;
    int64_t quota = 0;
    uint32_t ward = 0;
    Sector sector = Sector::other;
  };
  struct Ward {
    std::string code, residence;
    bool rural = false;
    std::vector<uint8_t> ppp;  // old province codes the unit was formed from
    Alias ppp_alias;
  };
  struct Province {  // an old (pre-2025) province, i.e. a citizen-ID prefix
    uint8_t code = 0;
    std::string new_full_name;  // where it is now (used for birth place and home town)
  };

  GenOptions opts;
  long as_of = 0, card_exchange_lo = 0, card_exchange_hi = 0, recent_3y = 0;
  Rng rng;
  std::vector<Leaf> leaves;
  std::vector<Ward> wards;
  Alias ward_by_pop;
  std::vector<Province> provinces;
  Alias migrant_origin;
  std::vector<uint32_t> migrant_idx;
  std::array<int16_t, 100> province_of_code{};
  Alias hcmc_area;  // 79 / 74 / 77
  std::array<uint8_t, 3> hcmc_area_codes{79, 74, 77};
  std::string hcmc_name = "Thành phố Hồ Chí Minh";

  std::vector<std::string> family, middle, given;
  Alias family_a, middle_m, middle_f, given_m, given_f;
  std::vector<std::string> ethnic;
  Alias ethnic_a;
  int ethn_hoa = -1, ethn_khmer = -1, ethn_cham = -1;
  std::vector<std::string> religion;
  Alias religion_a;
  int rel_buddhism = -1, rel_islam = -1, rel_brahman = -1;
  std::vector<std::string> general_edu;
  std::vector<bool> general_is_10;
  std::size_t edu_12 = 0;  // "12/12"
  Alias general_a;
  std::vector<std::string> prof;  // last entry "" = none
  Alias prof_a;
  int prof_dh = -1, prof_ths = -1, prof_ts = -1;
  std::vector<std::string> theory;  // last entry "" = none
  Alias theory_a;
  int th_sc = -1, th_tc = -1, th_cc = -1, th_cn = -1;

  std::array<Alias, 2> age_a;  // 0 residential, 1 workplace
  std::array<std::vector<std::pair<long, long>>, 2> age_days;  // birth-day ranges per band
  Alias adm_a;
  std::array<Weighted, 8> occupation;
  Alias phone_a;

  std::vector<uint32_t> serial_counter;  // [ppp][G][yy]
  std::array<uint32_t, std::size(kPhones)> phone_counter{};
  uint64_t serial_b = 0, phone_b = 0, card_b = 0, card_counter = 0;

  std::size_t leaf_i = 0;
  int64_t in_leaf = 0, produced = 0;

  Impl(const RefData& rd, const std::vector<GeneratedOrg>& orgs, GenOptions o);
  void fill(Member& m, const Leaf& leaf, int64_t idx);
};

RosterGenerator::Impl::Impl(const RefData& rd, const std::vector<GeneratedOrg>& orgs, GenOptions o)
    : opts(o), rng(o.seed, 0x6D656D6265727300ULL) {
  as_of = day_number(opts.as_of.ymd);
  card_exchange_lo = day_number(2004, 1, 1);
  card_exchange_hi = day_number(2006, 12, 31);
  recent_3y = plus_years(as_of, -3);
  Rng setup(opts.seed, 0x7365747570ULL);
  serial_b = setup.below(kSerialSpan);
  phone_b = setup.below(kPhoneSpan);
  card_b = setup.below(kCardSpan);

  // Wards (all HCMC units), their old provinces, and the residence strings.
  auto units = rd.new_communes_of("79");
  if (units.empty()) throw std::runtime_error("RosterGenerator: no commune-level units for province 79");
  std::unordered_map<std::string, uint32_t> ward_idx;
  std::vector<double> pop_w;
  for (auto* u : units) {
    Ward w;
    w.code = u->code;
    w.residence = u->full_name + ", " + hcmc_name;
    w.rural = u->unit_type != "Phường";
    std::map<uint8_t, double> counts;
    for (auto* m : rd.mappings_to(u->code)) counts[uint8_t(std::stoi(m->old_province_code))] += 1;
    if (counts.empty()) counts[79] = 1;
    std::vector<double> cw;
    for (auto [code, c] : counts) w.ppp.push_back(code), cw.push_back(c);
    w.ppp_alias.build(cw);
    ward_idx.emplace(w.code, uint32_t(wards.size()));
    wards.push_back(std::move(w));
    pop_w.push_back(double(std::max<long>(u->population, 1)));
  }
  ward_by_pop.build(pop_w);

  // Old provinces: citizen-ID prefixes, and where migrants come from.
  province_of_code.fill(-1);
  std::map<std::string, std::string> old_to_new;
  std::map<std::string, int> olds_per_new;
  for (auto& m : rd.province_mappings()) old_to_new[m.old_code] = m.new_code, olds_per_new[m.new_code]++;
  std::vector<double> mig_w;
  for (auto& p : rd.old_provinces()) {
    Province pr;
    pr.code = uint8_t(std::stoi(p.code));
    auto nn = old_to_new.find(p.code);
    const AdminUnit* np = nn == old_to_new.end() ? nullptr : rd.new_province(nn->second);
    pr.new_full_name = np ? np->full_name : p.full_name;
    province_of_code[pr.code] = int16_t(provinces.size());
    if (pr.code != 79 && pr.code != 74 && pr.code != 77 && np) {
      // Migrants: population of the new province shared among the old ones it absorbed,
      // weighted up for the regions that send most migrants to the city (SOURCES.md).
      double w = double(std::max<long>(np->population, 1)) / olds_per_new[np->code];
      int c = pr.code;
      if (c >= 80) w *= 2.0;                      // Mekong Delta
      else if (c >= 70) w *= 2.0;                 // South East
      else if (c >= 38 && c <= 60) w *= 1.5;      // North and South Central Coast
      else if (c >= 62) w *= 0.8;                 // Central Highlands
      else w *= 0.7;                              // North
      migrant_idx.push_back(uint32_t(provinces.size()));
      mig_w.push_back(w);
    }
    provinces.push_back(std::move(pr));
  }
  migrant_origin.build(mig_w);
  hcmc_area.build({9.0, 2.6, 1.2});  // old HCMC, Bình Dương, Bà Rịa – Vũng Tàu (2019 populations, millions)

  // Names.
  std::vector<double> w1, wm, wf;
  for (auto& n : rd.family_names()) family.push_back(n.name), w1.push_back(n.male_pct);
  family_a.build(w1);
  auto gendered = [](const std::vector<NameWeight>& src, std::vector<std::string>& names, Alias& am, Alias& af) {
    std::vector<double> m, f;
    for (auto& n : src) names.push_back(n.name), m.push_back(n.male_pct), f.push_back(n.female_pct);
    am.build(m);
    af.build(f);
  };
  gendered(rd.middle_names(), middle, middle_m, middle_f);
  gendered(rd.given_names(), given, given_m, given_f);

  // Ethnic groups and religions: shares for Ho Chi Minh City.
  w1.clear();
  for (auto& e : rd.ethnic_groups()) {
    if (e.name == "Hoa") ethn_hoa = int(ethnic.size());
    if (e.name == "Khơ-me") ethn_khmer = int(ethnic.size());
    if (e.name == "Chăm") ethn_cham = int(ethnic.size());
    ethnic.push_back(e.name);
    w1.push_back(e.share_hcmc_pct);
  }
  ethnic_a.build(w1);
  w1.clear();
  for (auto& r : rd.religions()) {
    if (r.name == "Phật giáo") rel_buddhism = int(religion.size());
    if (r.name == "Hồi giáo") rel_islam = int(religion.size());
    if (r.name == "Bà-la-môn") rel_brahman = int(religion.size());
    religion.push_back(r.name);
    w1.push_back(r.share_hcmc_pct);
  }
  religion_a.build(w1);

  // Education and political theory.
  w1.clear();
  std::vector<double> wp;
  double prof_sum = 0;
  for (auto& e : rd.education_levels()) {
    if (e.kind == "professional") {
      if (e.name == "Đại học") prof_dh = int(prof.size());
      if (e.name == "Thạc sĩ") prof_ths = int(prof.size());
      if (e.name == "Tiến sĩ") prof_ts = int(prof.size());
      prof.push_back(e.name);
      wp.push_back(e.share_pct);
      prof_sum += e.share_pct;
    } else {
      if (e.name == "12/12") edu_12 = general_edu.size();
      general_edu.push_back(e.name);
      general_is_10.push_back(e.kind == "general_10");
      w1.push_back(e.share_pct);
    }
  }
  general_a.build(w1);
  prof.push_back("");
  wp.push_back(std::max(0.0, 100.0 - prof_sum));
  prof_a.build(wp);
  w1.clear();
  double th_sum = 0;
  for (auto& t : rd.theory_levels()) {
    if (t.name == "Sơ cấp") th_sc = int(theory.size());
    if (t.name == "Trung cấp") th_tc = int(theory.size());
    if (t.name == "Cao cấp") th_cc = int(theory.size());
    if (t.name == "Cử nhân") th_cn = int(theory.size());
    theory.push_back(t.name);
    w1.push_back(t.share_pct);
    th_sum += t.share_pct;
  }
  theory.push_back("");
  w1.push_back(std::max(0.0, 100.0 - th_sum));
  theory_a.build(w1);
  if (prof_dh < 0 || prof_ths < 0 || prof_ts < 0 || th_sc < 0 || th_tc < 0 || th_cc < 0 || th_cn < 0 ||
      rel_buddhism < 0 || rel_islam < 0 || ethn_hoa < 0 || ethn_khmer < 0 || ethn_cham < 0)
    throw std::runtime_error("RosterGenerator: reference data lacks an expected controlled value");

  // Ages: a band is drawn, then a birth day uniformly inside it (age exactly ≥ 18 at as_of).
  auto bands = [&](const auto& table, int k) {
    std::vector<double> w;
    for (const Band& b : table) {
      w.push_back(b.w);
      age_days[k].emplace_back(plus_years(as_of, -b.hi) + 1, plus_years(as_of, -b.lo));
    }
    age_a[k].build(w);
  };
  bands(kAgeResidential, 0);
  bands(kAgeWorkplace, 1);
  {
    std::vector<double> w;
    for (const Band& b : kAdmissionAge) w.push_back(b.w);
    adm_a.build(w);
  }

  // Occupations by sector (working age); retirees are handled separately.
  occupation[size_t(Sector::residential)] = {
      {"Kinh doanh", 15},       {"Lao động tự do", 14}, {"Công nhân", 12},       {"Nhân viên văn phòng", 15},
      {"Nội trợ", 6},           {"Cán bộ, công chức", 6}, {"Viên chức", 5},      {"Giáo viên", 4},
      {"Kỹ sư", 5},             {"Kế toán", 4},         {"Tài xế", 3},           {"Bác sĩ", 2},
      {"Sinh viên", 2},         {"Nông dân", 3},        {"Công an", 1}};
  occupation[size_t(Sector::education)] = {{"Giáo viên", 75}, {"Viên chức", 15}, {"Nhân viên văn phòng", 10}};
  occupation[size_t(Sector::health)] = {{"Bác sĩ", 35}, {"Y sĩ, điều dưỡng", 45}, {"Dược sĩ", 8}, {"Viên chức", 12}};
  occupation[size_t(Sector::police)] = {{"Công an", 1}};
  occupation[size_t(Sector::military)] = {{"Quân nhân", 1}};
  occupation[size_t(Sector::enterprise)] = {
      {"Công nhân", 35}, {"Nhân viên văn phòng", 30}, {"Kỹ sư", 20}, {"Kế toán", 10}, {"Quản lý doanh nghiệp", 5}};
  occupation[size_t(Sector::government)] = {{"Cán bộ, công chức", 80}, {"Viên chức", 15}, {"Nhân viên văn phòng", 5}};
  occupation[size_t(Sector::other)] = {
      {"Cán bộ, công chức", 18}, {"Viên chức", 10},  {"Giáo viên", 8},     {"Công nhân", 10}, {"Nhân viên văn phòng", 14},
      {"Kỹ sư", 8},              {"Kinh doanh", 8},  {"Lao động tự do", 6}, {"Kế toán", 4},   {"Bác sĩ", 2},
      {"Giảng viên", 2},         {"Luật sư", 1},     {"Nhà báo", 1}};

  std::vector<double> pw;
  for (auto& p : kPhones) pw.push_back(p.w);
  phone_a.build(pw);
  serial_counter.assign(100 * 10 * 100, 0);

  // Leaves: organizations that are nobody's parent, with their quota of members.
  std::unordered_map<std::string, std::size_t> by_code;
  std::unordered_map<std::string, int> n_children;
  for (std::size_t i = 0; i < orgs.size(); ++i) {
    by_code.emplace(orgs[i].code, i);
    if (!orgs[i].parent_code.empty()) n_children[orgs[i].parent_code]++;
  }
  std::vector<double> weight;
  for (std::size_t i = 0; i < orgs.size(); ++i) {
    const GeneratedOrg& g = orgs[i];
    if (n_children.count(g.code)) continue;
    Leaf leaf;
    leaf.code = g.code;
    leaf.name = g.name;
    // The commune-level unit: its own admin_unit_code, else the nearest ancestor's.
    std::size_t j = i;
    uint32_t ward = 0;
    for (int hops = 0; hops < 64; ++hops) {
      auto it = ward_idx.find(orgs[j].admin_unit_code);
      if (it != ward_idx.end()) {
        ward = it->second;
        break;
      }
      auto p = by_code.find(orgs[j].parent_code);
      if (p == by_code.end()) break;
      j = p->second;
    }
    leaf.ward = ward;
    auto p = by_code.find(g.parent_code);
    leaf.sector = sector_of(g.name, p == by_code.end() ? std::string_view() : std::string_view(orgs[p->second].name));
    leaves.push_back(std::move(leaf));
    weight.push_back(double(std::max<int64_t>(g.planned_members, 1)));
  }
  if (leaves.empty() && opts.members > 0) throw std::runtime_error("RosterGenerator: the organization tree is empty");

  // Largest-remainder apportionment of opts.members over the leaves.
  const int64_t n = std::max<int64_t>(opts.members, 0);
  double wsum = 0;
  for (double x : weight) wsum += x;
  int64_t given_out = 0;
  std::vector<std::pair<double, std::size_t>> rema;
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    double q = double(n) * weight[i] / wsum;
    leaves[i].quota = int64_t(std::floor(q));
    given_out += leaves[i].quota;
    rema.emplace_back(q - std::floor(q), i);
  }
  std::stable_sort(rema.begin(), rema.end(), [](auto& a, auto& b) { return a.first > b.first; });
  for (int64_t k = 0; k < n - given_out && !rema.empty(); ++k) ++leaves[rema[std::size_t(k) % rema.size()].second].quota;
}

void RosterGenerator::Impl::fill(Member& m, const Leaf& leaf, int64_t idx) {
  const Ward& ward = wards[leaf.ward];
  const bool residential = leaf.sector == Sector::residential;
  const bool officer = (idx == 0 && leaf.quota >= 3) || (idx == 1 && leaf.quota >= 5) || (idx == 2 && leaf.quota >= 9);

  const bool male = rng.chance(0.6);
  const int k = residential || leaf.sector == Sector::other ? 0 : 1;

  // Birth and admission. Cell officers are redrawn until they are ≥ 28 and members for ≥ 3 years.
  long birth = 0, adm = 0;
  for (int attempt = 0;; ++attempt) {
    auto [lo, hi] = age_days[k][age_a[k].sample(rng)];
    birth = rng.range(lo, hi);
    const Band& b = kAdmissionAge[adm_a.sample(rng)];
    long a_lo = plus_years(birth, b.lo), a_hi = plus_years(birth, b.hi) - 1;
    if (a_lo > as_of) a_lo = plus_years(birth, 18), a_hi = as_of;  // too young for that band
    adm = rng.range(a_lo, std::min(a_hi, as_of));
    if (!officer || attempt >= 20 || (birth <= plus_years(as_of, -28) && adm <= recent_3y)) break;
  }
  const int age = int((as_of - birth) / 365.2425);
  const int party_years = int((as_of - adm) / 365.2425);
  const auto birth_ymd = ymd_of(birth);
  const int birth_year = int(birth_ymd.year());

  m.id = 0;
  m.gender = male ? Gender::male : Gender::female;
  m.family_name = family[family_a.sample(rng)];
  m.middle_name = middle[(male ? middle_m : middle_f).sample(rng)];
  m.given_name = given[(male ? given_m : given_f).sample(rng)];
  m.other_names.clear();
  m.birth_date = civil(birth, rng.chance(age >= 70 ? 0.10 : 0.02) ? base::DatePrecision::year : base::DatePrecision::day);

  // Citizen ID: PPP (old province of birth registration) G (century + gender) YY serial.
  double where = rng.unit();
  uint8_t ppp;
  bool migrant = false;
  if (where < 0.62) ppp = ward.ppp[ward.ppp_alias.sample(rng)];
  else if (where < 0.65) ppp = hcmc_area_codes[hcmc_area.sample(rng)];
  else ppp = provinces[migrant_idx[migrant_origin.sample(rng)]].code, migrant = true;
  const int g = (birth_year / 100 - 19) * 2 + (male ? 0 : 1);
  const int yy = birth_year % 100;
  uint32_t& counter = serial_counter[(std::size_t(ppp) * 10 + std::size_t(g)) * 100 + std::size_t(yy)];
  uint64_t key = uint64_t(ppp) * 1000 + uint64_t(g) * 100 + uint64_t(yy);
  uint64_t serial = (kSerialA * counter++ + serial_b + key * 7919) % kSerialSpan;
  m.citizen_id.clear();
  put_digits(m.citizen_id, ppp, 3);
  put_digits(m.citizen_id, uint64_t(g), 1);
  put_digits(m.citizen_id, uint64_t(yy), 2);
  put_digits(m.citizen_id, serial, 6);

  const Province& birth_prov = provinces[std::size_t(province_of_code[ppp])];
  m.birth_place = birth_prov.new_full_name;
  if (!migrant) m.home_town = rng.chance(0.55) ? hcmc_name : provinces[migrant_idx[migrant_origin.sample(rng)]].new_full_name;
  else m.home_town = rng.chance(0.85) ? birth_prov.new_full_name : provinces[migrant_idx[migrant_origin.sample(rng)]].new_full_name;

  // Ethnicity and religion (some groups keep their own faith more often).
  uint32_t e = ethnic_a.sample(rng);
  m.ethnicity = ethnic[e];
  int rel = -1;
  double rx = rng.unit();
  if (int(e) == ethn_khmer && rx < 0.75) rel = rel_buddhism;
  else if (int(e) == ethn_cham && rx < 0.6) rel = rel_islam;
  else if (int(e) == ethn_cham && rx < 0.7 && rel_brahman >= 0) rel = rel_brahman;
  else if (int(e) == ethn_hoa && rx < 0.35) rel = rel_buddhism;
  m.religion = religion[rel >= 0 ? uint32_t(rel) : religion_a.sample(rng)];

  // Residence: a real HCMC unit (mostly the cell's own for residential cells).
  uint32_t rw = leaf.ward;
  if (rng.chance(residential ? 0.03 : 0.45)) rw = ward_by_pop.sample(rng);
  m.residence = wards[rw].residence;
  m.residence_unit_code = wards[rw].code;

  // Phone: a real mobile prefix and a unique subscriber number.
  uint32_t pi = phone_a.sample(rng);
  m.phone.assign(kPhones[pi].prefix);
  put_digits(m.phone, (kPhoneA * phone_counter[pi]++ + phone_b + pi * 104729ULL) % kPhoneSpan, 7);
  m.email.clear();

  // Party history: probation of 12 months from admission (a few recognised weeks late).
  m.admitted_on = civil(adm);
  long full = plus_months(adm, 12);
  if (rng.chance(0.05)) full += 1 + long(rng.below(60));
  m.card_number.clear();
  m.card_issued_on.reset();
  if (full > as_of) {
    m.status = MemberStatus::probationary;
    m.full_member_on.reset();
  } else {
    m.full_member_on = civil(full);
    m.status = MemberStatus::full;
    if (!officer && rng.chance(age >= 75 ? 0.25 : 0.003)) m.status = MemberStatus::exempted;
    long issued = full < card_exchange_lo ? rng.range(card_exchange_lo, card_exchange_hi) : full + 30 + long(rng.below(210));
    if (issued <= as_of) {
      m.card_issued_on = civil(issued);
      put_digits(m.card_number, 10000000 + (kCardA * card_counter++ + card_b) % kCardSpan, 8);
    }
  }

  // Education.
  uint32_t ge = general_a.sample(rng);
  m.education = general_is_10[ge] && birth_year >= 1975 ? general_edu[edu_12] : general_edu[ge];
  int pr = int(prof_a.sample(rng));
  if (age < 22 && pr != int(prof.size()) - 1 && rng.chance(0.7)) pr = int(prof.size()) - 1;  // still studying
  if (pr == prof_ts && age < 28) pr = prof_ths;
  if (pr == prof_ths && age < 24) pr = prof_dh;
  if (age >= 75 && rng.chance(0.3)) pr = int(prof.size()) - 1;
  m.professional_qualification = prof[std::size_t(pr)];
  int th = int(theory_a.sample(rng));
  const int th_none = int(theory.size()) - 1;
  if (party_years < 3 && rng.chance(0.85)) th = th_none;
  if ((th == th_cc || th == th_cn) && age < 32) th = th_tc;
  if (officer && th == th_none) th = th_sc;
  m.theory_level = theory[std::size_t(th)];

  // Occupation and position.
  const bool retired = age >= (male ? 61 : 56) && rng.chance(0.9);
  m.occupation = retired ? std::string("Nghỉ hưu")
                         : (age <= 22 && rng.chance(0.6) ? std::string("Sinh viên")
                                                         : occupation[size_t(leaf.sector)].draw(rng));
  if (!retired && ward.rural && residential && rng.chance(0.15)) m.occupation = "Nông dân";
  m.position.clear();
  if (officer) {
    m.position = idx == 0 ? "Bí thư chi bộ" : idx == 1 ? "Phó Bí thư chi bộ" : "Chi ủy viên";
  } else if (!retired && rng.chance(0.08)) {
    switch (leaf.sector) {
      case Sector::residential: m.position = ward.rural ? "Trưởng ấp" : "Tổ trưởng tổ dân phố"; break;
      case Sector::education: m.position = rng.chance(0.3) ? "Phó Hiệu trưởng" : "Tổ trưởng chuyên môn"; break;
      case Sector::health: m.position = "Trưởng khoa"; break;
      case Sector::enterprise: m.position = rng.chance(0.5) ? "Trưởng phòng" : "Quản đốc"; break;
      case Sector::government: m.position = rng.chance(0.5) ? "Chuyên viên" : "Phó Trưởng phòng"; break;
      default: m.position = "Trưởng phòng"; break;
    }
  }

  m.synthetic = true;
  m.org_id = 0;
  m.org_code = leaf.code;
  m.org_name = leaf.name;
  m.org_path.clear();
  m.version = 1;
}

RosterGenerator::RosterGenerator(const RefData& rd, const std::vector<GeneratedOrg>& orgs, GenOptions opts)
    : impl_(std::make_unique<Impl>(rd, orgs, opts)) {}
RosterGenerator::~RosterGenerator() = default;
RosterGenerator::RosterGenerator(RosterGenerator&&) noexcept = default;
RosterGenerator& RosterGenerator::operator=(RosterGenerator&&) noexcept = default;

bool RosterGenerator::next(Member& out, std::string& org_code) {
  Impl& s = *impl_;
  while (s.leaf_i < s.leaves.size() && s.in_leaf >= s.leaves[s.leaf_i].quota) ++s.leaf_i, s.in_leaf = 0;
  if (s.leaf_i >= s.leaves.size()) return false;
  const auto& leaf = s.leaves[s.leaf_i];
  s.fill(out, leaf, s.in_leaf);
  org_code = leaf.code;
  ++s.in_leaf;
  ++s.produced;
  return true;
}

int64_t RosterGenerator::produced() const { return impl_->produced; }
int64_t RosterGenerator::total() const { return std::max<int64_t>(impl_->opts.members, 0); }

const char* card_number_format() {
  return "8 chữ số (10000000–99999999), duy nhất; định dạng thật chưa được xác nhận";
}

// ====================================================================== CSV export

const std::vector<std::string>& roster_csv_columns() {
  static const std::vector<std::string> cols = {
      "STT",           "Họ và tên",        "Giới tính",       "Ngày sinh",      "Dân tộc",
      "Tôn giáo",      "Quê quán",         "Nơi sinh",        "Nơi thường trú", "Mã ĐVHC thường trú",
      "Số CCCD",       "Điện thoại",       "Ngày vào Đảng",   "Ngày chính thức", "Số thẻ",
      "Ngày cấp thẻ",  "Trình độ GDPT",    "Chuyên môn",      "Lý luận chính trị", "Nghề nghiệp",
      "Chức vụ",       "Tình trạng",       "Chi bộ",          "Mã chi bộ",      "Dữ liệu mô phỏng"};
  return cols;
}

namespace {

// The roster is read back by dangbo import: values as they are (no formula guard).
void csv_field(std::string& line, std::string_view v) { base::append_csv_cell(line, v, base::CsvGuard::none); }

void csv_date(std::string& line, const std::optional<CivilDate>& d) {
  if (!d) return;
  if (d->precision == base::DatePrecision::day) {
    put_digits(line, d->day(), 2);
    line += '/';
  }
  if (d->precision != base::DatePrecision::year) {
    put_digits(line, d->month(), 2);
    line += '/';
  }
  put_digits(line, uint64_t(d->year()), 4);
}

std::string_view status_vi(MemberStatus s) {
  switch (s) {
    case MemberStatus::probationary: return "Dự bị";
    case MemberStatus::full: return "Chính thức";
    case MemberStatus::exempted: return "Miễn công tác và sinh hoạt đảng";
    case MemberStatus::transferred_out: return "Đã chuyển đi";
    case MemberStatus::removed: return "Xóa tên";
    case MemberStatus::expelled: return "Khai trừ";
    case MemberStatus::deceased: return "Từ trần";
  }
  return "";
}

}  // namespace

void write_roster_csv_header(std::ostream& out) {
  std::string line = "\xEF\xBB\xBF";
  const auto& cols = roster_csv_columns();
  for (std::size_t i = 0; i < cols.size(); ++i) {
    if (i) line += ',';
    csv_field(line, cols[i]);
  }
  line += "\r\n";
  out << line;
}

void write_roster_csv_row(std::ostream& out, int64_t stt, const Member& m) {
  thread_local std::string line;
  line.clear();
  put_digits(line, uint64_t(stt), 1);
  line += ',';
  std::string name = m.family_name;
  if (!m.middle_name.empty()) name += ' ', name += m.middle_name;
  if (!m.given_name.empty()) name += ' ', name += m.given_name;
  csv_field(line, name);
  line += ',';
  line += m.gender == Gender::male ? "Nam" : "Nữ";
  line += ',';
  csv_date(line, m.birth_date);
  for (const std::string* f : {&m.ethnicity, &m.religion, &m.home_town, &m.birth_place, &m.residence,
                               &m.residence_unit_code, &m.citizen_id, &m.phone}) {
    line += ',';
    csv_field(line, *f);
  }
  line += ',';
  csv_date(line, m.admitted_on);
  line += ',';
  csv_date(line, m.full_member_on);
  line += ',';
  csv_field(line, m.card_number);
  line += ',';
  csv_date(line, m.card_issued_on);
  for (const std::string* f : {&m.education, &m.professional_qualification, &m.theory_level, &m.occupation, &m.position}) {
    line += ',';
    csv_field(line, *f);
  }
  line += ',';
  line += status_vi(m.status);
  line += ',';
  csv_field(line, m.org_name);
  line += ',';
  csv_field(line, m.org_code);
  line += ',';
  line += m.synthetic ? "Có" : "Không";
  line += "\r\n";
  out.write(line.data(), std::streamsize(line.size()));
}

int64_t write_roster_csv(std::ostream& out, RosterGenerator& gen) {
  write_roster_csv_header(out);
  Member m;
  std::string code;
  int64_t n = 0;
  while (gen.next(m, code)) write_roster_csv_row(out, ++n, m);
  return n;
}

int64_t write_roster_csv(std::ostream& out, const RefData& rd, const GenOptions& opts) {
  RosterGenerator gen(rd, generate_org_tree(rd, opts), opts);
  return write_roster_csv(out, gen);
}

}  // namespace dangbo::registry

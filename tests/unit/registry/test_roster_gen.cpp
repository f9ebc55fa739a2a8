// The synthetic organization tree and roster generator. Expectations are computed here from
// the raw data files and the published rules (CCCD structure, 12-month probation …), not with
// the code under test.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

#include "registry/refdata.hpp"
#include "registry/roster_gen.hpp"

using namespace dangbo::registry;
using namespace std::chrono;

namespace {

const std::string kData = std::string(DANGBO_SOURCE_DIR) + "/data";

/// The first n comma-separated fields of each data line (the leading columns of these files
/// never contain quotes or commas).
std::vector<std::vector<std::string>> leading_fields(const std::string& path, std::size_t n) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // header
  std::vector<std::vector<std::string>> out;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::size_t pos = 0;
    while (f.size() < n) {
      std::size_t c = line.find(',', pos);
      f.push_back(line.substr(pos, c == std::string::npos ? std::string::npos : c - pos));
      if (c == std::string::npos) break;
      pos = c + 1;
    }
    out.push_back(f);
  }
  return out;
}

struct HcmcUnit {
  std::string name, type;
  long population;
};

/// HCMC units straight from the CSV: code → (name, type, population).
std::map<std::string, HcmcUnit> hcmc_units_from_file() {
  std::map<std::string, HcmcUnit> out;
  std::ifstream in(kData + "/admin_units/new_communes_2025-07.csv");
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::size_t pos = 0;
    for (int i = 0; i < 11; ++i) {  // population is field 11; nothing before it is quoted
      std::size_t c = line.find(',', pos);
      f.push_back(line.substr(pos, c - pos));
      pos = c + 1;
    }
    if (f[7] == "79") out[f[0]] = {f[1], f[6], std::stol(f[10])};
  }
  return out;
}

long days_of(const CivilDate& d) { return sys_days(d.ymd).time_since_epoch().count(); }

/// Calendar date + 12 months: same day next year (29 Feb → 28 Feb).
year_month_day plus_one_year(year_month_day d) {
  year_month_day r = (d.year() + years(1)) / d.month() / d.day();
  if (!r.ok()) r = (d.year() + years(1)) / d.month() / std::chrono::last;
  return r;
}

class RosterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { rd_ = new RefData(RefData::load(kData)); }
  static void TearDownTestSuite() {
    delete rd_;
    rd_ = nullptr;
  }
  static RefData* rd_;
};
RefData* RosterTest::rd_ = nullptr;

}  // namespace

TEST_F(RosterTest, TreeHasOneCommitteePerHcmcUnit) {
  GenOptions o;
  o.members = 50000;
  auto tree = generate_org_tree(*rd_, o);
  ASSERT_FALSE(tree.empty());
  EXPECT_EQ(tree[0].code, "HCM");
  EXPECT_EQ(tree[0].name, "Đảng bộ Thành phố Hồ Chí Minh");
  EXPECT_EQ(tree[0].kind, OrgKind::city);
  EXPECT_TRUE(tree[0].parent_code.empty());

  auto units = hcmc_units_from_file();
  ASSERT_EQ(units.size(), 168u);
  const std::map<std::string, std::string> lower = {{"Phường", "phường"}, {"Xã", "xã"}, {"Đặc khu", "đặc khu"}};
  std::map<std::string, std::string> committees;  // code → name
  for (const auto& g : tree) {
    if (g.kind != OrgKind::commune_committee) continue;
    EXPECT_EQ(g.parent_code, "HCM");
    EXPECT_EQ(g.admin_unit_code, g.code);
    EXPECT_TRUE(committees.emplace(g.code, g.name).second) << "duplicate " << g.code;
  }
  ASSERT_EQ(committees.size(), 168u);
  for (const auto& [code, u] : units) {
    ASSERT_TRUE(committees.count(code)) << code;
    EXPECT_EQ(committees[code], "Đảng bộ " + lower.at(u.type) + " " + u.name);
  }
  EXPECT_EQ(committees["26732"], "Đảng bộ đặc khu Côn Đảo");
  EXPECT_EQ(committees["26740"], "Đảng bộ phường Sài Gòn");
  EXPECT_EQ(committees["27637"], "Đảng bộ xã Bình Chánh");
}

TEST_F(RosterTest, TreeStructureAndSizes) {
  GenOptions o;
  o.members = 200000;
  auto tree = generate_org_tree(*rd_, o);
  std::map<std::string, const GeneratedOrg*> by_code;
  std::map<std::string, int> children;
  for (const auto& g : tree) {
    if (!g.parent_code.empty()) {
      ASSERT_TRUE(by_code.count(g.parent_code)) << g.code << " comes before its parent " << g.parent_code;
      children[g.parent_code]++;
    }
    ASSERT_TRUE(by_code.emplace(g.code, &g).second) << "duplicate code " << g.code;
  }
  int64_t planned = 0, leaves = 0;
  std::map<std::string, int> grassroots_per_unit;
  for (const auto& g : tree) {
    const GeneratedOrg* parent = g.parent_code.empty() ? nullptr : by_code[g.parent_code];
    switch (g.kind) {
      case OrgKind::grassroots_cell:
      case OrgKind::grassroots_committee:
        ASSERT_NE(parent, nullptr);
        EXPECT_EQ(parent->kind, OrgKind::commune_committee) << g.code;
        EXPECT_EQ(g.code.substr(0, 6), parent->code + ".") << g.code;
        EXPECT_GE(g.code.size(), 8u) << g.code;  // "26734.01"
        grassroots_per_unit[parent->code]++;
        if (g.kind == OrgKind::grassroots_committee) {
          EXPECT_GE(children[g.code], 3) << g.code;
        }
        break;
      case OrgKind::cell:
        ASSERT_NE(parent, nullptr);
        EXPECT_EQ(parent->kind, OrgKind::grassroots_committee) << g.code;
        EXPECT_EQ(g.code.size(), parent->code.size() + 3) << g.code;  // "26734.01.03"
        EXPECT_EQ(g.code.substr(0, parent->code.size() + 1), parent->code + ".");
        break;
      default: break;
    }
    if (!children.count(g.code)) {
      EXPECT_TRUE(g.kind == OrgKind::cell || g.kind == OrgKind::grassroots_cell) << g.code;
      EXPECT_GE(g.planned_members, 10) << g.code;
      EXPECT_LE(g.planned_members, 60) << g.code;
      planned += g.planned_members;
      ++leaves;
    }
  }
  EXPECT_EQ(grassroots_per_unit.size(), 168u);
  double mean = double(planned) / double(leaves);
  EXPECT_GT(mean, 20);
  EXPECT_LT(mean, 40);
  EXPECT_NEAR(double(planned), 200000.0, 200000.0 * 0.1);

  // More people, more grassroots organizations: compare the most and least populous quarters.
  auto units = hcmc_units_from_file();
  std::vector<std::pair<long, int>> pop_orgs;
  for (const auto& [code, u] : units) pop_orgs.emplace_back(u.population, grassroots_per_unit[code]);
  std::sort(pop_orgs.begin(), pop_orgs.end());
  double low = 0, high = 0, pop_low = 0, pop_high = 0;
  for (std::size_t i = 0; i < 42; ++i) low += pop_orgs[i].second, pop_low += double(pop_orgs[i].first);
  for (std::size_t i = pop_orgs.size() - 42; i < pop_orgs.size(); ++i)
    high += pop_orgs[i].second, pop_high += double(pop_orgs[i].first);
  EXPECT_GT(high, 2 * low);
  EXPECT_NEAR(high / low, pop_high / pop_low, 0.35 * pop_high / pop_low);
}

TEST_F(RosterTest, SameSeedSameMembersOtherSeedOtherMembers) {
  GenOptions a;
  a.members = 5000;
  a.seed = 42;
  GenOptions b = a;
  b.seed = 43;
  auto dump = [&](const GenOptions& o) {
    auto tree = generate_org_tree(*rd_, o);
    RosterGenerator gen(*rd_, tree, o);
    std::vector<std::string> rows;
    Member m;
    std::string code;
    for (int i = 0; i < 1000 && gen.next(m, code); ++i) {
      std::ostringstream s;
      write_roster_csv_row(s, i + 1, m);
      rows.push_back(s.str() + "|" + code);
    }
    return rows;
  };
  auto r1 = dump(a), r2 = dump(a), r3 = dump(b);
  ASSERT_EQ(r1.size(), 1000u);
  EXPECT_EQ(r1, r2);
  int same = 0;
  for (std::size_t i = 0; i < r1.size(); ++i) same += r1[i] == r3[i];
  EXPECT_LT(same, 10);
}

TEST_F(RosterTest, StatisticsOf200000Members) {
  GenOptions o;
  o.members = 200000;
  o.seed = 7;
  auto tree = generate_org_tree(*rd_, o);
  std::set<std::string> leaf_codes;
  {
    std::set<std::string> parents;
    for (const auto& g : tree) parents.insert(g.parent_code);
    for (const auto& g : tree)
      if (!parents.count(g.code)) leaf_codes.insert(g.code);
  }
  auto units = hcmc_units_from_file();
  std::set<std::string> prefixes;  // "0" + old province code
  for (const auto& f : leading_fields(kData + "/admin_units/old_provinces_2025-03.csv", 1)) prefixes.insert("0" + f[0]);
  ASSERT_EQ(prefixes.size(), 63u);
  std::set<std::string> ethnic_names;
  for (const auto& f : leading_fields(kData + "/ethnic_groups.csv", 2)) ethnic_names.insert(f[1]);
  ASSERT_EQ(ethnic_names.size(), 54u);
  const std::set<std::string> mobile = {"032", "033", "034", "035", "036", "037", "038", "039", "056", "058", "059",
                                        "070", "076", "077", "078", "079", "081", "082", "083", "084", "085", "086",
                                        "088", "089", "090", "091", "092", "093", "094", "096", "097", "098", "099"};

  RosterGenerator gen(*rd_, tree, o);
  EXPECT_EQ(gen.total(), 200000);
  Member m;
  std::string code;
  const long as_of = days_of(o.as_of);
  const year_month_day as_of_ymd = o.as_of.ymd;
  int64_t n = 0, nguyen = 0, male = 0, kinh = 0, hoa = 0, no_religion = 0, full = 0, full_on_time = 0,
          probationary = 0, exempted = 0, aged_30_60 = 0, aged_70_plus = 0, year_only = 0;
  std::unordered_set<std::string> cards, cccds, phones;
  cards.reserve(400000);
  cccds.reserve(400000);
  phones.reserve(400000);
  std::string last_code;
  std::set<std::string> finished_codes;
  while (gen.next(m, code)) {
    ++n;
    ASSERT_TRUE(leaf_codes.count(code)) << code;
    if (code != last_code) {  // members come grouped by cell
      ASSERT_FALSE(finished_codes.count(code)) << code;
      finished_codes.insert(last_code);
      last_code = code;
    }
    EXPECT_EQ(m.org_code, code);
    ASSERT_TRUE(m.synthetic);
    nguyen += m.family_name == "Nguyễn";
    male += m.gender == Gender::male;
    kinh += m.ethnicity == "Kinh";
    hoa += m.ethnicity == "Hoa";
    no_religion += m.religion == "Không";
    ASSERT_TRUE(ethnic_names.count(m.ethnicity)) << m.ethnicity;
    if (m.middle_name == "Thị" || m.middle_name.rfind("Thị ", 0) == 0) {
      ASSERT_EQ(m.gender, Gender::female);
    }
    if (m.middle_name == "Văn" || m.middle_name.rfind("Văn ", 0) == 0) {
      ASSERT_EQ(m.gender, Gender::male);
    }

    // Birth date and age: none under 18, nobody over 100.
    ASSERT_TRUE(m.birth_date);
    const CivilDate& b = *m.birth_date;
    year_only += b.precision == dangbo::base::DatePrecision::year;
    int age = int(as_of_ymd.year()) - b.year();
    if (as_of_ymd.month() < b.ymd.month() || (as_of_ymd.month() == b.ymd.month() && as_of_ymd.day() < b.ymd.day())) --age;
    ASSERT_GE(age, 18) << b.iso();
    ASSERT_LE(age, 100) << b.iso();
    aged_30_60 += age >= 30 && age < 60;
    aged_70_plus += age >= 70;

    // Admission at 18 or later, never after as_of.
    ASSERT_TRUE(m.admitted_on);
    const auto adm = m.admitted_on->ymd;
    year_month_day eighteen = (b.ymd.year() + years(18)) / b.ymd.month() / b.ymd.day();
    if (!eighteen.ok()) eighteen = (b.ymd.year() + years(18)) / March / 1;
    ASSERT_GE(sys_days(adm), sys_days(eighteen)) << b.iso() << " " << m.admitted_on->iso();
    ASSERT_LE(days_of(*m.admitted_on), as_of);

    // Full membership 12 months after admission (probation), never before it.
    if (m.status == MemberStatus::probationary) {
      ++probationary;
      EXPECT_FALSE(m.full_member_on);
      EXPECT_TRUE(m.card_number.empty());
      EXPECT_GE(days_of(*m.admitted_on), as_of - 366 - 62);
    } else {
      ASSERT_TRUE(m.status == MemberStatus::full || m.status == MemberStatus::exempted);
      exempted += m.status == MemberStatus::exempted;
      ASSERT_TRUE(m.full_member_on);
      ++full;
      ASSERT_GE(*m.full_member_on, *m.admitted_on);
      ASSERT_LE(days_of(*m.full_member_on), as_of);
      full_on_time += m.full_member_on->ymd == plus_one_year(adm);
      if (!m.card_number.empty()) {
        ASSERT_EQ(m.card_number.size(), 8u);
        ASSERT_TRUE(cards.insert(m.card_number).second) << "duplicate card " << m.card_number;
        ASSERT_TRUE(m.card_issued_on);
        EXPECT_GE(*m.card_issued_on, *m.full_member_on);
        EXPECT_LE(days_of(*m.card_issued_on), as_of);
      }
    }

    // CCCD: PPP G YY NNNNNN (Decree 137/2015, Circular 07/2016; datacleaning.md §3.1).
    const std::string& id = m.citizen_id;
    ASSERT_EQ(id.size(), 12u) << id;
    for (char c : id) ASSERT_TRUE(c >= '0' && c <= '9') << id;
    ASSERT_TRUE(prefixes.count(id.substr(0, 3))) << id;
    int century = b.year() / 100;  // 19 or 20
    char g = char('0' + (century - 19) * 2 + (m.gender == Gender::male ? 0 : 1));
    ASSERT_EQ(id[3], g) << id << " born " << b.iso();
    ASSERT_EQ(std::stoi(id.substr(4, 2)), b.year() % 100) << id << " born " << b.iso();
    ASSERT_TRUE(cccds.insert(id).second) << "duplicate CCCD " << id;

    ASSERT_EQ(m.phone.size(), 10u);
    ASSERT_TRUE(mobile.count(m.phone.substr(0, 3))) << m.phone;
    phones.insert(m.phone);

    const std::string suffix = ", Thành phố Hồ Chí Minh";
    ASSERT_GT(m.residence.size(), suffix.size());
    EXPECT_EQ(m.residence.substr(m.residence.size() - suffix.size()), suffix);
    ASSERT_TRUE(units.count(m.residence_unit_code)) << m.residence_unit_code;
    const HcmcUnit& ru = units[m.residence_unit_code];
    EXPECT_EQ(m.residence, ru.type + " " + ru.name + suffix);
    EXPECT_FALSE(m.home_town.empty());
    EXPECT_FALSE(m.education.empty());
  }
  ASSERT_EQ(n, 200000);
  const double N = double(n);
  EXPECT_NEAR(nguyen / N, 0.38, 0.02);
  EXPECT_NEAR(male / N, 0.60, 0.02);
  EXPECT_NEAR(kinh / N, 0.93, 0.02);
  EXPECT_NEAR(hoa / N, 0.045, 0.01);
  EXPECT_GT(no_religion / N, 0.5);
  EXPECT_GE(double(full_on_time) / double(full), 0.90);
  EXPECT_GT(probationary / N, 0.01);
  EXPECT_LT(probationary / N, 0.10);
  EXPECT_LT(exempted / N, 0.05);
  EXPECT_GT(aged_30_60 / N, 0.5);
  EXPECT_GT(aged_70_plus / N, 0.03);
  EXPECT_GT(year_only, 0);
  EXPECT_LT(year_only / N, 0.06);
  EXPECT_EQ(phones.size(), std::size_t(n));  // phone numbers are unique too
  EXPECT_GT(cards.size(), std::size_t(full * 0.9));
}

TEST_F(RosterTest, CsvExport) {
  GenOptions o;
  o.members = 300;
  std::ostringstream out;
  int64_t rows = write_roster_csv(out, *rd_, o);
  EXPECT_EQ(rows, 300);
  std::string text = out.str();
  ASSERT_GE(text.size(), 3u);
  EXPECT_EQ(text.substr(0, 3), "\xEF\xBB\xBF");
  CsvTable t = parse_csv(text, "roster.csv");
  ASSERT_EQ(t.rows.size(), 300u);
  for (const char* col : {"STT", "Họ và tên", "Giới tính", "Ngày sinh", "Dân tộc", "Tôn giáo", "Quê quán",
                          "Nơi thường trú", "Số CCCD", "Điện thoại", "Ngày vào Đảng", "Ngày chính thức", "Số thẻ",
                          "Chi bộ", "Dữ liệu mô phỏng"})
    EXPECT_NO_THROW(t.column(col)) << col;
  std::size_t stt = t.column("STT"), syn = t.column("Dữ liệu mô phỏng"), sex = t.column("Giới tính"),
              born = t.column("Ngày sinh"), cccd = t.column("Số CCCD");
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    EXPECT_EQ(t.rows[i][stt], std::to_string(i + 1));
    EXPECT_EQ(t.rows[i][syn], "Có");
    EXPECT_TRUE(t.rows[i][sex] == "Nam" || t.rows[i][sex] == "Nữ");
    const std::string& d = t.rows[i][born];
    EXPECT_TRUE(d.size() == 10 || d.size() == 4) << d;
    EXPECT_EQ(d.substr(d.size() - 2), t.rows[i][cccd].substr(4, 2));
  }
  EXPECT_NE(text.find("\"Phường "), std::string::npos);  // residence has a comma, so it is quoted
}

TEST_F(RosterTest, EmptyRoster) {
  GenOptions o;
  o.members = 0;
  auto tree = generate_org_tree(*rd_, o);
  EXPECT_GE(tree.size(), 1u + 168u * 2);
  RosterGenerator gen(*rd_, tree, o);
  Member m;
  std::string code;
  EXPECT_FALSE(gen.next(m, code));
}

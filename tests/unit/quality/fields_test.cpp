// Field standardizers, each kind from many angles: phones (every 2018 prefix), citizen IDs
// (century/gender digits of the 1900s and 2000s, both genders), dates of every format, names,
// controlled values. Expected values are typed by hand from the sources named in each test.

#include <gtest/gtest.h>

#include "quality/fields.hpp"
#include "quality/mapping.hpp"
#include "quality/vocab.hpp"
#include "quality_test_util.hpp"

using namespace dangbo;
using namespace quality_test;
using quality::Field;

// ------------------------------------------------------------------ phones

// datacleaning.md §3.2: the 2018 move from 11 to 10 digits, typed from the table there.
TEST(Phone, Every2018MobilePrefix) {
  const std::pair<const char*, const char*> table[] = {
      {"0120", "070"}, {"0121", "079"}, {"0122", "077"}, {"0126", "076"}, {"0128", "078"},  // MobiFone
      {"0123", "083"}, {"0124", "084"}, {"0125", "085"}, {"0127", "081"}, {"0129", "082"},  // VinaPhone
      {"0162", "032"}, {"0163", "033"}, {"0164", "034"}, {"0165", "035"}, {"0166", "036"},  // Viettel
      {"0167", "037"}, {"0168", "038"}, {"0169", "039"},                                    // Viettel
      {"0186", "056"}, {"0188", "058"},                                                     // Vietnamobile
      {"0199", "059"},                                                                      // Gmobile
  };
  for (auto [old4, new3] : table) {
    const std::string old_number = std::string(old4) + "5551234";
    const std::string want = std::string(new3) + "5551234";
    std::vector<quality::Finding> fs;
    EXPECT_EQ(cell(Field::phone, old_number, &fs), want) << old4;
    EXPECT_TRUE(has_code(fs, "phone.old_prefix")) << old4;
    // Written with spaces, and with the country code.
    EXPECT_EQ(cell(Field::phone, std::string(old4) + " 555 1234"), want);
    EXPECT_EQ(cell(Field::phone, "+84 " + std::string(old4 + 1) + "5551234"), want);
    EXPECT_EQ(quality::new_mobile_prefix(old4), new3);
  }
  EXPECT_EQ(quality::new_mobile_prefix("0130"), "");
}

TEST(Phone, FormsOfTheSameNumber) {
  for (const char* in : {"0912345678", "0912 345 678", "0912.345.678", "0912-345-678", "(0912) 345 678", "+84912345678",
                         "+84 912 345 678", "84912345678", "0084912345678", "(+84) 912.345.678", "912345678",
                         " 0912345678 "})
    EXPECT_EQ(cell(Field::phone, in), "0912345678") << in;
}

TEST(Phone, LandlinesAndSeveralNumbers) {
  EXPECT_EQ(cell(Field::phone, "(+84) 28 3822 1234"), "02838221234");  // HCMC area code 028
  EXPECT_EQ(cell(Field::phone, "028 3822 1234"), "02838221234");
  EXPECT_EQ(cell(Field::phone, "(024) 3825 3536"), "02438253536");  // Hà Nội 024
  EXPECT_EQ(cell(Field::phone, "2838221234"), "02838221234");        // lost 0
  EXPECT_EQ(cell(Field::phone, "0912345678; 0163 555 1234"), "0912345678; 0335551234");
  EXPECT_EQ(cell(Field::phone, "0912345678 - 0987654321"), "0912345678; 0987654321");
}

TEST(Phone, InvalidIsKeptAndFlagged) {
  for (const char* in : {"12345", "0912 34", "090123456789", "không có", "0112345678"}) {
    std::vector<quality::Finding> fs;
    EXPECT_EQ(cell(Field::phone, in, &fs), in);
    EXPECT_TRUE(has_code(fs, "phone.invalid")) << in;
  }
  std::vector<quality::Finding> fs;
  EXPECT_EQ(cell(Field::phone, "0912345678", &fs), "0912345678");
  EXPECT_TRUE(fs.empty());
}

// ------------------------------------------------------------------ citizen ID

// datacleaning.md §3.1: PPP G YY NNNNNN; G = 0/1 for men/women born 1900–1999, 2/3 for 2000–2099.
TEST(CitizenId, CenturyAndGenderDigitAgainstTheRow) {
  quality::Mapping m = quality::auto_mapping({"Số CCCD", "Giới tính", "Ngày sinh"});
  struct Case {
    const char* id;
    const char* gender;
    const char* born;
    bool gender_ok, year_ok;
  } cases[] = {
      {"079072003456", "Nam", "07/08/1972", true, true},   {"079172003456", "Nữ", "07/08/1972", true, true},
      {"079172003456", "Nam", "07/08/1972", false, true},  {"079072003456", "Nữ", "07/08/1972", false, true},
      {"079205003456", "Nam", "01/01/2005", true, true},   {"079305003456", "Nữ", "01/01/2005", true, true},
      {"079305003456", "Nam", "01/01/2005", false, true},  {"079205003456", "Nữ", "01/01/2005", false, true},
      {"079005003456", "Nam", "01/01/2005", true, false},  // 0 = 1900s: 1905, not 2005
      {"079273003456", "Nam", "1973", true, false},        // 2 = 2000s: 2073
      {"079073003456", "Nam", "1974", true, false},        // year digits 73 ≠ 74
      {"001084000999", "Nam", "12/12/1984", true, true},   // the source's worked example (Hà Nội)
      {"087084000999", "Nam", "12/12/1984", true, true},   // Đồng Tháp
  };
  for (const auto& c : cases) {
    auto r = standardizer().standardize_row(m, {c.id, c.gender, c.born});
    SCOPED_TRACE(std::string(c.id) + " " + c.gender + " " + c.born + ": " + codes(r.findings));
    EXPECT_EQ(has_code(r.findings, "citizen_id.gender_mismatch", 0), !c.gender_ok);
    EXPECT_EQ(has_code(r.findings, "citizen_id.birth_year_mismatch", 0), !c.year_ok);
    EXPECT_EQ(r.values[0], c.id);
  }
}

TEST(CitizenId, Formats) {
  struct Case {
    const char* in;
    const char* out;
    const char* code;
  } cases[] = {
      {"001 072 003 456", "001072003456", "citizen_id.format"},
      {"001.072.003.456", "001072003456", "citizen_id.format"},
      {"'079190001234", "079190001234", "citizen_id.format"},
      {"=\"079190001234\"", "079190001234", "citizen_id.format"},
      {"79190001234", "079190001234", "citizen_id.leading_zero"},   // Excel dropped one 0
      {"1072003456", "001072003456", "citizen_id.leading_zero"},    // …or two
      {"1.07200E+09", "1.07200E+09", "citizen_id.excel_scientific"},
      {"7.90123E+10", "7.90123E+10", "citizen_id.excel_scientific"},
      {"023456789", "023456789", "citizen_id.old_cmnd"},             // 9 digits: outdated
      {"0790720034", "0790720034", "citizen_id.length"},
      {"003072003456", "003072003456", "citizen_id.province"},       // no old province 03
      {"097072003456", "097072003456", "citizen_id.province"},
      {"079572003456", "079572003456", "citizen_id.century"},        // 5 = women born 2100–2199
      {"07907200345A", "07907200345A", "citizen_id.invalid"},
  };
  for (const auto& c : cases) {
    std::vector<quality::Finding> fs;
    EXPECT_EQ(cell(Field::citizen_id, c.in, &fs), c.out) << c.in;
    EXPECT_TRUE(has_code(fs, c.code)) << c.in << ": " << codes(fs);
  }
  std::vector<quality::Finding> fs;
  EXPECT_EQ(cell(Field::citizen_id, "079072003456", &fs), "079072003456");
  EXPECT_TRUE(fs.empty()) << codes(fs);
}

TEST(CitizenId, EveryOldProvincePrefixIsValid) {
  // The 63 pre-2025 province codes, read from the reference file (not from the code under test).
  auto t = registry::read_csv_file(source_dir() + "/data/admin_units/old_provinces_2025-03.csv");
  ASSERT_EQ(t.rows.size(), 63u);
  for (const auto& r : t.rows) {
    const std::string id = "0" + r[t.column("province_code")] + "085123456";
    std::vector<quality::Finding> fs;
    EXPECT_EQ(cell(Field::citizen_id, id, &fs), id);
    EXPECT_TRUE(fs.empty()) << id << ": " << codes(fs);
  }
}

// ------------------------------------------------------------------ dates

TEST(Date, EveryFormat) {
  struct Case {
    const char* in;
    const char* out;  // dd/mm/yyyy, mm/yyyy or yyyy
    const char* code;  // "" when nothing changes
  } cases[] = {
      {"07/08/1963", "07/08/1963", ""},
      {"7/8/1963", "07/08/1963", "date.format"},
      {"07-08-1963", "07/08/1963", "date.format"},
      {"07.08.1963", "07/08/1963", "date.format"},
      {"07 08 1963", "07/08/1963", "date.format"},
      {"07 / 08 / 1963", "07/08/1963", "date.format"},
      {"1963-08-07", "07/08/1963", "date.format"},
      {"1963/08/07", "07/08/1963", "date.format"},
      {"1963-08-07 00:00:00", "07/08/1963", "date.format"},
      {"07/08/1963 0:00", "07/08/1963", "date.format"},
      {"19630807", "07/08/1963", "date.format"},
      {"07081963", "07/08/1963", "date.format"},
      {"7/8/63", "07/08/1963", "date.two_digit_year"},
      {"23466", "30/03/1964", "date.excel_serial"},  // shared example
      {"23466.5", "30/03/1964", "date.excel_serial"},
      {"25569", "01/01/1970", "date.excel_serial"},
      {"36526", "01/01/2000", "date.excel_serial"},
      {"45658", "01/01/2025", "date.excel_serial"},
      {"61", "01/03/1900", "date.excel_serial"},
      {"59", "28/02/1900", "date.excel_serial"},
      {"ngày 7 tháng 8 năm 1963", "07/08/1963", "date.text"},
      {"7 tháng 8 năm 1963", "07/08/1963", "date.text"},
      {"Ngày 07 tháng 08 năm 1963", "07/08/1963", "date.text"},
      {"tháng 3 năm 1980", "03/1980", "date.text"},
      {"tháng 3/1980", "03/1980", "date.text"},
      {"T3/1980", "03/1980", "date.text"},
      {"năm 1959", "1959", "date.text"},
      {"Năm 1959", "1959", "date.text"},
      {"1959", "1959", ""},
      {"03/1980", "03/1980", ""},
      {"3/1980", "03/1980", "date.format"},
      {"1980-03", "03/1980", "date.format"},
      {"00/05/1963", "05/1963", "date.format"},  // day unknown
      {"00/00/1963", "1963", "date.format"},
  };
  for (const auto& c : cases) {
    std::vector<quality::Finding> fs;
    EXPECT_EQ(cell(Field::birth_date, c.in, &fs), c.out) << c.in;
    if (*c.code) EXPECT_TRUE(has_code(fs, c.code)) << c.in << ": " << codes(fs);
    else EXPECT_TRUE(fs.empty()) << c.in << ": " << codes(fs);
  }
}

TEST(Date, ImpossibleDatesAreFlaggedNeverGuessed) {
  for (const char* in : {"30/02/1970", "31/02/2000", "29/02/2023", "31/04/1980", "31/06/1980", "31/09/1980",
                         "31/11/1980", "32/01/1980", "00/13/1980", "60", "29/02/1900", "1900-02-29", "15/00/1980",
                         "07/08/0963"}) {
    std::vector<quality::Finding> fs;
    EXPECT_EQ(cell(Field::birth_date, in, &fs), in);
    EXPECT_TRUE(has_code(fs, "date.impossible")) << in << ": " << codes(fs);
  }
  // 29 February exists in leap years (2000 and 2024; not 1900).
  EXPECT_EQ(cell(Field::birth_date, "29/02/2000"), "29/02/2000");
  EXPECT_EQ(cell(Field::birth_date, "29/02/2024"), "29/02/2024");
}

TEST(Date, MonthDayOrderIsProposedNotApplied) {
  std::vector<quality::Finding> fs;
  EXPECT_EQ(cell(Field::birth_date, "08/27/1963", &fs), "08/27/1963");
  const auto* f = find_code(fs, "date.month_day_order");
  ASSERT_TRUE(f) << codes(fs);
  EXPECT_EQ(f->suggested, "27/08/1963");
}

TEST(Date, UnreadableIsKept) {
  for (const char* in : {"đầu năm 1960", "khoảng 1959", "1963-08", "abc", "7/8", "1/2/3/4"}) {
    std::vector<quality::Finding> fs;
    const std::string v = cell(Field::birth_date, in, &fs);
    if (std::string(in) == "1963-08") {
      EXPECT_EQ(v, "08/1963");
      continue;
    }
    EXPECT_EQ(v, in);
    EXPECT_TRUE(has_code(fs, "date.unreadable")) << in << ": " << codes(fs);
  }
}

TEST(Date, TwoDigitYearPivot) {
  // Birth dates: the century that makes the person at least 16 years old on 2025-07-01;
  // other dates: the latest year that is not in the future.
  EXPECT_EQ(cell(Field::birth_date, "1/1/09"), "01/01/2009");  // 2009 ≤ 2025 − 16
  EXPECT_EQ(cell(Field::birth_date, "1/1/10"), "01/01/1910");
  EXPECT_EQ(cell(Field::birth_date, "1/1/25"), "01/01/1925");
  EXPECT_EQ(cell(Field::birth_date, "1/1/63"), "01/01/1963");
  EXPECT_EQ(cell(Field::admitted_on, "1/1/25"), "01/01/2025");
  EXPECT_EQ(cell(Field::admitted_on, "1/1/26"), "01/01/1926");
  EXPECT_EQ(cell(Field::admitted_on, "3/2/30"), "03/02/1930");
  EXPECT_EQ(cell(Field::admitted_on, "15/06/99"), "15/06/1999");
}

TEST(Date, IsoOutputOption) {
  quality::Standardizer iso(refdata(), rules(), options(std::nullopt, quality::DateFormat::iso));
  std::vector<quality::Finding> fs;
  EXPECT_EQ(iso.standardize_cell(Field::birth_date, "07/08/1963", fs), "1963-08-07");
  EXPECT_EQ(iso.standardize_cell(Field::birth_date, "tháng 3 năm 1980", fs), "1980-03");
  EXPECT_EQ(iso.standardize_cell(Field::birth_date, "năm 1959", fs), "1959");
}

TEST(Date, ExcelSerialTable) {
  // Excel's 1900 date system: serial 1 = 1900-01-01; 60 is the nonexistent 1900-02-29.
  auto d = quality::excel_serial_date(1);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->y, 1900);
  EXPECT_EQ(d->m, 1u);
  EXPECT_EQ(d->d, 1u);
  d = quality::excel_serial_date(60);
  EXPECT_EQ(d->y, 1900);
  EXPECT_EQ(d->m, 2u);
  EXPECT_EQ(d->d, 29u);
  d = quality::excel_serial_date(61);
  EXPECT_EQ(d->m, 3u);
  EXPECT_EQ(d->d, 1u);
  d = quality::excel_serial_date(0, true);  // 1904 system
  EXPECT_EQ(d->y, 1904);
  EXPECT_EQ(d->m, 1u);
  EXPECT_EQ(d->d, 1u);
  EXPECT_FALSE(quality::excel_serial_date(0));
  EXPECT_FALSE(quality::excel_serial_date(2958466));
}

// ------------------------------------------------------------------ names and text

TEST(Name, TitleCaseSpacesAndLookalikes) {
  struct Case {
    const char* in;
    const char* out;
  } cases[] = {
      {"LÊ THỊ KIM OANH", "Lê Thị Kim Oanh"},
      {" võ   minh  tuấn", "Võ Minh Tuấn"},
      {"\xC3\x90inh Công Tráng", "Đinh Công Tráng"},            // Ð (U+00D0)
      {"Ðỗ Văn Ðức", "Đỗ Văn Đức"},
      {"Nguy\xD0\xB5n Văn An", "Nguyen Văn An"},                // Cyrillic е inside a Latin word
      {"Nguyễn\u200B Văn An", "Nguyễn Văn An"},                 // zero-width space
      {"Nguyễn\u00A0Văn\tAn", "Nguyễn Văn An"},                 // NBSP, tab
      {"Mai Thị Qúi", "Mai Thị Quí"},
      {"Châu Văn LIêm", "Châu Văn Liêm"},
      {"hùynh tấn phát", "Huỳnh Tấn Phát"},
      {"Y Ngông Niê Kdăm", "Y Ngông Niê Kdăm"},
  };
  for (const auto& c : cases) EXPECT_EQ(cell(Field::full_name, c.in), c.out) << c.in;
}

TEST(Name, AliasKept) {
  EXPECT_EQ(cell(Field::full_name, "nguyễn văn ba (bí danh tư sang)"), "Nguyễn Văn Ba (bí danh Tư Sang)");
  quality::Mapping m = quality::auto_mapping({"Họ và tên"});
  auto r = standardizer().standardize_row(m, {"Trần Văn Trà (bí danh Tư Chi)"});
  EXPECT_EQ(r.values[0], "Trần Văn Trà (bí danh Tư Chi)");
  EXPECT_EQ(r.name.family, "Trần");
  EXPECT_EQ(r.name.middle, "Văn");
  EXPECT_EQ(r.name.given, "Trà");
  EXPECT_EQ(r.member.other_names, "Tư Chi");
}

TEST(Name, SplitIncludingCompoundFamilies) {
  quality::Mapping m = quality::auto_mapping({"Họ và tên"});
  auto r = standardizer().standardize_row(m, {"Tôn Nữ Thị Ninh"});
  EXPECT_EQ(r.name.family, "Tôn Nữ");
  EXPECT_EQ(r.name.middle, "Thị");
  EXPECT_EQ(r.name.given, "Ninh");
  r = standardizer().standardize_row(m, {"Nguyễn Thị Minh Khai"});
  EXPECT_EQ(r.name.family, "Nguyễn");
  EXPECT_EQ(r.name.middle, "Thị Minh");
  EXPECT_EQ(r.name.given, "Khai");
}

TEST(Name, SwappedOrderIsFlagged) {
  std::vector<quality::Finding> fs;
  EXPECT_EQ(cell(Field::full_name, "An Nguyễn Văn", &fs), "An Nguyễn Văn");
  const auto* f = find_code(fs, "name.order_swapped");
  ASSERT_TRUE(f) << codes(fs);
  EXPECT_EQ(f->suggested, "Nguyễn Văn An");
  fs.clear();
  cell(Field::full_name, "Nguyễn Văn An", &fs);
  EXPECT_TRUE(fs.empty()) << codes(fs);
}

TEST(Name, NoDiacriticsIsFlagged) {
  std::vector<quality::Finding> fs;
  EXPECT_EQ(cell(Field::full_name, "Nguyen Van An", &fs), "Nguyen Van An");
  EXPECT_TRUE(has_code(fs, "name.no_diacritics")) << codes(fs);
}

TEST(Name, ToneStyleOption) {
  quality::Standardizer news(refdata(), rules(), options(vntext::ToneStyle::new_style));
  quality::Standardizer olds(refdata(), rules(), options(vntext::ToneStyle::old_style));
  std::vector<quality::Finding> fs;
  EXPECT_EQ(news.standardize_cell(Field::full_name, "Lê Thị Thúy Hòa", fs), "Lê Thị Thuý Hoà");
  EXPECT_EQ(olds.standardize_cell(Field::full_name, "Lê Thị Thuý Hoà", fs), "Lê Thị Thúy Hòa");
  // Default: both styles kept as written.
  EXPECT_EQ(cell(Field::full_name, "Lê Thị Thuý Hoà"), "Lê Thị Thuý Hoà");
  EXPECT_EQ(cell(Field::full_name, "Lê Thị Thúy Hòa"), "Lê Thị Thúy Hòa");
}

TEST(Name, LegacyReadingsOfAName) {
  // Context the per-field repair alone cannot use: the name lists.
  EXPECT_EQ(cell(Field::full_name, "V\xC3\xB2 Minh V\xC3\xB2"), "Vũ Minh Vũ");    // TCVN3 ũ = 0xF2 shown as ò
  EXPECT_EQ(cell(Field::full_name, "Phan Thi. Anh"), "Phan Thị Anh");               // VIQR dot below
  EXPECT_EQ(cell(Field::full_name, "Ung Minh H\xC3\x83\xC2\xA0o"), "Ung Minh Hào");  // UTF-8 à (C3 A0) via cp1252
}

TEST(Name, AKnownNameWordAloneIsKeptAsWritten) {
  // A name in parts, as the registry's export writes it ("Họ", "Tên đệm", "Tên"): the family
  // name "Phó" (data/names/family_names.csv) alone in its cell is not TCVN3 for "Phú" (ó = 0xF3
  // is TCVN3 ú). Before, every "Phó" of a re-imported export became "Phú".
  std::vector<quality::Finding> fs;
  EXPECT_EQ(cell(Field::family_name, "Phó", &fs), "Phó");
  EXPECT_TRUE(fs.empty());
  EXPECT_EQ(cell(Field::full_name, "Phó Văn An"), "Phó Văn An");
  EXPECT_EQ(cell(Field::given_name, "Phú"), "Phú");
  EXPECT_EQ(cell(Field::family_name, "Nguyễn"), "Nguyễn");
  EXPECT_EQ(cell(Field::middle_name, "Thị"), "Thị");
  // a legacy reading is still taken when the word as written is no known name
  EXPECT_EQ(cell(Field::full_name, "V\xC3\xB2 Minh V\xC3\xB2"), "Vũ Minh Vũ");
}

TEST(Text, CleanVietnameseFastPathAgreesWithRepair) {
  // is_clean_vietnamese(s) promises that repair_text keeps s: check it on every ward name and
  // on full names built from the given-name lists.
  int clean = 0;
  auto check = [&](const std::string& s) {
    if (!quality::is_clean_vietnamese(s)) return;
    ++clean;
    EXPECT_EQ(vntext::repair_text(s).text, s) << s;
  };
  for (const auto& u : refdata().new_communes()) check(u.full_name);
  for (const auto& u : refdata().old_communes()) check(u.full_name);
  for (const auto& f : refdata().family_names())
    for (const auto& g : refdata().given_names()) check(f.name + " Văn " + g.name), check(f.name + " " + g.name);
  EXPECT_GT(clean, 30000);
  EXPECT_FALSE(quality::is_clean_vietnamese("Dduc"));          // VIQR dd
  EXPECT_FALSE(quality::is_clean_vietnamese("Nguyễn  Văn"));   // double space
  EXPECT_FALSE(quality::is_clean_vietnamese("L\xC2\xAD\xC2\xACng"));  // TCVN3 mojibake
}

TEST(Text, GenericColumnsRepairedAndReported) {
  std::vector<quality::Finding> fs;
  // TCVN3 "Giáo viên" (á = 0xB8, ê = 0xAA) shown through Windows-1252: "Gi¸o viªn".
  EXPECT_EQ(cell(Field::occupation, "Gi\xC2\xB8o vi\xC2\xAAn", &fs), "Giáo viên");
  EXPECT_TRUE(has_code(fs, "text.encoding")) << codes(fs);
  fs.clear();
  EXPECT_EQ(cell(Field::position, "  Bí thư  chi bộ ", &fs), "Bí thư chi bộ");
  EXPECT_TRUE(has_code(fs, "text.spaces")) << codes(fs);
}

// ------------------------------------------------------------------ controlled values

TEST(Controlled, EthnicityReligionEducationTheory) {
  struct Case {
    Field f;
    const char* in;
    const char* out;
    const char* code;
  } cases[] = {
      {Field::ethnicity, "Kinh", "Kinh", ""},
      {Field::ethnicity, "KINH", "Kinh", "controlled.variant"},
      {Field::ethnicity, "Tày ", "Tày", "text.spaces"},
      {Field::ethnicity, "Ê Đê", "Ê-đê", "controlled.variant"},
      {Field::ethnicity, "Êđê", "Ê-đê", "controlled.variant"},
      {Field::ethnicity, "Khmer", "Khơ-me", "controlled.variant"},
      {Field::ethnicity, "Kinh (Việt)", "Kinh", "controlled.variant"},
      {Field::ethnicity, "Dân tộc Kinh", "Kinh", "controlled.variant"},
      {Field::ethnicity, "H'Mông", "Mông", "controlled.variant"},
      {Field::ethnicity, "Kihn", "Kinh", "controlled.misspelling"},
      {Field::ethnicity, "Mườngg", "Mường", "controlled.misspelling"},
      {Field::ethnicity, "Sao Hỏa", "Sao Hỏa", "controlled.unknown"},
      {Field::religion, "Đạo Phật", "Phật giáo", "controlled.variant"},
      {Field::religion, "Thiên chúa giáo", "Công giáo", "controlled.variant"},
      {Field::religion, "không", "Không", "controlled.variant"},
      {Field::religion, "Ko", "Không", "controlled.variant"},
      {Field::religion, "Phật giáo Hoà Hảo", "Phật giáo Hòa Hảo", "controlled.variant"},
      {Field::religion, "Cong giao", "Công giáo", "controlled.variant"},
      {Field::education, "12/12", "12/12", ""},
      {Field::education, "Tốt nghiệp THPT", "12/12", "controlled.variant"},
      {Field::professional, "ĐH", "Đại học", "controlled.variant"},
      {Field::professional, "Thạc sỹ", "Thạc sĩ", "controlled.variant"},
      {Field::theory_level, "TC LLCT", "Trung cấp", "controlled.variant"},
      {Field::theory_level, "cao cấp lý luận chính trị", "Cao cấp", "controlled.variant"},
      {Field::status, "Đảng viên chính thức", "Chính thức", "controlled.variant"},
      {Field::status, "dự bị", "Dự bị", "controlled.variant"},
      {Field::gender, "nữ", "Nữ", "gender.format"},
      {Field::gender, "NAM", "Nam", "gender.format"},
      {Field::gender, "F", "Nữ", "gender.format"},
      {Field::gender, "?", "?", "gender.unknown"},
  };
  for (const auto& c : cases) {
    std::vector<quality::Finding> fs;
    EXPECT_EQ(cell(c.f, c.in, &fs), c.out) << c.in;
    if (*c.code) EXPECT_TRUE(has_code(fs, c.code)) << c.in << ": " << codes(fs);
    else EXPECT_TRUE(fs.empty()) << c.in << ": " << codes(fs);
  }
}

TEST(Controlled, EveryOfficialNameIsKept) {
  for (const auto& e : refdata().ethnic_groups()) EXPECT_EQ(cell(Field::ethnicity, e.name), e.name);
  for (const auto& r : refdata().religions()) EXPECT_EQ(cell(Field::religion, r.name), r.name);
  for (const auto& t : refdata().theory_levels()) EXPECT_EQ(cell(Field::theory_level, t.name), t.name);
}

TEST(Controlled, EditDistance) {
  EXPECT_EQ(quality::osa_distance("kinh", "kinh", 2), 0);
  EXPECT_EQ(quality::osa_distance("kihn", "kinh", 2), 1);  // transposition
  EXPECT_EQ(quality::osa_distance("kin", "kinh", 2), 1);
  EXPECT_EQ(quality::osa_distance("tay", "thai", 2), 2);
  EXPECT_EQ(quality::osa_distance("abcdef", "uvwxyz", 2), 3);  // stops past the limit
}

// ------------------------------------------------------------------ header mapping

TEST(Mapping, UsualHeadersAndVariants) {
  struct Case {
    const char* h;
    Field f;
  } cases[] = {
      {"Họ và tên", Field::full_name},       {"Họ tên", Field::full_name},         {"HO_TEN", Field::full_name},
      {"HoTen", Field::full_name},           {"Ho va ten", Field::full_name},      {"HỌ VÀ TÊN", Field::full_name},
      {"Họ và tên (chữ in hoa)", Field::full_name},
      {"Ngày sinh", Field::birth_date},      {"NS", Field::birth_date},            {"Ngay sinh", Field::birth_date},
      {"Ngày, tháng, năm sinh", Field::birth_date},
      {"Giới tính", Field::gender},          {"Ngày vào Đảng", Field::admitted_on}, {"Ngày kết nạp", Field::admitted_on},
      {"Ngày chính thức", Field::full_member_on},
      {"Số thẻ", Field::card_number},        {"Số thẻ (đảng viên)", Field::card_number},
      {"Số thẻ đảng viên", Field::card_number},
      {"Quê quán", Field::home_town},        {"Nơi sinh", Field::birth_place},
      {"Nơi thường trú", Field::residence},  {"Địa chỉ", Field::residence},        {"Dân tộc", Field::ethnicity},
      {"Tôn giáo", Field::religion},         {"CCCD", Field::citizen_id},          {"CMND", Field::citizen_id},
      {"Số CCCD/CMND", Field::citizen_id},   {"Số định danh", Field::citizen_id},  {"Số CCCD (12 số)", Field::citizen_id},
      {"Điện thoại", Field::phone},          {"SĐT", Field::phone},                {"Số điện thoại", Field::phone},
      {"STT", Field::row_number},            {"TT", Field::row_number},            {"Mã", Field::member_id},
      {"ID", Field::member_id},              {"Mã đảng viên", Field::member_id},   {"Lý luận chính trị", Field::theory_level},
      {"Mã ĐV", Field::member_id},           {"Mã hồ sơ", Field::id},              {"Mã số đảng viên", Field::id},
      // the registry id is named exactly: the other "Mã …" columns are not it
      {"Mã tổ chức", Field::org_code},       {"Mã chi bộ", Field::org_code},       {"Mã số thẻ", Field::none},
      {"LLCT", Field::theory_level},         {"Trình độ GDPT", Field::education},  {"Chuyên môn", Field::professional},
      {"Chi bộ", Field::org_name},           {"Ghi chú", Field::none},
  };
  for (const auto& c : cases) EXPECT_EQ(quality::recognise_header(c.h), c.f) << c.h;
}

TEST(Mapping, IdColumnAndFileRoundTrip) {
  auto m = quality::auto_mapping({"STT", "Mã đảng viên", "Họ và tên", "Ghi chú"});
  EXPECT_EQ(m.id_column, 1);
  m = quality::auto_mapping({"STT", "Mã hồ sơ", "Mã", "Họ và tên"});
  EXPECT_EQ(m.id_column, 2);  // the registry id first, then the file's own code
  EXPECT_EQ(m.fields[1], Field::id);
  m = quality::auto_mapping({"STT", "Họ và tên", "Họ và tên"});
  EXPECT_EQ(m.id_column, 0);
  EXPECT_EQ(m.fields[2], Field::none);  // one column per field
  const std::string path = temp_path("mapping.json");
  {
    std::ofstream o(path);
    o << R"({"columns": {"Ghi chú": "occupation", "Ho va ten": "none"}})";
  }
  auto m2 = quality::auto_mapping({"STT", "Họ và tên", "Ghi chú"});
  quality::apply_mapping_file(m2, path);
  EXPECT_EQ(m2.fields[1], Field::none);
  EXPECT_EQ(m2.fields[2], Field::occupation);
  quality::save_mapping_file(m2, path);
  auto m3 = quality::auto_mapping({"STT", "Họ và tên", "Ghi chú"});
  quality::apply_mapping_file(m3, path);
  EXPECT_EQ(m3.fields, m2.fields);
  {
    std::ofstream o(path);
    o << R"({"columns": {"Ghi chú": "no_such_field"}})";
  }
  EXPECT_THROW(quality::apply_mapping_file(m3, path), std::runtime_error);
  std::remove(path.c_str());
}

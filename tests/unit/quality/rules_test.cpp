// Record rules (config/rules.json, sources in party-rules.md §2) and checks across a file,
// then `dangbo clean` end to end and the messy-roster generator against its own truth.

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "quality/clean.hpp"
#include "quality/mapping.hpp"
#include "quality/messy.hpp"
#include "quality/reader.hpp"
#include "registry/model.hpp"
#include "quality_test_util.hpp"

using namespace dangbo;
using namespace quality_test;
using quality::Field;

namespace {

const std::vector<std::string> kHeader = {"Họ và tên", "Giới tính", "Ngày sinh", "Ngày vào Đảng", "Ngày chính thức",
                                          "Số thẻ",    "Ngày cấp thẻ", "Số CCCD", "Tình trạng"};
enum { NAME, GENDER, BIRTH, ADM, FULL, CARD, ISSUED, CID, STATUS };

// A correct row: born 07/08/1963, admitted 03/02/1990 (26), full 03/02/1991, card 1992.
std::vector<std::string> good() {
  return {"Nguyễn Văn An", "Nam", "07/08/1963", "03/02/1990", "03/02/1991", "12345678", "19/05/1992", "079063001234",
          "Chính thức"};
}

quality::RowResult check(const std::vector<std::string>& cells) {
  static const quality::Mapping m = quality::auto_mapping(kHeader);
  return standardizer().standardize_row(m, cells);
}

}  // namespace

TEST(Rules, ACorrectRowHasNoFindings) {
  auto r = check(good());
  EXPECT_TRUE(r.findings.empty()) << codes(r.findings);
  EXPECT_EQ(r.values, good());
  EXPECT_EQ(r.member.family_name, "Nguyễn");
  EXPECT_EQ(r.member.given_name, "An");
  ASSERT_TRUE(r.member.birth_date);
  EXPECT_EQ(r.member.birth_date->iso(), "1963-08-07");
  EXPECT_EQ(r.member.status, registry::MemberStatus::full);
  EXPECT_EQ(r.member.citizen_id, "079063001234");
}

// Names in parts, as the registry's own export writes them ("Họ", "Tên đệm", "Tên") and as
// older forms do ("Họ và tên đệm", "Tên"): every part reaches the member record.
TEST(Rules, NamesGivenInPartsKeepEveryPart) {
  const std::vector<std::string> three = {"Họ", "Tên đệm", "Tên", "Giới tính", "Ngày sinh"};
  auto r = standardizer().standardize_row(quality::auto_mapping(three), {"Đặng", "Thị Quỳnh", "Anh", "Nữ", "07/08/1963"});
  EXPECT_EQ(r.member.family_name, "Đặng");
  EXPECT_EQ(r.member.middle_name, "Thị Quỳnh");
  EXPECT_EQ(r.member.given_name, "Anh");
  const std::vector<std::string> two = {"Họ và tên đệm", "Tên", "Giới tính", "Ngày sinh"};
  r = standardizer().standardize_row(quality::auto_mapping(two), {"Đặng Thị Quỳnh", "Anh", "Nữ", "07/08/1963"});
  EXPECT_EQ(r.member.family_name, "Đặng");
  EXPECT_EQ(r.member.middle_name, "Thị Quỳnh");
  EXPECT_EQ(r.member.given_name, "Anh");
}

// The registry's own status labels (its pages and CSV export) read back as the same status, so
// an exported roster re-imports unchanged.
TEST(Rules, EveryRegistryStatusLabelReadsBackAsItsStatus) {
  using registry::MemberStatus;
  for (auto st : {MemberStatus::probationary, MemberStatus::full, MemberStatus::exempted, MemberStatus::transferred_out,
                  MemberStatus::removed, MemberStatus::expelled, MemberStatus::deceased}) {
    auto row = good();
    row[STATUS] = std::string(registry::label_vi(st));
    auto r = check(row);
    EXPECT_EQ(r.member.status, st) << row[STATUS];
  }
}

TEST(Rules, AdmissionAge) {
  // Điều lệ Đảng art. 1.2 / Quy định 294-QĐ/TW: from 18 (counted to the day here).
  auto c = good();
  c[ADM] = "06/08/1981";  // one day before the 18th birthday
  c[FULL] = "06/08/1982";
  EXPECT_TRUE(has_code(check(c).findings, "admitted_on.under_age", ADM));
  c[ADM] = "07/08/1981";  // the 18th birthday
  EXPECT_FALSE(has_code(check(c).findings, "admitted_on.under_age"));
  // A year-only birth date: only a certain breach is reported.
  c[BIRTH] = "1963";
  c[ADM] = "01/06/1981";  // 18 if born before June 1963
  EXPECT_FALSE(has_code(check(c).findings, "admitted_on.under_age")) << codes(check(c).findings);
  c[ADM] = "01/06/1980";
  EXPECT_TRUE(has_code(check(c).findings, "admitted_on.under_age"));
  // Over 60 at admission after 294-QĐ/TW (26/5/2025): a warning (provincial decision needed).
  auto o = good();
  o[BIRTH] = "01/01/1960";
  o[ADM] = "01/06/2025";
  o[FULL] = "";
  o[CARD] = "";
  o[ISSUED] = "";
  o[STATUS] = "Dự bị";
  o[CID] = "079060001234";
  auto r = check(o);
  EXPECT_TRUE(has_code(r.findings, "admitted_on.over_age", ADM)) << codes(r.findings);
  o[BIRTH] = "01/01/1970";
  o[CID] = "079070001234";
  EXPECT_FALSE(has_code(check(o).findings, "admitted_on.over_age"));
  o[BIRTH] = "01/01/1960";  // before 294-QĐ/TW there is no such rule version
  o[ADM] = "01/06/2024";
  o[CID] = "079060001234";
  EXPECT_FALSE(has_code(check(o).findings, "admitted_on.over_age"));
  c = good();
  c[ADM] = "01/01/1960";
  EXPECT_TRUE(has_code(check(c).findings, "admitted_on.before_birth"));
}

TEST(Rules, FullMembershipAfterTwelveMonths) {
  auto c = good();
  c[FULL] = "02/02/1991";  // one day short of 12 months
  EXPECT_TRUE(has_code(check(c).findings, "full_member_on.too_early", FULL));
  c[FULL] = "03/02/1991";
  EXPECT_TRUE(check(c).findings.empty());
  c[FULL] = "03/02/1992";  // 24 months: still fine
  EXPECT_FALSE(has_code(check(c).findings, "full_member_on.late"));
  c[FULL] = "04/03/1992";  // 25 months
  c[ISSUED] = "19/05/1992";
  EXPECT_TRUE(has_code(check(c).findings, "full_member_on.late", FULL));
  c[ADM] = "29/02/2004";  // 12 months after 29 February end on 28 February
  c[FULL] = "28/02/2005";
  c[ISSUED] = "01/06/2005";
  EXPECT_FALSE(has_code(check(c).findings, "full_member_on.too_early")) << codes(check(c).findings);
  c[FULL] = "27/02/2005";
  EXPECT_TRUE(has_code(check(c).findings, "full_member_on.too_early"));
  c = good();
  c[FULL] = "01/01/1990";  // before admission: never
  EXPECT_TRUE(has_code(check(c).findings, "full_member_on.before_admission", FULL));
}

TEST(Rules, CardAfterFullMembership) {
  auto c = good();
  c[ISSUED] = "01/01/1991";
  EXPECT_TRUE(has_code(check(c).findings, "card_issued_on.before_full", ISSUED));
  c = good();
  c[STATUS] = "Dự bị";
  c[FULL] = "";
  c[ISSUED] = "";
  auto r = check(c);
  EXPECT_TRUE(has_code(r.findings, "card_number.probationary", CARD)) << codes(r.findings);
  EXPECT_TRUE(has_code(r.findings, "status.probation_overdue", STATUS)) << codes(r.findings);
  c = good();
  c[CARD] = "AB12";
  EXPECT_TRUE(has_code(check(c).findings, "card_number.format", CARD));
  c[CARD] = "1234 5678";
  auto r2 = check(c);
  EXPECT_EQ(r2.values[CARD], "12345678");
  EXPECT_TRUE(has_code(r2.findings, "card_number.format", CARD));
  EXPECT_EQ(find_code(r2.findings, "card_number.format")->severity, quality::Severity::info);
}

TEST(Rules, StatusDatesAndRequiredFields) {
  auto c = good();
  c[FULL] = "";
  EXPECT_TRUE(has_code(check(c).findings, "status.full_without_date", FULL));
  c = good();
  c[STATUS] = "Dự bị";
  EXPECT_TRUE(has_code(check(c).findings, "status.probationary_with_full_date", STATUS));
  c = good();
  c[BIRTH] = "";
  c[CID] = "";
  auto r = check(c);
  EXPECT_TRUE(has_code(r.findings, "required.missing", BIRTH)) << codes(r.findings);
  EXPECT_TRUE(has_code(r.findings, "required.missing", CID));
  c = good();
  c[NAME] = "";
  EXPECT_TRUE(has_code(check(c).findings, "required.missing", NAME));
  c = good();
  c[ISSUED] = "01/01/2030";
  EXPECT_TRUE(has_code(check(c).findings, "date.future", ISSUED));
  c = good();
  c[BIRTH] = "07/08/1900";
  c[CID] = "079000001234";
  EXPECT_TRUE(has_code(check(c).findings, "birth_date.implausible", BIRTH));
}

TEST(Rules, RowShape) {
  static const quality::Mapping m = quality::auto_mapping(kHeader);
  auto r = standardizer().standardize_row(m, {"", "", " ", "", "", "", "", "", ""});
  EXPECT_TRUE(r.blank);
  auto extra = good();
  extra.push_back("thừa");
  r = standardizer().standardize_row(m, extra);
  EXPECT_TRUE(r.rejected);
  EXPECT_TRUE(has_code(r.findings, "row.extra_cells", -1));
  auto shorter = good();
  shorter.resize(5);
  r = standardizer().standardize_row(m, shorter);
  EXPECT_FALSE(r.rejected);
  EXPECT_TRUE(has_code(r.findings, "row.missing_cells", -1));
}

TEST(FileChecks, DuplicateCitizenIdsAndCards) {
  static const quality::Mapping m = quality::auto_mapping(kHeader);
  quality::FileChecks fc;
  auto a = standardizer().standardize_row(m, good());
  auto b = good();
  b[CID] = "079 063 001 234";  // the same ID written otherwise
  b[CARD] = "87654321";
  auto rb = standardizer().standardize_row(m, b);
  auto c = good();
  c[CID] = "079063009999";
  auto rc = standardizer().standardize_row(m, c);  // same card as a
  fc.check(m, 2, a);
  fc.check(m, 3, rb);
  fc.check(m, 4, rc);
  EXPECT_FALSE(has_code(a.findings, "citizen_id.duplicate"));
  const auto* f = find_code(rb.findings, "citizen_id.duplicate");
  ASSERT_TRUE(f) << codes(rb.findings);
  EXPECT_NE(f->message.find("dòng 2"), std::string::npos);
  EXPECT_TRUE(has_code(rc.findings, "card_number.duplicate", CARD));
  EXPECT_FALSE(has_code(rc.findings, "citizen_id.duplicate"));
  // Many IDs: the table grows.
  quality::FileChecks::Table t;
  for (std::uint64_t k = 0; k < 100000; ++k) EXPECT_EQ(t.find_or_insert(k * 7919, k + 1), 0u);
  EXPECT_EQ(t.find_or_insert(5 * 7919, 1), 6u);
}

// ------------------------------------------------------------------ dangbo clean, end to end

// `dangbo clean` refuses, with a reason and before writing anything, a file that is not a
// table (binary bytes) and a table none of whose columns is a member-record column.
TEST(Clean, RefusesBinaryFilesAndTablesWithoutMemberColumns) {
  const std::string out = temp_path("out-refused.csv"), fnd = temp_path("findings-refused.csv");
  quality::CleanJob job;
  job.output = out;
  job.findings = fnd;
  job.input = temp_path("binary.csv");
  {
    std::ofstream o(job.input, std::ios::binary);
    o << std::string("\x7F" "ELF\x02\x01\x01\0\0\0\0\0", 12) << std::string(200, '\0');
  }
  try {
    quality::run_clean(refdata(), rules(), options(), job);
    ADD_FAILURE() << "a binary file was cleaned";
  } catch (const quality::NotATable& e) {
    EXPECT_NE(std::string(e.what()).find("ELF"), std::string::npos) << e.what();
  }
  job.input = temp_path("not-members.csv");
  {
    std::ofstream o(job.input, std::ios::binary);
    o << "Sản phẩm,Đơn giá,Số lượng\nBút bi,5000,10\nVở,12000,3\n";
  }
  try {
    quality::run_clean(refdata(), rules(), options(), job);
    ADD_FAILURE() << "a table without member columns was cleaned";
  } catch (const std::runtime_error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("Không nhận ra cột nào"), std::string::npos) << m;
    EXPECT_NE(m.find("dòng 1: Sản phẩm, Đơn giá, Số lượng"), std::string::npos) << m;
  }
  EXPECT_FALSE(std::ifstream(out).good());  // nothing written
}


TEST(Clean, EndToEndFilesAndRowAccounting) {
  const std::string in = temp_path("in.csv"), out = temp_path("out.csv"), fnd = temp_path("findings.csv");
  {
    std::ofstream o(in, std::ios::binary);
    o << "DANH SÁCH ĐẢNG VIÊN\n"  // a title row above the header
      << "STT;Họ và tên;Ngày sinh;Giới tính;Số CCCD;Điện thoại;Ghi chú\n"
      << "1;LÊ THỊ KIM OANH;7/8/63;Nữ;001 163 003 456;0163 555 1234;\n"
      << "2;Löông Theá Vinh;23466;nam;079064001234;;\"dòng có\ndấu xuống dòng\"\n"
      << ";;;;;;\n"
      << "3;Trần Văn Ba;30/02/1970;Nam;001163003456;(+84) 28 3822 1234;;thừa\n"
      << "4;Phạm Văn Tư;01/01/1970;Nam;001070003456;0912345678;ok\n";
  }
  quality::CleanJob job;
  job.input = in;
  job.output = out;
  job.findings = fnd;
  job.threads = 2;
  job.chunk_rows = 2;  // several chunks, to check the order
  auto st = quality::run_clean(refdata(), rules(), options(), job);
  EXPECT_EQ(st.rows_read, 4);
  EXPECT_EQ(st.rows_written, 3);
  EXPECT_EQ(st.rows_rejected, 1);
  EXPECT_EQ(st.blank_rows, 1);
  EXPECT_EQ(st.header_line, 2u);
  EXPECT_EQ(st.rows_read, st.rows_written + st.rows_rejected);

  auto o = registry::parse_csv(read_file(out), out);
  EXPECT_EQ(read_file(out).substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_EQ(o.header, (std::vector<std::string>{"STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Điện thoại",
                                                "Ghi chú", "family_name", "middle_name", "given_name"}));
  ASSERT_EQ(o.rows.size(), 3u);
  EXPECT_EQ(o.rows[0], (std::vector<std::string>{"1", "Lê Thị Kim Oanh", "07/08/1963", "Nữ", "001163003456", "0335551234",
                                                 "", "Lê", "Thị Kim", "Oanh"}));
  EXPECT_EQ(o.rows[1][1], "Lương Thế Vinh");
  EXPECT_EQ(o.rows[1][2], "30/03/1964");
  EXPECT_EQ(o.rows[1][3], "Nam");
  EXPECT_EQ(o.rows[1][6], "dòng có dấu xuống dòng");
  EXPECT_EQ(o.rows[2][0], "4");

  auto f = registry::parse_csv(read_file(fnd), fnd);
  EXPECT_EQ(f.header,
            (std::vector<std::string>{"line", "id", "column", "code", "severity", "message", "original", "suggested"}));
  std::map<std::string, std::vector<std::string>> by_code;
  for (const auto& r : f.rows) by_code[r[3]] = r;
  ASSERT_TRUE(by_code.count("name.case"));
  EXPECT_EQ(by_code["name.case"][0], "3");  // input line
  EXPECT_EQ(by_code["name.case"][1], "1");  // STT
  EXPECT_EQ(by_code["name.case"][2], "Họ và tên");
  EXPECT_EQ(by_code["name.case"][4], "info");
  EXPECT_EQ(by_code["name.case"][6], "LÊ THỊ KIM OANH");
  EXPECT_EQ(by_code["name.case"][7], "Lê Thị Kim Oanh");
  ASSERT_TRUE(by_code.count("row.extra_cells"));
  EXPECT_EQ(by_code["row.extra_cells"][0], "7");
  EXPECT_EQ(by_code["row.extra_cells"][2], "");
  EXPECT_TRUE(by_code.count("phone.old_prefix"));
  EXPECT_TRUE(by_code.count("date.two_digit_year"));
  EXPECT_TRUE(by_code.count("text.encoding"));
  for (auto* p : {&in, &out, &fnd}) std::remove(p->c_str());
}

// ------------------------------------------------------------------ the messy roster

TEST(Messy, CleanRosterIsLeftAloneAndMessyOneIsFixed) {
  for (double scale : {0.0, 1.0}) {
    quality::MessyOptions mo;
    mo.members = 3000;
    mo.seed = 11;
    mo.error_scale = scale;
    mo.duplicates = scale > 0 ? 0.05 : 0;
    std::ostringstream roster, truth;
    auto ms = quality::write_messy_roster(refdata(), mo, roster, truth);
    EXPECT_EQ(ms.rows, 3000 + ms.duplicate_rows);
    const std::string in = temp_path("messy.csv"), out = temp_path("messy_out.csv"), fnd = temp_path("messy_f.csv");
    {
      std::ofstream o(in, std::ios::binary);
      o << roster.str();
    }
    quality::CleanJob job;
    job.input = in;
    job.output = out;
    job.findings = fnd;
    auto st = quality::run_clean(refdata(), rules(), options(), job);
    EXPECT_EQ(st.rows_read, ms.rows);
    auto I = registry::parse_csv(read_file(in), in), O = registry::parse_csv(read_file(out), out);
    auto T = registry::parse_csv(truth.str(), "truth");
    ASSERT_EQ(O.rows.size(), I.rows.size());
    // Truth by (stt, column).
    std::map<std::pair<std::string, std::string>, std::vector<std::string>> tr;
    for (const auto& r : T.rows)
      if (r[T.column("expect")] != "cluster") tr[{r[T.column("stt")], r[T.column("column")]}] = r;
    int fix_total = 0, fixed = 0, changed_correct = 0;
    for (std::size_t i = 0; i < I.rows.size(); ++i)
      for (std::size_t c = 0; c < I.header.size(); ++c) {
        const std::string& vin = I.rows[i][c];
        const std::string& vout = O.rows[i][c];
        auto it = tr.find({I.rows[i][0], I.header[c]});
        if (it != tr.end() && it->second[T.column("expect")] == "fix") {
          ++fix_total;
          fixed += vout == it->second[T.column("correct")];
        } else if (it == tr.end() || it->second[T.column("expect")] == "none") {
          changed_correct += vout != vin;
        }
      }
    EXPECT_EQ(changed_correct, 0) << "scale " << scale;
    if (scale == 0) {
      EXPECT_EQ(fix_total, 0);
      EXPECT_EQ(st.by_severity[0], 0) << "no automatic change on a clean roster";
    } else {
      EXPECT_GT(fix_total, 1000);
      EXPECT_GE(fixed * 1000, fix_total * 995) << fixed << " of " << fix_total;
      EXPECT_GT(ms.duplicate_rows, 100);
    }
    for (auto* p : {&in, &out, &fnd}) std::remove(p->c_str());
  }
}

TEST(TextCleanup, AControlCharacterBetweenLettersSeparatesWords) {
  // The tester's case: BEL and ESC between the words of a name.
  EXPECT_EQ(cell(Field::full_name, "Trần\x07Thị\x1b" "Bích"), "Trần Thị Bích");
  // A NUL between words (nul-one-cell.csv) and a control beside a space leave one space.
  EXPECT_EQ(cell(Field::full_name, std::string("Nguyễn") + '\0' + " Văn An"), "Nguyễn Văn An");
  EXPECT_EQ(cell(Field::full_name, std::string("Lê") + '\0' + "Văn" + '\x01' + '\x02' + "Tám"), "Lê Văn Tám");
  // Zero-width characters inside a word are still removed without a space.
  EXPECT_EQ(cell(Field::full_name, "Ngu\xE2\x80\x8Byễn Văn An"), "Nguyễn Văn An");
}

// dup-cols.csv: two "Họ và tên" and two "Ngày sinh" columns. The first of each is used, the
// repeats are reported, each can be mapped by its own name, and a saved mapping round-trips.
TEST(Clean, RepeatedColumnsAreReportedAndCanBeMapped) {
  const std::vector<std::string> header = {"STT", "Họ và tên", "Giới tính", "Ngày sinh", "Số CCCD",
                                           "Ngày vào Đảng", "Ngày chính thức", "Mã chi bộ", "Họ và tên",
                                           "Ngày sinh"};
  quality::Mapping m = quality::auto_mapping(header);
  EXPECT_EQ(m.fields[1], Field::full_name);
  EXPECT_EQ(m.fields[3], Field::birth_date);
  EXPECT_EQ(m.fields[8], Field::none);
  EXPECT_EQ(m.fields[9], Field::none);
  EXPECT_EQ(m.duplicates, (std::vector<std::pair<int, int>>{{8, 1}, {9, 3}}));
  EXPECT_EQ(m.column_key(1), "Họ và tên");
  EXPECT_EQ(m.column_key(8), "Họ và tên (cột 9)");
  // The mapping as saved and applied again (the upload page and the importer do this): the
  // name column is still column 2.
  quality::Mapping again = quality::auto_mapping(header);
  quality::apply_mapping_json(again, quality::mapping_json(m), "test");
  EXPECT_EQ(again.fields[1], Field::full_name);
  EXPECT_EQ(again.fields[8], Field::none);
  // The repeat chosen by its name: other names; the first "Ngày sinh" left, the second used.
  again = quality::auto_mapping(header);
  quality::apply_mapping_json(
      again, R"j({"columns": {"Họ và tên (cột 9)": "other_names", "Ngày sinh": "none", "Ngày sinh (cột 10)": "birth_date"}})j",
      "test");
  EXPECT_EQ(again.fields[1], Field::full_name);
  EXPECT_EQ(again.fields[8], Field::other_names);
  EXPECT_EQ(again.fields[3], Field::none);
  EXPECT_EQ(again.fields[9], Field::birth_date);

  const std::string in = temp_path("dup-cols.csv"), out = temp_path("dup-out.csv"), fnd = temp_path("dup-fnd.csv");
  {
    std::ofstream o(in, std::ios::binary);
    o << "STT,Họ và tên,Ngày sinh,Họ và tên,Ngày sinh\n"
         "1,Nguyễn Văn An,15/03/1970,Tên Khác,15/03/1970\n"
         "2,Trần Thị Bích,15/03/1971,Trần Thị Bích,01/01/1999\n";
  }
  quality::CleanJob job;
  job.input = in;
  job.output = out;
  job.findings = fnd;
  job.threads = 1;
  auto st = quality::run_clean(refdata(), rules(), options(), job);
  std::ostringstream summary;
  quality::print_clean_summary(summary, st);
  EXPECT_NE(summary.str().find("Cảnh báo: cột 4 'Họ và tên' trùng với cột 2 'Họ và tên'"), std::string::npos)
      << summary.str();
  EXPECT_NE(summary.str().find("Cảnh báo: cột 5 'Ngày sinh' trùng với cột 3 'Ngày sinh'"), std::string::npos);
  std::ifstream f(fnd, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string findings = ss.str();
  // Row 1: the names differ; row 2: the birth dates differ. Equal values are not findings.
  EXPECT_NE(findings.find("2,1,Họ và tên,column.duplicate_conflict,warning"), std::string::npos) << findings;
  EXPECT_NE(findings.find("3,2,Ngày sinh,column.duplicate_conflict,warning"), std::string::npos) << findings;
  EXPECT_EQ(findings.find("2,1,Ngày sinh,column.duplicate_conflict"), std::string::npos) << findings;
  EXPECT_EQ(findings.find("3,2,Họ và tên,column.duplicate_conflict"), std::string::npos) << findings;
}

// same-io.csv: --out equal to the input, --out equal to --findings (also through another
// spelling of the path), and an unwritable --findings: refused, nothing written or replaced.
TEST(Clean, OutputPathsAreCheckedAndNothingIsHalfWritten) {
  const std::string in = temp_path("same-io.csv"), out = temp_path("same-io-out.csv");
  const std::string content = "STT,Họ và tên,Ngày sinh\n1,nguyễn văn an,15/03/1970\n";
  {
    std::ofstream o(in, std::ios::binary);
    o << content;
  }
  auto slurp = [](const std::string& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  };
  auto refused = [&](const std::string& o, const std::string& f) -> std::string {
    quality::CleanJob job;
    job.input = in;
    job.output = o;
    job.findings = f;
    job.threads = 1;
    try {
      quality::run_clean(refdata(), rules(), options(), job);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return {};
  };
  std::remove(out.c_str());
  std::string m = refused(in, temp_path("same-io-f.csv"));
  EXPECT_NE(m.find("là chính tệp đầu vào"), std::string::npos) << m;
  EXPECT_EQ(slurp(in), content);  // the source is untouched
  const std::string dir = in.substr(0, in.rfind('/'));
  m = refused(out, dir + "/./" + out.substr(out.rfind('/') + 1));
  EXPECT_NE(m.find("--out và --findings cùng là tệp"), std::string::npos) << m;
  EXPECT_FALSE(std::ifstream(out).good());
  m = refused(out, "/nonexistent-dir/f.csv");
  EXPECT_NE(m.find("Không ghi được tệp /nonexistent-dir/f.csv"), std::string::npos) << m;
  EXPECT_FALSE(std::ifstream(out).good());  // no 0-byte OUT left behind
  // A good run replaces an existing OUT only at the end, with the whole file.
  {
    std::ofstream o(out, std::ios::binary);
    o << "old";
  }
  EXPECT_EQ(refused(out, temp_path("same-io-f.csv")), "");
  EXPECT_EQ(slurp(out), "\xEF\xBB\xBFSTT,Họ và tên,Ngày sinh,family_name,middle_name,given_name\r\n"
                        "1,Nguyễn Văn An,15/03/1970,Nguyễn,Văn,An\r\n");
}

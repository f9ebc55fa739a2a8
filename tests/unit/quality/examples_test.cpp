// Every row of the project's example cases (data/quality/clean-examples.csv, a copy of
// shared/cases/clean-examples.csv) as its own test. The expected column is the oracle.

#include <gtest/gtest.h>

#include <unistd.h>

#include "quality/mapping.hpp"
#include "quality_test_util.hpp"

using namespace dangbo;
using namespace quality_test;
using quality::Field;

namespace {

struct Example {
  std::string column, input, expected, kind;
  std::size_t line;
};

std::vector<Example> examples() {
  auto t = registry::read_csv_file(source_dir() + "/data/quality/clean-examples.csv");
  std::vector<Example> r;
  for (std::size_t i = 0; i < t.rows.size(); ++i)
    r.push_back(Example{t.rows[i][t.column("column")], t.rows[i][t.column("input")], t.rows[i][t.column("expected")],
                        t.rows[i][t.column("kind")], t.lines[i]});
  return r;
}

class CleanExample : public ::testing::TestWithParam<Example> {};

// A one-row table with the given header and cells.
quality::RowResult row(const std::vector<std::string>& header, const std::vector<std::string>& cells) {
  quality::Mapping m = quality::auto_mapping(header);
  return standardizer().standardize_row(m, cells);
}

}  // namespace

TEST_P(CleanExample, ProducesTheExpectedValueOrFinding) {
  const Example& e = GetParam();
  SCOPED_TRACE(e.kind + " | input: " + e.input);
  const Field f = quality::recognise_header(e.column);
  ASSERT_NE(f, Field::none) << "column not recognised: " << e.column;
  std::vector<quality::Finding> fs;

  if (e.column == "Số CCCD" && e.expected.rfind("finding:", 0) == 0) {
    // "001172003456 (record: male, born 1972)": the ID checked against the row.
    const std::string id = e.input.substr(0, e.input.find(' '));
    ASSERT_NE(e.input.find("male"), std::string::npos);
    auto r = row({"Số CCCD", "Giới tính", "Ngày sinh"}, {id, "Nam", "1972"});
    EXPECT_TRUE(has_code(r.findings, "citizen_id.gender_mismatch", 0)) << codes(r.findings);
    EXPECT_EQ(r.values[0], id);  // not changed
    const auto* fd = find_code(r.findings, "citizen_id.gender_mismatch");
    ASSERT_TRUE(fd);
    EXPECT_NE(fd->message.find("nữ"), std::string::npos) << fd->message;  // "digit 1 says female"
    return;
  }
  const std::string v = cell(f, e.input, &fs);
  if (e.expected == "finding: impossible date; value not guessed") {
    EXPECT_TRUE(has_code(fs, "date.impossible")) << codes(fs);
    EXPECT_EQ(v, e.input);
    return;
  }
  if (e.expected.rfind("finding: split between", 0) == 0) {
    const auto* fd = find_code(fs, "address.split_ward");
    ASSERT_TRUE(fd) << codes(fs);
    // "split between Phường Bến Thành and Phường Cầu Ông Lãnh; ask"
    for (std::string w : {"Phường Bến Thành", "Phường Cầu Ông Lãnh"}) {
      EXPECT_NE(e.expected.find(w), std::string::npos);
      EXPECT_NE(fd->suggested.find(w), std::string::npos) << fd->suggested;
      EXPECT_NE(fd->message.find(w), std::string::npos) << fd->message;
    }
    EXPECT_EQ(fd->severity, quality::Severity::warning);
    return;
  }
  if (e.column == "Ngày sinh") {
    if (e.expected.find("(year precision)") != std::string::npos) {
      EXPECT_EQ(v, e.expected.substr(0, 4));
      return;
    }
    // Expected as yyyy-mm-dd; the default output is dd/mm/yyyy.
    ASSERT_EQ(e.expected.size(), 10u);
    EXPECT_EQ(v, e.expected.substr(8, 2) + "/" + e.expected.substr(5, 2) + "/" + e.expected.substr(0, 4));
    quality::Standardizer iso(refdata(), rules(), options(std::nullopt, quality::DateFormat::iso));
    std::vector<quality::Finding> f2;
    EXPECT_EQ(iso.standardize_cell(f, e.input, f2), e.expected);
    return;
  }
  EXPECT_EQ(v, e.expected);
  if (v != e.input) EXPECT_FALSE(fs.empty()) << "a change must be reported";
}

INSTANTIATE_TEST_SUITE_P(SharedCases, CleanExample, ::testing::ValuesIn(examples()),
                         [](const ::testing::TestParamInfo<Example>& i) { return "line" + std::to_string(i.param.line); });

TEST(CleanExamples, AllRowsPresent) { EXPECT_EQ(examples().size(), 23u); }

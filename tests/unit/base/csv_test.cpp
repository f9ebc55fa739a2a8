// base::append_csv_cell / csv_cell: RFC 4180 quoting and the formula guard, with the cells real
// exports carry (Vietnamese names, organization names with commas, typed formulas).
#include <gtest/gtest.h>

#include "base/csv.hpp"

using dangbo::base::append_csv_cell;
using dangbo::base::csv_cell;
using dangbo::base::CsvGuard;

TEST(Csv, PlainCellsAreWrittenAsTheyAre) {
  EXPECT_EQ(csv_cell("Nguyễn Thị Ánh"), "Nguyễn Thị Ánh");
  EXPECT_EQ(csv_cell(""), "");
  EXPECT_EQ(csv_cell("079190001234"), "079190001234");
}

TEST(Csv, CommasQuotesAndLineBreaksAreQuotedWithQuotesDoubled) {
  EXPECT_EQ(csv_cell("Chi bộ Khu phố 1, phường Sài Gòn"), "\"Chi bộ Khu phố 1, phường Sài Gòn\"");
  EXPECT_EQ(csv_cell("Trường \"Lê Quý Đôn\""), "\"Trường \"\"Lê Quý Đôn\"\"\"");
  EXPECT_EQ(csv_cell("dòng 1\r\ndòng 2"), "\"dòng 1\r\ndòng 2\"");
  EXPECT_EQ(csv_cell("a\nb"), "\"a\nb\"");
}

TEST(Csv, AFormulaIsDefusedWithAnApostropheInsideTheQuotes) {
  EXPECT_EQ(csv_cell("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  EXPECT_EQ(csv_cell("=1+1"), "'=1+1");
  EXPECT_EQ(csv_cell("+84 90 123 4567"), "'+84 90 123 4567");
  EXPECT_EQ(csv_cell("-"), "'-");
  EXPECT_EQ(csv_cell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(csv_cell("\tx"), "'\tx");
  EXPECT_EQ(csv_cell("\rx"), "\"'\rx\"");
  // only the first character counts
  EXPECT_EQ(csv_cell("Lê-Nguyễn"), "Lê-Nguyễn");
}

TEST(Csv, WithoutTheGuardAFormulaSignStays) {
  EXPECT_EQ(csv_cell("=1+1", CsvGuard::none), "=1+1");
  EXPECT_EQ(csv_cell("-1,5", CsvGuard::none), "\"-1,5\"");
}

TEST(Csv, AppendingAddsToWhatIsThere) {
  std::string line = "Mã,";
  append_csv_cell(line, "Phó, Trưởng");
  line += ',';
  append_csv_cell(line, "=x", CsvGuard::formula);
  EXPECT_EQ(line, "Mã,\"Phó, Trưởng\",'=x");
}

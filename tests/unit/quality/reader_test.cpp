// Readers: CSV (quoted multi-line fields, delimiters, BOM, CRLF, UTF-16, legacy bytes, stray
// quotes) and XLSX (several sheets, shared and inline strings, merged two-row headers, dates),
// and every Vietnamese letter with every tone through every encoding, from file bytes to the
// standardized value.

#include <gtest/gtest.h>
#include <xlsxwriter.h>

#include <unistd.h>

#include "quality/clean.hpp"
#include "quality/mapping.hpp"
#include "quality/reader.hpp"
#include "quality_test_util.hpp"
#include "vntext/encoding.hpp"
#include "vntext/text.hpp"

using namespace dangbo;
using namespace quality_test;
using quality::Field;

namespace {

std::vector<quality::RawRecord> read_all(quality::RecordReader& r) {
  std::vector<quality::RawRecord> v;
  quality::RawRecord rec;
  while (r.next(rec)) v.push_back(rec);
  return v;
}

std::vector<quality::RawRecord> csv(const std::string& bytes, quality::CsvReader** keep = nullptr) {
  static std::unique_ptr<quality::CsvReader> last;
  last = std::make_unique<quality::CsvReader>(quality::memory_source(bytes));
  if (keep) *keep = last.get();
  return read_all(*last);
}

// UTF-8 → UTF-16 (typed here, independent of the reader).
std::string utf16(const std::string& s, bool be, bool bom) {
  std::u32string u;
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    char32_t cp;
    int n;
    if (c < 0x80) cp = c, n = 1;
    else if (c < 0xE0) cp = c & 0x1F, n = 2;
    else if (c < 0xF0) cp = c & 0x0F, n = 3;
    else cp = c & 0x07, n = 4;
    for (int k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + std::size_t(k)]) & 0x3F);
    u.push_back(cp);
    i += std::size_t(n);
  }
  std::string out;
  auto put = [&](unsigned v) {
    if (be) out += char(v >> 8), out += char(v & 0xFF);
    else out += char(v & 0xFF), out += char(v >> 8);
  };
  if (bom) put(0xFEFF);
  for (char32_t cp : u) {
    if (cp >= 0x10000) {
      cp -= 0x10000;
      put(0xD800 + (cp >> 10));
      put(0xDC00 + (cp & 0x3FF));
    } else {
      put(unsigned(cp));
    }
  }
  return out;
}

}  // namespace

TEST(CsvReader, QuotedMultilineSemicolonBomCrlf) {
  const std::string text =
      "\xEF\xBB\xBFSTT;Họ và tên;Địa chỉ\r\n"
      "1;\"Nguyễn Văn A\";\"Số 5\r\nPhường X; Quận Y\"\r\n"
      "\r\n"
      "2;Lê Thị B;\"Có \"\"ngoặc\"\" kép\"\r\n"
      "3;Trần C;";
  quality::CsvReader* r = nullptr;
  auto v = csv(text, &r);
  EXPECT_EQ(r->delimiter(), ';');
  EXPECT_EQ(r->encoding(), quality::FileEncoding::utf8_bom);
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0].cells, (std::vector<std::string>{"STT", "Họ và tên", "Địa chỉ"}));
  EXPECT_EQ(v[1].cells, (std::vector<std::string>{"1", "Nguyễn Văn A", "Số 5\r\nPhường X; Quận Y"}));
  EXPECT_EQ(v[1].line, 2u);
  EXPECT_EQ(v[2].cells, (std::vector<std::string>{"2", "Lê Thị B", "Có \"ngoặc\" kép"}));
  EXPECT_EQ(v[2].line, 5u);  // after the two-line record and a blank line
  EXPECT_EQ(v[3].cells, (std::vector<std::string>{"3", "Trần C", ""}));
  EXPECT_EQ(v[3].line, 6u);
  for (auto& rec : v) EXPECT_FALSE(rec.malformed);
}

TEST(CsvReader, DelimitersDetected) {
  const std::string rows[] = {"STT,Họ tên,Địa chỉ\n1,A,\"P. X, Q. Y\"\n2,B,C\n", "STT;Họ tên;Địa chỉ\n1;A;P. X, Q. Y\n2;B;C\n",
                              "STT\tHọ tên\tĐịa chỉ\n1\tA\tP. X, Q. Y\n2\tB\tC\n", "STT|Họ tên|Địa chỉ\n1|A|P. X, Q. Y\n2|B|C\n"};
  const char delims[] = {',', ';', '\t', '|'};
  for (int k = 0; k < 4; ++k) {
    quality::CsvReader* r = nullptr;
    auto v = csv(rows[k], &r);
    EXPECT_EQ(r->delimiter(), delims[k]);
    ASSERT_EQ(v.size(), 3u);
    EXPECT_EQ(v[1].cells[2], "P. X, Q. Y");
  }
}

TEST(CsvReader, Utf16WithAndWithoutBom) {
  const std::string text = "Họ và tên,Ngày sinh\r\n\"Nguyễn Văn Ấn\",07/08/1963\r\nĐặng Thị Ỹ,1959\r\n";
  for (auto [be, bom] : {std::pair{false, true}, std::pair{true, true}, std::pair{false, false}}) {
    quality::CsvReader* r = nullptr;
    auto v = csv(utf16(text, be, bom), &r);
    EXPECT_EQ(r->encoding(), be ? quality::FileEncoding::utf16be : quality::FileEncoding::utf16le);
    ASSERT_EQ(v.size(), 3u);
    EXPECT_EQ(v[1].cells, (std::vector<std::string>{"Nguyễn Văn Ấn", "07/08/1963"}));
    EXPECT_EQ(v[2].cells, (std::vector<std::string>{"Đặng Thị Ỹ", "1959"}));
  }
}

// Files that are not tables are refused with a Vietnamese sentence naming what they are, before
// any row is read (a binary file read as "CSV" would otherwise yield rows of garbage).
TEST(CsvReader, BinaryFilesAreRefusedWithAReason) {
  auto refused = [](const std::string& bytes, const std::string& name = {}) -> std::string {
    try {
      quality::check_table_bytes(bytes, name);
      quality::CsvReader r(quality::memory_source(bytes));
      return {};
    } catch (const quality::NotATable& e) {
      return e.what();
    }
  };
  EXPECT_NE(refused("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj").find("PDF"), std::string::npos);
  EXPECT_NE(refused(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0", 12)).find(".xls"), std::string::npos);
  EXPECT_NE(refused(std::string("\x1F\x8B\x08\0\0\0", 6)).find("gzip"), std::string::npos);
  EXPECT_NE(refused("\x89PNG\r\n\x1A\n").find("PNG"), std::string::npos);
  // Binary-looking bytes (NULs and controls over 1 %): the first NUL's position is named.
  const std::string nul = std::string("Họ và tên,Ngày sinh\nNguyễn Văn A,1970\n") + std::string(8, '\0') + "rest";
  const std::string msg = refused(nul);
  EXPECT_NE(msg.find("byte 0 đầu tiên ở vị trí 47"), std::string::npos) << msg;
  EXPECT_NE(refused(std::string("a,b\n\x03\x07\x08\x0E\x0F\x10,1\n")).find("không phải văn bản"), std::string::npos);
  // A text file named .xlsx is not an XLSX; the same bytes named .csv are read.
  const std::string text = "Họ và tên,Ngày sinh\nNguyễn Văn A,1970\n";
  EXPECT_NE(refused(text, "danh sach.XLSX").find(".xlsx"), std::string::npos);
  EXPECT_EQ(refused(text, "danh sach.csv"), "");
  // UTF-16 (NULs in every other byte) and legacy 8-bit bytes are text, not binary.
  EXPECT_EQ(refused(utf16(text, false, false)), "");
  EXPECT_EQ(refused(utf16(text, true, true)), "");
  EXPECT_EQ(refused("Hä vµ tªn,Ngµy sinh\nNguyÔn V\xA8n A,1970\n"), "");
  // A UTF-16 start followed by binary bytes is not text either: NUL units, controls and broken
  // surrogate pairs are counted in 16-bit units (here 1,000 NUL/control pairs after a header).
  std::string u16bin = utf16("Họ và tên,Ngày sinh\r\n", false, true);
  for (int i = 0; i < 1000; ++i) u16bin += std::string("\x00\x00\x07\x00", 4);
  EXPECT_NE(refused(u16bin).find("không phải văn bản"), std::string::npos) << refused(u16bin);
  std::string u16surr = utf16("Họ và tên\r\n", true, true);
  for (int i = 0; i < 100; ++i) u16surr += std::string("\xDC\x00\x00\x41", 4);  // lone low surrogates, then 'A'
  EXPECT_NE(refused(u16surr).find("UTF-16"), std::string::npos) << refused(u16surr);
  // … while real UTF-16 with surrogate pairs (𠀀, U+20000) and tabs is read.
  EXPECT_EQ(refused(utf16("Tên\tGhi chú\r\nAn\t\xF0\xA0\x80\x80\r\n", false, true)), "");
}

TEST(CsvReader, AStrayNulInATextFileIsRead) {
  // nul-one-cell.csv: one NUL inside a name in a UTF-8 export (1 byte of 250): the file is read,
  // the cell keeps the bytes on both sides of the NUL, and the text repair removes it.
  std::string text = "STT,Họ và tên,Ngày sinh\n1,Nguyễn";
  text += '\0';
  text += " Văn An,15/03/1970\n2,Trần Thị Bích,01/02/1980\n";
  EXPECT_NO_THROW(quality::check_table_bytes(text, "nul-one-cell.csv"));
  auto v = csv(text);
  ASSERT_EQ(v.size(), 3u);
  ASSERT_EQ(v[1].cells.size(), 3u);
  EXPECT_EQ(v[1].cells[1], std::string("Nguyễn") + '\0' + " Văn An");
  EXPECT_EQ(v[1].cells[2], "15/03/1970");
  EXPECT_EQ(v[2].cells[1], "Trần Thị Bích");
  EXPECT_EQ(vntext::collapse_spaces(vntext::repair_text(v[1].cells[1]).text), "Nguyễn Văn An");
}

TEST(CsvReader, LoneCrAndLenientQuotes) {
  auto v = csv("a,b\r1,x\"y\r2,\"q\"z\r");
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[1].cells, (std::vector<std::string>{"1", "x\"y"}));  // quote inside a field: a character
  EXPECT_EQ(v[2].cells, (std::vector<std::string>{"2", "qz"}));    // text after the closing quote kept
  // An unterminated quote at the end of the file.
  v = csv("a,b\n1,\"abc\n");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_TRUE(v[1].malformed);
  EXPECT_EQ(v[1].cells[1], "abc\n");
}

TEST(CsvReader, StrayQuoteDoesNotSwallowTheFile) {
  std::string text = "STT,Tên\n1,\"oops\n";
  for (int i = 2; i < 60000; ++i) text += std::to_string(i) + ",Nguyễn Văn An\n";
  auto v = csv(text);
  ASSERT_EQ(v.size(), 60000u);  // the header and every row
  EXPECT_TRUE(v[1].malformed);
  EXPECT_EQ(v[1].cells, (std::vector<std::string>{"1", "\"oops"}));
  EXPECT_EQ(v[2].cells, (std::vector<std::string>{"2", "Nguyễn Văn An"}));
  EXPECT_EQ(v.back().line, 60000u);
}

TEST(CsvReader, AnUnclosedQuoteBeforeAWholeRecordIsClosedAtItsLineEnd) {
  // unclosed-quote.csv: line 4 opens a quote that never closes; line 5 is a whole record.
  const std::string text =
      "STT,Họ và tên,Giới tính,Ngày sinh\n"
      "1,Nguyễn Văn An,Nam,15/03/1970\n"
      "6,\"Nguyễn Văn Sáu,Nam,01/01/1980\r\n"
      "7,Lê Văn Bảy,Nam,15/03/1980\n"
      "8,\"Phạm\nThị Tám\",Nữ,01/02/1990\n";  // a real two-line quoted field stays one cell
  auto v = csv(text);
  ASSERT_EQ(v.size(), 5u);
  EXPECT_TRUE(v[2].malformed);
  EXPECT_EQ(v[2].line, 3u);
  EXPECT_EQ(v[2].cells, (std::vector<std::string>{"6", "\"Nguyễn Văn Sáu", "Nam", "01/01/1980"}));
  EXPECT_FALSE(v[3].malformed);
  EXPECT_EQ(v[3].line, 4u);
  EXPECT_EQ(v[3].cells, (std::vector<std::string>{"7", "Lê Văn Bảy", "Nam", "15/03/1980"}));
  EXPECT_FALSE(v[4].malformed);
  EXPECT_EQ(v[4].line, 5u);
  EXPECT_EQ(v[4].cells, (std::vector<std::string>{"8", "Phạm\nThị Tám", "Nữ", "01/02/1990"}));

  // `clean` on the file: every data line is read; the unclosed line is flagged, kept or rejected.
  const std::string in = temp_path("unclosed-quote.csv");
  {
    std::ofstream o(in, std::ios::binary);
    o << text;
  }
  quality::CleanJob job;
  job.input = in;
  job.output = temp_path("unclosed-out.csv");
  job.findings = temp_path("unclosed-f.csv");
  job.threads = 1;
  auto st = quality::run_clean(refdata(), rules(), options(), job);
  EXPECT_EQ(st.rows_read, 4);
  EXPECT_EQ(st.rows_written + st.rows_rejected, 4);
  EXPECT_EQ(st.by_code["row.stray_quote"] + st.by_code["row.malformed"], 1);
}

TEST(CsvReader, LegacyBytesAreRepairedPerField) {
  // Windows-1258 bytes (Việt = V i ê + combining dot below 0xF2, t), TCVN3 and VNI bytes in
  // other cells of the same file.
  const std::string text = std::string("Ho\xF2 v\xE0 t\xEAn,Ghi ch\xFA\n") + "Nguy\xEA\xDEn V\xE3n Vi\xEA\xF2t," +
                           vntext::encode("Trường Sa", vntext::Encoding::tcvn3) + "\n";
  quality::CsvReader* r = nullptr;
  auto v = csv(text, &r);
  EXPECT_EQ(r->encoding(), quality::FileEncoding::legacy);
  ASSERT_EQ(v.size(), 2u);
  std::vector<quality::Finding> fs;
  EXPECT_EQ(standardizer().standardize_cell(Field::full_name, v[1].cells[0], fs), "Nguyễn Văn Việt");
  EXPECT_EQ(standardizer().standardize_cell(Field::none, v[1].cells[1], fs), "Trường Sa");
}

// Every letter with every tone (12 vowels × 6 tones, and đ), lower and upper case, in a name
// written through every encoding, read from file bytes by the reader, then standardized.
TEST(Encodings, EveryLetterAndToneThroughEveryEncoding) {
  // Words typed by hand: each vowel with each tone in a syllable that takes all six tones.
  const std::vector<std::vector<std::string>> words = {
      {"Ban", "Bàn", "Bản", "Bãn", "Bán", "Bạn"},       {"Băn", "Bằn", "Bẳn", "Bẵn", "Bắn", "Bặn"},
      {"Bân", "Bần", "Bẩn", "Bẫn", "Bấn", "Bận"},       {"Ben", "Bèn", "Bẻn", "Bẽn", "Bén", "Bẹn"},
      {"Bên", "Bền", "Bển", "Bễn", "Bến", "Bện"},       {"Bin", "Bìn", "Bỉn", "Bĩn", "Bín", "Bịn"},
      {"Bon", "Bòn", "Bỏn", "Bõn", "Bón", "Bọn"},       {"Bôn", "Bồn", "Bổn", "Bỗn", "Bốn", "Bộn"},
      {"Bơn", "Bờn", "Bởn", "Bỡn", "Bớn", "Bợn"},       {"Bun", "Bùn", "Bủn", "Bũn", "Bún", "Bụn"},
      {"Bưng", "Bừng", "Bửng", "Bững", "Bứng", "Bựng"}, {"Ly", "Lỳ", "Lỷ", "Lỹ", "Lý", "Lỵ"},
      {"Đan"}};
  std::vector<std::string> names;
  for (const auto& row : words)
    for (const auto& w : row) names.push_back("Nguyễn Văn " + w);
  ASSERT_EQ(names.size(), 73u);

  using vntext::Encoding;
  struct Enc {
    const char* label;
    Encoding enc;    // how the cells are written
    bool file_level; // the whole file in that encoding (else UTF-8 text showing it)
  } encodings[] = {
      {"UTF-8", Encoding::utf8, true},
      {"UTF-16 LE", Encoding::utf16le, true},
      {"UTF-16 BE", Encoding::utf16be, true},
      {"Windows-1258", Encoding::cp1258, true},
      {"TCVN3 bytes", Encoding::tcvn3, true},
      {"VN1 bytes", Encoding::tcvn_vn1, true},
      {"VNI bytes", Encoding::vni, true},
      {"VISCII bytes", Encoding::viscii, true},
      {"TCVN3 via cp1252", Encoding::tcvn3_via_cp1252, false},
      {"VNI via cp1252", Encoding::vni_via_cp1252, false},
      {"UTF-8 via cp1252", Encoding::cp1252_mojibake_utf8, false},
      {"VIQR", Encoding::viqr, false},
      {"NFD", Encoding::utf8, false},
  };
  int failures = 0;
  for (const auto& e : encodings) {
    for (bool upper : {false, true}) {
      std::string text = "Họ và tên\r\n";
      for (const auto& n : names) text += (upper ? vntext::to_upper(n) : n) + "\r\n";
      std::string bytes;
      if (e.enc == Encoding::utf16le || e.enc == Encoding::utf16be) bytes = utf16(text, e.enc == Encoding::utf16be, true);
      else if (std::string(e.label) == "NFD") bytes = vntext::nfd(text);
      else if (e.enc == Encoding::utf8) bytes = text;
      else bytes = vntext::encode(text, e.enc);
      auto recs = csv(bytes);
      ASSERT_EQ(recs.size(), names.size() + 1) << e.label;
      auto m = quality::auto_mapping({vntext::repair_text(recs[0].cells[0]).text});
      ASSERT_EQ(m.fields[0], Field::full_name) << e.label;
      for (std::size_t i = 0; i < names.size(); ++i) {
        auto r = standardizer().standardize_row(m, recs[i + 1].cells);
        if (r.values[0] != names[i]) {
          ++failures;
          ADD_FAILURE() << e.label << (upper ? " upper: " : ": ") << names[i] << " → " << r.values[0];
        }
      }
    }
  }
  EXPECT_EQ(failures, 0);
}

// ------------------------------------------------------------------ XLSX

namespace {

// A workbook with a small first sheet and a larger second one whose header has merged cells
// over two rows ("Ngày" over "vào Đảng" / "chính thức"), a title row above, a date-formatted
// cell, an Excel serial in a general cell, and a CCCD stored as a number.
std::string make_xlsx() {
  const std::string path = temp_path("roster.xlsx");
  lxw_workbook* wb = workbook_new(path.c_str());
  lxw_worksheet* small = workbook_add_worksheet(wb, "Ghi chú");
  worksheet_write_string(small, 0, 0, "Bảng này để trống", nullptr);
  worksheet_write_string(small, 1, 0, "x", nullptr);
  worksheet_write_string(small, 1, 1, "y", nullptr);
  lxw_worksheet* ws = workbook_add_worksheet(wb, "Danh sách");
  lxw_format* date = workbook_add_format(wb);
  format_set_num_format(date, "dd/mm/yyyy");
  lxw_format* merge = workbook_add_format(wb);
  worksheet_merge_range(ws, 0, 0, 0, 4, "DANH SÁCH ĐẢNG VIÊN CHI BỘ KHU PHỐ 1", merge);
  worksheet_merge_range(ws, 1, 0, 2, 0, "STT", merge);
  worksheet_merge_range(ws, 1, 1, 2, 1, "Họ và tên", merge);
  worksheet_merge_range(ws, 1, 2, 1, 3, "Ngày", merge);
  worksheet_write_string(ws, 2, 2, "vào Đảng", nullptr);
  worksheet_write_string(ws, 2, 3, "chính thức", nullptr);
  worksheet_merge_range(ws, 1, 4, 2, 4, "Số CCCD", merge);
  for (int i = 0; i < 5; ++i) {
    const int r = 3 + i;
    worksheet_write_number(ws, r, 0, i + 1, nullptr);
    worksheet_write_string(ws, r, 1, i == 0 ? "NGUYỄN VĂN AN" : "Lê Thị Bình", nullptr);
    lxw_datetime dt = {2010, 5, 19, 0, 0, 0};
    worksheet_write_datetime(ws, r, 2, &dt, date);  // a date cell
    worksheet_write_number(ws, r, 3, 40682, nullptr);  // 2011-05-19 as a bare serial
    worksheet_write_number(ws, r, 4, 79190001234.0, nullptr);  // leading 0 lost
  }
  EXPECT_EQ(workbook_close(wb), LXW_NO_ERROR);
  return path;
}

}  // namespace

TEST(XlsxReader, SheetWithMostRowsMergedTwoRowHeaderDates) {
  const std::string path = make_xlsx();
  auto x = quality::XlsxReader::open_file(path);
  EXPECT_EQ(x->sheet_name(), "Danh sách");
  EXPECT_EQ(x->sheet_names(), (std::vector<std::string>{"Ghi chú", "Danh sách"}));
  auto recs = read_all(*x);
  ASSERT_EQ(recs.size(), 8u);  // title, 2 header rows, 5 data rows
  const std::size_t h = quality::find_header_row(recs);
  EXPECT_EQ(h, 1u);
  bool two = false;
  auto header = quality::build_header(recs, h, x->merges(), &two);
  EXPECT_TRUE(two);
  ASSERT_GE(header.size(), 5u);
  EXPECT_EQ(header[0], "STT");
  EXPECT_EQ(header[1], "Họ và tên");
  EXPECT_EQ(header[2], "Ngày vào Đảng");
  EXPECT_EQ(header[3], "Ngày chính thức");
  EXPECT_EQ(header[4], "Số CCCD");
  EXPECT_EQ(recs[3].line, 4u);
  EXPECT_EQ(recs[3].cells[2], "19/05/2010");  // date-formatted cell
  EXPECT_EQ(recs[3].cells[3], "40682");        // general cell: the serial as written
  auto m = quality::auto_mapping(header);
  auto r = standardizer().standardize_row(m, recs[3].cells);
  EXPECT_EQ(r.values[1], "Nguyễn Văn An");
  EXPECT_EQ(r.values[2], "19/05/2010");
  EXPECT_EQ(r.values[3], "19/05/2011");
  EXPECT_EQ(r.values[4], "079190001234");
  // A named sheet, and a missing one.
  auto x2 = quality::XlsxReader::open_file(path, "Ghi chú");
  EXPECT_EQ(read_all(*x2).size(), 2u);
  EXPECT_THROW(quality::XlsxReader::open_file(path, "Không có"), std::runtime_error);
  // From memory too.
  auto x3 = quality::XlsxReader::open_memory(read_file(path));
  EXPECT_EQ(read_all(*x3).size(), 8u);
  EXPECT_TRUE(quality::looks_like_xlsx(path));
  std::remove(path.c_str());
}

TEST(XlsxReader, NotAWorkbook) {
  EXPECT_THROW(quality::XlsxReader::open_memory("not a zip"), std::runtime_error);
  const std::string path = temp_path("x.csv");
  {
    std::ofstream o(path);
    o << "a,b\n";
  }
  EXPECT_FALSE(quality::looks_like_xlsx(path));
  EXPECT_THROW(quality::XlsxReader::open_file(path), std::runtime_error);
  std::remove(path.c_str());
}

TEST(Mapping, HeadersInLegacyEncodingsAreRecognised) {
  // tcvn3-raw.csv: the whole file in TCVN3 bytes; "Số CCCD" is S E8 20 43 43 43 44, which also
  // reads as Windows-1252 "Sè CCCD" — the header must still be the CCCD column.
  std::vector<quality::RawRecord> recs(1);
  recs[0].line = 1;
  recs[0].cells = {"STT", "H\xE4 v\xB5 t\xAAn", "Ng\xB5y sinh", "S\xE8 CCCD", "Ng\xB5y v\xB5o \xA7\xB6ng"};
  EXPECT_EQ(quality::find_header_row(recs), 0u);
  auto h = quality::build_header(recs, 0, {}, nullptr);
  ASSERT_EQ(h.size(), 5u);
  EXPECT_EQ(h[1], "Họ và tên");
  EXPECT_EQ(h[3], "Số CCCD");
  EXPECT_EQ(h[4], "Ngày vào Đảng");
  auto m = quality::auto_mapping(h);
  EXPECT_EQ(m.fields[3], Field::citizen_id);
  EXPECT_EQ(m.fields[4], Field::admitted_on);
  // The same TCVN3 bytes shown through a legacy font and saved as UTF-8 (tcvn3-as-utf8.csv),
  // VNI shown through Windows-1252 ("Soá" = S o E1), Windows-1258 bytes and VIQR.
  recs[0].cells = {"STT", "Sè CCCD", "Soá ñieän thoaïi", "S\xF4\xEC CCCD", "So^' CCCD"};
  h = quality::build_header(recs, 0, {}, nullptr);
  ASSERT_EQ(h.size(), 5u);
  EXPECT_EQ(h[1], "Số CCCD");
  EXPECT_EQ(quality::recognise_header(h[2]), Field::phone) << h[2];
  EXPECT_EQ(h[3], "Số CCCD");
  EXPECT_EQ(quality::recognise_header(h[4]), Field::citizen_id) << h[4];
}

TEST(Mapping, AMalformedMappingFileSaysWhereInVietnamese) {
  // bad-mapping.json: a trailing comma; the "}" after it (column 39) is where a name was expected.
  quality::Mapping m = quality::auto_mapping({"STT", "Họ và tên"});
  try {
    quality::apply_mapping_json(m, "{\"columns\": {\"Họ và tên\": \"full_name\",}", "bad-mapping.json");
    ADD_FAILURE() << "accepted";
  } catch (const std::runtime_error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("bad-mapping.json không phải JSON hợp lệ: lỗi ở dòng 1, cột 39"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("boost"), std::string::npos) << msg;
    EXPECT_EQ(msg.find(".hpp"), std::string::npos) << msg;
  }
  try {
    quality::apply_mapping_json(m, "{\n  \"columns\": {\n    \"STT\": \"row_number\"\n", "m.json");
    ADD_FAILURE() << "accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("dòng 4, cột 1 (tệp kết thúc khi JSON chưa đóng)"), std::string::npos)
        << e.what();
  }
}

namespace {

// multi-merged-trap.xlsx, as mkxlsx.c builds it: a statistics sheet with more rows than the
// roster, and the roster with a title row, "Ngày tháng năm" merged over "Sinh / Vào Đảng /
// Chính thức", and a last column "Ghi chú" left empty in every data row.
std::string make_trap_xlsx(bool with_roster) {
  const std::string path = temp_path(with_roster ? "trap.xlsx" : "stats-only.xlsx");
  lxw_workbook* wb = workbook_new(path.c_str());
  lxw_worksheet* st = workbook_add_worksheet(wb, "Thống kê");
  worksheet_write_string(st, 0, 0, "Chỉ tiêu", nullptr);
  worksheet_write_string(st, 0, 1, "Số lượng", nullptr);
  for (int r = 1; r <= 30; ++r) {
    worksheet_write_string(st, r, 0, ("Chỉ tiêu " + std::to_string(r)).c_str(), nullptr);
    worksheet_write_number(st, r, 1, r * 3, nullptr);
  }
  if (!with_roster) {
    lxw_worksheet* note = workbook_add_worksheet(wb, "Ghi chú");
    worksheet_write_string(note, 0, 0, "Nội dung", nullptr);
    worksheet_write_string(note, 0, 1, "Người ghi", nullptr);
  } else {
    lxw_worksheet* ws = workbook_add_worksheet(wb, "DS đảng viên");
    lxw_format* merge = workbook_add_format(wb);
    worksheet_merge_range(ws, 0, 0, 0, 6, "DANH SÁCH ĐẢNG VIÊN", merge);
    worksheet_merge_range(ws, 1, 0, 2, 0, "STT", merge);
    worksheet_merge_range(ws, 1, 1, 2, 1, "Họ và tên", merge);
    worksheet_merge_range(ws, 1, 2, 1, 4, "Ngày tháng năm", merge);
    worksheet_write_string(ws, 2, 2, "Sinh", nullptr);
    worksheet_write_string(ws, 2, 3, "Vào Đảng", nullptr);
    worksheet_write_string(ws, 2, 4, "Chính thức", nullptr);
    worksheet_merge_range(ws, 1, 5, 2, 5, "Số CCCD", merge);
    worksheet_merge_range(ws, 1, 6, 2, 6, "Ghi chú", merge);
    worksheet_write_string(ws, 3, 0, "1", nullptr);
    worksheet_write_string(ws, 3, 1, "Nguyễn Văn An", nullptr);
    worksheet_write_string(ws, 3, 2, "15/03/1970", nullptr);
    worksheet_write_string(ws, 3, 3, "10/05/1995", nullptr);
    worksheet_write_string(ws, 3, 4, "10/05/1996", nullptr);
    worksheet_write_string(ws, 3, 5, "079070339563", nullptr);
  }
  EXPECT_EQ(workbook_close(wb), LXW_NO_ERROR);
  return path;
}

}  // namespace

TEST(XlsxReader, TheRosterSheetIsChosenByItsHeaderNotItsRowCount) {
  const std::string path = make_trap_xlsx(true);
  auto x = quality::XlsxReader::open_file(path);
  EXPECT_EQ(x->sheet_name(), "DS đảng viên");
  // No sheet with a member header: the error names the sheets and --sheet.
  const std::string stats = make_trap_xlsx(false);
  quality::CleanJob job;
  job.input = stats;
  job.output = temp_path("stats-out.csv");
  job.findings = temp_path("stats-f.csv");
  try {
    quality::run_clean(refdata(), rules(), options(), job);
    ADD_FAILURE() << "cleaned";
  } catch (const std::runtime_error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("Không nhận ra cột nào"), std::string::npos) << msg;
    EXPECT_NE(msg.find("đã đọc trang tính 'Thống kê'; tệp có các trang \"Thống kê\", \"Ghi chú\"; chọn trang bằng "
                       "--sheet TÊN"),
              std::string::npos)
        << msg;
  }
  std::remove(stats.c_str());
  std::remove(path.c_str());
}

TEST(XlsxReader, TrailingEmptyCellsAreNotMissingAndSubHeadersMap) {
  const std::string path = make_trap_xlsx(true);
  auto x = quality::XlsxReader::open_file(path);
  auto recs = read_all(*x);
  ASSERT_EQ(recs.size(), 4u);  // title, two header rows, one member
  EXPECT_EQ(recs[3].cells.size(), 7u);  // "Ghi chú" empty: still 7 cells
  EXPECT_EQ(recs[3].cells[6], "");
  bool two = false;
  auto header = quality::build_header(recs, quality::find_header_row(recs), x->merges(), &two);
  EXPECT_TRUE(two);
  ASSERT_EQ(header.size(), 7u);
  EXPECT_EQ(header[2], "Ngày tháng năm Sinh");
  EXPECT_EQ(header[3], "Vào Đảng");
  EXPECT_EQ(header[4], "Chính thức");
  auto m = quality::auto_mapping(header);
  EXPECT_EQ(m.fields[2], Field::birth_date);
  EXPECT_EQ(m.fields[3], Field::admitted_on);
  EXPECT_EQ(m.fields[4], Field::full_member_on);
  EXPECT_EQ(m.fields[6], Field::none);
  // `clean`: no row.missing_cells; the unmapped column is printed.
  quality::CleanJob job;
  job.input = path;
  job.output = temp_path("trap-out.csv");
  job.findings = temp_path("trap-f.csv");
  job.threads = 1;
  auto st = quality::run_clean(refdata(), rules(), options(), job);
  EXPECT_EQ(st.rows_read, 1);
  EXPECT_EQ(st.by_code.count("row.missing_cells"), 0u);
  std::ostringstream o;
  quality::print_clean_summary(o, st);
  EXPECT_NE(o.str().find("Cột không ánh xạ (giữ nguyên như văn bản): Ghi chú\n"), std::string::npos) << o.str();
  // The row accounting in Vietnamese, and the English line scripts grep, unchanged and last.
  const std::string tail = "Số dòng: đọc 1 = ghi ra 1 + loại 0\n";
  EXPECT_EQ(o.str().substr(o.str().size() - tail.size()), tail) << o.str();
  std::remove(path.c_str());
}

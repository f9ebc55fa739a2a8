// dangbo::quality — table readers for member exports: CSV (any usual delimiter, quotes,
// BOM, CRLF, UTF-8 / UTF-16 / legacy 8-bit bytes) and XLSX (libzip + pugixml).
//
// Readers return records of cells as they stand in the file. They do not decide which row is
// the header (see table.hpp) and they do not repair legacy encodings: for a file that is not
// Unicode, cells are returned as raw bytes and each field is repaired by the standardizers
// (vntext::repair_text), because real exports mix encodings from cell to cell.
// No reader throws on malformed content; they throw std::runtime_error (a Vietnamese sentence)
// only when the file cannot be opened or is not a table at all (an XLSX without a workbook,
// binary bytes: see NotATable).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace dangbo::quality {

/// The file is not a table dangbo reads; what() is a Vietnamese sentence for the user naming
/// what the bytes look like and what to do (save as .xlsx or CSV).
struct NotATable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Checks the first bytes of a file (`head`, up to 64 KB) and its name (may be empty) before
/// a reader is chosen. Throws NotATable for: a known non-table signature (PDF, Excel 97–2003
/// .xls / Word .doc, gzip, 7z, RAR, PNG, JPEG, GIF, ELF); bytes that look binary in a file
/// that is not UTF-16 (NULs and C0 controls that no text or legacy
/// Vietnamese encoding uses, over 1 % of `head` and at least 4; a
/// stray NUL in a text export is read and removed cell by cell); a name ending .xlsx/.xlsm whose
/// bytes are not ZIP. A ZIP without a workbook is left to XlsxReader, which names the missing part.
void check_table_bytes(std::string_view head, std::string_view name);

/// A stream of bytes read in blocks.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  /// Reads up to n bytes into buf; returns 0 at the end.
  virtual std::size_t read(char* buf, std::size_t n) = 0;
};

/// Opens a file for reading; throws std::runtime_error when it cannot.
std::unique_ptr<ByteSource> open_file_source(const std::string& path);
/// Reads from memory (the data must outlive the source).
std::unique_ptr<ByteSource> memory_source(std::string_view data);

/// How a file's bytes are encoded, as far as the whole file goes.
enum class FileEncoding {
  utf8,      // well-formed UTF-8 (in the first 64 KiB), no BOM
  utf8_bom,  // UTF-8 with a byte-order mark
  utf16le,   // UTF-16 little endian (BOM, or NUL bytes at odd offsets)
  utf16be,   // UTF-16 big endian
  legacy,    // 8-bit bytes that are not UTF-8 (Windows-1258, TCVN3, VNI, …): cells stay raw
};
std::string_view to_string(FileEncoding e);

/// One record: its cells and the 1-based physical line (CSV) or sheet row (XLSX) where it
/// starts. `malformed` is set for a CSV record whose quoted field never closed (end of file) or
/// had to be read with its quotes taken literally (a stray quote, see CsvReader).
struct RawRecord {
  std::size_t line = 0;
  std::vector<std::string> cells;
  bool malformed = false;
};

class RecordReader {
 public:
  virtual ~RecordReader() = default;
  /// Fills rec with the next record; false at the end. Records with no characters at all
  /// (blank lines) are skipped; records whose cells are all empty are returned.
  virtual bool next(RawRecord& rec) = 0;
  /// Horizontal merged-cell ranges (XLSX only): row, first and last column (0-based).
  struct Merge {
    std::size_t row = 0;
    std::size_t first_col = 0, last_col = 0;
  };
  virtual const std::vector<Merge>& merges() const {
    static const std::vector<Merge> none;
    return none;
  }
  /// A short description for logs: "CSV, UTF-8 (BOM), delimiter ';'" / "XLSX, sheet 'DS'".
  virtual std::string describe() const = 0;
};

/// Streaming CSV reader (RFC 4180, read leniently). Memory is bounded by the longest record,
/// not the file: a 1,000,000-row file is read in 1 MiB blocks.
/// - Encoding: BOM (UTF-8, UTF-16 LE/BE) or, without one, UTF-16 recognised by its NUL bytes;
///   UTF-16 is converted to UTF-8 on the fly. A file that is not UTF-8 is "legacy": cells are
///   returned as raw bytes.
/// - Delimiter: , ; TAB or | — the one that splits the first lines into the most consistent
///   number of fields (unless given).
/// - Quotes: "…" with "" for a quote, delimiters and line breaks inside; a quote inside an
///   unquoted field is an ordinary character; text after a closing quote is kept. A quoted
///   field that runs past 1 MiB is taken to start with a stray quote: that record is re-read
///   with quotes as ordinary characters up to the end of its line and marked malformed. So is
///   a quoted field that runs over a line end when the next line reads as a whole record as
///   wide as the first record of two fields or more (the header): a quote never closed does
///   not swallow the rows after it.
/// - Line ends: LF, CRLF or CR.
class CsvReader : public RecordReader {
 public:
  explicit CsvReader(std::unique_ptr<ByteSource> src, std::optional<char> delimiter = std::nullopt);
  ~CsvReader() override;
  bool next(RawRecord& rec) override;
  std::string describe() const override;
  char delimiter() const { return delim_; }
  FileEncoding encoding() const { return enc_; }

 private:
  bool fill();  // reads more bytes into buf_; false at the end of input
  bool looks_like_record(std::string_view line) const;  // a whole record of width_ fields
  std::size_t width_ = 0;  // fields of the first record with two or more (the header)
  std::unique_ptr<ByteSource> src_;
  std::string buf_;
  std::size_t pos_ = 0, len_ = 0;
  bool eof_ = false;
  std::size_t line_ = 1;
  char delim_ = ',';
  FileEncoding enc_ = FileEncoding::utf8;
  std::vector<std::size_t> fb_, fe_;  // field boundaries of the record being scanned
  std::array<bool, 256> special_{};   // delimiter, CR, LF
};

/// Opens a CSV file (see CsvReader).
std::unique_ptr<CsvReader> open_csv(const std::string& path, std::optional<char> delimiter = std::nullopt);

/// XLSX reader (Office Open XML spreadsheet; .xls is not supported).
/// - The sheet: the one named `sheet` (throws when there is none), else the sheet whose first
///   12 rows include a header naming the most member fields (recognise_header, at least two);
///   ties (and when no sheet has such a header): the most rows of at least two non-empty cells.
/// - Cells: shared strings (rich-text runs joined, phonetic runs skipped), inline strings,
///   formula results, booleans ("TRUE"/"FALSE"), numbers as Excel wrote them. Numbers whose
///   cell style is a date format are returned as dd/mm/yyyy (the 1900 date system with its
///   leap-year bug: serial 60 becomes "29/02/1900", an impossible date the date standardizer
///   flags; the 1904 system when the workbook says so).
/// - Rows come in sheet order with missing cells as empty strings, each at least as wide as the
///   widest row before it (Excel writes no element for an empty trailing cell); `line` is the
///   sheet row number. Horizontal merged ranges are reported by merges() so a header can be rebuilt.
/// The chosen sheet's XML is parsed in memory (about 2–3 times its uncompressed size).
class XlsxReader : public RecordReader {
 public:
  static std::unique_ptr<XlsxReader> open_file(const std::string& path, const std::string& sheet = "");
  /// `data` is the whole .xlsx file.
  static std::unique_ptr<XlsxReader> open_memory(std::string data, const std::string& sheet = "");
  ~XlsxReader() override;
  bool next(RawRecord& rec) override;
  const std::vector<Merge>& merges() const override;
  std::string describe() const override;
  const std::string& sheet_name() const;
  std::vector<std::string> sheet_names() const;

  struct Impl;

 private:
  explicit XlsxReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// True when the file starts like a ZIP archive (an .xlsx), judged by its first bytes.
bool looks_like_xlsx(const std::string& path);

/// The civil date of an Excel serial day number, as (year, month, day), or nullopt when out of
/// range (< 1 or ≥ 2958466, i.e. after 9999-12-31). 1900 system: 1 = 1900-01-01, and 60 is
/// the nonexistent 1900-02-29 that Excel (after Lotus 1-2-3) counts; it is returned as
/// {1900, 2, 29} so callers can flag it. 1904 system: 0 = 1904-01-01.
struct YMD {
  int y = 0;
  unsigned m = 0, d = 0;
};
std::optional<YMD> excel_serial_date(long serial, bool date1904 = false);

}  // namespace dangbo::quality

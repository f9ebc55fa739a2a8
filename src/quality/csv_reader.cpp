// Streaming CSV reader: encoding and delimiter detection, lenient RFC 4180 parsing.

#include <algorithm>
#include <cctype>
#include <array>
#include <cstdio>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <utility>

#include "quality/reader.hpp"
#include "vntext/utf8.hpp"

namespace dangbo::quality {

namespace {

constexpr std::size_t kBlock = 1 << 20;        // bytes read per refill
constexpr std::size_t kHead = 64 << 10;        // bytes looked at to detect the encoding
constexpr std::size_t kMaxQuoted = 1 << 20;    // a quoted field longer than this is a stray quote

class FileSource final : public ByteSource {
 public:
  explicit FileSource(const std::string& path) : f_(std::fopen(path.c_str(), "rb")) {
    if (!f_) throw std::runtime_error("Không mở được tệp " + path);
  }
  ~FileSource() override {
    if (f_) std::fclose(f_);
  }
  std::size_t read(char* buf, std::size_t n) override { return std::fread(buf, 1, n, f_); }

 private:
  std::FILE* f_;
};

class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::string_view d) : d_(d) {}
  std::size_t read(char* buf, std::size_t n) override {
    const std::size_t k = std::min(n, d_.size() - pos_);
    if (k) std::memcpy(buf, d_.data() + pos_, k);
    pos_ += k;
    return k;
  }

 private:
  std::string_view d_;
  std::size_t pos_ = 0;
};

/// The bytes already looked at, then the rest of the inner source.
class PrefixSource final : public ByteSource {
 public:
  PrefixSource(std::string head, std::unique_ptr<ByteSource> inner) : head_(std::move(head)), inner_(std::move(inner)) {}
  std::size_t read(char* buf, std::size_t n) override {
    if (pos_ < head_.size()) {
      const std::size_t k = std::min(n, head_.size() - pos_);
      std::memcpy(buf, head_.data() + pos_, k);
      pos_ += k;
      return k;
    }
    return inner_->read(buf, n);
  }

 private:
  std::string head_;
  std::size_t pos_ = 0;
  std::unique_ptr<ByteSource> inner_;
};

/// UTF-16 (LE or BE) → UTF-8, streaming. Unpaired surrogates become U+FFFD; a trailing odd
/// byte is dropped.
class Utf16Source final : public ByteSource {
 public:
  Utf16Source(std::unique_ptr<ByteSource> inner, bool big_endian) : inner_(std::move(inner)), be_(big_endian) {}
  std::size_t read(char* buf, std::size_t n) override {
    while (out_.size() - out_pos_ < n && !eof_) convert_more();
    const std::size_t k = std::min(n, out_.size() - out_pos_);
    std::memcpy(buf, out_.data() + out_pos_, k);
    out_pos_ += k;
    if (out_pos_ == out_.size()) out_.clear(), out_pos_ = 0;
    return k;
  }

 private:
  void convert_more() {
    char tmp[64 << 10];
    const std::size_t got = inner_->read(tmp, sizeof tmp);
    if (got == 0) {
      eof_ = true;
      if (high_) vntext::detail::append_utf8(out_, 0xFFFD), high_ = 0;
      return;
    }
    in_.append(tmp, got);
    std::size_t i = 0;
    for (; i + 1 < in_.size(); i += 2) {
      const auto b0 = static_cast<unsigned char>(in_[i]), b1 = static_cast<unsigned char>(in_[i + 1]);
      const char32_t u = be_ ? (char32_t(b0) << 8 | b1) : (char32_t(b1) << 8 | b0);
      if (high_) {
        if (u >= 0xDC00 && u <= 0xDFFF) {
          vntext::detail::append_utf8(out_, 0x10000 + ((high_ - 0xD800) << 10) + (u - 0xDC00));
          high_ = 0;
          continue;
        }
        vntext::detail::append_utf8(out_, 0xFFFD);
        high_ = 0;
      }
      if (u >= 0xD800 && u <= 0xDBFF) high_ = u;
      else if (u >= 0xDC00 && u <= 0xDFFF) vntext::detail::append_utf8(out_, 0xFFFD);
      else vntext::detail::append_utf8(out_, u);
    }
    in_.erase(0, i);
  }
  std::unique_ptr<ByteSource> inner_;
  bool be_;
  std::string in_, out_;
  std::size_t out_pos_ = 0;
  char32_t high_ = 0;
  bool eof_ = false;
};

/// True when s is UTF-8, allowing a sequence cut at the end of the sample.
bool utf8_prefix_ok(std::string_view s) {
  std::size_t cut = 0;
  // Drop an incomplete trailing sequence (at most 3 bytes).
  for (std::size_t k = 1; k <= 3 && k <= s.size(); ++k) {
    const auto b = static_cast<unsigned char>(s[s.size() - k]);
    if ((b & 0xC0) == 0x80) continue;  // continuation: look further back
    if (b >= 0xC0) {
      const std::size_t need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
      if (need > k) cut = k;
    }
    break;
  }
  return vntext::detail::valid_utf8(s.substr(0, s.size() - cut));
}

/// Chooses the delimiter that splits the first records most consistently.
char detect_delimiter(std::string_view text) {
  static constexpr char kCands[] = {',', ';', '\t', '|'};
  std::vector<std::array<int, 4>> counts;
  std::array<int, 4> cur{};
  bool in_q = false, field_start = true, any = false;
  for (std::size_t i = 0; i < text.size() && counts.size() < 30; ++i) {
    const char c = text[i];
    if (in_q) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') ++i;
        else in_q = false;
      }
      continue;
    }
    if (c == '\n' || c == '\r') {
      if (any) counts.push_back(cur);
      cur = {};
      any = false;
      field_start = true;
      continue;
    }
    any = true;
    if (c == '"' && field_start) {
      in_q = true;
      field_start = false;
      continue;
    }
    field_start = false;
    for (int k = 0; k < 4; ++k)
      if (c == kCands[k]) ++cur[std::size_t(k)], field_start = true;
  }
  if (any && counts.size() < 30) counts.push_back(cur);
  int best = 0;
  long best_score = -1;
  for (int k = 0; k < 4; ++k) {
    // The most frequent non-zero count, and how many records have it.
    std::vector<int> v;
    for (auto& c : counts)
      if (c[std::size_t(k)] > 0) v.push_back(c[std::size_t(k)]);
    if (v.empty()) continue;
    std::sort(v.begin(), v.end());
    int mode = v[0], mode_n = 0;
    for (std::size_t a = 0; a < v.size();) {
      std::size_t b = a;
      while (b < v.size() && v[b] == v[a]) ++b;
      if (int(b - a) > mode_n || (int(b - a) == mode_n && v[a] > mode)) mode = v[a], mode_n = int(b - a);
      a = b;
    }
    const long score = long(mode_n) * 1000 + std::min(mode, 999);
    if (score > best_score) best_score = score, best = k;
  }
  return kCands[best];
}

}  // namespace

std::unique_ptr<ByteSource> open_file_source(const std::string& path) { return std::make_unique<FileSource>(path); }
std::unique_ptr<ByteSource> memory_source(std::string_view data) { return std::make_unique<MemorySource>(data); }

std::string_view to_string(FileEncoding e) {
  switch (e) {
    case FileEncoding::utf8: return "UTF-8";
    case FileEncoding::utf8_bom: return "UTF-8 (BOM)";
    case FileEncoding::utf16le: return "UTF-16 LE";
    case FileEncoding::utf16be: return "UTF-16 BE";
    case FileEncoding::legacy: return "mã 8 bit cũ (sửa từng ô)";
  }
  return "?";
}

namespace {
// UTF-16 by its BOM (encoding, 2 bytes to skip) or, without one, by the NUL that ASCII
// characters leave in every other byte of the first 4 KB (encoding, 0); nullopt otherwise.
// Shared by check_table_bytes (UTF-16 is text, not binary) and the reader (which decodes it).
std::optional<std::pair<FileEncoding, std::size_t>> utf16_of(std::string_view head) {
  auto u8 = [&](std::size_t i) { return static_cast<unsigned char>(head[i]); };
  if (head.size() >= 2 && u8(0) == 0xFF && u8(1) == 0xFE) return std::pair{FileEncoding::utf16le, std::size_t(2)};
  if (head.size() >= 2 && u8(0) == 0xFE && u8(1) == 0xFF) return std::pair{FileEncoding::utf16be, std::size_t(2)};
  const std::size_t n = std::min<std::size_t>(head.size(), 4096) & ~std::size_t(1);
  std::size_t z_even = 0, z_odd = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (head[i] == '\0') (i % 2 ? z_odd : z_even)++;
  if (n >= 4 && z_odd * 10 >= n * 3 / 2 && z_even * 10 < z_odd) return std::pair{FileEncoding::utf16le, std::size_t(0)};
  if (n >= 4 && z_even * 10 >= n * 3 / 2 && z_odd * 10 < z_even) return std::pair{FileEncoding::utf16be, std::size_t(0)};
  return std::nullopt;
}
}  // namespace

void check_table_bytes(std::string_view head, std::string_view name) {
  auto starts = [&](std::string_view magic) { return head.substr(0, magic.size()) == magic; };
  struct Kind {
    std::string_view magic, what;
  };
  static constexpr Kind kinds[] = {
      {"%PDF", "tệp PDF"},
      {"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "tệp Excel 97–2003 (.xls) hoặc Word (.doc) đời cũ"},
      {"\x1F\x8B", "tệp nén gzip"},
      {"7z\xBC\xAF\x27\x1C", "tệp nén 7z"},
      {"Rar!", "tệp nén RAR"},
      {"\x89PNG", "ảnh PNG"},
      {"\xFF\xD8\xFF", "ảnh JPEG"},
      {"GIF8", "ảnh GIF"},
      {"\x7F" "ELF", "chương trình (ELF)"},
  };
  for (const Kind& k : kinds)
    if (starts(k.magic))
      throw NotATable("Tệp này là " + std::string(k.what) +
                      ", không phải bảng CSV hay Excel .xlsx; hãy mở bằng Excel và lưu thành .xlsx hoặc CSV UTF-8");
  const bool zip = starts("PK\x03\x04");
  auto ends_with = [&](std::string_view ext) {
    if (name.size() < ext.size()) return false;
    for (std::size_t i = 0; i < ext.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(name[name.size() - ext.size() + i])) != ext[i]) return false;
    return true;
  };
  if (!zip && (ends_with(".xlsx") || ends_with(".xlsm")))
    throw NotATable("Tệp có đuôi .xlsx nhưng nội dung không phải bảng tính Excel (.xlsx là tệp nén ZIP); "
                    "hãy mở bằng Excel và lưu lại thành .xlsx hoặc CSV UTF-8");
  if (zip) return;
  // UTF-16 text has NULs in every other byte; the CSV reader recognises it (BOM or pattern).
  // Its 16-bit units are checked instead: U+0000, the C0 controls no text uses and unpaired
  // surrogates over 1 % of the units looked at (and at least 4) mean binary bytes behind a
  // UTF-16 start (a header row followed by garbage).
  if (auto u16 = utf16_of(head)) {
    const bool be = u16->first == FileEncoding::utf16be;
    std::size_t units = 0, bad = 0;
    bool high = false;  // a high surrogate waits for its low half
    for (std::size_t i = u16->second; i + 1 < head.size(); i += 2, ++units) {
      const unsigned a = static_cast<unsigned char>(head[i]), b = static_cast<unsigned char>(head[i + 1]);
      const unsigned u = be ? (a << 8 | b) : (b << 8 | a);
      const bool is_high = u >= 0xD800 && u <= 0xDBFF, is_low = u >= 0xDC00 && u <= 0xDFFF;
      if (high && !is_low) ++bad;
      if (!high && is_low) ++bad;
      high = is_high;
      if (u < 0x20 && u != '\t' && u != '\n' && u != '\r' && u != 0x0C && u != 0x1B) ++bad;
    }
    if (bad >= 4 && bad * 100 > units)
      throw NotATable("Tệp không phải văn bản: " + std::to_string(bad) + " ký tự điều khiển hoặc mã UTF-16 hỏng trong " +
                      std::to_string(units) +
                      " ký tự đầu (tệp UTF-16 bị hỏng hoặc tệp nhị phân); hãy lưu lại thành .xlsx hoặc CSV UTF-8");
    return;
  }
  // Real exports sometimes carry a stray NUL or control byte in a cell (removed cell by cell by
  // the text standardizer); binary bytes have many. Refused only when NULs and the C0 control
  // bytes no text uses are more than 1 % of the bytes looked at (and at least 4). TAB LF CR FF
  // ESC are text; 01 02 04 05 06 11–17 19 1E are letters in TCVN3 or VISCII.
  static constexpr auto kBinary = [] {
    std::array<bool, 256> t{};
    for (int b : {0x00, 0x03, 0x07, 0x08, 0x0B, 0x0E, 0x0F, 0x10, 0x18, 0x1A, 0x1C, 0x1D, 0x1F}) t[std::size_t(b)] = true;
    return t;
  }();
  std::size_t ctl = 0;
  for (char ch : head) ctl += kBinary[static_cast<unsigned char>(ch)];
  if (ctl >= 4 && ctl * 100 > head.size()) {
    const std::size_t nul = head.find('\0');
    throw NotATable(
        "Tệp không phải văn bản: " + std::to_string(ctl) + " byte điều khiển" +
        (nul != std::string_view::npos ? " (byte 0 đầu tiên ở vị trí " + std::to_string(nul + 1) + ")" : std::string()) +
        " trong " + std::to_string(head.size()) +
        " byte đầu (tệp nhị phân hoặc bị hỏng); bảng CSV chỉ chứa chữ; hãy lưu lại thành .xlsx hoặc CSV UTF-8");
  }
}

CsvReader::CsvReader(std::unique_ptr<ByteSource> src, std::optional<char> delimiter) {
  std::string head(kHead, '\0');
  std::size_t got = 0;
  while (got < kHead) {
    const std::size_t k = src->read(head.data() + got, kHead - got);
    if (k == 0) break;
    got += k;
  }
  head.resize(got);
  check_table_bytes(head, {});
  std::size_t skip = 0;
  auto u8 = [&](std::size_t i) { return static_cast<unsigned char>(head[i]); };
  if (got >= 3 && u8(0) == 0xEF && u8(1) == 0xBB && u8(2) == 0xBF) {
    enc_ = FileEncoding::utf8_bom, skip = 3;
  } else if (auto u16 = utf16_of(head)) {
    enc_ = u16->first, skip = u16->second;
  } else {
    enc_ = utf8_prefix_ok(head) ? FileEncoding::utf8 : FileEncoding::legacy;
  }
  head.erase(0, skip);
  std::unique_ptr<ByteSource> s = std::make_unique<PrefixSource>(std::move(head), std::move(src));
  if (enc_ == FileEncoding::utf16le || enc_ == FileEncoding::utf16be)
    s = std::make_unique<Utf16Source>(std::move(s), enc_ == FileEncoding::utf16be);
  src_ = std::move(s);
  fill();
  delim_ = delimiter ? *delimiter : detect_delimiter(std::string_view(buf_.data() + pos_, len_ - pos_));
  special_.fill(false);
  special_[static_cast<unsigned char>(delim_)] = special_['\n'] = special_['\r'] = true;
}

CsvReader::~CsvReader() = default;

bool CsvReader::fill() {
  if (eof_) return false;
  if (pos_ > 0) {
    std::memmove(buf_.data(), buf_.data() + pos_, len_ - pos_);
    len_ -= pos_;
    pos_ = 0;
  }
  if (buf_.size() < len_ + kBlock) buf_.resize(len_ + kBlock);
  std::size_t got = 0;
  while (got == 0) {
    got = src_->read(buf_.data() + len_, kBlock);
    if (got == 0) {
      eof_ = true;
      return false;
    }
  }
  len_ += got;
  return true;
}

bool CsvReader::next(RawRecord& rec) {
  rec.cells.clear();
  rec.malformed = false;
  for (;;) {
    if (pos_ >= len_ && !fill()) return false;
    const char* b = buf_.data();
    // Blank lines are not records.
    if (b[pos_] == '\n' || b[pos_] == '\r') {
      if (b[pos_] == '\r' && pos_ + 1 >= len_ && !eof_) {
        fill();
        continue;
      }
      if (b[pos_] == '\r' && pos_ + 1 < len_ && b[pos_ + 1] == '\n') ++pos_;
      ++pos_;
      ++line_;
      continue;
    }
    // Scan one record from pos_. On running out of buffer, refill and rescan.
    bool literal = false;
  rescan:
    b = buf_.data();
    fb_.clear();
    fe_.clear();
    std::size_t i = pos_, nl = 0, next_pos = 0;
    std::size_t fstart = i;
    bool in_q = false, field_start = true, incomplete = false, unterminated = false;
    for (;;) {
      if (i >= len_) {
        if (!eof_) {
          incomplete = true;
          break;
        }
        unterminated = in_q;
        fb_.push_back(fstart), fe_.push_back(i);
        next_pos = i;
        break;
      }
      if (in_q) {
        const void* q = std::memchr(b + i, '"', len_ - i);
        const std::size_t qi = q ? std::size_t(static_cast<const char*>(q) - b) : len_;
        if (width_ >= 2 && !literal) {
          // A quoted field that runs over a line end and then over a line that reads as a whole
          // record of the header's width is a quote never closed: the record is re-read with
          // its quotes as ordinary characters up to its line end (and marked malformed).
          if (const void* lf = std::memchr(b + i, '\n', qi - i)) {
            const std::size_t a = std::size_t(static_cast<const char*>(lf) - b) + 1;
            const void* lf2 = std::memchr(b + a, '\n', len_ - a);
            if (!lf2 && !eof_) {
              incomplete = true;
              break;
            }
            const std::size_t e = lf2 ? std::size_t(static_cast<const char*>(lf2) - b) : len_;
            if (looks_like_record(std::string_view(b + a, e - a))) {
              literal = true;
              goto rescan;
            }
          }
        }
        for (std::size_t k = i; k < qi; ++k) nl += b[k] == '\n';
        i = qi;
        if (i - pos_ > kMaxQuoted) {
          literal = true;
          goto rescan;
        }
        if (i >= len_) continue;
        if (i + 1 >= len_ && !eof_) {
          incomplete = true;
          break;
        }
        if (i + 1 < len_ && b[i + 1] == '"') {
          i += 2;
          continue;
        }
        in_q = false;
        ++i;
        continue;
      }
      if (!field_start) {
        // Inside an unquoted field: skip ordinary bytes quickly (only the delimiter and line
        // ends matter there; a quote is an ordinary character).
        while (i < len_ && !special_[static_cast<unsigned char>(b[i])]) ++i;
        if (i >= len_) continue;
      }
      const char c = b[i];
      if (c == delim_) {
        fb_.push_back(fstart), fe_.push_back(i);
        fstart = ++i;
        field_start = true;
        continue;
      }
      if (c == '\n' || c == '\r') {
        fb_.push_back(fstart), fe_.push_back(i);
        if (c == '\r') {
          if (i + 1 >= len_ && !eof_) {
            incomplete = true;
            break;
          }
          i += (i + 1 < len_ && b[i + 1] == '\n') ? 2 : 1;
        } else {
          ++i;
        }
        ++nl;
        next_pos = i;
        break;
      }
      if (c == '"' && field_start && !literal) {
        in_q = true;
        field_start = false;
        ++i;
        continue;
      }
      field_start = false;
      ++i;
    }
    if (incomplete) {
      // fill() moves the record to the start of the buffer; scan it again.
      if (!fill()) { /* eof_ is now set: the rescan ends the record at the end of input */ }
      goto rescan;
    }
    // Materialize the cells.
    if (width_ == 0 && fb_.size() >= 2 && !literal && !unterminated) width_ = fb_.size();
    rec.line = line_;
    rec.malformed = literal || unterminated;
    rec.cells.resize(fb_.size());
    for (std::size_t f = 0; f < fb_.size(); ++f) {
      std::string& cell = rec.cells[f];
      cell.clear();
      const std::size_t s = fb_[f], e = fe_[f];
      if (!literal && s < e && b[s] == '"') {
        std::size_t k = s + 1;
        while (k < e) {
          const void* q = std::memchr(b + k, '"', e - k);
          const std::size_t qi = q ? std::size_t(static_cast<const char*>(q) - b) : e;
          cell.append(b + k, qi - k);
          if (qi >= e) break;
          if (qi + 1 < e && b[qi + 1] == '"') {
            cell += '"';
            k = qi + 2;
            continue;
          }
          cell.append(b + qi + 1, e - qi - 1);  // text after the closing quote is kept
          break;
        }
      } else {
        cell.assign(b + s, e - s);
      }
    }
    line_ += nl;
    pos_ = next_pos;
    return true;
  }
}

bool CsvReader::looks_like_record(std::string_view line) const {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::size_t fields = 1;
  bool in_q = false, field_start = true;
  for (std::size_t k = 0; k < line.size(); ++k) {
    const char c = line[k];
    if (in_q) {
      if (c == '"') {
        if (k + 1 < line.size() && line[k + 1] == '"') ++k;
        else in_q = false;
      }
      continue;
    }
    if (c == delim_) {
      ++fields;
      field_start = true;
      continue;
    }
    if (c == '"' && field_start) in_q = true;
    field_start = false;
  }
  return !in_q && fields == width_;
}

std::string CsvReader::describe() const {
  std::string d = "CSV, ";
  d += to_string(enc_);
  d += ", dấu phân cách ";
  d += delim_ == '\t' ? std::string("TAB") : "'" + std::string(1, delim_) + "'";
  return d;
}

std::unique_ptr<CsvReader> open_csv(const std::string& path, std::optional<char> delimiter) {
  check_table_bytes({}, path);  // the name (.xlsx that is not ZIP); the bytes are checked on opening
  return std::make_unique<CsvReader>(open_file_source(path), delimiter);
}

}  // namespace dangbo::quality

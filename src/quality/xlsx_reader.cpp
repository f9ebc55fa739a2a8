// XLSX reader: libzip for the package, pugixml for the parts (ECMA-376 SpreadsheetML).

#include <zip.h>

#include <pugixml.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>

#include "quality/mapping.hpp"
#include "quality/reader.hpp"
#include "vntext/encoding.hpp"
#include "vntext/text.hpp"

namespace dangbo::quality {

namespace {

constexpr std::size_t kMaxPart = std::size_t(1) << 30;  // refuse parts above 1 GiB uncompressed

struct Zip {
  zip_t* z = nullptr;
  ~Zip() {
    if (z) zip_discard(z);
  }
};

[[noreturn]] void bad(const std::string& what) { throw std::runtime_error("Tệp XLSX không đọc được: " + what); }

/// Reads one part; nullopt when the package has no such part.
std::optional<std::string> read_part(zip_t* z, const std::string& name) {
  const zip_int64_t idx = zip_name_locate(z, name.c_str(), ZIP_FL_NOCASE);
  if (idx < 0) return std::nullopt;
  zip_file_t* f = zip_fopen_index(z, zip_uint64_t(idx), 0);
  if (!f) bad("không mở được phần " + name);
  std::string out;
  char buf[64 << 10];
  for (;;) {
    const zip_int64_t k = zip_fread(f, buf, sizeof buf);
    if (k < 0) {
      zip_fclose(f);
      bad("phần " + name + " bị hỏng");
    }
    if (k == 0) break;
    out.append(buf, std::size_t(k));
    if (out.size() > kMaxPart) {
      zip_fclose(f);
      bad("phần " + name + " quá lớn");
    }
  }
  zip_fclose(f);
  return out;
}

/// Decodes the _xHHHH_ escapes OOXML uses for control characters in strings.
std::string unescape_ooxml(std::string s) {
  if (s.find("_x") == std::string::npos) return s;
  std::string r;
  r.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_' && i + 6 < s.size() && s[i + 1] == 'x' && s[i + 6] == '_') {
      unsigned v = 0;
      bool ok = true;
      for (std::size_t k = 2; k < 6; ++k) {
        const char c = s[i + k];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= unsigned(c - '0');
        else if (c >= 'a' && c <= 'f') v |= unsigned(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= unsigned(c - 'A' + 10);
        else ok = false;
      }
      if (ok && v < 0xD800) {
        if (v < 0x80) r += char(v);
        else if (v < 0x800) r += char(0xC0 | (v >> 6)), r += char(0x80 | (v & 0x3F));
        else r += char(0xE0 | (v >> 12)), r += char(0x80 | ((v >> 6) & 0x3F)), r += char(0x80 | (v & 0x3F));
        i += 6;
        continue;
      }
    }
    r += s[i];
  }
  return r;
}

/// Text of a string item (<si> or <is>): plain <t>, or rich-text runs <r><t>; phonetic runs
/// (<rPh>) are skipped.
std::string item_text(pugi::xml_node si) {
  std::string out;
  for (pugi::xml_node n : si.children()) {
    const char* nm = n.name();
    if (std::strcmp(nm, "t") == 0) out += n.text().get();
    else if (std::strcmp(nm, "r") == 0) out += n.child("t").text().get();
  }
  return unescape_ooxml(std::move(out));
}

bool builtin_date_format(int id) {
  return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) || (id >= 50 && id <= 58);
}

/// A custom number format shows a date when, outside quoted text, escapes and [..] sections,
/// it has a day or year code.
bool custom_date_format(std::string_view code) {
  bool in_q = false, in_b = false;
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (in_q) {
      if (c == '"') in_q = false;
      continue;
    }
    if (in_b) {
      if (c == ']') in_b = false;
      continue;
    }
    if (c == '"') in_q = true;
    else if (c == '[') in_b = true;
    else if (c == '\\' || c == '_' || c == '*') ++i;
    else if (c == 'd' || c == 'D' || c == 'y' || c == 'Y') return true;
    else if (c == ';') break;  // only the first section matters
  }
  return false;
}

/// Column index of a cell reference ("AB12" → 27); -1 when malformed.
long column_of(const char* ref) {
  long col = 0;
  int n = 0;
  for (; *ref >= 'A' && *ref <= 'Z'; ++ref, ++n) {
    col = col * 26 + (*ref - 'A' + 1);
    if (col > 16384) return -1;
  }
  return n ? col - 1 : -1;
}

long row_of(const char* ref) {
  while (*ref >= 'A' && *ref <= 'Z') ++ref;
  long r = 0;
  for (; *ref >= '0' && *ref <= '9'; ++ref) {
    r = r * 10 + (*ref - '0');
    if (r > 100000000) return -1;
  }
  return r;
}

std::string two(unsigned v) { return std::string{char('0' + v / 10 % 10), char('0' + v % 10)}; }

}  // namespace

std::optional<YMD> excel_serial_date(long serial, bool date1904) {
  using namespace std::chrono;
  if (date1904) {
    if (serial < 0 || serial > 2957003) return std::nullopt;
    const year_month_day d{sys_days{year{1904} / January / 1} + days{serial}};
    return YMD{int(d.year()), unsigned(d.month()), unsigned(d.day())};
  }
  if (serial < 1 || serial >= 2958466) return std::nullopt;
  if (serial == 60) return YMD{1900, 2, 29};  // Lotus 1-2-3's leap-year bug, kept by Excel
  const long off = serial < 60 ? serial : serial - 1;
  const year_month_day d{sys_days{year{1899} / December / 31} + days{off}};
  return YMD{int(d.year()), unsigned(d.month()), unsigned(d.day())};
}

struct XlsxReader::Impl {
  std::string package;  // the .xlsx bytes when opened from memory
  Zip zip;
  std::vector<std::string> shared;
  std::vector<bool> date_style;
  bool date1904 = false;
  std::vector<std::pair<std::string, std::string>> sheets;  // name, part path
  std::string sheet_name;
  std::string xml;  // the chosen sheet's XML (parsed in place)
  pugi::xml_document doc;
  pugi::xml_node row;  // next <row>
  long last_row = 0;
  std::size_t width = 0;  // the widest row returned so far
  std::vector<Merge> merges;

  void open(const std::string& wanted) {
    // Workbook: sheets and the date system.
    auto wb = read_part(zip.z, "xl/workbook.xml");
    if (!wb) bad("thiếu xl/workbook.xml (có phải tệp .xlsx không?)");
    pugi::xml_document wdoc;
    if (!wdoc.load_buffer(wb->data(), wb->size())) bad("xl/workbook.xml không hợp lệ");
    pugi::xml_node wroot = wdoc.document_element();
    const char* d1904 = wroot.child("workbookPr").attribute("date1904").value();
    date1904 = std::strcmp(d1904, "1") == 0 || std::strcmp(d1904, "true") == 0;
    std::map<std::string, std::string> rel_target;
    if (auto rels = read_part(zip.z, "xl/_rels/workbook.xml.rels")) {
      pugi::xml_document rdoc;
      if (rdoc.load_buffer(rels->data(), rels->size()))
        for (pugi::xml_node r : rdoc.document_element().children("Relationship")) {
          std::string t = r.attribute("Target").value();
          if (!t.empty() && t[0] == '/') t = t.substr(1);
          else t = "xl/" + t;
          rel_target[r.attribute("Id").value()] = t;
        }
    }
    int k = 0;
    for (pugi::xml_node s : wroot.child("sheets").children("sheet")) {
      ++k;
      std::string rid;
      for (pugi::xml_attribute a : s.attributes()) {
        std::string_view an = a.name();
        if (an.size() >= 3 && an.substr(an.size() - 3) == ":id") rid = a.value();
      }
      auto it = rel_target.find(rid);
      std::string part = it != rel_target.end() ? it->second : "xl/worksheets/sheet" + std::to_string(k) + ".xml";
      sheets.emplace_back(s.attribute("name").value(), part);
    }
    if (sheets.empty()) bad("sổ tính không có trang nào");

    // Shared strings and styles.
    if (auto ss = read_part(zip.z, "xl/sharedStrings.xml")) {
      pugi::xml_document sdoc;
      if (sdoc.load_buffer_inplace(ss->data(), ss->size()))
        for (pugi::xml_node si : sdoc.document_element().children("si")) shared.push_back(item_text(si));
    }
    if (auto st = read_part(zip.z, "xl/styles.xml")) {
      pugi::xml_document sdoc;
      if (sdoc.load_buffer(st->data(), st->size())) {
        std::map<int, bool> custom;
        for (pugi::xml_node f : sdoc.document_element().child("numFmts").children("numFmt"))
          custom[f.attribute("numFmtId").as_int()] = custom_date_format(f.attribute("formatCode").value());
        for (pugi::xml_node xf : sdoc.document_element().child("cellXfs").children("xf")) {
          const int id = xf.attribute("numFmtId").as_int();
          auto c = custom.find(id);
          date_style.push_back(c != custom.end() ? c->second : builtin_date_format(id));
        }
      }
    }

    // The sheet: by name, else the one with the most rows of at least two filled cells.
    std::size_t chosen = 0;
    if (!wanted.empty()) {
      bool found = false;
      for (std::size_t i = 0; i < sheets.size(); ++i)
        if (sheets[i].first == wanted) chosen = i, found = true;
      if (!found) throw std::runtime_error("Không có trang tính tên \"" + wanted + "\" trong tệp XLSX");
    } else if (sheets.size() > 1) {
      // The roster is the sheet whose header (among its first rows) names the most member
      // fields; ties: the most rows of at least two filled cells (a statistics sheet may have
      // more rows than the roster).
      int best_fields = -1;
      long best = -1;
      for (std::size_t i = 0; i < sheets.size(); ++i) {
        auto part = read_part(zip.z, sheets[i].second);
        if (!part) continue;
        pugi::xml_document sd;
        if (!sd.load_buffer_inplace(part->data(), part->size())) continue;
        long n = 0;
        int fields = 0, seen = 0;
        for (pugi::xml_node r : sd.document_element().child("sheetData").children("row")) {
          int filled = 0;
          for (pugi::xml_node c : r.children("c"))
            if (c.child("v") || c.child("is")) ++filled;
          n += filled >= 2;
          if (filled > 0 && seen < 12) {
            ++seen;
            std::set<Field> fs;
            for (pugi::xml_node c : r.children("c")) {
              if (!(c.child("v") || c.child("is"))) continue;
              const std::string t = cell_text(c);
              if (t.empty() || t.size() >= 200) continue;
              if (Field f = recognise_header(vntext::collapse_spaces(vntext::repair_text(t).text)); f != Field::none)
                fs.insert(f);
            }
            fields = std::max(fields, int(fs.size()));
          }
        }
        if (fields < 2) fields = 0;  // one word that looks like a header is not a roster
        if (fields > best_fields || (fields == best_fields && n > best)) best_fields = fields, best = n, chosen = i;
      }
    }
    sheet_name = sheets[chosen].first;
    auto part = read_part(zip.z, sheets[chosen].second);
    if (!part) bad("thiếu phần " + sheets[chosen].second);
    xml = std::move(*part);
    if (!doc.load_buffer_inplace(xml.data(), xml.size())) bad("trang tính " + sheet_name + " không hợp lệ");
    pugi::xml_node root = doc.document_element();
    row = root.child("sheetData").child("row");
    for (pugi::xml_node m : root.child("mergeCells").children("mergeCell")) {
      std::string ref = m.attribute("ref").value();
      auto colon = ref.find(':');
      if (colon == std::string::npos) continue;
      const long c1 = column_of(ref.c_str()), r1 = row_of(ref.c_str());
      const long c2 = column_of(ref.c_str() + colon + 1);
      if (c1 < 0 || c2 <= c1 || r1 <= 0) continue;
      merges.push_back(Merge{std::size_t(r1), std::size_t(c1), std::size_t(c2)});
    }
  }

  std::string cell_text(pugi::xml_node c) const {
    const char* t = c.attribute("t").value();
    if (std::strcmp(t, "inlineStr") == 0) return item_text(c.child("is"));
    const char* v = c.child_value("v");
    if (std::strcmp(t, "s") == 0) {
      char* end = nullptr;
      const long i = std::strtol(v, &end, 10);
      return i >= 0 && std::size_t(i) < shared.size() && end != v ? shared[std::size_t(i)] : std::string();
    }
    if (std::strcmp(t, "str") == 0) return unescape_ooxml(v);
    if (std::strcmp(t, "b") == 0) return std::strcmp(v, "1") == 0 ? "TRUE" : (*v ? "FALSE" : "");
    if (std::strcmp(t, "d") == 0) return std::string(v).substr(0, 10);
    if (std::strcmp(t, "e") == 0) return v;
    // A number: as written, or a date when its style is a date format.
    const long s = c.attribute("s").as_int(-1);
    if (*v && s >= 0 && std::size_t(s) < date_style.size() && date_style[std::size_t(s)]) {
      char* end = nullptr;
      const double x = std::strtod(v, &end);
      if (end != v && x >= -1e9 && x <= 1e9) {
        if (auto d = excel_serial_date(long(x), date1904))
          return two(d->d) + "/" + two(d->m) + "/" + std::to_string(d->y);
      }
    }
    return v;
  }
};

XlsxReader::XlsxReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
XlsxReader::~XlsxReader() = default;

std::unique_ptr<XlsxReader> XlsxReader::open_file(const std::string& path, const std::string& sheet) {
  auto impl = std::make_unique<Impl>();
  int err = 0;
  impl->zip.z = zip_open(path.c_str(), ZIP_RDONLY, &err);
  if (!impl->zip.z) throw std::runtime_error("Không mở được tệp XLSX " + path + " (không phải tệp nén ZIP hợp lệ)");
  impl->open(sheet);
  return std::unique_ptr<XlsxReader>(new XlsxReader(std::move(impl)));
}

std::unique_ptr<XlsxReader> XlsxReader::open_memory(std::string data, const std::string& sheet) {
  auto impl = std::make_unique<Impl>();
  impl->package = std::move(data);
  zip_error_t ze;
  zip_error_init(&ze);
  zip_source_t* src = zip_source_buffer_create(impl->package.data(), impl->package.size(), 0, &ze);
  if (!src) {
    zip_error_fini(&ze);
    bad("không tạo được nguồn đọc");
  }
  impl->zip.z = zip_open_from_source(src, ZIP_RDONLY, &ze);
  if (!impl->zip.z) {
    zip_source_free(src);
    zip_error_fini(&ze);
    bad("không phải tệp nén ZIP hợp lệ");
  }
  zip_error_fini(&ze);
  impl->open(sheet);
  return std::unique_ptr<XlsxReader>(new XlsxReader(std::move(impl)));
}

bool XlsxReader::next(RawRecord& rec) {
  Impl& s = *impl_;
  rec.cells.clear();
  rec.malformed = false;
  while (s.row) {
    pugi::xml_node r = s.row;
    s.row = s.row.next_sibling("row");
    long rn = r.attribute("r").as_int(0);
    if (rn <= s.last_row) rn = s.last_row + 1;
    s.last_row = rn;
    long col = 0;
    bool any = false;
    for (pugi::xml_node c : r.children("c")) {
      long ci = column_of(c.attribute("r").value());
      if (ci < 0) ci = col;
      if (ci < col) ci = col;  // out of order: keep going right
      col = ci + 1;
      std::string text = s.cell_text(c);
      if (text.empty()) continue;
      if (rec.cells.size() <= std::size_t(ci)) rec.cells.resize(std::size_t(ci) + 1);
      rec.cells[std::size_t(ci)] = std::move(text);
      any = true;
    }
    if (!any) continue;  // a row with no values is a blank line
    // Excel writes no cell for an empty one: a row whose last cells are empty is as wide as the
    // widest row above it (the header), not a row with missing cells.
    if (rec.cells.size() < s.width) rec.cells.resize(s.width);
    s.width = rec.cells.size();
    rec.line = std::size_t(rn);
    return true;
  }
  return false;
}

const std::vector<RecordReader::Merge>& XlsxReader::merges() const { return impl_->merges; }
std::string XlsxReader::describe() const { return "XLSX, trang tính '" + impl_->sheet_name + "'"; }
const std::string& XlsxReader::sheet_name() const { return impl_->sheet_name; }
std::vector<std::string> XlsxReader::sheet_names() const {
  std::vector<std::string> r;
  for (auto& s : impl_->sheets) r.push_back(s.first);
  return r;
}

bool looks_like_xlsx(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  char b[4] = {};
  f.read(b, 4);
  return f.gcount() == 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4;
}

}  // namespace dangbo::quality

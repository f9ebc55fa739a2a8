// libFuzzer target: the XLSX reader. An input that starts like a ZIP archive is read as the
// workbook itself; any other input is split on "\n----\n" into the XML parts of a workbook
// (workbook.xml, its relationships, sharedStrings.xml, styles.xml, sheet1.xml, sheet2.xml),
// which are stored into a ZIP in memory, so that the fuzzer mutates the XML the reader parses
// (mutating compressed ZIP entries would rarely reach it).
#include <zip.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "quality/mapping.hpp"
#include "quality/reader.hpp"

using namespace dangbo::quality;

namespace {

std::string build_zip(std::string_view in) {
  static const char* kNames[] = {"xl/workbook.xml",   "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml",
                                 "xl/styles.xml",     "xl/worksheets/sheet1.xml",   "xl/worksheets/sheet2.xml"};
  std::vector<std::string> parts;
  for (std::size_t i = 0; parts.size() < 6;) {
    std::size_t j = in.find("\n----\n", i);
    if (j == std::string_view::npos) {
      parts.emplace_back(in.substr(i));
      break;
    }
    parts.emplace_back(in.substr(i, j - i));
    i = j + 6;
  }
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(nullptr, 0, 0, &err);
  if (!src) return {};
  zip_t* z = zip_open_from_source(src, ZIP_TRUNCATE, &err);
  if (!z) {
    zip_source_free(src);
    return {};
  }
  zip_source_keep(src);
  for (std::size_t k = 0; k < parts.size(); ++k) {
    zip_source_t* s = zip_source_buffer(z, parts[k].data(), parts[k].size(), 0);
    if (!s || zip_file_add(z, kNames[k], s, ZIP_FL_OVERWRITE) < 0) {
      if (s) zip_source_free(s);
      continue;
    }
    zip_set_file_compression(z, zip_uint64_t(k), ZIP_CM_STORE, 0);
  }
  std::string out;
  if (zip_close(z) == 0 && zip_source_open(src) == 0) {
    char buf[8192];
    zip_int64_t got;
    while ((got = zip_source_read(src, buf, sizeof buf)) > 0) out.append(buf, std::size_t(got));
    zip_source_close(src);
  } else {
    zip_discard(z);
  }
  zip_source_free(src);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string pkg = in.size() >= 2 && in[0] == 'P' && in[1] == 'K' ? std::string(in) : build_zip(in);
  try {
    auto x = XlsxReader::open_memory(std::move(pkg));
    std::vector<RawRecord> head;
    RawRecord rec;
    std::size_t n = 0;
    while (x->next(rec) && ++n < 100000)
      if (head.size() < 12) head.push_back(rec);
    if (!head.empty()) {
      bool two = false;
      auto header = build_header(head, find_header_row(head), x->merges(), &two);
      (void)auto_mapping(header);
    }
    (void)x->sheet_names();
  } catch (const std::runtime_error&) {
    // not a workbook: reported as an error, which is fine
  }
  return 0;
}

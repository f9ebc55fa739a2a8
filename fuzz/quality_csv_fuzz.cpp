// libFuzzer target: the streaming CSV reader (encoding and delimiter detection, quotes, line
// ends, UTF-16) and the header detection on what it reads. Any input must be read without a
// crash, a sanitizer report or unbounded memory.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "quality/mapping.hpp"
#include "quality/reader.hpp"

using namespace dangbo::quality;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  // The first byte may force a delimiter (as --delimiter does).
  std::optional<char> delim;
  if (!in.empty() && (in[0] == '\x01' || in[0] == '\x02')) {
    delim = in[0] == '\x01' ? ';' : '\t';
    in.remove_prefix(1);
  }
  std::unique_ptr<CsvReader> rd;
  try {
    rd = std::make_unique<CsvReader>(memory_source(in), delim);
  } catch (const NotATable&) {
    return 0;  // binary bytes are refused with a message, by design
  }
  CsvReader& reader = *rd;
  std::vector<RawRecord> head;
  RawRecord rec;
  std::size_t n = 0, last_line = 0;
  while (reader.next(rec)) {
    if (rec.line < last_line) __builtin_trap();  // lines only go forward
    last_line = rec.line;
    if (head.size() < 12) head.push_back(rec);
    if (++n > 100000) break;
  }
  if (!head.empty()) {
    const std::size_t h = find_header_row(head);
    bool two = false;
    auto header = build_header(head, h, reader.merges(), &two);
    auto m = auto_mapping(header);
    (void)m;
  }
  (void)reader.describe();
  return 0;
}

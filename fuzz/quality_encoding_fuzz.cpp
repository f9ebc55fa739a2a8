// libFuzzer target: the encoding detection and repair of one field (vntext::repair_text and
// the quality module's second-chance readings), and the field standardizers that read text:
// names, dates, citizen IDs, phones, gender. Any bytes must give well-formed UTF-8 without a
// crash or sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/date.hpp"
#include "quality/fields.hpp"
#include "vntext/encoding.hpp"
#include "vntext/utf8.hpp"

using namespace dangbo;
using namespace dangbo::quality;

namespace {
void must_be_utf8(const std::string& s) {
  if (!vntext::detail::valid_utf8(s)) __builtin_trap();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;  // a cell, not a file
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<Finding> fs;
  Sink sink(fs, 0);
  must_be_utf8(vntext::repair_text(in).text);
  must_be_utf8(std_text(in, sink));
  for (auto& [enc, text] : legacy_readings(in)) must_be_utf8(text);
  (void)is_clean_vietnamese(in);
  must_be_utf8(std_person_name(in, std::nullopt, nullptr, sink).value);
  const auto today = base::make_date(2025, 7, 1);
  std::optional<base::CivilDate> d;
  (void)std_date(in, DateRole::birth, today, 16, DateFormat::vn, sink, &d);
  (void)std_date(in, DateRole::event, today, 16, DateFormat::iso, sink, &d);
  CitizenId id;
  (void)std_citizen_id(in, [](std::string_view p) { return p.size() == 3 && p[0] == '0'; }, sink, &id);
  (void)std_phone(in, sink);
  GenderValue g;
  (void)std_gender(in, sink, &g);
  for (const auto& f : fs) must_be_utf8(f.message);
  return 0;
}

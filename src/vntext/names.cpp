// Splitting Vietnamese full names into family / middle / given.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "vntext/names.hpp"
#include "vntext/text.hpp"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <cstdio>

namespace dangbo::vntext {
namespace {

// Compound family names (họ kép) kept together, longest first. Royal-clan names of the
// Nguyễn dynasty (Tôn Thất, Tôn Nữ, Công Tôn Nữ, Công Huyền/Tằng Tôn Nữ, Nguyễn Phúc /
// Nguyễn Phước) and the Sino-Vietnamese two-syllable surnames seen in registers
// (Công Tôn, Âu Dương). Stored lower case, NFC.
constexpr std::string_view kCompoundFamilies[] = {
    "công huyền tôn nữ", "công tằng tôn nữ", "công tôn nữ", "tôn nữ",  "tôn thất",
    "nguyễn phúc",       "nguyễn phước",     "công tôn",    "âu dương",
};

std::vector<std::string> words_of(const std::string& s) {
  std::vector<std::string> w;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t j = s.find(' ', i);
    if (j == std::string::npos) j = s.size();
    if (j > i) w.emplace_back(s.substr(i, j - i));
    i = j + 1;
  }
  return w;
}

std::string join(const std::vector<std::string>& w, std::size_t from, std::size_t to) {
  std::string r;
  for (std::size_t k = from; k < to; ++k) {
    if (!r.empty()) r.push_back(' ');
    r += w[k];
  }
  return r;
}

}  // namespace

NameParts split_full_name(std::string_view full) {
  const std::string clean = nfc(collapse_spaces(full));
  const std::vector<std::string> w = words_of(clean);
  NameParts p;
  if (w.empty()) return p;
  if (w.size() == 1) {
    p.given = w[0];
    return p;
  }
  std::size_t fam = 1;
  const std::string lower = to_lower(clean);
  for (std::string_view c : kCompoundFamilies) {
    const std::size_t cw = static_cast<std::size_t>(std::count(c.begin(), c.end(), ' ')) + 1;
    if (cw >= w.size()) continue;  // keep at least one word for the given name
    if (lower.size() > c.size() && lower.compare(0, c.size(), c) == 0 && lower[c.size()] == ' ') {
      fam = cw;
      break;
    }
  }
  p.family = join(w, 0, fam);
  p.given = w.back();
  p.middle = join(w, fam, w.size() - 1);
  return p;
}

std::string name_part_problem(std::string_view part) {
  // The character as quoted in a message: printable ones as they are, the others as U+XXXX.
  auto shown = [](std::string_view s, UChar32 c) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", unsigned(c));
    return u_isprint(c) && !u_isspace(c) ? "“" + std::string(s) + "”" : std::string(buf);
  };
  const std::string allowed = "Chỉ được có chữ cái, dấu cách và các dấu nối - ' .";
  std::size_t chars = 0;
  bool letter = false, after_letter = false;
  const auto n = int32_t(part.size());
  for (int32_t i = 0; i < n;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(part.data(), i, n, c);
    ++chars;
    const std::string_view ch = part.substr(std::size_t(start), std::size_t(i - start));
    if (c < 0) return allowed + "; có byte không phải UTF-8";
    const auto gc = U_GET_GC_MASK(c);
    if (gc & U_GC_L_MASK) {
      letter = after_letter = true;
    } else if (gc & U_GC_M_MASK) {  // a combining mark belongs to the letter before it
      if (!after_letter) return allowed + "; dấu “" + std::string(ch) + "” không đứng sau một chữ cái";
    } else if (c == ' ' || c == '-' || c == '\'' || c == U'\u2019' || c == '.') {
      after_letter = false;
    } else if (gc & U_GC_N_MASK) {
      return allowed + "; không được có chữ số (" + shown(ch, c) + ")";
    } else if (gc & (U_GC_C_MASK | U_GC_Z_MASK)) {
      return allowed + "; không được có ký tự điều khiển hoặc ký tự trắng lạ (" + shown(ch, c) + ")";
    } else {
      return allowed + "; không được có ký hiệu hay biểu tượng cảm xúc (" + shown(ch, c) + ")";
    }
  }
  if (chars > kMaxNamePartChars)
    return "Quá dài: tối đa " + std::to_string(kMaxNamePartChars) + " ký tự (đang có " + std::to_string(chars) + ")";
  if (!part.empty() && !letter) return "Phải có ít nhất một chữ cái";
  return {};
}

}  // namespace dangbo::vntext

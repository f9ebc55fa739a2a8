// Splitting Vietnamese full names into family / middle / given.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "vntext/text.hpp"

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

}  // namespace dangbo::vntext

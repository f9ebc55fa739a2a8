// Splitting Vietnamese full names into family / middle / given.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "vntext/names.hpp"
#include "vntext/text.hpp"

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
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
    return u_isprint(c) && !u_isspace(c) && !u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT)
               ? "“" + std::string(s) + "”"
               : std::string(buf);
  };
  const std::string allowed = "Chỉ được có chữ cái, dấu cách và các dấu nối - ' .";
  // Marks counted on the decomposed text: "á̂̃" is one precomposed á and two marks in NFC, but a
  // letter with three marks in NFD (a Vietnamese letter has at most two: ệ = e + ̣ + ̂).
  {
    int run = 0;
    const std::string d = nfd(part);
    for (int32_t i = 0, n = int32_t(d.size()); i < n;) {
      UChar32 c;
      U8_NEXT(d.data(), i, n, c);
      run = c >= 0 && (U_GET_GC_MASK(c) & U_GC_M_MASK) ? run + 1 : 0;
      if (run > 2) return allowed + "; một chữ có quá nhiều dấu chồng lên nhau";
    }
  }
  std::size_t chars = 0;
  bool letter = false, after_letter = false;
  UScriptCode word_script = USCRIPT_COMMON;   // Latin, Cyrillic or Greek: the current word's so far
  const auto n = int32_t(part.size());
  for (int32_t i = 0; i < n;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(part.data(), i, n, c);
    ++chars;
    const std::string_view ch = part.substr(std::size_t(start), std::size_t(i - start));
    if (c < 0) return allowed + "; có byte không phải UTF-8";
    const auto gc = U_GET_GC_MASK(c);
    // Letters that only look like letters: invisible ones (the Hangul fillers are "letters"
    // that show nothing), and compatibility forms (fullwidth Ａ, mathematical 𝓐, ligatures),
    // which a search or a card would not match with the letter typed normally.
    if (u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT))
      return allowed + "; không được có ký tự vô hình (" + shown(ch, c) + ")";
    if ((gc & U_GC_L_MASK) && u_getIntPropertyValue(c, UCHAR_NFKC_QUICK_CHECK) == UNORM_NO)
      return allowed + "; chữ “" + std::string(ch) + "” là kiểu chữ đặc biệt (toàn khổ, kiểu toán học…), hãy gõ chữ thường";
    if (gc & U_GC_L_MASK) {
      // A word is Latin, Cyrillic or Greek, not a mix: a Cyrillic "а" inside a Latin word is a
      // look-alike (other scripts may mix, e.g. Han and kana in a Japanese name).
      UErrorCode err = U_ZERO_ERROR;
      const UScriptCode sc = uscript_getScript(c, &err);
      if (U_SUCCESS(err) && (sc == USCRIPT_LATIN || sc == USCRIPT_CYRILLIC || sc == USCRIPT_GREEK)) {
        if (word_script != USCRIPT_COMMON && sc != word_script)
          return allowed + "; chữ “" + std::string(ch) + "” thuộc bảng chữ cái khác với các chữ cùng từ (chữ giống nhau nhưng khác mã)";
        word_script = sc;
      }
      letter = after_letter = true;
    } else if (gc & U_GC_M_MASK) {  // a combining mark belongs to the letter before it
      if (!after_letter) return allowed + "; dấu “" + std::string(ch) + "” không đứng sau một chữ cái";
    } else if (c == ' ' || c == '-' || c == '\'' || c == U'\u2019' || c == '.' || c == U'\u00B7' || c == U'\u30FB') {
      // (the middle dots · and ・ join the parts of Chinese and Japanese names written in full)
      after_letter = false;
      if (c == ' ' || c == '-') word_script = USCRIPT_COMMON;
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

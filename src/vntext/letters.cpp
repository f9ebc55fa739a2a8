#include "vntext/letters.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <array>
#include <memory>
#include <stdexcept>

namespace dangbo::vntext::detail {
namespace {

constexpr char32_t kTableEnd = 0x2070;

struct Tables {
  std::array<CharInfo, kTableEnd> info{};
  char32_t composed[12][6][2]{};  // [vowel][tone][upper]
  CharInfo bom{};
};

int shape_of_mark(char32_t m) {
  switch (m) {
    case 0x0306: return 1;  // breve
    case 0x0302: return 2;  // circumflex
    case 0x031B: return 3;  // horn
    default: return 0;
  }
}

int tone_of_mark(char32_t m) {
  switch (m) {
    case 0x0300: return tone_grave;
    case 0x0309: return tone_hook;
    case 0x0303: return tone_tilde;
    case 0x0301: return tone_acute;
    case 0x0323: return tone_dot;
    default: return -1;
  }
}

// Vowel index from an ASCII base and a shape (0 none, 1 breve, 2 circumflex, 3 horn).
int vowel_index(char base, int shape) {
  switch (base) {
    case 'a': return shape == 0 ? 0 : shape == 1 ? 1 : shape == 2 ? 2 : -1;
    case 'e': return shape == 0 ? 3 : shape == 2 ? 4 : -1;
    case 'i': return shape == 0 ? 5 : -1;
    case 'o': return shape == 0 ? 6 : shape == 2 ? 7 : shape == 3 ? 8 : -1;
    case 'u': return shape == 0 ? 9 : shape == 3 ? 10 : -1;
    case 'y': return shape == 0 ? 11 : -1;
    default: return -1;
  }
}

std::unique_ptr<Tables> build() {
  auto t = std::make_unique<Tables>();
  UErrorCode st = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(st);
  if (U_FAILURE(st)) throw std::runtime_error("vntext: ICU NFD unavailable");

  for (char32_t cp = 0; cp < kTableEnd; ++cp) {
    CharInfo& ci = t->info[cp];
    if (cp < 0x80) {
      const char c = static_cast<char>(cp);
      if (c >= 'a' && c <= 'z') {
        ci.fold = c;
        ci.plain = cp;
      } else if (c >= 'A' && c <= 'Z') {
        ci.fold = static_cast<char>(c - 'A' + 'a');
        ci.plain = cp - 'A' + 'a';
        ci.upper = true;
      } else if (c >= '0' && c <= '9') {
        ci.fold = c;
      } else {
        ci.fold = kFoldSpace;
      }
      if (ci.plain) {
        const char b = static_cast<char>(ci.plain);
        const int v = vowel_index(b, 0);
        if (v >= 0) ci.vowel = static_cast<std::uint8_t>(v);
      }
      continue;
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;  // surrogates: unknown
    // Letters without decomposition that we treat as d.
    if (cp == 0x0110 || cp == 0x0111 || cp == 0x00D0 || cp == 0x00F0 || cp == 0x0189 ||
        cp == 0x0256) {
      ci.fold = 'd';
      if (cp == 0x0110 || cp == 0x0111 || cp == 0x00D0 || cp == 0x00F0) {
        // Ð/ð (eth) are common look-alikes of Đ/đ in Vietnamese data: same letter here.
        ci.plain = U'đ';
        ci.upper = cp == 0x0110 || cp == 0x00D0;
      }
      continue;
    }
    const int8_t type = u_charType(static_cast<UChar32>(cp));
    if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK || type == U_FORMAT_CHAR) {
      ci.fold = kFoldDrop;
      continue;
    }
    if (cp == 0x00AD) {
      ci.fold = kFoldDrop;
      continue;
    }
    if (u_isalpha(static_cast<UChar32>(cp))) {
      icu::UnicodeString d;
      st = U_ZERO_ERROR;
      nfd->normalize(icu::UnicodeString(static_cast<UChar32>(cp)), d, st);
      if (U_FAILURE(st) || d.length() == 0) continue;
      const UChar32 base = d.char32At(0);
      if (base >= 0x80 || !u_isalpha(base)) continue;  // unknown: ICU fallback
      const bool up = base >= 'A' && base <= 'Z';
      const char lb = static_cast<char>(up ? base - 'A' + 'a' : base);
      ci.fold = lb;
      // Vietnamese analysis: at most one shape mark and one tone mark.
      int shape = 0, tone = 0, marks_ok = 1;
      for (int32_t k = U16_LENGTH(base); k < d.length();) {
        const UChar32 m = d.char32At(k);
        k += U16_LENGTH(m);
        if (int s = shape_of_mark(static_cast<char32_t>(m)); s && !shape) {
          shape = s;
        } else if (int tn = tone_of_mark(static_cast<char32_t>(m)); tn > 0 && !tone) {
          tone = tn;
        } else {
          marks_ok = 0;
        }
      }
      if (!marks_ok) continue;
      const int v = vowel_index(lb, shape);
      if (v < 0) continue;
      ci.vowel = static_cast<std::uint8_t>(v);
      ci.tone = static_cast<std::uint8_t>(tone);
      ci.upper = up;
      ci.plain = kVowels[v];
      t->composed[v][tone][up ? 1 : 0] = cp;
      continue;
    }
    if (u_isdigit(static_cast<UChar32>(cp))) continue;  // non-ASCII digits: ICU fallback
    ci.fold = kFoldSpace;  // spaces, punctuation, symbols, controls
  }
  // Plain ASCII vowels.
  for (int v = 0; v < 12; ++v) {
    if (kVowels[v] < 0x80) {
      t->composed[v][0][0] = kVowels[v];
      t->composed[v][0][1] = kVowels[v] - 'a' + 'A';
    }
  }
  t->bom.fold = kFoldDrop;
  return t;
}

const Tables& tables() {
  static const std::unique_ptr<Tables> t = build();
  return *t;
}

}  // namespace

const CharInfo* char_info(char32_t cp) noexcept {
  const Tables& t = tables();
  if (cp < kTableEnd) return &t.info[cp];
  if (cp == 0xFEFF) return &t.bom;
  return nullptr;
}

char32_t compose_vowel(int v, int tone, bool upper) noexcept {
  return tables().composed[v][tone][upper ? 1 : 0];
}

char32_t vn_upper(char32_t cp) noexcept {
  const CharInfo* ci = char_info(cp);
  if (!ci || !ci->plain || ci->upper) return cp;
  if (ci->vowel != kNoVowel) return compose_vowel(ci->vowel, ci->tone, true);
  if (cp == U'đ' || cp == 0x00F0) return U'Đ';
  if (cp >= 'a' && cp <= 'z') return cp - 'a' + 'A';
  return cp;
}

char32_t vn_lower(char32_t cp) noexcept {
  const CharInfo* ci = char_info(cp);
  if (!ci || !ci->plain || !ci->upper) return cp;
  if (ci->vowel != kNoVowel) return compose_vowel(ci->vowel, ci->tone, false);
  if (cp == U'Đ' || cp == 0x00D0) return U'đ';
  if (cp >= 'A' && cp <= 'Z') return cp - 'A' + 'a';
  return cp;
}

}  // namespace dangbo::vntext::detail

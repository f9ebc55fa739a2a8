// Internal table of Vietnamese letters (not part of the public API).
//
// Built once (thread-safe static) from the Unicode canonical decompositions that ICU
// provides, for code points below U+2070; everything above is "unknown" except U+FEFF.
#pragma once

#include <cstdint>

namespace dangbo::vntext::detail {

// Tones in traditional order: ngang (none), huyền, hỏi, ngã, sắc, nặng.
enum Tone : std::uint8_t { tone_none = 0, tone_grave, tone_hook, tone_tilde, tone_acute, tone_dot };

// Vowel letters without tone, lower case: a ă â e ê i o ô ơ u ư y  (indices 0..11).
inline constexpr char32_t kVowels[12] = {U'a', U'ă', U'â', U'e', U'ê', U'i',
                                         U'o', U'ô', U'ơ', U'u', U'ư', U'y'};
inline constexpr std::uint8_t kNoVowel = 0xFF;

// Search-key fold classes.
inline constexpr char kFoldUnknown = 0;  // needs the ICU fallback
inline constexpr char kFoldDrop = 1;     // combining mark, zero-width, soft hyphen: removed
inline constexpr char kFoldSpace = ' ';  // whitespace, punctuation, symbols, controls

struct CharInfo {
  char fold = kFoldUnknown;       // ASCII letter/digit for the search key, or a fold class
  std::uint8_t vowel = kNoVowel;  // 0..11 for Vietnamese vowels (any tone, any case)
  std::uint8_t tone = tone_none;  // tone carried by this precomposed letter
  bool upper = false;             // upper-case letter
  char32_t plain = 0;  // lower-case letter without tone (keeps ă â ê ô ơ ư đ); 0 = not a
                       // Vietnamese letter (ASCII a-z count as letters)
};

// nullptr when the code point is outside the table (>= U+2070 except U+FEFF).
const CharInfo* char_info(char32_t cp) noexcept;

// Precomposed code point for vowel index v (0..11) with tone t, in the given case.
char32_t compose_vowel(int v, int t, bool upper) noexcept;

// Upper/lower case of a Vietnamese letter (plain ASCII, đ, vowels with any marks); other
// code points are returned unchanged.
char32_t vn_upper(char32_t cp) noexcept;
char32_t vn_lower(char32_t cp) noexcept;

}  // namespace dangbo::vntext::detail

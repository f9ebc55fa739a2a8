// dangbo::vntext — tone-mark placement and standardization of person names.
#pragma once

#include <string>
#include <string_view>

#include "vntext/encoding.hpp"

namespace dangbo::vntext {

// Where the tone mark goes in the open syllables oa, oe, uy (the only difference
// between the two conventions in use):
//   old_style — dấu kiểu cũ: hòa, hòe, thúy, khỏe (on the first vowel)
//   new_style — dấu kiểu mới: hoà, hoè, thuý, khoẻ (on the second vowel)
enum class ToneStyle { old_style, new_style };

// Rewrites every Vietnamese syllable of UTF-8 text with its tone mark in the standard
// position for `style`: on the vowel with a shape mark (ươ → ơ, iê/yê → ê, uô → ô), else on
// the last vowel before a final consonant (hoàn, Huỳnh), else the middle of three
// vowels (ngoài), else per style for oa/oe/uy, else the first vowel (mùa, hài). The u of
// qu and the i of gi (before another vowel) are part of the onset, so "Qúy" → "Quý",
// "Qúi" → "Quí", "gìa" → "già". Case is kept; words that are not Vietnamese syllables
// are left as they are. Output is NFC. search_key() is unaffected by the style.
std::string apply_tone_style(std::string_view text, ToneStyle style);

// Fixes only tone marks that are wrong in both styles (Qúy → Quý, Qúi → Quí,
// Hùynh → Huỳnh, gìa → già) and keeps oa/oe/uy as written (hòa and hoà both stay).
// Words with two tone marks or that are not Vietnamese syllables are left alone.
std::string fix_tone_placement(std::string_view text);

struct StandardizedName {
  std::string value;  // standardized full name (NFC, one space between words, title case)
  Encoding encoding;  // how the raw value was read (repair_text)
  double confidence;  // repair_text confidence
  bool changed;       // value differs from the raw input
};

// Standardizes a person's full name as typed or imported: repair_text (legacy encodings,
// mojibake, look-alikes, controls), collapse_spaces, fix_tone_placement, title_case.
// The tone style of oa/oe/uy is kept as written unless `style` is given. Keep the raw
// value too (ARCHITECTURE.md: cleaning never destroys the original).
StandardizedName standardize_person_name(std::string_view raw);
StandardizedName standardize_person_name(std::string_view raw, ToneStyle style);

}  // namespace dangbo::vntext

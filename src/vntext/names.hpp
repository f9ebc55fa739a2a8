// dangbo::vntext — the rule for a part of a person's name as entered (edits and imports).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace dangbo::vntext {

// The longest name part (họ, tên đệm or tên) accepted on entry, in characters (Unicode code
// points of the NFC text). The longest Vietnamese parts are a few words (the compound family
// name "Công Huyền Tôn Nữ" has 17 characters, a long middle name of an Ê Đê or Chăm name about
// 20); 60 leaves room for long foreign or minority names of several words while refusing a
// pasted sentence or paragraph, and keeps a name on one line of a list, a card and form 2-HSĐV.
inline constexpr std::size_t kMaxNamePartChars = 60;

// Checks one part of a person's name (họ, tên đệm or tên) given as UTF-8, NFC, spaces already
// collapsed. Acceptable: letters of any script (Vietnamese letters with their marks, minority and
// foreign names; a combining mark after a letter), single spaces, and the joiners hyphen '-',
// apostrophe (' or ’), dot '.' and the middle dots · ・ (Chinese and Japanese names); at least
// one letter; at most kMaxNamePartChars characters.
// No digits, symbols, emoji, punctuation other than the joiners, control or invisible characters.
// Returns "" when the part is acceptable (an empty part too: whether a part may be empty is the
// caller's rule), else one Vietnamese sentence without the field's label naming the first fault,
// e.g. "Chỉ được có chữ cái, dấu cách và các dấu nối - ' .; không được có chữ số (“7”)". The one rule for edits (registry) and imports (quality).
std::string name_part_problem(std::string_view part);

}  // namespace dangbo::vntext

// dangbo::vntext — Vietnamese text basics: normalization, search and sort keys, names.
//
// All strings are UTF-8. Ill-formed UTF-8 input is read with each bad byte as U+FFFD
// (functions never throw on bad text). Every function is thread-safe; ICU objects are
// kept per thread. Nothing here throws except std::bad_alloc and, if the ICU data is
// missing, std::runtime_error on first use.
#pragma once

#include <string>
#include <string_view>

namespace dangbo::vntext {

// Unicode NFC of s (composed form, as stored in the database). Pure ASCII or already-NFC
// text is returned unchanged without calling ICU's normalizer.
std::string nfc(std::string_view s);

// Unicode NFD of s (decomposed form; mainly for tests and interop).
std::string nfd(std::string_view s);

// Trims s and collapses every run of Unicode White_Space (ASCII blanks, tab, CR/LF,
// NBSP U+00A0, U+2000..U+200A, U+202F, U+3000, …) to one ASCII space.
std::string collapse_spaces(std::string_view s);

// Accent-insensitive search key: lower case, every diacritic (tone and shape) removed,
// đ/Đ and Ð (U+00D0) → d, every non-letter/non-digit → space, spaces collapsed, trimmed.
// "Nguyễn Văn A" → "nguyen van a". Accepts NFC or NFD input; independent of tone-mark
// style (hòa/hoà). Table-driven for Latin/Vietnamese text; other scripts go through ICU
// (NFKD, case folding, marks removed).
std::string search_key(std::string_view s);

// Vietnamese collation key: ICU collator for locale "vi", tertiary strength,
// normalization on, rendered as lower-case hex without the trailing 00. Comparing two
// keys byte-wise (memcmp, std::string <, SQL COLLATE "C") gives the collator's order:
// a < ă < â < b … d < đ < e < ê …; tones are secondary differences
// (ngang < huyền < hỏi < ngã < sắc < nặng), case is tertiary. The key is not
// meaningful across ICU major versions: recompute stored keys after an ICU upgrade.
// Ð/ð (eth, a common look-alike) collate as Đ/đ.
std::string sort_key(std::string_view s);

// Sort key for a person in the order Vietnamese lists use: given name, then family
// name, then middle name. Each field's full collation key (all levels, with its 00
// terminator) is concatenated in that order and hex encoded, so two people compare first
// by the complete given name (An < Anh < Ánh < Ân; Hoa < Hòa), then by family name,
// then by middle name. Fields should already be trimmed/collapsed.
std::string person_sort_key(std::string_view family, std::string_view middle,
                            std::string_view given);

struct NameParts {
  std::string family;  // họ (may be a compound family name, e.g. "Tôn Thất")
  std::string middle;  // tên đệm (may be several words, or empty)
  std::string given;   // tên
};

// Splits a full name (any spacing; collapsed first) into family = first word, given =
// last word, middle = the words between. One word → given only; two words → family +
// given. Known compound family names are kept together as the family when at least
// one word remains for the given name: Công Huyền Tôn Nữ, Công Tằng Tôn Nữ, Công Tôn Nữ,
// Tôn Nữ, Tôn Thất, Nguyễn Phúc, Nguyễn Phước, Công Tôn, Âu Dương (matched
// case-insensitively, NFC). Note: "Nguyễn Phúc X" is then always read as the royal
// family name, although Phúc is also a common middle name.
NameParts split_full_name(std::string_view full);

// Vietnamese title case: every whitespace-separated word gets its first letter in upper
// case and the rest in lower case (ICU case mapping, locale "vi"), e.g.
// "LÊ THỊ KIM OANH" → "Lê Thị Kim Oanh", "đội" → "Đội", "Châu Văn LIêm" → "Châu Văn Liêm".
// A letter after an apostrophe that follows a single initial letter is also capitalized
// ("h'hen" → "H'Hen", as in Ê Đê names). Spacing is kept; output is NFC.
std::string title_case(std::string_view s);

// Lower / upper case with Vietnamese (ICU "vi") rules; output NFC.
std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);

// True when s (one syllable, no spaces; any case; NFC or NFD) is a well-formed
// Vietnamese syllable: onset + optional medial (o/u) + nucleus + coda, spelling rules
// (c/k/q, g/gh, ng/ngh, gi, qu), at most one tone mark, and stop codas (p t c ch) only
// with sắc or nặng. Tone-mark position is not checked (hòa, hoà, Qúy all pass).
// Ð/ð (U+00D0/U+00F0, eth) count as Đ/đ, since real registers use them.
// Used to score candidate decodings of legacy-encoded text; rejects mojibake such as
// "NguyÔn", "V¨n", "Löông". Plain unaccented ASCII words pass only when they are
// themselves valid syllables ("van", "an", but not "nguyen").
bool is_valid_syllable(std::string_view s);

}  // namespace dangbo::vntext

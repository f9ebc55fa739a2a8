// dangbo::quality — field standardizers: text, person names, dates, citizen IDs, phones,
// gender. Each takes the raw cell (UTF-8 or legacy bytes), returns the standardized value
// and reports what it changed or found to a Sink. The original value is never lost: every
// change is reported with the original. Pure functions of their input (thread-safe).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/date.hpp"
#include "quality/finding.hpp"
#include "registry/phone.hpp"
#include "vntext/encoding.hpp"
#include "vntext/standardize.hpp"
#include "vntext/text.hpp"

namespace dangbo::quality {

/// Vietnamese name of an encoding for messages ("TCVN3 (ABC)", "VNI", …).
std::string_view encoding_label_vi(vntext::Encoding e);

// ------------------------------------------------------------------ text

/// Plain text: per-field encoding repair (vntext::repair_text: legacy encodings, mojibake,
/// NFC, look-alikes such as Ð → Đ, control and zero-width characters), spaces collapsed and
/// trimmed. Reports one info finding when the value changed (code text.encoding, text.nfc,
/// text.lookalike, text.invisible or text.spaces; the message lists every change).
/// `*encoding` (optional) receives the encoding the value was read as.
std::string std_text(std::string_view raw, Sink& sink, vntext::Encoding* encoding = nullptr);

/// Other readings of a raw cell, for a second chance when the first repair leaves a value that
/// does not make sense in its field (an unknown name, an address that resolves to nothing, a
/// value not in its list): text shown through Windows-1252 read as TCVN3, VNI or UTF-8, ASCII
/// read as VIQR, or bytes that are not UTF-8 read as TCVN3, VNI, Windows-1258 or VISCII. Each
/// reading is NFC with spaces collapsed; readings with U+FFFD or equal to the input are left out.
std::vector<std::pair<vntext::Encoding, std::string>> legacy_readings(std::string_view raw);

/// True when s is already clean Vietnamese text that std_text leaves unchanged and no legacy
/// reading could be tried for (well-formed UTF-8, NFC, single spaces, every word a valid
/// syllable with a plausibly placed tone, at least one letter outside Latin-1 or pure ASCII
/// letters that do not look like VIQR). Cheap: no ICU.
bool is_clean_vietnamese(std::string_view s);

// ------------------------------------------------------------------ names

struct NameResult {
  std::string value;         // standardized full name (title case), alias kept: "… (bí danh …)"
  vntext::NameParts parts;   // split of the name without the alias
  std::string alias;         // the alias text, if any
};

/// What the name standardizer knows of family names (from data/names/family_names.csv).
class NameLexicon {
 public:
  NameLexicon();
  virtual ~NameLexicon() = default;
  /// Unique per lexicon object (per-thread caches of word facts are keyed by it).
  std::uint64_t generation() const { return generation_; }
  /// A common family name, as written (NFC, title case): "Nguyễn", "Trần" …
  virtual bool is_family(std::string_view word) const = 0;
  /// An ASCII word ("Nguyen") that is a common family name written without its marks.
  virtual bool is_unmarked_family(std::string_view ascii_word) const = 0;
  /// A known middle name word ("Thị", "Văn", "Hồng") / given name ("Anh", "Hùng").
  virtual bool is_middle(std::string_view word) const = 0;
  virtual bool is_given(std::string_view word) const = 0;

 private:
  std::uint64_t generation_;
};

/// A person's full name: std_text, tone marks (misplaced ones fixed, or the given style),
/// Vietnamese title case; "(bí danh X)" / "(X)" aliases kept and standardized too. Reports
/// name.case and text.tone (info) and the text.* codes; name.order_swapped (warning, suggested
/// reordering) when the given name seems to stand first ("An Nguyễn Văn": a family name second
/// and Văn/Thị last); name.no_diacritics (warning) when the name has no Vietnamese marks at all
/// and its family name is normally written with them; name.invalid_chars (warning) for a part that
/// fails the registry's rule for an edit (vntext::name_part_problem: digits, symbols, emoji, no
/// letter, over 60 characters). When some word of the result is not a known name word, the other readings of
/// the raw value (legacy_readings) are tried: one whose words are all valid syllables and that
/// has more known name words is taken ("Vò Minh Vò" read as TCVN3 → "Vũ Minh Vũ"; "Phan Thi.
/// Anh" as VIQR → "Phan Thị Anh"). `lex` may be null (no order, diacritics or second-chance
/// checks).
NameResult std_person_name(std::string_view raw, std::optional<vntext::ToneStyle> tone, const NameLexicon* lex,
                           Sink& sink);

// ------------------------------------------------------------------ dates

/// What a date field means, for two-digit years: a birth date's century is the one that makes
/// the person at least `min_age` years old today; any other date's is the latest that is not
/// in the future.
enum class DateRole { birth, event };

struct DateParse {
  enum Status { empty, ok, impossible, month_day_order, unreadable } status = empty;
  base::CivilDate date;                 // when ok
  std::optional<base::CivilDate> swapped;  // month_day_order: the date read as mm/dd
  std::string_view form;  // how it was written: "dmy", "iso", "compact", "excel_serial", "two_digit_year",
                          // "text", "year", "month_year" (a static string)
};

/// Reads a date as found in rosters: dd/mm/yyyy (also - . and space, 1–2 digit day/month),
/// yyyy-mm-dd (and yyyy/mm/dd), ddmmyyyy / yyyymmdd, dd/mm/yy (pivot: see DateRole),
/// Excel serial numbers (1900 system; 1000–2100 are years, not serials; a fraction is a time
/// of day and is dropped), a trailing time ("1963-08-07 00:00:00"), Vietnamese text
/// ("ngày 7 tháng 8 năm 1963", "tháng 3 năm 1980", "tháng 3/1980", "T3/1980", "năm 1959"),
/// month-year (03/1980, 1980-03) and year only (1959). Never guesses: a day/month that does not
/// exist is `impossible`; a second number above 12 with a first at most 12 (mm/dd/yyyy order)
/// is `month_day_order` with the swapped reading proposed.
DateParse parse_date(std::string_view raw, DateRole role, const base::CivilDate& today, int min_age = 16);

enum class DateFormat { vn, iso };
/// "07/08/1963", "03/1980", "1959" (vn) or "1963-08-07", "1980-03", "1959" (iso).
std::string format_date(const base::CivilDate& d, DateFormat f);

/// Standardizes a date cell: the value in `fmt`, or unchanged when it cannot be read.
/// Findings: date.format / date.excel_serial / date.two_digit_year / date.text (info);
/// date.impossible, date.month_day_order, date.unreadable (error, value kept).
std::string std_date(std::string_view raw, DateRole role, const base::CivilDate& today, int min_age, DateFormat fmt,
                     Sink& sink, std::optional<base::CivilDate>* out);

// ------------------------------------------------------------------ citizen ID

struct CitizenId {
  enum Kind { empty, cccd, cmnd, invalid } kind = empty;
  std::string digits;  // the cleaned value (12 digits for cccd, 9 for cmnd, else as cleaned)
  int century_gender = -1;  // 4th digit (cccd)
  int year2 = -1;           // 5th–6th digits (cccd)
  std::string province;     // first 3 digits (cccd)
};

/// True when ppp ("001".."096") is one of the 63 CCCD province prefixes: "0" + the pre-2025
/// GSO province code (datacleaning.md §3.1; list: data/admin_units/old_provinces_2025-03.csv).
using ProvincePrefixTest = std::function<bool(std::string_view ppp)>;

/// Standardizes a citizen-ID cell (Nghị định 137/2015/NĐ-CP art. 13; Thông tư 07/2016/TT-BCA
/// art. 7): spaces, dots, dashes, a leading apostrophe and ="…" removed; 10–11 digits whose
/// leading zeros Excel dropped are padded back when the result has a valid province prefix.
/// Findings: citizen_id.format, citizen_id.leading_zero (info); citizen_id.old_cmnd (warning: a
/// 9-digit ID, no longer valid from 1/1/2025 — Luật Căn cước 2023 art. 46); errors:
/// citizen_id.excel_scientific ("1.09E+11": digits lost), citizen_id.length,
/// citizen_id.province, citizen_id.century, citizen_id.invalid.
std::string std_citizen_id(std::string_view raw, const ProvincePrefixTest& valid_prefix, Sink& sink, CitizenId* out);

// ------------------------------------------------------------------ phones

/// Standardizes phone numbers to the 10-digit national form for mobiles and 11 digits
/// (02x + 8) for landlines: separators removed, +84 / 84 / 0084 → 0, a lost leading 0
/// restored, 11-digit mobiles renumbered by the 2018 table (datacleaning.md §3.2). Several
/// numbers in one cell (; , / or " - ") are each standardized and joined with "; ". The rules
/// are registry::normalize_phone (member edits use the same).
/// Findings: phone.format, phone.country_code, phone.leading_zero, phone.old_prefix (info);
/// phone.invalid (warning, value kept).
std::string std_phone(std::string_view raw, Sink& sink);

/// The 2018 mobile renumbering: old 4-digit prefix ("0163") → new 3-digit prefix ("033");
/// empty when the prefix is not in the table (registry/phone.hpp).
using registry::new_mobile_prefix;

// ------------------------------------------------------------------ gender

enum class GenderValue { unknown, male, female };
/// "Nam" / "Nữ" from the usual spellings (nam, NAM, Nam giới, M, male, trai; nữ, Nu, NỮ, F,
/// female, gái). Findings: gender.format (info), gender.unknown (warning, value kept).
std::string std_gender(std::string_view raw, Sink& sink, GenderValue* out);

}  // namespace dangbo::quality

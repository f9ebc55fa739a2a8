// Vietnamese phone numbers in their national form: one normaliser for the importer's
// standardizer (`dangbo clean`, `dangbo import`) and for member edits (page and API).
#pragma once
#include <string>
#include <string_view>

namespace dangbo::registry {

/// A phone cell after normalize_phone.
struct PhoneNumber {
  /// The national form: a 10-digit mobile (0 + 3|5|7|8|9 + 8 digits) or an 11-digit landline
  /// (02x + 8 digits); several numbers joined with "; ". When !ok: the text as given (trimmed).
  std::string value;
  bool ok = false;  // every number in the cell is a valid mobile or landline (true for "")
  /// The largest change made to any number: 0 separators only, 1 a lost leading 0 restored,
  /// 2 the country code (+84, 84, 0084) replaced by 0, 3 an 11-digit mobile renumbered.
  int change = 0;
  std::string old_prefix, new_prefix;  // change 3: the last renumbering made ("0163" → "033")
};

/// Normalizes phone text (UTF-8): spaces, dots, dashes, brackets and no-break spaces removed;
/// +84 / 84 / 0084 → 0; a leading 0 that a spreadsheet dropped restored; 11-digit mobiles
/// renumbered by the 2018 table (0163… → 033…; Bộ TT&TT, from 15/9/2018; datacleaning.md §3.2).
/// Several numbers in one cell (separated by ; , / or " - ") are each normalized. Letters or
/// other symbols, or a number of the wrong length or prefix, give ok = false.
PhoneNumber normalize_phone(std::string_view text);

/// The 2018 mobile renumbering: old 4-digit prefix ("0163") → new 3-digit prefix ("033");
/// empty when the prefix is not in the table.
std::string_view new_mobile_prefix(std::string_view old4);

}  // namespace dangbo::registry

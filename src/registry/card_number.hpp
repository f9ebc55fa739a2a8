// dangbo::registry — the party card number (số thẻ đảng viên) as entered: one form for the
// member edit and the import, so the same card typed two ways is one number.
#pragma once
#include <string>
#include <string_view>

namespace dangbo::registry {

/// The stored form of a card number typed by a person (UTF-8): surrounding spaces dropped; a
/// number written in digit groups ("70 000 101", "70.000.101", "70-000-101") becomes its digits
/// ("70000101"); separators alone ("-", "---", a placeholder for "none") become "". Anything else
/// is returned trimmed, unchanged, for card_number_problem to judge.
/// The official format is unconfirmed (reference/party-rules.md §2.3), so nothing else is assumed.
std::string normalize_card_number(std::string_view v);

/// The registry's rule for a (normalized) party card number, shared by the member edit and the
/// import: empty, or digits, capital letters and '-' with at least one digit or letter. The
/// reason (Vietnamese) when `v` breaks it, else "".
std::string card_number_problem(std::string_view v);

}  // namespace dangbo::registry

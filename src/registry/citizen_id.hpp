// What a 12-digit citizen ID (CCCD) says about its holder, against the member record.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/date.hpp"

namespace dangbo::registry {

/// The mismatches between a CCCD and the record, gender first, each as (finding code, message
/// in Vietnamese): digit 4 is century and gender (0/1 born 1900s male/female, 2/3 2000s), digits
/// 5–6 the year of birth (Nghị định 137/2015/NĐ-CP, Điều 7; Thông tư 07/2016/TT-BCA, Điều 7;
/// datacleaning.md §3.1). `digits`: 12 ASCII digits, digit 4 at most 3. `female` or `birth`
/// empty = unknown, not checked. Used by member edits and by the import's standardizer.
std::vector<std::pair<std::string, std::string>> cccd_mismatches(std::string_view digits, std::optional<bool> female,
                                                                 const std::optional<base::CivilDate>& birth);

/// True when `digits` has the structure of a CCCD (same sources as above): 12 ASCII digits, the
/// first three "0" + one of the 63 pre-2025 GSO province codes (the list of
/// data/admin_units/old_provinces_2025-03.csv, frozen: CCCDs keep the old codes), digit 4 from 0
/// to 3 (born in the 1900s or 2000s), and a birth year (digits 4–6) not after `latest_year`.
/// Says nothing about whether the number was issued; a typo can keep the structure.
bool cccd_structure_valid(std::string_view digits, int latest_year);

/// Birth year that a CCCD with a valid structure encodes (digits 4–6), e.g. 1968 for 074068….
int cccd_birth_year(std::string_view digits);

}  // namespace dangbo::registry

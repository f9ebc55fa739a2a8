// dangbo::linkage — per-field comparisons with agreement levels.
//
// Each field of a pair of records is compared to one level, from the strongest agreement
// (level 0) to disagreement (the last level), or kNull when either side is missing. The
// levels are what the Fellegi–Sunter model weighs (model.hpp); what each level means is
// written here once and shown in outputs by its key.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "linkage/record.hpp"

namespace dangbo::linkage {

enum Field : uint8_t { f_name, f_birth_date, f_gender, f_citizen_id, f_home_town, f_admitted_on, f_phone, f_card, kFields };

inline constexpr uint8_t kNull = 0xFF;

struct FieldInfo {
  std::string_view key;       // "name", "birth_date", …
  std::string_view label_vi;  // "Họ và tên"
  std::string_view label_en;
  std::vector<std::string_view> levels;        // level keys, level 0 first
  std::vector<std::string_view> levels_vi;     // short Vietnamese descriptions
  int tf_level_max = -1;  // levels 0..tf_level_max get the term-frequency adjustment (-1: none;
                          // the dates have their own, Model::tf_adjust_date)
};

// The comparison of each field:
//  name        0 exact (diacritics, tone style folded); 1 same without diacritics; 2 same words
//              in another order (given name first, …) or one record lacks the middle name;
//              3 Jaro–Winkler of the search keys ≥ 0.94; 4 ≥ 0.85; 5 different
//  birth_date  0 exact; 1 day and month swapped; 2 one digit off (a digit changed, two adjacent
//              swapped, as in 1967/1976); 3 same year (also when one side gives only the year);
//              4 different
//  gender      0 same; 1 different
//  citizen_id  0 exact; 1 one digit off; 2 one is an old 9-digit CMND and the other a 12-digit
//              CCCD (cannot be compared); 3 different
//  home_town   0 same (search key); 1 Jaro–Winkler ≥ 0.88; 2 different
//  admitted_on as birth_date
//  phone       0 exact; 1 same last 7 digits (the part kept by the 2018 renumbering); 2 different
//  card        0 exact; 1 one digit off; 2 different
const FieldInfo& field_info(int field);
int field_levels(int field);

struct Gamma {
  std::array<uint8_t, kFields> lv{};
};

// Compares records i and j of d. Thread-safe (reads only).
Gamma compare(const Dataset& d, uint32_t i, uint32_t j);

// Level of two packed LooseDates (0 when unknown → kNull).
uint8_t compare_dates(int32_t a, int32_t b);

// Pattern code: a mixed-radix number with one digit per field (the level, or the number of
// levels for kNull); pattern_count() codes in all.
uint32_t encode(const Gamma& g);
Gamma decode(uint32_t code);
uint32_t pattern_count();

}  // namespace dangbo::linkage

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
  int neutral_level = -1;  // a level that says nothing either way (the two values cannot be
                           // compared): shown, weighs 0, left out of u and EM like a missing value
  int disagree_from = 0;   // levels from this one on are disagreement: never evidence for a
                           // match (the estimate is capped at m = u; engine.cpp)
};

// The comparison of each field:
//  name        0 exact (diacritics, tone style folded); 1 same without diacritics; 2 same words
//              in another order (given name first, …) or one record lacks the middle name;
//              3 Jaro–Winkler of the search keys ≥ 0.94; 4 ≥ 0.85; 5 different
//  birth_date  0 exact; 1 day and month swapped; 2 one digit off (a digit changed, two adjacent
//              swapped, as in 1967/1976); 3 same year, nothing else contradicts (one side gives
//              only the year, or only the month); 4 same year but another month or day (both
//              sides give them); 5 another year
//  gender      0 same; 1 different
//  citizen_id  0 exact; 1 one digit off (a digit changed, two adjacent swapped); 2 one is an old
//              9-digit CMND and the other a 12-digit CCCD: unrelated numbers, so the level is
//              neutral (weighs 0, not estimated); 3 different, one of them not a well-formed CCCD
//              (two CMNDs, a mistyped number: Rec::cid_valid); 4 two well-formed CCCDs, each
//              agreeing with its record's birth year and gender, that differ: a person has one
//              CCCD, so this is the strongest evidence against a match
//  home_town   0 same (search key); 1 Jaro–Winkler ≥ 0.88; 2 different
//  admitted_on as birth_date
//  phone       0 exact; 1 same last 7 digits (the part kept by the 2018 renumbering); 2 different
//  card        0 exact; 1 one digit off; 2 different
const FieldInfo& field_info(int field);
int field_levels(int field);
// True when a level carries evidence: not kNull and not the field's neutral level.
bool weighed(int field, uint8_t level);

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

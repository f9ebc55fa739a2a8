// dangbo::linkage — blocking rules: which pairs of records are compared at all.
//
// Comparing every pair of a million records is 5·10¹¹ comparisons; blocking compares only
// pairs that share a key under at least one rule (the union of the rules). A pair is produced
// by the first rule that shares it, so no pair is compared twice.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "linkage/compare.hpp"
#include "linkage/record.hpp"

namespace dangbo::linkage {

enum Rule : uint8_t {
  r_citizen_id,        // same citizen ID (9 or 12 digits)
  r_phonetic_dob,      // same phonetic key of the full name (any word order) + birth date, day and
                       // month taken as an unordered pair (a swap stays in the block)
  r_fam_given_dm,      // same phonetic family and given name + birth day/month (unordered) +
                       // decade of birth: a wrong year digit, a missing middle name
  r_phone,             // same phone number
  r_card,              // same party card number
  r_admitted_year,     // same admission date + birth year: the name and the IDs re-typed
  r_phonetic_admitted, // same phonetic key of the full name + admission date (unordered d/m):
                       // the birth date missing or wrong
  r_given_year,        // same given name (no diacritics) + birth year + birth month + family initial
  kRules
};

struct RuleInfo {
  std::string_view key;
  std::string_view description;
  std::vector<int> fields;  // comparisons the rule conditions on (not trained in its EM session)
};
const RuleInfo& rule_info(int rule);

// The rule's key of record i; 0 when the record has no key under the rule (a missing value).
uint64_t block_key(const Dataset& d, int rule, uint32_t i);

// The values record i's key under the rule is made of, for reports ("ngày vào Đảng 01/01/1900,
// năm sinh 1965"); "" when it has no key.
std::string block_key_text(const Dataset& d, int rule, uint32_t i);

}  // namespace dangbo::linkage

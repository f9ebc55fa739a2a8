// dangbo::linkage — string similarity measures used by the field comparisons.
//
// All functions take UTF-8 and compare Unicode code points (ASCII strings take a fast path
// without decoding). They never throw except std::bad_alloc for very long inputs.
#pragma once

#include <string_view>

namespace dangbo::linkage {

// Jaro similarity in [0, 1] (Jaro 1989): matches within a window of
// max(|a|,|b|)/2 − 1 positions, half the out-of-order matches count as transpositions.
// Two empty strings → 1; one empty → 0.
double jaro(std::string_view a, std::string_view b);

// Jaro–Winkler similarity (Winkler 1990): jaro + l·p·(1 − jaro), with l the common prefix
// length capped at 4 and p = 0.1, applied only when jaro > boost_threshold (Winkler's 0.7,
// as in jellyfish and most libraries). MARTHA/MARHTA → 0.9611, DWAYNE/DUANE → 0.84,
// DIXON/DICKSONX → 0.8133.
double jaro_winkler(std::string_view a, std::string_view b, double boost_threshold = 0.7);

// Optimal-string-alignment (restricted Damerau–Levenshtein) distance: insertions,
// deletions, substitutions and transpositions of adjacent characters, each cost 1.
// Returns min(distance, cap + 1), so a small cap keeps it cheap.
int osa_distance(std::string_view a, std::string_view b, int cap = 8);

// True when two strings of digits differ by exactly one edit of the kinds people make when
// copying a number: one digit changed, two adjacent digits swapped, one digit dropped or
// added. Equal strings → false.
bool one_digit_off(std::string_view a, std::string_view b);

}  // namespace dangbo::linkage

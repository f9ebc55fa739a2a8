// Jaro, Jaro–Winkler and edit distances against published values (Winkler 1990 examples
// as reproduced in the literature and on Wikipedia's "Jaro–Winkler distance" page) and
// values worked out by hand in the comments.
#include <gtest/gtest.h>

#include "linkage/similarity.hpp"

using namespace dangbo::linkage;

TEST(JaroWinkler, PublishedExamples) {
  // MARTHA/MARHTA: m = 6, t = 1 → jaro = (1 + 1 + 5/6) / 3 = 0.9444; prefix 3 → 0.9611.
  EXPECT_NEAR(jaro("MARTHA", "MARHTA"), 0.9444, 1e-4);
  EXPECT_NEAR(jaro_winkler("MARTHA", "MARHTA"), 0.9611, 1e-4);
  // DWAYNE/DUANE: m = 4, t = 0 → jaro = (4/6 + 4/5 + 1) / 3 = 0.8222; prefix 1 → 0.84.
  EXPECT_NEAR(jaro("DWAYNE", "DUANE"), 0.8222, 1e-4);
  EXPECT_NEAR(jaro_winkler("DWAYNE", "DUANE"), 0.84, 1e-4);
  // DIXON/DICKSONX: m = 4, t = 0 → jaro = (4/5 + 4/8 + 1) / 3 = 0.7667; prefix 2 → 0.8133.
  EXPECT_NEAR(jaro("DIXON", "DICKSONX"), 0.7667, 1e-4);
  EXPECT_NEAR(jaro_winkler("DIXON", "DICKSONX"), 0.8133, 1e-4);
  // JELLYFISH/SMELLYFISH: no common prefix, jaro = JW = 0.8963.
  EXPECT_NEAR(jaro_winkler("JELLYFISH", "SMELLYFISH"), 0.8963, 1e-4);
}

TEST(JaroWinkler, EdgeCasesAndSymmetry) {
  EXPECT_DOUBLE_EQ(jaro_winkler("", ""), 1.0);
  EXPECT_DOUBLE_EQ(jaro_winkler("abc", ""), 0.0);
  EXPECT_DOUBLE_EQ(jaro_winkler("abc", "abc"), 1.0);
  EXPECT_DOUBLE_EQ(jaro_winkler("abc", "xyz"), 0.0);
  EXPECT_DOUBLE_EQ(jaro_winkler("nguyen van an", "nguyen van anh"), jaro_winkler("nguyen van anh", "nguyen van an"));
  // Below the 0.7 boost threshold the prefix does not count: abc/axy → m = 1,
  // jaro = (1/3 + 1/3 + 1) / 3 = 0.5556 = JW.
  EXPECT_NEAR(jaro_winkler("abc", "axy"), 0.5556, 1e-4);
  EXPECT_DOUBLE_EQ(jaro_winkler("abc", "axy"), jaro("abc", "axy"));
}

TEST(JaroWinkler, CodePointsNotBytes) {
  // "Hòa"/"Hóa" differ in one code point (3 each): m = 2, t = 0 → (2/3 + 2/3 + 1)/3 = 0.7778;
  // prefix 1 → 0.8. Byte-wise the two-byte letters would give a different value.
  EXPECT_NEAR(jaro_winkler("Hòa", "Hóa"), 0.8, 1e-4);
}

TEST(Osa, Distances) {
  EXPECT_EQ(osa_distance("kitten", "sitting"), 3);
  EXPECT_EQ(osa_distance("ca", "ac"), 1);        // one adjacent transposition
  EXPECT_EQ(osa_distance("1967", "1976"), 1);
  EXPECT_EQ(osa_distance("abc", "abc"), 0);
  EXPECT_EQ(osa_distance("abcdefgh", "", 3), 4);  // capped at cap + 1
  EXPECT_EQ(osa_distance("Nguyễn", "Nguyên"), 1);
}

TEST(OneDigitOff, Kinds) {
  EXPECT_TRUE(one_digit_off("079084000999", "079084000998"));  // changed
  EXPECT_TRUE(one_digit_off("079084000999", "079048000999"));  // adjacent swap
  EXPECT_TRUE(one_digit_off("07908400099", "079084000999"));   // dropped
  EXPECT_FALSE(one_digit_off("079084000999", "079084000999"));
  EXPECT_FALSE(one_digit_off("079084000999", "079084001888"));
  EXPECT_FALSE(one_digit_off("1234", "4321"));
}

// Jaro, Jaro–Winkler and edit distances against published values (Winkler 1990 examples
// as reproduced in the literature and on Wikipedia's "Jaro–Winkler distance" page) and
// values worked out by hand in the comments.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

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

namespace {
// Reference Jaro straight from the definition (Jaro 1989), quadratic and unoptimised.
double jaro_reference(const std::string& s1, const std::string& s2) {
  std::string a = s1, b = s2;
  if (a.empty() && b.empty()) return 1;
  if (a.empty() || b.empty()) return 0;
  if (a.size() > b.size()) std::swap(a, b);
  int window = std::max<int>(0, int(b.size()) / 2 - 1);
  std::vector<bool> fa(a.size()), fb(b.size());
  int m = 0;
  for (int i = 0; i < int(a.size()); ++i)
    for (int j = std::max(0, i - window); j <= std::min(int(b.size()) - 1, i + window); ++j)
      if (!fb[j] && a[i] == b[j]) {
        fa[i] = fb[j] = true;
        ++m;
        break;
      }
  if (!m) return 0;
  std::string ma, mb;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (fa[i]) ma += a[i];
  for (std::size_t j = 0; j < b.size(); ++j)
    if (fb[j]) mb += b[j];
  int t = 0;
  for (std::size_t k = 0; k < ma.size(); ++k) t += ma[k] != mb[k];
  return (double(m) / a.size() + double(m) / b.size() + (m - t / 2.0) / m) / 3.0;
}
}  // namespace

TEST(JaroWinkler, FastPathAgreesWithDefinition) {
  // Random strings over a small alphabet (many repeats), lengths 0..70 (past the 64-bit path).
  uint64_t x = 12345;
  auto next = [&] { return x = x * 6364136223846793005ULL + 1442695040888963407ULL, x >> 33; };
  for (int k = 0; k < 20000; ++k) {
    std::string a, b;
    int la = int(next() % 71), lb = int(next() % 71);
    for (int i = 0; i < la; ++i) a += char('a' + next() % 5);
    for (int i = 0; i < lb; ++i) b += char('a' + next() % 5);
    ASSERT_NEAR(jaro(a, b), jaro_reference(a, b), 1e-12) << a << " / " << b;
  }
}

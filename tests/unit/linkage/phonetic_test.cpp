// Vietnamese phonetic keys, examples worked out by hand from the rules in phonetic.hpp.
#include <gtest/gtest.h>

#include "linkage/phonetic.hpp"

using namespace dangbo::linkage;

TEST(Phonetic, Syllables) {
  EXPECT_EQ(phonetic_syllable("Nguyễn"), "Nuien");  // ng → N, y → i
  EXPECT_EQ(phonetic_syllable("Trần"), "Can");      // tr → C
  EXPECT_EQ(phonetic_syllable("Chần"), "Can");      // ch → C
  EXPECT_EQ(phonetic_syllable("Dũng"), "Zun");      // d → Z, final ng → n
  EXPECT_EQ(phonetic_syllable("Giang"), "Zan");     // gi + vowel → Z
  EXPECT_EQ(phonetic_syllable("Gìn"), "Zin");       // gi + consonant: gi + in
  EXPECT_EQ(phonetic_syllable("Rạng"), "Zan");      // r → Z
  EXPECT_EQ(phonetic_syllable("Đào"), "Zao");       // đ → d → Z
  EXPECT_EQ(phonetic_syllable("Xuân"), "Suan");     // x → S
  EXPECT_EQ(phonetic_syllable("Suân"), "Suan");
  EXPECT_EQ(phonetic_syllable("Phúc"), "Fut");      // ph → F, final c → t
  EXPECT_EQ(phonetic_syllable("Phút"), "Fut");
  EXPECT_EQ(phonetic_syllable("Bách"), "Bat");      // final ch → t
  EXPECT_EQ(phonetic_syllable("Vĩnh"), "Vin");      // final nh → n
  EXPECT_EQ(phonetic_syllable("Vin"), "Vin");
  EXPECT_EQ(phonetic_syllable("Khánh"), "Xan");     // kh → X
  EXPECT_EQ(phonetic_syllable("Quý"), "Kwi");       // qu → Kw, y → i
  EXPECT_EQ(phonetic_syllable("Quí"), "Kwi");
  EXPECT_EQ(phonetic_syllable("Thủy"), "Tui");
  EXPECT_EQ(phonetic_syllable("Thuỷ"), "Tui");      // either tone style
  EXPECT_EQ(phonetic_syllable("Nhung"), "Jun");     // nh onset kept apart from n
  EXPECT_EQ(phonetic_syllable("Nghĩa"), "Nia");     // ngh → N
  EXPECT_EQ(phonetic_syllable("Kiên"), "Kien");     // k → K
  EXPECT_EQ(phonetic_syllable("Cường"), "Kuon");    // c → K
}

TEST(Phonetic, Names) {
  EXPECT_EQ(phonetic_key("Nguyễn Thị Thủy"), "Nuien.Ti.Tui");
  EXPECT_EQ(phonetic_key("NGUYEN THI THUY"), phonetic_key("Nguyễn Thị Thủy"));
  EXPECT_EQ(phonetic_key("Trần Văn Dũng"), phonetic_key("Chần Văn Rũng"));
  EXPECT_EQ(phonetic_key("Lê Minh Vĩnh"), phonetic_key("Lê Minh Vin"));
  EXPECT_NE(phonetic_key("Lê Minh Vĩnh"), phonetic_key("Nê Minh Vĩnh"));  // l/n not merged
  EXPECT_EQ(phonetic_key_sorted("An Nguyễn Văn"), phonetic_key_sorted("Nguyễn Văn An"));
  EXPECT_EQ(phonetic_key(""), "");
}

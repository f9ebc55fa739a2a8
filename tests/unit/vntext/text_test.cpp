// Tests for vntext/text.hpp. Expected values are written by hand from the Vietnamese
// alphabet and the rules in the header, never computed with the code under test.

#include "vntext/encoding.hpp"
#include "vntext/names.hpp"
#include "vntext/text.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace dangbo::vntext;

namespace {

// "Huỳnh Thị Ngọc Trâm" written decomposed by hand: base letter + combining marks.
const std::string kNfdHuynh =
    "Hu"
    "y\xCC\x80"  // y + U+0300 grave
    "nh Thi\xCC\xA3"  // i + U+0323 dot below
    " Ngo\xCC\xA3"
    "c Tra\xCC\x82"  // a + U+0302 circumflex
    "m";

}  // namespace

// ------------------------------------------------------------------ nfc / spaces

TEST(VnText, NfcComposesDecomposedInput) {
  EXPECT_EQ(nfc(kNfdHuynh), "Huỳnh Thị Ngọc Trâm");
  // ễ = e + circumflex + tilde
  EXPECT_EQ(nfc("Nguye\xCC\x82\xCC\x83n"), "Nguyễn");
  EXPECT_EQ(nfc("Nguyễn Văn A"), "Nguyễn Văn A");
  EXPECT_EQ(nfc("plain ascii"), "plain ascii");
  EXPECT_EQ(nfc(""), "");
}

TEST(VnText, NfdDecomposes) {
  EXPECT_EQ(nfd("ễ"), "e\xCC\x82\xCC\x83");
  EXPECT_EQ(nfd("Huỳnh Thị Ngọc Trâm"), kNfdHuynh);
  EXPECT_EQ(nfd("đ"), "đ");  // đ has no decomposition
}

TEST(VnText, NfcReplacesIllFormedBytes) {
  EXPECT_EQ(nfc("L\xEA"), "L\xEF\xBF\xBD");  // lone Latin-1 byte → U+FFFD
}

TEST(VnText, CollapseSpaces) {
  EXPECT_EQ(collapse_spaces("  Lê\xC2\xA0\xC2\xA0Văn\t\n A  "), "Lê Văn A");
  EXPECT_EQ(collapse_spaces(" võ   minh  tuấn"), "võ minh tuấn");
  EXPECT_EQ(collapse_spaces("Trần\xE3\x80\x80Phú\xE2\x80\x83Hưng"), "Trần Phú Hưng");  // U+3000, U+2003
  EXPECT_EQ(collapse_spaces("Tày "), "Tày");
  EXPECT_EQ(collapse_spaces(" \t "), "");
  EXPECT_EQ(collapse_spaces("a"), "a");
}

// ------------------------------------------------------------------ search_key

TEST(VnText, SearchKeyRemovesMarksAndMapsDd) {
  EXPECT_EQ(search_key("Nguyễn Văn A"), "nguyen van a");
  EXPECT_EQ(search_key("ĐẶNG Đức ĐẠT"), "dang duc dat");
  EXPECT_EQ(search_key("Ðinh Công Tráng"), "dinh cong trang");  // U+00D0 eth
  EXPECT_EQ(search_key("đỗ thị lập"), "do thi lap");
  EXPECT_EQ(search_key("Trương Mỹ Lan"), "truong my lan");
  EXPECT_EQ(search_key("Lương Thế Vinh"), "luong the vinh");
  EXPECT_EQ(search_key("Khổng Thị Ước"), "khong thi uoc");
  EXPECT_EQ(search_key("Bùi Thị Xuân"), "bui thi xuan");
}

TEST(VnText, SearchKeyIgnoresToneAndToneStyle) {
  EXPECT_EQ(search_key("Hòa"), "hoa");
  EXPECT_EQ(search_key("Hoà"), "hoa");
  EXPECT_EQ(search_key("Hoa"), "hoa");
  EXPECT_EQ(search_key("Thúy"), "thuy");
  EXPECT_EQ(search_key("Thuý"), "thuy");
  EXPECT_EQ(search_key("Dao"), search_key("Đào"));
}

TEST(VnText, SearchKeyNfdInputAndPunctuation) {
  EXPECT_EQ(search_key(kNfdHuynh), "huynh thi ngoc tram");
  EXPECT_EQ(search_key("  Lê-Thị,  (Hoa). "), "le thi hoa");
  EXPECT_EQ(search_key("Phường 12, Quận 3"), "phuong 12 quan 3");
  EXPECT_EQ(search_key("Lê\xC2\xA0Văn"), "le van");  // NBSP
  EXPECT_EQ(search_key("Lê\xE2\x80\x8BVăn"), "levan");  // zero-width space is dropped
  EXPECT_EQ(search_key(""), "");
  EXPECT_EQ(search_key(" ,. "), "");
}

TEST(VnText, SearchKeyEveryVietnameseLetter) {
  // 12 vowels × 6 tones, lower and upper case, written out by hand.
  const char* rows[][2] = {
      {"aàảãáạăằẳẵắặâầẩẫấậ", "aaaaaaaaaaaaaaaaaa"},
      {"AÀẢÃÁẠĂẰẲẴẮẶÂẦẨẪẤẬ", "aaaaaaaaaaaaaaaaaa"},
      {"eèẻẽéẹêềểễếệ", "eeeeeeeeeeee"},
      {"EÈẺẼÉẸÊỀỂỄẾỆ", "eeeeeeeeeeee"},
      {"iìỉĩíị", "iiiiii"},
      {"IÌỈĨÍỊ", "iiiiii"},
      {"oòỏõóọôồổỗốộơờởỡớợ", "oooooooooooooooooo"},
      {"OÒỎÕÓỌÔỒỔỖỐỘƠỜỞỠỚỢ", "oooooooooooooooooo"},
      {"uùủũúụưừửữứự", "uuuuuuuuuuuu"},
      {"UÙỦŨÚỤƯỪỬỮỨỰ", "uuuuuuuuuuuu"},
      {"yỳỷỹýỵ", "yyyyyy"},
      {"YỲỶỸÝỴ", "yyyyyy"},
      {"đĐÐ", "ddd"},
  };
  for (auto& r : rows) EXPECT_EQ(search_key(r[0]), r[1]) << r[0];
}

TEST(VnText, SearchKeyOtherScriptsGoThroughIcu) {
  EXPECT_EQ(search_key("Ｌê Ｖăn"), "le van");  // full-width letters (NFKD)
  EXPECT_EQ(search_key("Straße"), "strasse");  // case folding
  EXPECT_EQ(search_key("Lê 李"), "le 李");
}

// ------------------------------------------------------------------ sort keys

namespace {
std::vector<std::string> sorted_by_key(std::vector<std::string> v) {
  std::mt19937 rng(42);
  std::shuffle(v.begin(), v.end(), rng);
  std::sort(v.begin(), v.end(),
            [](const std::string& a, const std::string& b) { return sort_key(a) < sort_key(b); });
  return v;
}
}  // namespace

TEST(VnText, SortKeyVietnameseAlphabeticalOrder) {
  // Ordered by hand: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y; letters
  // first over the whole word, then tones ngang < huyền < hỏi < ngã < sắc < nặng.
  const std::vector<std::string> expected = {
      "An",    "Anh",   "Ánh",   "Ân",    "Bảo",   "Bình",  "Châu",  "Chi",   "Cúc",
      "Dao",   "Dung",  "Dũng",  "Duy",   "Dương", "Đào",   "Đạt",   "Điệp",  "Đức",
      "Em",    "Giang", "Hà",    "Hải",   "Hạnh",  "Hoa",   "Hòa",   "Hóa",   "Hoan",
      "Hoàng", "Hồng",  "Huệ",   "Hùng",  "Huy",   "Huyền", "Hưng",  "Hương", "Khánh",
      "Lan",   "Lâm",   "Long",  "Lộc",   "Mai",   "Minh",  "My",    "Mỹ",    "Nga",
      "Ngân",  "Ngọc",  "Nhung", "Oanh",  "Phúc",  "Phương", "Quang", "Quân",  "Quý",
      "Sơn",   "Tâm",   "Thanh", "Thảo",  "Thắng", "Thu",   "Thủy",  "Thúy",  "Thư",
      "Trang", "Trâm",  "Tuấn",  "Uyên",  "Vân",   "Vinh",  "Xuân",  "Yến",
  };
  EXPECT_EQ(sorted_by_key(expected), expected);
}

TEST(VnText, SortKeyTonesAreSecondary) {
  const std::vector<std::string> tones = {"Hoa", "Hòa", "Hỏa", "Hõa", "Hóa", "Họa"};
  EXPECT_EQ(sorted_by_key(tones), tones);
  // A letter difference later in the word outranks a tone difference earlier.
  EXPECT_LT(sort_key("Hòa"), sort_key("Hoan"));
  EXPECT_LT(sort_key("Họa"), sort_key("Hoan"));
}

TEST(VnText, SortKeyDAndDd) {
  // D < Đ is a letter (primary) difference: every D word sorts before every Đ word.
  EXPECT_LT(sort_key("Dao"), sort_key("Đào"));
  EXPECT_LT(sort_key("Dũng"), sort_key("Đào"));
  EXPECT_LT(sort_key("Dương"), sort_key("Đa"));
  EXPECT_LT(sort_key("Đỗ"), sort_key("Em"));  // Đ sorts before E, not after Z
  EXPECT_EQ(sort_key("Ðào"), sort_key("Đào"));  // eth look-alike collates as Đ
}

TEST(VnText, SortKeyNfdEqualsNfcAndHexShape) {
  EXPECT_EQ(sort_key(kNfdHuynh), sort_key("Huỳnh Thị Ngọc Trâm"));
  const std::string k = sort_key("Nguyễn");
  ASSERT_FALSE(k.empty());
  EXPECT_EQ(k.size() % 2, 0u);
  EXPECT_EQ(k.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_LT(sort_key("ừ"), sort_key("Zô"));  // ừ does not sink to the bottom
}

TEST(VnText, PersonSortKeyGivenThenFamilyThenMiddle) {
  const std::vector<std::array<std::string, 3>> people = {
      // family, middle, given — in the expected list order
      {"Trần", "Văn", "An"},   {"Nguyễn", "Thị", "Ánh"}, {"Lê", "", "Ân"},
      {"Đỗ", "", "Bình"},      {"Bùi", "Thị", "Hoa"},    {"Đặng", "Thị", "Hoa"},
      {"Nguyễn", "Thị", "Hoa"}, {"Nguyễn", "Văn", "Hoa"}, {"Lê", "Thị", "Hòa"},
      {"Phạm", "Minh", "Tuấn"}, {"Phạm", "Minh Anh", "Tuấn"}, {"Phạm", "Văn", "Tuấn"},
  };
  for (std::size_t i = 0; i + 1 < people.size(); ++i) {
    const auto& a = people[i];
    const auto& b = people[i + 1];
    EXPECT_LT(person_sort_key(a[0], a[1], a[2]), person_sort_key(b[0], b[1], b[2]))
        << a[0] << " " << a[1] << " " << a[2] << " < " << b[0] << " " << b[1] << " " << b[2];
  }
  // A given name that is a prefix of another sorts first, whatever the family name.
  EXPECT_LT(person_sort_key("Võ", "Văn", "An"), person_sort_key("Bùi", "Văn", "Anh"));
  // Family name that is a prefix of another.
  EXPECT_LT(person_sort_key("Hà", "", "Lan"), person_sort_key("Hàn", "", "Lan"));
  EXPECT_EQ(person_sort_key("Lê", "Văn", "An"), person_sort_key("Lê", "Văn", "An"));
}

// ------------------------------------------------------------------ names

TEST(VnText, SplitFullName) {
  auto p = split_full_name("Nguyễn Văn An");
  EXPECT_EQ(p.family, "Nguyễn");
  EXPECT_EQ(p.middle, "Văn");
  EXPECT_EQ(p.given, "An");

  p = split_full_name("  Lê   Thị Kim\tOanh ");
  EXPECT_EQ(p.family, "Lê");
  EXPECT_EQ(p.middle, "Thị Kim");
  EXPECT_EQ(p.given, "Oanh");

  p = split_full_name("Lê An");
  EXPECT_EQ(p.family, "Lê");
  EXPECT_EQ(p.middle, "");
  EXPECT_EQ(p.given, "An");

  p = split_full_name("Mai");
  EXPECT_EQ(p.family, "");
  EXPECT_EQ(p.middle, "");
  EXPECT_EQ(p.given, "Mai");

  p = split_full_name("");
  EXPECT_EQ(p.given, "");
}

TEST(VnText, SplitCompoundFamilyNames) {
  auto p = split_full_name("Tôn Thất Thuyết");
  EXPECT_EQ(p.family, "Tôn Thất");
  EXPECT_EQ(p.middle, "");
  EXPECT_EQ(p.given, "Thuyết");

  p = split_full_name("Tôn Nữ Thị Ninh");
  EXPECT_EQ(p.family, "Tôn Nữ");
  EXPECT_EQ(p.middle, "Thị");
  EXPECT_EQ(p.given, "Ninh");

  p = split_full_name("Công Tôn Nữ Thị Hồng");
  EXPECT_EQ(p.family, "Công Tôn Nữ");
  EXPECT_EQ(p.middle, "Thị");
  EXPECT_EQ(p.given, "Hồng");

  p = split_full_name("NGUYỄN PHÚC Vĩnh Lộc");
  EXPECT_EQ(p.family, "NGUYỄN PHÚC");
  EXPECT_EQ(p.middle, "Vĩnh");
  EXPECT_EQ(p.given, "Lộc");

  // Two words only: the compound would leave no given name, so it is not applied.
  p = split_full_name("Tôn Thất");
  EXPECT_EQ(p.family, "Tôn");
  EXPECT_EQ(p.given, "Thất");

  // "Tôn" alone is an ordinary family name.
  p = split_full_name("Tôn Đức Thắng");
  EXPECT_EQ(p.family, "Tôn");
  EXPECT_EQ(p.middle, "Đức");
  EXPECT_EQ(p.given, "Thắng");
}

TEST(VnText, SplitNfdInputGivesNfcParts) {
  auto p = split_full_name(kNfdHuynh);
  EXPECT_EQ(p.family, "Huỳnh");
  EXPECT_EQ(p.middle, "Thị Ngọc");
  EXPECT_EQ(p.given, "Trâm");
}

// ------------------------------------------------------------------ case

TEST(VnText, TitleCase) {
  EXPECT_EQ(title_case("LÊ THỊ KIM OANH"), "Lê Thị Kim Oanh");
  EXPECT_EQ(title_case("Châu Văn LIêm"), "Châu Văn Liêm");
  EXPECT_EQ(title_case("đội"), "Đội");
  EXPECT_EQ(title_case("tuyển"), "Tuyển");
  EXPECT_EQ(title_case("ĐƯỢC"), "Được");
  EXPECT_EQ(title_case("ĐÂY LÀ MỘT DÒNG ĐƯỢC VIẾT"), "Đây Là Một Dòng Được Viết");
  EXPECT_EQ(title_case("võ minh tuấn"), "Võ Minh Tuấn");
  EXPECT_EQ(title_case("ưng ỷ ấn"), "Ưng Ỷ Ấn");
  EXPECT_EQ(title_case("Trần Văn KHoài"), "Trần Văn Khoài");
  EXPECT_EQ(title_case("h'hen niê"), "H'Hen Niê");
  EXPECT_EQ(title_case(" an  bình "), " An  Bình ");  // spacing kept
}

TEST(VnText, TitleCaseNfdInput) {
  // "ĐỖ THỊ LẬP" decomposed: Đ O+circumflex+tilde, I+dot, A+circumflex+dot.
  EXPECT_EQ(title_case("\xC4\x90O\xCC\x82\xCC\x83 THI\xCC\xA3 LA\xCC\x82\xCC\xA3P"), "Đỗ Thị Lập");
}

TEST(VnText, LowerUpper) {
  EXPECT_EQ(to_lower("ĐẶNG THỊ ƯỚC"), "đặng thị ước");
  EXPECT_EQ(to_upper("đặng thị ước"), "ĐẶNG THỊ ƯỚC");
}

// ------------------------------------------------------------------ syllables

TEST(VnText, ValidSyllables) {
  for (const char* s :
       {"a", "An", "anh", "Nguyễn", "NGUYỄN", "Văn", "Lương", "Thế", "Vinh", "Quỳnh", "Quý",
        "Qúy", "quốc", "quyết", "gì", "gìn", "giếng", "giữa", "Giang", "nghiêng", "ghế", "kỳ",
        "Kiều", "khuỷu", "Hòa", "Hoà", "Thúy", "Thuý", "Huỳnh", "Hùynh", "yến", "Yên", "uyên",
        "oanh", "xoong", "Đặng", "Ðức", "ước", "Trịnh", "Ngọc", "Phượng", "Hường", "Tuệ",
        "thuở", "Khuê", "Oanh", "Ỷ", "Ánh", "hoạch", "Khoa", "ngoằn", "Ích"}) {
    EXPECT_TRUE(is_valid_syllable(s)) << s;
  }
  EXPECT_TRUE(is_valid_syllable("Nguye\xCC\x82\xCC\x83n"));  // NFD
}

TEST(VnText, InvalidSyllablesAndMojibake) {
  for (const char* s :
       {"", "NguyÔn", "V¨n", "Löông", "Nguyeãn", "Vaên", "Theá", "LÆ°Æ¡ng", "Tháº¿", "L\xC2\xAD\xC2\xACng",
        "Ñoã", "ce", "ngi", "ghu", "ka", "tat", "bich", "hóà", "nguyen", "Student",
        "x1", "a b", "Lê-Văn", "q", "quu", "tyên", "iêu", "kh", "Zô", "Wang"}) {
    EXPECT_FALSE(is_valid_syllable(s)) << s;
  }
}

// Every syllable of every name in the namedb lists (data/vntext, MIT) is valid.
TEST(VnText, EveryNameInNameDbIsValid) {
  for (const char* f : {"/data/vntext/boy.txt", "/data/vntext/girl.txt"}) {
    std::ifstream in(std::string(DANGBO_SOURCE_DIR) + f);
    ASSERT_TRUE(in) << f;
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      std::istringstream words(line);
      std::string w;
      while (words >> w) {
        ++n;
        EXPECT_TRUE(is_valid_syllable(w)) << f << ": " << w << " in " << line;
      }
    }
    EXPECT_GT(n, 2000) << f;
  }
}

// The rule for a name part as entered (edits and imports share it).
TEST(VnText, NamePartRule) {
  using dangbo::vntext::name_part_problem;
  for (const char* ok : {"Nguyễn", "Thị Ngọc", "Công Huyền Tôn Nữ", "H'Hen", "H’Hen", "Niê Kdăm", "Jean-Pierre",
                         "St. John", "Иванов", "Ξένια", "ທອງ", "Đặng", ""})
    EXPECT_EQ(name_part_problem(ok), "") << ok;
  EXPECT_EQ(name_part_problem("---"), "Phải có ít nhất một chữ cái");
  EXPECT_EQ(name_part_problem("' ."), "Phải có ít nhất một chữ cái");
  EXPECT_EQ(name_part_problem("An3"), "Chỉ được có chữ cái, dấu cách và các dấu nối - ' .; không được có chữ số (“3”)");
  EXPECT_EQ(name_part_problem("An \xF0\x9F\x98\x80"),
            "Chỉ được có chữ cái, dấu cách và các dấu nối - ' .; không được có ký hiệu hay biểu tượng cảm xúc (“😀”)");
  EXPECT_EQ(name_part_problem("An@"),
            "Chỉ được có chữ cái, dấu cách và các dấu nối - ' .; không được có ký hiệu hay biểu tượng cảm xúc (“@”)");
  EXPECT_EQ(name_part_problem("A\tn"),
            "Chỉ được có chữ cái, dấu cách và các dấu nối - ' .; không được có ký tự điều khiển hoặc ký tự trắng lạ (U+0009)");
  // letters that only look like letters (found by a newcomer test: all were stored)
  const std::string letters = "Chỉ được có chữ cái, dấu cách và các dấu nối - ' .; ";
  EXPECT_EQ(name_part_problem("\u3164"), letters + "không được có ký tự vô hình (U+3164)");  // Hangul filler
  EXPECT_EQ(name_part_problem("An\u200Bh"), letters + "không được có ký tự vô hình (U+200B)");
  EXPECT_EQ(name_part_problem("\uFF21nh"), letters + "chữ “Ａ” là kiểu chữ đặc biệt (toàn khổ, kiểu toán học…), hãy gõ chữ thường");
  EXPECT_NE(name_part_problem("\U0001D4D0nh").find("kiểu chữ đặc biệt"), std::string::npos);  // 𝓐nh
  EXPECT_EQ(name_part_problem("\u0410nh"),  // Cyrillic А then Latin nh
            letters + "chữ “n” thuộc bảng chữ cái khác với các chữ cùng từ (chữ giống nhau nhưng khác mã)");
  EXPECT_EQ(name_part_problem("A\u0301\u0301\u0301"), letters + "một chữ có quá nhiều dấu chồng lên nhau");
  EXPECT_EQ(name_part_problem("\u00E1\u0302\u0303"), letters + "một chữ có quá nhiều dấu chồng lên nhau");  // á̂̃
  EXPECT_EQ(name_part_problem("Nguy\u1EC5n Th\u1ECB Ng\u1ECDc \u1EB6ng"), "");  // ễ ị ọ Ặ: two marks each in NFD
  // two marks on one letter are Vietnamese (ệ in NFD: e + dot below + circumflex); words of
  // different scripts side by side are a name in two scripts, not a look-alike
  EXPECT_EQ(name_part_problem("Nguye\u0323\u0302n"), "");
  EXPECT_EQ(name_part_problem("Иванов Ivan"), "");
  EXPECT_EQ(name_part_problem("山田たろう"), "");
  EXPECT_EQ(name_part_problem("爱新觉罗·溥仪"), "");  // a middle dot joins a name's parts
  EXPECT_EQ(name_part_problem("ジョン・スミス"), "");
  // typed joiners become the plain ones before the rule (vntext::fix_lookalikes)
  EXPECT_EQ(dangbo::vntext::fix_lookalikes("Jean\u2010Paul"), "Jean-Paul");
  EXPECT_EQ(dangbo::vntext::fix_lookalikes("H\u2018Hen"), "H'Hen");
  EXPECT_EQ(dangbo::vntext::fix_lookalikes("H\u00B4en"), "H'en");
  EXPECT_EQ(dangbo::vntext::fix_lookalikes("\u00D0\u1EB7ng"), "Đặng");
  EXPECT_EQ(dangbo::vntext::fix_lookalikes("L\u0430n"), "Lan");          // Cyrillic а inside a Latin word
  EXPECT_EQ(dangbo::vntext::fix_lookalikes("\u0422\u0430\u043E"), "Тао");  // a Cyrillic word stays
  std::string sixty, sixty_one;
  for (int i = 0; i < 60; ++i) sixty += "ễ";  // 60 characters, 180 bytes
  sixty_one = sixty + "a";
  EXPECT_EQ(name_part_problem(sixty), "");
  EXPECT_EQ(name_part_problem(sixty_one), "Quá dài: tối đa 60 ký tự (đang có 61)");
}

// Tests for vntext/standardize.hpp (tone placement, person names). Expected values are
// written by hand from the Vietnamese spelling rules.

#include "vntext/standardize.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "test_util.hpp"
#include "vntext/text.hpp"

using namespace dangbo::vntext;

TEST(VnToneStyle, OldAndNewStyle) {
  struct P {
    const char* old_s;
    const char* new_s;
  } pairs[] = {
      {"Hòa", "Hoà"},     {"Thúy", "Thuý"}, {"khỏe", "khoẻ"}, {"Thủy", "Thuỷ"},
      {"Khánh Hòa", "Khánh Hoà"}, {"Thanh Hóa", "Thanh Hoá"}, {"HÒA", "HOÀ"},
      {"hòe", "hoè"},     {"Tùy", "Tuỳ"},   {"xõa", "xoã"},   {"Lụy", "Luỵ"},
  };
  for (const auto& p : pairs) {
    EXPECT_EQ(apply_tone_style(p.old_s, ToneStyle::new_style), p.new_s) << p.old_s;
    EXPECT_EQ(apply_tone_style(p.new_s, ToneStyle::old_style), p.old_s) << p.new_s;
    EXPECT_EQ(apply_tone_style(p.old_s, ToneStyle::old_style), p.old_s);
    EXPECT_EQ(apply_tone_style(p.new_s, ToneStyle::new_style), p.new_s);
    EXPECT_EQ(search_key(p.old_s), search_key(p.new_s));
  }
}

TEST(VnToneStyle, SameInBothStyles) {
  for (const char* s :
       {"Hoàng", "Nguyễn", "Huỳnh", "Người", "Thường", "Quyết", "Khuê", "Hoạch", "Toàn",
        "Thuyết", "Xoài", "Ngoáy", "Khuỷu", "mùa", "Hài", "Thúy Kiều", "Gia", "Giữa", "gì",
        "Quý", "Quốc", "Việt", "Lê Thị Kim Oanh", "ABC", "Phường 12"}) {
    const std::string oldv = apply_tone_style(s, ToneStyle::old_style);
    const std::string newv = apply_tone_style(s, ToneStyle::new_style);
    if (std::string(s) == "Thúy Kiều") {
      EXPECT_EQ(newv, "Thuý Kiều");
      continue;
    }
    EXPECT_EQ(oldv, s) << s;
    EXPECT_EQ(newv, s) << s;
  }
}

TEST(VnToneStyle, FixesMisplacedTones) {
  struct P {
    const char* in;
    const char* out;
  } cases[] = {
      {"Qúy", "Quý"},     {"Qúi", "Quí"},     {"QÚY", "QUÝ"},   {"Mai Thị Qúi", "Mai Thị Quí"},
      {"Hùynh", "Huỳnh"}, {"gìa", "già"},     {"Gíang", "Giáng"}, {"Hòang", "Hoàng"},
      {"Ngừơi", "Người"}, {"Thừơng", "Thường"}, {"Tóan", "Toán"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(fix_tone_placement(c.in), c.out) << c.in;
    EXPECT_EQ(apply_tone_style(c.in, ToneStyle::old_style), c.out) << c.in;
    EXPECT_EQ(apply_tone_style(c.in, ToneStyle::new_style), c.out) << c.in;
  }
  // Both conventions are correct: fix_tone_placement leaves them.
  for (const char* s : {"Hòa", "Hoà", "Thúy", "Thuý", "khỏe", "khoẻ"})
    EXPECT_EQ(fix_tone_placement(s), s);
  // Not a Vietnamese word / two tone marks: unchanged.
  EXPECT_EQ(fix_tone_placement("Schrödinger"), "Schrödinger");
  EXPECT_EQ(fix_tone_placement("hóà"), "hóà");
}

TEST(VnToneStyle, NfdInput) {
  EXPECT_EQ(apply_tone_style("Ho\xCC\x80" "a", ToneStyle::new_style), "Hoà");
}

// Every "Họ và tên" row of the shared example cases (data/vntext/clean-examples-names.csv).
namespace {

std::vector<std::string> parse_csv_line(const std::string& line) {
  std::vector<std::string> f;
  std::string cur;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      f.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  f.push_back(cur);
  return f;
}

}  // namespace

TEST(VnStandardize, CleanExamplesNameRows) {
  std::ifstream in(std::string(DANGBO_SOURCE_DIR) + "/data/vntext/clean-examples-names.csv");
  ASSERT_TRUE(in);
  std::string line;
  std::getline(in, line);  // header
  int rows = 0;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto f = parse_csv_line(line);
    ASSERT_GE(f.size(), 4u) << line;
    ASSERT_EQ(f[0], "Họ và tên");
    ++rows;
    const StandardizedName s = standardize_person_name(f[1]);
    EXPECT_EQ(s.value, f[2]) << f[3] << ": " << f[1];
    EXPECT_TRUE(s.changed) << f[1];
  }
  EXPECT_EQ(rows, 10);
}

TEST(VnStandardize, PersonNames) {
  EXPECT_EQ(standardize_person_name("Nguyễn văn Quí").value, "Nguyễn Văn Quí");
  EXPECT_EQ(standardize_person_name("Trần Văn KHoài").value, "Trần Văn Khoài");
  EXPECT_EQ(standardize_person_name("Nguyễn Thị Hòa").value, "Nguyễn Thị Hòa");
  EXPECT_FALSE(standardize_person_name("Nguyễn Thị Hòa").changed);
  EXPECT_EQ(standardize_person_name("Nguyễn Thị Hòa", ToneStyle::new_style).value,
            "Nguyễn Thị Hoà");
  EXPECT_EQ(standardize_person_name("  ĐỖ   MƯỜI ").value, "Đỗ Mười");
  const auto s = standardize_person_name("NguyÔn V¨n Hïng");
  EXPECT_EQ(s.value, "Nguyễn Văn Hùng");
  EXPECT_EQ(s.encoding, Encoding::tcvn3_via_cp1252);
}

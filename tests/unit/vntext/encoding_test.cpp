// Tests for vntext/encoding.hpp: legacy decoders/encoders, round trips and repair_text.
// Byte values below are written by hand from the published tables (datacleaning.md §2,
// libiconv test tables, RFC 1456), not produced by the code under test.

#include "vntext/encoding.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "test_util.hpp"
#include "vntext/text.hpp"

using namespace dangbo::vntext;
using vntext_test::split_chars;

// ------------------------------------------------------------------ known bytes

TEST(VnEncoding, LibiconvSnippets) {
  // The libiconv tests/TCVN-snippet and CP1258-snippet line and its UTF-8 original.
  const std::string utf8 = "Vietnamese (Tiếng Việt)\tChào bạn";
  const std::string tcvn = "Vietnamese (Ti\xD5ng Vi\xD6t)\tCh\xB5o b\xB9n";
  const std::string cp1258 = "Vietnamese (Ti\xEA\xECng Vi\xEA\xF2t)\tCh\xE0o ba\xF2n";
  EXPECT_EQ(decode(tcvn, Encoding::tcvn3), utf8);
  EXPECT_EQ(decode(tcvn, Encoding::tcvn_vn1), utf8);
  EXPECT_EQ(decode(cp1258, Encoding::cp1258), utf8);
  EXPECT_EQ(encode(utf8, Encoding::tcvn3), tcvn);
  EXPECT_EQ(encode(utf8, Encoding::tcvn_vn1), tcvn);
  EXPECT_EQ(decode(encode(utf8, Encoding::cp1258), Encoding::cp1258), utf8);
  // Repair detects both from raw bytes.
  EXPECT_EQ(repair_text(tcvn).text, utf8);
  EXPECT_EQ(repair_text(cp1258).text, utf8);
}

TEST(VnEncoding, Tcvn3KnownBytes) {
  EXPECT_EQ(encode("Nguyễn Văn A", Encoding::tcvn3), "Nguy\xD4n V\xA8n A");
  EXPECT_EQ(decode("Nguy\xD4n V\xA8n A", Encoding::tcvn3), "Nguyễn Văn A");
  EXPECT_EQ(decode("\xAE\xAD\xEAng", Encoding::tcvn3), "đường");  // 0xAD = ư
  EXPECT_EQ(decode("\xA7\xA6\xA5", Encoding::tcvn3), "ĐƯƠ");
  // Toned capitals do not exist in TCVN3: they are written lower case.
  bool exact = true;
  EXPECT_EQ(encode("NGUYỄN", Encoding::tcvn3, &exact), "NGUY\xD4N");
  EXPECT_EQ(decode("NGUY\xD4N", Encoding::tcvn3), "NGUYễN");
  // …but VN1 has them.
  EXPECT_EQ(decode(encode("NGUYỄN", Encoding::tcvn_vn1), Encoding::tcvn_vn1), "NGUYỄN");
  // C0 bytes are control codes in TCVN3, capitals (Ú) in VN1.
  EXPECT_EQ(decode("\x01", Encoding::tcvn_vn1), "Ú");
  EXPECT_EQ(decode("\x01", Encoding::tcvn3), "\x01");
}

TEST(VnEncoding, VniKnownBytes) {
  EXPECT_EQ(encode("Nguyễn Văn A", Encoding::vni), "Nguye\xE3n Va\xEAn A");
  EXPECT_EQ(encode("Lương Thế Vinh", Encoding::vni), "L\xF6\xF4ng The\xE1 Vinh");
  EXPECT_EQ(encode("Đỗ Út", Encoding::vni), "\xD1o\xE3 U\xD9t");
  EXPECT_EQ(encode("Cộng hòa", Encoding::vni), "Co\xE4ng ho\xF8" "a");
  EXPECT_EQ(encode("Nghĩa Vị", Encoding::vni), "Ngh\xF3" "a V\xF2");
  EXPECT_EQ(encode("ỵ Ỵ", Encoding::vni), "\xEE \xCE");
  EXPECT_EQ(decode("Nguye\xE3n Va\xEAn A", Encoding::vni), "Nguyễn Văn A");
  EXPECT_EQ(decode("NGUYE\xC3N VA\xCAN", Encoding::vni), "NGUYỄN VĂN");
  EXPECT_EQ(decode("L\xF6\xF4ng The\xE1 Vinh", Encoding::vni), "Lương Thế Vinh");
}

TEST(VnEncoding, ViqrKnown) {
  EXPECT_EQ(encode("Lương Thế Vinh", Encoding::viqr), "Lu+o+ng The^' Vinh");
  EXPECT_EQ(encode("Nguyễn Văn A", Encoding::viqr), "Nguye^~n Va(n A");
  EXPECT_EQ(encode("Đặng", Encoding::viqr), "DDa(.ng");
  EXPECT_EQ(decode("Vie^.t Nam", Encoding::viqr), "Việt Nam");
  EXPECT_EQ(decode("Lu+o+ng The^' Vinh", Encoding::viqr), "Lương Thế Vinh");
  EXPECT_EQ(decode("dda(ng DDo^~", Encoding::viqr), "đăng Đỗ");
  EXPECT_EQ(decode("A\\.", Encoding::viqr), "A.");  // escaped mark stays punctuation
  // Punctuation after a vowel is escaped on output and survives a round trip.
  EXPECT_EQ(encode("Hoa.", Encoding::viqr), "Hoa\\.");
  EXPECT_EQ(decode(encode("Là ai? Hà.", Encoding::viqr), Encoding::viqr), "Là ai? Hà.");
}

TEST(VnEncoding, VisciiAndCp1258Known) {
  EXPECT_EQ(encode("Nguyễn Văn Lương", Encoding::viscii), "Nguy\xADn V\xE5n L\xDF\xBDng");
  EXPECT_EQ(decode("\x02", Encoding::viscii), "Ẳ");  // VISCII letter in C0
  EXPECT_EQ(decode("Vi\xEA\xF2t", Encoding::cp1258), "Việt");  // base + combining dot
  EXPECT_EQ(decode("\xD0\xF0", Encoding::cp1258), "Đđ");
}

TEST(VnEncoding, Utf16) {
  EXPECT_EQ(encode("Lê", Encoding::utf16le), std::string("L\0\xEA\0", 4));
  EXPECT_EQ(encode("Lê", Encoding::utf16be), std::string("\0L\0\xEA", 4));
  EXPECT_EQ(decode(std::string("\xFF\xFEL\0\xEA\0", 6), Encoding::utf16le), "Lê");
  EXPECT_EQ(decode(std::string("\x1E\xBF", 2), Encoding::utf16be), "ế");
}

TEST(VnEncoding, MojibakeViews) {
  EXPECT_EQ(encode("Lương Thế Vinh", Encoding::cp1252_mojibake_utf8), "LÆ°Æ¡ng Tháº¿ Vinh");
  EXPECT_EQ(encode("Lương Thế Vinh", Encoding::tcvn3_via_cp1252), "L\xC2\xAD\xC2\xACng Th\xC3\x95 Vinh");
  EXPECT_EQ(encode("Lương Thế Vinh", Encoding::vni_via_cp1252), "Löông Theá Vinh");
  EXPECT_EQ(encode("Nguyễn Văn A", Encoding::tcvn3_via_cp1252), "NguyÔn V¨n A");
  EXPECT_EQ(decode("LÆ°Æ¡ng Tháº¿ Vinh", Encoding::cp1252_mojibake_utf8), "Lương Thế Vinh");
  EXPECT_EQ(decode("HáşŁi", Encoding::cp1250_mojibake_utf8), "Hải");
  // Đ = C4 90; 0x90 is undefined in cp1252 and is often lost on display.
  EXPECT_EQ(decode("Äáº·ng", Encoding::cp1252_mojibake_utf8), "Đặng");
  EXPECT_EQ(decode("Ä\xC2\x90áº·ng", Encoding::cp1252_mojibake_utf8), "Đặng");
  // ọ = E1 BB 8D; 0x8D likewise.
  EXPECT_EQ(decode("Ngá»c", Encoding::cp1252_mojibake_utf8), "Ngọc");
}

// ------------------------------------------------------------------ round trips

namespace {

const Encoding kAll[] = {
    Encoding::utf8,          Encoding::utf16le,           Encoding::utf16be,
    Encoding::cp1258,        Encoding::tcvn3,             Encoding::tcvn_vn1,
    Encoding::vni,           Encoding::viqr,              Encoding::viscii,
    Encoding::cp1252_mojibake_utf8, Encoding::cp1250_mojibake_utf8, Encoding::tcvn3_via_cp1252,
    Encoding::vni_via_cp1252, Encoding::viscii_via_cp1252, Encoding::cp1258_via_cp1252,
};

bool lowers_toned_capitals(Encoding e) {
  return e == Encoding::tcvn3 || e == Encoding::tcvn3_via_cp1252;
}

}  // namespace

TEST(VnEncoding, EveryLetterRoundTripsInEveryEncoding) {
  const auto lower = split_chars(vntext_test::kLower);
  const auto upper = split_chars(vntext_test::kUpper);
  ASSERT_EQ(lower.size(), 73u);
  ASSERT_EQ(upper.size(), 73u);
  for (Encoding e : kAll) {
    for (std::size_t k = 0; k < lower.size(); ++k) {
      bool exact = false;
      const std::string enc_l = encode(lower[k], e, &exact);
      EXPECT_TRUE(exact) << encoding_name(e) << " " << lower[k];
      EXPECT_EQ(decode(enc_l, e), lower[k]) << encoding_name(e);

      // Upper case: TCVN3 keeps only Ă Â Ê Ô Ơ Ư Đ and the plain ASCII vowels; a toned
      // capital (tone index k % 6 != 0) comes back lower case.
      const bool toned = k < 72 && k % 6 != 0;
      const std::string want = lowers_toned_capitals(e) && toned ? lower[k] : upper[k];
      EXPECT_EQ(decode(encode(upper[k], e), e), want) << encoding_name(e) << " " << upper[k];
    }
  }
}

TEST(VnEncoding, EveryLetterInLowerAndUpperStrings) {
  for (Encoding e : kAll) {
    EXPECT_EQ(decode(encode(vntext_test::kLower, e), e), vntext_test::kLower) << encoding_name(e);
    if (!lowers_toned_capitals(e)) {
      EXPECT_EQ(decode(encode(vntext_test::kUpper, e), e), vntext_test::kUpper) << encoding_name(e);
    }
  }
}

TEST(VnEncoding, NamesRoundTrip) {
  const auto names = vntext_test::full_names();
  for (Encoding e : kAll) {
    if (lowers_toned_capitals(e)) continue;
    int bad = 0;
    for (const auto& n : names)
      if (decode(encode(n, e), e) != n && ++bad < 5) ADD_FAILURE() << encoding_name(e) << ": " << n;
    EXPECT_EQ(bad, 0) << encoding_name(e);
  }
}

TEST(VnEncoding, Tcvn3EncoderLowersOnlyTonedCapitals) {
  bool exact = true;
  EXPECT_EQ(decode(encode("Đặng Thị Ánh", Encoding::tcvn3, &exact), Encoding::tcvn3), "Đặng Thị ánh");
  EXPECT_EQ(decode(encode("ĂN ÂU ÊM ÔN ƠN ƯA ĐI", Encoding::tcvn3), Encoding::tcvn3),
            "ĂN ÂU ÊM ÔN ƠN ƯA ĐI");
}

TEST(VnEncoding, UnrepresentableCharactersAreFlagged) {
  bool exact = true;
  EXPECT_EQ(encode("Lê 李", Encoding::tcvn3, &exact), "L\xAA ?");
  EXPECT_FALSE(exact);
  exact = true;
  encode("€", Encoding::vni, &exact);
  EXPECT_FALSE(exact);
}

// ------------------------------------------------------------------ repair_text

TEST(VnRepair, KeepsCorrectValues) {
  for (const char* s : {"Hoà", "Hòa", "Lê", "Nguyễn Văn A", "Nguyen Van A", "Nguyen Van A.",
                        "Trần Thị Thu Hà", "LÊ THỊ KIM OANH", "Student", "O'Brien",
                        "H'Hen Niê", "Phường 12, Quận 3", "Đỗ Mười", "Y Ngông Niê Kdăm",
                        "Café", "Lê Hà", "Tô Lâm", "Mỹ Ý", "1234", "Lê Văn An (Bí thư)",
                        // Latin-1-only words that some legacy reading turns into other
                        // well-formed syllables (TCVN3 "Phó" → "Phú", VNI "Nhôn" → "Nhơn"),
                        // and minority-language names that are not Vietnamese syllables.
                        "Phó", "Vò", "Tó", "Phông", "Xã Nhôn Mai", "Nhôn", "KÔ", "YÔNG", "BĂ",
                        "Võ", "Lý", "Lã", "Ksor H'Ba", "Rơ Mah", "Êban", "Niê Kdăm"}) {
    const Repair r = repair_text(s);
    EXPECT_EQ(r.text, s) << s;
    EXPECT_FALSE(r.changed) << s;
    EXPECT_EQ(r.detected, Encoding::utf8) << s;
  }
}

// Names written in the Latin orthographies of Jarai, Bahnar and Ê Đê, whose letters Ƀ Ĕ Ĭ Ŏ Ŭ Č
// Vietnamese lacks: kept as they are (found by a break test: "Siu Ƀăng" became "Siu Éặảặng", read
// as VISCII, and "Y Ŏng" became "Y Ăệng"; the word alone was kept, two words were not).
TEST(VnRepair, KeepsMinorityLanguageNames) {
  for (const char* s : {"Siu Ƀăng", "Y Ŏng", "Nay Ƀrơng", "Siu Ĭt", "Y Ŭt", "Y Ĕ", "Ƀăng", "Rơ Čam Ƀlơ",
                        "KSOR Y ƀUH", "Ĭt Ŭt Ĕ Ŏ"}) {
    const Repair r = repair_text(s);
    EXPECT_EQ(r.text, s) << s;
    EXPECT_FALSE(r.changed) << s;
    EXPECT_EQ(r.detected, Encoding::utf8) << s;
  }
}

TEST(VnRepair, CleansDefectsWithoutReencoding) {
  auto r = repair_text("Ðinh Công Tráng");  // U+00D0 eth
  EXPECT_EQ(r.text, "Đinh Công Tráng");
  EXPECT_TRUE(r.changed);
  EXPECT_EQ(r.detected, Encoding::utf8);

  r = repair_text("Hu\xCC\x80ynh");  // NFD
  EXPECT_EQ(r.text, "Hùynh");
  EXPECT_TRUE(r.changed);

  EXPECT_EQ(repair_text("Lê \xE2\x80\x8BVăn\xEF\xBB\xBF").text, "Lê Văn");  // ZWSP, BOM
  EXPECT_EQ(repair_text("Nguyễn\x01 Văn\x7F").text, "Nguyễn Văn");         // controls
  EXPECT_EQ(repair_text("Lê\tVăn").text, "Lê\tVăn");                         // tab kept
  // Cyrillic о (U+043E) and Greek Ο (U+039F) inside Latin words.
  EXPECT_EQ(repair_text("Trần Thị H\xD0\xBE" "a").text, "Trần Thị Hoa");
  EXPECT_EQ(repair_text("\xCE\x9F" "anh").text, "Oanh");
  // A word entirely in Cyrillic is left alone.
  EXPECT_EQ(repair_text("Иван").text, "Иван");
}

TEST(VnRepair, DetectsMojibake) {
  struct Case {
    const char* in;
    const char* out;
    Encoding enc;
  } cases[] = {
      {"NguyÔn V¨n A", "Nguyễn Văn A", Encoding::tcvn3_via_cp1252},
      {"L\xC2\xAD\xC2\xACng ThÕ Vinh", "Lương Thế Vinh", Encoding::tcvn3_via_cp1252},
      {"Nguyeãn Vaên A", "Nguyễn Văn A", Encoding::vni_via_cp1252},
      {"Löông Theá Vinh", "Lương Thế Vinh", Encoding::vni_via_cp1252},
      {"Ñoã Thò Uùt", "Đỗ Thị Út", Encoding::vni_via_cp1252},
      {"LÆ°Æ¡ng Tháº¿ Vinh", "Lương Thế Vinh", Encoding::cp1252_mojibake_utf8},
      {"Äáº·ng Thá»‹ Ngá»c", "Đặng Thị Ngọc", Encoding::cp1252_mojibake_utf8},
      {"HáşŁi", "Hải", Encoding::cp1250_mojibake_utf8},
      {"Lu+o+ng The^' Vinh", "Lương Thế Vinh", Encoding::viqr},
      {"Nguye^~n Va(n A", "Nguyễn Văn A", Encoding::viqr},
  };
  for (const auto& c : cases) {
    const Repair r = repair_text(c.in);
    EXPECT_EQ(r.text, c.out) << c.in;
    EXPECT_EQ(r.detected, c.enc) << c.in << " → " << encoding_name(r.detected);
    EXPECT_TRUE(r.changed);
    EXPECT_GT(r.confidence, 0.9);
  }
}

TEST(VnRepair, Tcvn3CapitalsAreRestored) {
  // Typed with a .VnTimeH font: the bytes are lower-case codes.
  EXPECT_EQ(repair_text(encode("NGUYỄN VĂN ÁNH", Encoding::tcvn3_via_cp1252)).text, "NGUYỄN VĂN ÁNH");
  EXPECT_EQ(repair_text(encode("Lê Thị Ánh", Encoding::tcvn3_via_cp1252)).text, "Lê Thị Ánh");
  EXPECT_EQ(repair_text(encode("NGUYỄN VĂN ÁNH", Encoding::tcvn3)).text, "NGUYỄN VĂN ÁNH");
}

TEST(VnRepair, RawLegacyBytes) {
  EXPECT_EQ(repair_text("Nguy\xD4n V\xA8n A").text, "Nguyễn Văn A");
  EXPECT_EQ(repair_text("Nguy\xD4n V\xA8n A").detected, Encoding::tcvn3);
  EXPECT_EQ(repair_text("L\xF6\xF4ng The\xE1 Vinh").detected, Encoding::vni);
  const Repair r = repair_text(encode("Nguyễn Văn Lương", Encoding::utf16le));
  EXPECT_EQ(r.text, "Nguyễn Văn Lương");
  EXPECT_EQ(r.detected, Encoding::utf16le);
  // Non-UTF-8 that reads as nothing Vietnamese: cp1252, confidence 0.
  const Repair w = repair_text("Caf\xE9 cr\xE8me");
  EXPECT_EQ(w.text, "Café crème");
  EXPECT_EQ(w.detected, Encoding::cp1252);
  EXPECT_EQ(w.confidence, 0.0);
}

TEST(VnRepair, EmptyAndAscii) {
  EXPECT_EQ(repair_text("").text, "");
  EXPECT_FALSE(repair_text("").changed);
  // Trailing . and ? alone are punctuation, not VIQR tones.
  EXPECT_EQ(repair_text("Tran Van A.").text, "Tran Van A.");
  EXPECT_EQ(repair_text("Ai?").text, "Ai?");
}

// Every correct name is left unchanged (zero false positives), in NFC.
TEST(VnRepair, LeavesAllCorrectNamesUnchanged) {
  const auto names = vntext_test::full_names();
  ASSERT_GT(names.size(), 2500u);
  int changed = 0;
  for (const auto& n : names) {
    const Repair r = repair_text(n);
    if ((r.changed || r.text != n) && ++changed <= 10) ADD_FAILURE() << n << " → " << r.text;
  }
  EXPECT_EQ(changed, 0);
  // Given names alone (short fields are the hardest) and their unaccented forms.
  for (const auto& g : vntext_test::given_names()) {
    EXPECT_EQ(repair_text(g).text, g);
    const std::string ascii = search_key(g);
    EXPECT_EQ(repair_text(ascii).text, ascii);
  }
}

// Names encoded in each legacy encoding and shown through cp1252 are restored (≥ 99 %).
TEST(VnRepair, RestoresEncodedNames) {
  const auto names = vntext_test::full_names();
  struct Kind {
    Encoding e;
    bool text;  // displayed text (UTF-8) rather than raw bytes
  } kinds[] = {
      {Encoding::tcvn3_via_cp1252, true},  {Encoding::vni_via_cp1252, true},
      {Encoding::cp1252_mojibake_utf8, true}, {Encoding::cp1250_mojibake_utf8, true},
      {Encoding::viscii_via_cp1252, true}, {Encoding::cp1258_via_cp1252, true},
      {Encoding::viqr, true},              {Encoding::tcvn3, false},
      {Encoding::vni, false},              {Encoding::viscii, false},
      {Encoding::cp1258, false},           {Encoding::tcvn_vn1, false},
      {Encoding::utf16le, false},          {Encoding::utf16be, false},
  };
  for (const Kind& k : kinds) {
    int ok = 0, shown = 0;
    for (const auto& n : names) {
      const std::string garbled = encode(n, k.e);
      const Repair r = repair_text(garbled);
      if (r.text == n) {
        ++ok;
      } else if (++shown <= 3) {
        std::printf("  [%s] %s → %s (%s)\n", std::string(encoding_name(k.e)).c_str(), n.c_str(),
                    r.text.c_str(), std::string(encoding_name(r.detected)).c_str());
      }
    }
    const double rate = double(ok) / names.size();
    std::printf("  %-22s restored %5.1f %% of %zu names\n",
                std::string(encoding_name(k.e)).c_str(), 100 * rate, names.size());
    EXPECT_GE(rate, 0.99) << encoding_name(k.e);
  }
}

TEST(VnRepair, Score) {
  EXPECT_DOUBLE_EQ(vietnamese_score("Nguyễn Văn An"), 1.0);
  EXPECT_DOUBLE_EQ(vietnamese_score("NguyÔn V¨n An"), 1.0 / 3);
  EXPECT_DOUBLE_EQ(vietnamese_score("123"), 1.0);
}

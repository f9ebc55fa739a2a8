// dangbo::vntext — legacy Vietnamese encodings and per-field repair of mis-decoded text.
//
// Facts behind the tables: research notes datacleaning.md §2; byte tables cross-checked
// with GNU libiconv's test tables (see data/SOURCES.md). ICU has no TCVN3 or VNI
// converter, so all Vietnamese encodings are implemented here. Thread-safe; no function
// throws on bad input (ill-formed sequences become U+FFFD).
#pragma once

#include <string>
#include <string_view>

namespace dangbo::vntext {

enum class Encoding {
  utf8,
  utf16le,
  utf16be,
  cp1252,    // Windows-1252 (Western; not Vietnamese, used as the "display" code page)
  cp1258,    // Windows-1258: Latin-1-like letters + 5 combining tone bytes
  tcvn3,     // TCVN 5712:1993 VN3 "ABC" (.VnTime fonts): lower-case toned letters only
  tcvn_vn1,  // TCVN 5712:1993 VN1 (glibc/libiconv "TCVN"): adds toned capitals in C0/0x80..
  vni,       // VNI-Windows (VNI-Times fonts): ASCII base + Latin-1 shape/tone byte
  viqr,      // VIQR (RFC 1456): ASCII mnemonics after the letter ( ^ + ' ` ? ~ . and dd
  viscii,    // VISCII (RFC 1456): one byte per letter, six capitals in C0
  // Text (UTF-8) that is the result of showing other bytes through a Windows code page:
  cp1252_mojibake_utf8,  // UTF-8 bytes read as cp1252: "LÆ°Æ¡ng" for "Lương"
  cp1250_mojibake_utf8,  // UTF-8 bytes read as cp1250: "HáşŁi" for "Hải"
  tcvn3_via_cp1252,      // TCVN3 bytes read as cp1252: "NguyÔn V¨n", "L­¬ng"
  vni_via_cp1252,        // VNI bytes read as cp1252: "Nguyeãn Vaên", "Löông"
  viscii_via_cp1252,     // VISCII bytes read as cp1252
  cp1258_via_cp1252,     // Windows-1258 bytes read as cp1252: "Viêòt"
  unknown,
};

// Short stable name ("tcvn3", "vni_via_cp1252", …) for logs and import reports.
std::string_view encoding_name(Encoding e);

// Decodes `in` to UTF-8 NFC.
// - For utf8…viscii, `in` is raw bytes in that encoding. TCVN3 is read with the VN1 table
//   for 0x80..0xFF (so VN1 capitals there decode too) but C0 bytes stay control codes;
//   VN1 reads C0 capitals as well. Base letter + combining tone byte (VN1, cp1258) is
//   composed. UTF-16 accepts and drops a leading BOM.
// - For the *_mojibake_utf8 and *_via_cp1252 kinds, `in` is UTF-8 text as it was
//   displayed; it is mapped back to the code page's bytes (C1 controls U+0080..U+009F
//   stand for the code page's undefined bytes) and those bytes are decoded. For
//   *_mojibake_utf8 a byte that the code page could not show and that was lost (or
//   became "?" / U+FFFD) is restored when exactly that makes a valid Vietnamese letter,
//   choosing by syllable validity ("Äáº·ng" → "Đặng").
// Characters that cannot be mapped back become U+FFFD. Never throws.
std::string decode(std::string_view in, Encoding from);

// Encodes UTF-8 text (any normalization form) into `to`. Characters the encoding cannot
// represent become '?' (or, for the text kinds, U+FFFD) and *exact is set to false.
// TCVN3 has no toned capitals: they are written with the lower-case byte (so "Ố" comes
// back as "ố"; *exact stays true only if no such letter occurs). For *_via_cp1252 and
// *_mojibake_utf8 the result is the UTF-8 text a cp1252/cp1250 viewer would show
// (used to build test data). utf16 outputs no BOM.
std::string encode(std::string_view utf8, Encoding to, bool* exact = nullptr);

struct Repair {
  std::string text;   // repaired value: UTF-8, NFC, controls/zero-width removed
  Encoding detected;  // encoding the value was read as (utf8 when it was already right)
  double confidence;  // 0..1: share of words that are valid Vietnamese syllables in the
                      // result (1 for plain ASCII and for values kept as correct)
  bool changed;       // text != input bytes
};

// Repairs one field (a cell of an import): detects legacy encodings and mojibake per
// field and fixes small defects. Zero false positives matter more than recall:
// - Valid UTF-8 that already reads as Vietnamese (every word a well-formed syllable with
//   its tone where one of the two conventions puts it, no odd characters) is kept; only
//   NFC, removal of control/zero-width characters and look-alikes (Ð U+00D0 → Đ,
//   Cyrillic/Greek letters inside Latin words) are applied. If it has a letter outside
//   Latin-1 (ă ơ ư đ ạ …) no cp1252 reading exists and no candidate is even tried (a cheap
//   scan without ICU). Plain ASCII is kept unless it carries clear VIQR marks.
// - Otherwise candidate readings are made (UTF-8 read as cp1252/cp1250 — restoring bytes
//   the code page could not show —, TCVN3/VNI/VISCII/Windows-1258 shown through cp1252,
//   VIQR for ASCII; raw TCVN3/VNI/VISCII/cp1258/VN1/UTF-16 for bytes that are not UTF-8)
//   and ranked by the share of valid words, then odd characters (¨ ª µ ¬, soft hyphens,
//   "NguyÔn"-style capitals), then the likelihood of the syllables in a name/place-name
//   frequency list. A reading replaces the value only if it is worse in nothing and better
//   in something; TCVN3 and VISCII readings (whose mojibake is made of ordinary letters)
//   must remove odd characters. A well-formed value is replaced only by a Windows-1258
//   reading whose changed words go from unknown to common ("Vãn" → "Văn").
// - Ambiguous values stay as they are: VNI "Hồ" read as cp1252 is "Hoà", itself correct.
// - TCVN3 has no toned capitals: after a TCVN3 decoding, words written in capitals get
//   their decoded lower-case letters raised again ("NGUYễN" → "NGUYỄN"), and a lower-case
//   first letter is raised when the other words are capitalized.
// - Bytes that are not UTF-8 and read as nothing Vietnamese are read as cp1252
//   (confidence 0).
// C0 controls are removed only after decoding (VISCII and VN1 use some of them for
// letters). Tab and newlines are kept; use collapse_spaces() for spacing.
Repair repair_text(std::string_view field);

// Look-alikes in text typed or pasted into a form (UTF-8), as repair_text mends them: Ð ð
// (U+00D0/U+00F0, eth) and Ɖ (U+0189) → Đ đ; a Cyrillic or Greek letter inside a word that has
// Latin letters → that Latin letter; the hyphen and dash characters U+2010–2013 → '-'; ‘ ʼ ´ `
// → '. Then NFC. Nothing is removed (a control or invisible
// character stays, for the caller's rule to refuse) and no legacy-encoding reading is tried.
std::string fix_lookalikes(std::string_view utf8);

// Share of words (runs of ASCII letters and non-ASCII, non-space characters) in UTF-8
// text that are valid Vietnamese syllables with a plausibly placed tone; 1.0 for text
// without words.
double vietnamese_score(std::string_view utf8);

}  // namespace dangbo::vntext

// Legacy Vietnamese encodings: decoders, encoders and per-field repair.

#include "vntext/encoding.hpp"

#include <unicode/uchar.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <unordered_map>
#include <vector>

#include "vntext/encoding_tables.hpp"
#include "vntext/letters.hpp"
#include "vntext/syllable_freq.hpp"
#include "vntext/text.hpp"
#include "vntext/tone.hpp"
#include "vntext/utf8.hpp"

namespace dangbo::vntext {

using namespace detail;

std::string_view encoding_name(Encoding e) {
  switch (e) {
    case Encoding::utf8: return "utf8";
    case Encoding::utf16le: return "utf16le";
    case Encoding::utf16be: return "utf16be";
    case Encoding::cp1252: return "cp1252";
    case Encoding::cp1258: return "cp1258";
    case Encoding::tcvn3: return "tcvn3";
    case Encoding::tcvn_vn1: return "tcvn_vn1";
    case Encoding::vni: return "vni";
    case Encoding::viqr: return "viqr";
    case Encoding::viscii: return "viscii";
    case Encoding::cp1252_mojibake_utf8: return "cp1252_mojibake_utf8";
    case Encoding::cp1250_mojibake_utf8: return "cp1250_mojibake_utf8";
    case Encoding::tcvn3_via_cp1252: return "tcvn3_via_cp1252";
    case Encoding::vni_via_cp1252: return "vni_via_cp1252";
    case Encoding::viscii_via_cp1252: return "viscii_via_cp1252";
    case Encoding::cp1258_via_cp1252: return "cp1258_via_cp1252";
    case Encoding::unknown: return "unknown";
  }
  return "unknown";
}

namespace {

// ---------------------------------------------------------------- helpers

bool is_combining(char32_t c) { return c >= 0x0300 && c <= 0x036F; }

// UTF-8 of u32 text, NFC-composed when it contains combining marks.
std::string finish(const std::u32string& u) {
  std::string s = to_utf8(u);
  if (std::any_of(u.begin(), u.end(), is_combining)) return nfc(s);
  return s;
}

// Reverse map of a byte table (code point → byte).
struct Reverse {
  std::unordered_map<char32_t, std::uint8_t> m;
  int find(char32_t c) const {
    auto it = m.find(c);
    return it == m.end() ? -1 : it->second;
  }
};

Reverse make_reverse(const char16_t* table, bool (*keep)(int byte, char32_t cp)) {
  Reverse r;
  for (int b = 255; b >= 0; --b) {  // lower byte wins for duplicates
    const char32_t cp = table[b];
    if (keep && !keep(b, cp)) continue;
    r.m[cp] = static_cast<std::uint8_t>(b);
  }
  return r;
}

const Reverse& rev_cp1252() {
  static const Reverse r = make_reverse(kCp1252, nullptr);
  return r;
}
const Reverse& rev_cp1250() {
  static const Reverse r = make_reverse(kCp1250, nullptr);
  return r;
}
const Reverse& rev_vn1() {
  static const Reverse r = make_reverse(kTcvnVn1, [](int b, char32_t cp) {
    return !(b >= 0xB0 && b <= 0xB4) || cp < 0x300;  // combining tones are not letters
  });
  return r;
}
const Reverse& rev_tcvn3() {
  // ABC: ASCII, NBSP, the seven capitals at 0xA1..0xA7 and the lower-case letters.
  static const Reverse r = make_reverse(kTcvnVn1, [](int b, char32_t cp) {
    if (b < 0x80) return cp == static_cast<char32_t>(b);  // not VN1's C0 capitals
    if (b >= 0xA0 && b <= 0xA7) return true;
    if (b < 0xA8 || (b >= 0xB0 && b <= 0xB4)) return false;
    const CharInfo* ci = char_info(cp);
    return ci && ci->plain && !ci->upper;
  });
  return r;
}
const Reverse& rev_viscii() {
  static const Reverse r = make_reverse(kViscii, nullptr);
  return r;
}
const Reverse& rev_cp1258() {
  static const Reverse r = make_reverse(kCp1258, [](int b, char32_t cp) {
    return !is_combining(cp);
  });
  return r;
}

// Combining tone byte of VN1 / CP1258 for a tone.
constexpr std::uint8_t kVn1ToneByte[6] = {0, 0xB0, 0xB1, 0xB2, 0xB3, 0xB4};
constexpr std::uint8_t kCp1258ToneByte[6] = {0, 0xCC, 0xD2, 0xDE, 0xEC, 0xF2};

// ---------------------------------------------------------------- single-byte tables

std::string decode_table(std::string_view bytes, const char16_t* table, bool c0_identity) {
  std::u32string u;
  u.reserve(bytes.size());
  for (char ch : bytes) {
    const auto b = static_cast<unsigned char>(ch);
    u.push_back(c0_identity && b < 0x20 ? char32_t(b) : char32_t(table[b]));
  }
  return finish(u);
}

// Encodes with a reverse table; letters without a byte are tried as base + tone byte
// (tone_bytes), or lower-cased (lower_fallback, TCVN3).
std::string encode_table(std::string_view utf8, const Reverse& rev, const std::uint8_t* tone_bytes,
                         bool lower_fallback, bool* exact) {
  const std::string in = nfc(utf8);
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size();) {
    const char32_t c = next_cp(in, i);
    int b = rev.find(c);
    if (b >= 0) {
      out.push_back(static_cast<char>(b));
      continue;
    }
    const CharInfo* ci = char_info(c);
    if (ci && ci->vowel != kNoVowel && ci->tone != tone_none && tone_bytes) {
      const int base = rev.find(compose_vowel(ci->vowel, tone_none, ci->upper));
      if (base >= 0) {
        out.push_back(static_cast<char>(base));
        out.push_back(static_cast<char>(tone_bytes[ci->tone]));
        continue;
      }
    }
    if (lower_fallback && ci && ci->upper) {
      b = rev.find(vn_lower(c));
      if (b >= 0) {
        out.push_back(static_cast<char>(b));
        continue;
      }
    }
    out.push_back('?');
    if (exact) *exact = false;
  }
  return out;
}

// ---------------------------------------------------------------- VNI

// VNI-Windows: a Latin-1 byte after an ASCII base letter carries the shape and/or tone.
// Lower-case byte values; the upper-case forms are 0x20 lower (ù F9 / Ù D9).
struct VniMod {
  std::int8_t shape;  // 0 none, 1 breve, 2 circumflex
  std::int8_t tone;
};

std::optional<VniMod> vni_mod(std::uint8_t b) {
  if (b >= 0xC0 && b <= 0xDF) b = static_cast<std::uint8_t>(b + 0x20);
  switch (b) {
    case 0xF8: return VniMod{0, tone_grave};
    case 0xFB: return VniMod{0, tone_hook};
    case 0xF5: return VniMod{0, tone_tilde};
    case 0xF9: return VniMod{0, tone_acute};
    case 0xEF: return VniMod{0, tone_dot};
    case 0xE2: return VniMod{2, tone_none};
    case 0xE0: return VniMod{2, tone_grave};
    case 0xE5: return VniMod{2, tone_hook};
    case 0xE3: return VniMod{2, tone_tilde};
    case 0xE1: return VniMod{2, tone_acute};
    case 0xE4: return VniMod{2, tone_dot};
    case 0xEA: return VniMod{1, tone_none};
    case 0xE8: return VniMod{1, tone_grave};
    case 0xFA: return VniMod{1, tone_hook};
    case 0xFC: return VniMod{1, tone_tilde};
    case 0xE9: return VniMod{1, tone_acute};
    case 0xEB: return VniMod{1, tone_dot};
    default: return std::nullopt;
  }
}

// Byte of a VNI modifier (lower-case form) for shape + tone; 0 = none.
std::uint8_t vni_mod_byte(int shape, int tone) {
  static constexpr std::uint8_t kTone[6] = {0, 0xF8, 0xFB, 0xF5, 0xF9, 0xEF};
  static constexpr std::uint8_t kCirc[6] = {0xE2, 0xE0, 0xE5, 0xE3, 0xE1, 0xE4};
  static constexpr std::uint8_t kBreve[6] = {0xEA, 0xE8, 0xFA, 0xFC, 0xE9, 0xEB};
  if (shape == 2) return kCirc[tone];
  if (shape == 1) return kBreve[tone];
  return kTone[tone];
}

// i with tone: single bytes (lower case): ì EC, ỉ E6, ĩ F3, í ED, ị F2.
constexpr std::uint8_t kVniI[6] = {'i', 0xEC, 0xE6, 0xF3, 0xED, 0xF2};

// Vowel index of a VNI base byte (a e o u y, ô=ơ, ö=ư), or -1.
int vni_base(std::uint8_t b, bool& upper) {
  upper = (b >= 'A' && b <= 'Z') || b == 0xD4 || b == 0xD6;
  switch (b) {
    case 'a': case 'A': return 0;
    case 'e': case 'E': return 3;
    case 'o': case 'O': return 6;
    case 'u': case 'U': return 9;
    case 'y': case 'Y': return 11;
    case 0xF4: case 0xD4: return 8;   // ơ
    case 0xF6: case 0xD6: return 10;  // ư
    default: return -1;
  }
}

std::string decode_vni(std::string_view bytes) {
  std::u32string u;
  u.reserve(bytes.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto b = static_cast<std::uint8_t>(bytes[i]);
    bool upper = false;
    const int v = vni_base(b, upper);
    if (v >= 0 && i + 1 < bytes.size()) {
      const auto m = vni_mod(static_cast<std::uint8_t>(bytes[i + 1]));
      if (m) {
        int nv = -1;
        if (m->shape == 0) nv = v;
        else if (m->shape == 1 && v == 0) nv = 1;   // ă
        else if (m->shape == 2 && v == 0) nv = 2;   // â
        else if (m->shape == 2 && v == 3) nv = 4;   // ê
        else if (m->shape == 2 && v == 6) nv = 7;   // ô
        if (nv >= 0) {
          u.push_back(compose_vowel(nv, m->tone, upper));
          ++i;
          continue;
        }
      }
    }
    if (v == 8 || v == 10) {  // lone ô / ö = ơ / ư
      u.push_back(compose_vowel(v, tone_none, upper));
      continue;
    }
    const std::uint8_t lb = (b >= 0xC0 && b <= 0xDF) ? static_cast<std::uint8_t>(b + 0x20) : b;
    const bool up = b >= 0xC0 && b <= 0xDF;
    switch (lb) {
      case 0xF1: u.push_back(up ? U'Đ' : U'đ'); continue;
      case 0xEE: u.push_back(compose_vowel(11, tone_dot, up)); continue;  // ỵ
      case 0xEC: u.push_back(compose_vowel(5, tone_grave, up)); continue;
      case 0xE6: u.push_back(compose_vowel(5, tone_hook, up)); continue;
      case 0xF3: u.push_back(compose_vowel(5, tone_tilde, up)); continue;
      case 0xED: u.push_back(compose_vowel(5, tone_acute, up)); continue;
      case 0xF2: u.push_back(compose_vowel(5, tone_dot, up)); continue;
      default: break;
    }
    u.push_back(kCp1252[b]);
  }
  return to_utf8(u);
}

std::string encode_vni(std::string_view utf8, bool* exact) {
  const std::string in = nfc(utf8);
  std::string out;
  out.reserve(in.size() * 2);
  auto put = [&](unsigned v) { out.push_back(static_cast<char>(v)); };
  for (std::size_t i = 0; i < in.size();) {
    const char32_t c = next_cp(in, i);
    if (c < 0x80) {
      put(c);
      continue;
    }
    const CharInfo* ci = char_info(c);
    const unsigned up = ci && ci->upper ? 0x20 : 0;
    if (ci && ci->plain == U'đ' && (c == U'đ' || c == U'Đ')) {
      put(0xF1 - up);
      continue;
    }
    if (!ci || ci->vowel == kNoVowel) {
      put('?');
      if (exact) *exact = false;
      continue;
    }
    const int v = ci->vowel, t = ci->tone;
    const unsigned asc = up ? 0x20 : 0;  // ASCII upper offset
    switch (v) {
      case 5:  // i
        if (t == tone_none) put('i' - asc);
        else put(kVniI[t] - up);
        break;
      case 11:  // y
        if (t == tone_dot) {
          put(0xEE - up);
        } else {
          put('y' - asc);
          if (t != tone_none) put(vni_mod_byte(0, t) - up);
        }
        break;
      case 8:   // ơ
      case 10:  // ư
        put((v == 8 ? 0xF4 : 0xF6) - up);
        if (t != tone_none) put(vni_mod_byte(0, t) - up);
        break;
      default: {
        char base = 'a';
        int shape = 0;
        switch (v) {
          case 0: base = 'a'; break;
          case 1: base = 'a'; shape = 1; break;
          case 2: base = 'a'; shape = 2; break;
          case 3: base = 'e'; break;
          case 4: base = 'e'; shape = 2; break;
          case 6: base = 'o'; break;
          case 7: base = 'o'; shape = 2; break;
          case 9: base = 'u'; break;
        }
        put(static_cast<unsigned>(base) - asc);
        if (shape || t != tone_none) put(vni_mod_byte(shape, t) - up);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- VIQR

bool viqr_tone(char c, int& tone) {
  switch (c) {
    case '`': tone = tone_grave; return true;
    case '?': tone = tone_hook; return true;
    case '~': tone = tone_tilde; return true;
    case '\'': tone = tone_acute; return true;
    case '.': tone = tone_dot; return true;
    default: return false;
  }
}

int viqr_vowel(char c) {
  switch (c | 0x20) {
    case 'a': return 0;
    case 'e': return 3;
    case 'i': return 5;
    case 'o': return 6;
    case 'u': return 9;
    case 'y': return 11;
    default: return -1;
  }
}

// Shape mark applied to base vowel v: ( breve, ^ circumflex, + horn.
int viqr_shape(int v, char m) {
  if (m == '(' && v == 0) return 1;
  if (m == '^' && v == 0) return 2;
  if (m == '^' && v == 3) return 4;
  if (m == '^' && v == 6) return 7;
  if (m == '+' && v == 6) return 8;
  if (m == '+' && v == 9) return 10;
  return -1;
}

bool ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool viqr_mark(char c) {
  return c == '(' || c == '^' || c == '+' || c == '`' || c == '?' || c == '~' || c == '\'' ||
         c == '.';
}

std::string decode_viqr(std::string_view s) {
  std::u32string u;
  u.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (c == '\\' && i + 1 < s.size() && (viqr_mark(s[i + 1]) || s[i + 1] == 'd' || s[i + 1] == 'D')) {
      u.push_back(static_cast<unsigned char>(s[i + 1]));
      i += 2;
      continue;
    }
    const bool word_start = i == 0 || !ascii_letter(s[i - 1]);
    if ((c == 'd' || c == 'D') && word_start && i + 1 < s.size() &&
        (s[i + 1] == 'd' || s[i + 1] == 'D')) {
      u.push_back(c == 'D' ? U'Đ' : U'đ');
      i += 2;
      continue;
    }
    const int v = viqr_vowel(c);
    if (v < 0) {
      u.push_back(static_cast<unsigned char>(c));
      ++i;
      continue;
    }
    const bool upper = c >= 'A' && c <= 'Z';
    int nv = v, tone = tone_none;
    std::size_t j = i + 1;
    if (j < s.size()) {
      const int sv = viqr_shape(v, s[j]);
      if (sv >= 0) {
        nv = sv;
        ++j;
      }
    }
    if (j < s.size() && viqr_tone(s[j], tone)) ++j;
    u.push_back(compose_vowel(nv, tone, upper));
    i = j;
  }
  return to_utf8(u);
}

std::string encode_viqr(std::string_view utf8, bool* exact) {
  static constexpr char kShape[12] = {0, '(', '^', 0, '^', 0, 0, '^', '+', 0, '+', 0};
  static constexpr char kBase[12] = {'a', 'a', 'a', 'e', 'e', 'i', 'o', 'o', 'o', 'u', 'u', 'y'};
  static constexpr char kTone[6] = {0, '`', '?', '~', '\'', '.'};
  const std::string in = nfc(utf8);
  std::string out;
  out.reserve(in.size() * 2);
  bool after_vowel = false;  // last output ended with a vowel letter (or its marks)
  for (std::size_t i = 0; i < in.size();) {
    const char32_t c = next_cp(in, i);
    if (c < 0x80) {
      const char a = static_cast<char>(c);
      if (after_vowel && viqr_mark(a)) out.push_back('\\');
      // "dd" at a word start would read as đ: escape the second d.
      if ((a == 'd' || a == 'D') && !out.empty() && (out.back() == 'd' || out.back() == 'D') &&
          (out.size() == 1 || !ascii_letter(out[out.size() - 2])))
        out.push_back('\\');
      out.push_back(a);
      after_vowel = viqr_vowel(a) >= 0;
      continue;
    }
    const CharInfo* ci = char_info(c);
    if (ci && (c == U'đ' || c == U'Đ')) {
      out += c == U'Đ' ? "DD" : "dd";
      after_vowel = false;
      continue;
    }
    if (!ci || ci->vowel == kNoVowel) {
      out.push_back('?');
      if (exact) *exact = false;
      after_vowel = false;
      continue;
    }
    const char base = kBase[ci->vowel];
    out.push_back(ci->upper ? static_cast<char>(base - 0x20) : base);
    if (kShape[ci->vowel]) out.push_back(kShape[ci->vowel]);
    if (ci->tone) out.push_back(kTone[ci->tone]);
    after_vowel = true;
  }
  return out;
}

// ---------------------------------------------------------------- UTF-16

std::string decode_utf16(std::string_view b, bool le) {
  std::u32string u;
  u.reserve(b.size() / 2);
  auto unit = [&](std::size_t k) -> char32_t {
    const auto lo = static_cast<unsigned char>(b[k + (le ? 0 : 1)]);
    const auto hi = static_cast<unsigned char>(b[k + (le ? 1 : 0)]);
    return char32_t(hi) << 8 | lo;
  };
  std::size_t k = 0;
  if (b.size() >= 2 && unit(0) == 0xFEFF) k = 2;
  for (; k + 1 < b.size(); k += 2) {
    const char32_t w = unit(k);
    if (w >= 0xD800 && w <= 0xDBFF && k + 3 < b.size()) {
      const char32_t w2 = unit(k + 2);
      if (w2 >= 0xDC00 && w2 <= 0xDFFF) {
        u.push_back(0x10000 + ((w - 0xD800) << 10) + (w2 - 0xDC00));
        k += 2;
        continue;
      }
    }
    u.push_back(w >= 0xD800 && w <= 0xDFFF ? kReplacement : w);
  }
  if (b.size() % 2) u.push_back(kReplacement);
  return finish(u);
}

std::string encode_utf16(std::string_view utf8, bool le) {
  std::string out;
  auto put = [&](char32_t w) {
    const char lo = static_cast<char>(w & 0xFF), hi = static_cast<char>(w >> 8);
    if (le) {
      out.push_back(lo);
      out.push_back(hi);
    } else {
      out.push_back(hi);
      out.push_back(lo);
    }
  };
  for (std::size_t i = 0; i < utf8.size();) {
    const char32_t c = next_cp(utf8, i);
    if (c >= 0x10000) {
      put(0xD800 + ((c - 0x10000) >> 10));
      put(0xDC00 + ((c - 0x10000) & 0x3FF));
    } else {
      put(c);
    }
  }
  return out;
}

// ---------------------------------------------------------------- code-page views

// Maps displayed text back to code-page bytes. Returns nullopt if a character has no
// byte. hole_marks: '?' and U+FFFD are kept as byte 0x3F / marker 0x100 for recovery.
std::optional<std::vector<int>> to_codepage(std::string_view text, const Reverse& rev) {
  std::vector<int> bytes;
  bytes.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const char32_t c = next_cp(text, i);
    if (c == kReplacement) {
      bytes.push_back(0x100);
      continue;
    }
    if (c >= 0x80 && c <= 0x9F) {  // undefined byte passed through as a C1 control
      bytes.push_back(static_cast<int>(c));
      continue;
    }
    const int b = rev.find(c);
    if (b < 0) return std::nullopt;
    bytes.push_back(b);
  }
  return bytes;
}

std::string bytes_string(const std::vector<int>& v) {
  std::string s;
  s.reserve(v.size());
  for (int b : v) s.push_back(static_cast<char>(b & 0xFF));
  return s;
}

std::string show_through(std::string_view bytes, const char16_t* table) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char ch : bytes) append_utf8(out, table[static_cast<unsigned char>(ch)]);
  return out;
}

// Undefined bytes of a code page (those a viewer may have dropped or shown as '?').
std::vector<int> undefined_bytes(const char16_t* table) {
  std::vector<int> r;
  for (int b = 0x80; b < 0xA0; ++b)
    if (table[b] == b) r.push_back(b);
  return r;
}

int utf8_len(int lead) {
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

bool word_is_vietnamese(std::string_view w);

// Turns code-page bytes that should be UTF-8 into text, restoring lost continuation
// bytes (dropped, '?' or U+FFFD) where one of the code page's undefined bytes makes
// the word a valid Vietnamese syllable. Returns nullopt when the bytes are not UTF-8.
std::optional<std::string> utf8_with_holes(const std::vector<int>& in, const std::vector<int>& undef) {
  // Items: byte (0..255) or hole (-1).
  std::vector<int> items;
  items.reserve(in.size() + 4);
  int holes = 0;
  for (std::size_t k = 0; k < in.size();) {
    const int b = in[k];
    const int len = b <= 0xFF ? utf8_len(b) : 0;
    if (len == 0) {
      if (b > 0xFF || (b >= 0x80 && b <= 0xBF) || b >= 0xF5 || b == 0xC0 || b == 0xC1) {
        return std::nullopt;  // stray continuation, U+FFFD or invalid lead
      }
      items.push_back(b);
      ++k;
      continue;
    }
    items.push_back(b);
    ++k;
    for (int c = 1; c < len; ++c) {
      if (k < in.size() && in[k] >= 0x80 && in[k] <= 0xBF) {
        items.push_back(in[k]);
        ++k;
      } else if (k < in.size() && (in[k] == 0x100 || in[k] == '?')) {
        items.push_back(-1);  // replaced byte
        ++holes;
        ++k;
      } else {
        items.push_back(-1);  // dropped byte
        ++holes;
      }
    }
  }
  if (holes > 0) {
    // A lone lead byte ("Ă" from cp1250) is too weak: restore only when some sequence
    // kept at least two of its bytes.
    bool evidence = false;
    for (std::size_t k = 0; k + 1 < items.size(); ++k)
      if (items[k] >= 0xC2 && items[k] <= 0xF4 && items[k + 1] >= 0x80) evidence = true;
    if (!evidence) return std::nullopt;
  }
  if (holes == 0) {
    std::string s;
    for (int b : items) s.push_back(static_cast<char>(b));
    if (!valid_utf8(s)) return std::nullopt;
    return s;
  }
  // Resolve holes word by word (words are separated by ASCII space).
  std::string out;
  std::size_t k = 0;
  while (k < items.size()) {
    std::size_t e = k;
    while (e < items.size() && items[e] != ' ') ++e;
    std::vector<std::size_t> hpos;
    for (std::size_t j = k; j < e; ++j)
      if (items[j] < 0) hpos.push_back(j);
    if (hpos.size() > 3) return std::nullopt;
    std::string best;
    bool found = false, have_valid_utf8 = false;
    std::size_t combos = 1;
    for (std::size_t h = 0; h < hpos.size(); ++h) combos *= undef.size();
    for (std::size_t n = 0; n < combos && !found; ++n) {
      std::string w;
      std::size_t rest = n, hi = 0;
      for (std::size_t j = k; j < e; ++j) {
        if (items[j] < 0) {
          w.push_back(static_cast<char>(undef[rest % undef.size()]));
          rest /= undef.size();
          ++hi;
        } else {
          w.push_back(static_cast<char>(items[j]));
        }
      }
      if (!valid_utf8(w)) continue;
      if (hpos.empty() || word_is_vietnamese(w)) {
        best = w;
        found = true;
      } else if (!have_valid_utf8) {
        best = w;
        have_valid_utf8 = true;
      }
    }
    if (!found && !have_valid_utf8) return std::nullopt;
    out += best;
    if (e < items.size()) out.push_back(' ');
    k = e + 1;
  }
  return out;
}

// ---------------------------------------------------------------- scoring

bool is_space_cp(char32_t c) {
  if (c < 0x80) return c == ' ' || (c >= 0x09 && c <= 0x0D);
  return c == 0xA0 || c == 0x2007 || c == 0x202F || c == 0x3000 || (c >= 0x2000 && c <= 0x200A) ||
         c == 0x1680 || c == 0x2028 || c == 0x2029 || c == 0x205F;
}

// Syllable frequencies (names and place names) for choosing between well-formed readings.
struct Lexicon {
  std::unordered_map<std::string_view, std::uint32_t> count;
  double log_total = 0;
  Lexicon() {
    double total = 0;
    count.reserve(std::size(kSyllableFreq) * 2);
    for (const auto& e : kSyllableFreq) {
      count.emplace(e.key, e.count);
      total += e.count;
    }
    log_total = std::log(total);
  }
};

const Lexicon& lexicon() {
  static const Lexicon l;
  return l;
}

// Lexicon key of a word: lower-case letters without tone + tone digit; "" if not letters.
std::string lexicon_key(std::string_view w) {
  std::string k;
  int tone = 0;
  for (std::size_t i = 0; i < w.size();) {
    const CharInfo* ci = char_info(next_cp(w, i));
    if (!ci || !ci->plain) return {};
    append_utf8(k, ci->plain);
    if (ci->tone) tone = ci->tone;
  }
  k.push_back(static_cast<char>('0' + tone));
  return k;
}

// Log-probability of a valid syllable under the name/place lexicon (add-0.5 smoothing).
double log_prob(std::string_view w) {
  const Lexicon& L = lexicon();
  const auto it = L.count.find(lexicon_key(w));
  const double c = it == L.count.end() ? 0.5 : it->second + 0.5;
  return std::log(c) - L.log_total;
}

struct Score {
  int words = 0;
  int valid = 0;
  int odd = 0;      // non-letters inside words, controls, lower→upper case switches in a word
  double ll = 0;    // log-likelihood of the words under the lexicon (when asked for)
  int invalid() const { return words - valid; }
  double fraction() const { return words ? double(valid) / words : 1.0; }
};

// A word is valid when it is a Vietnamese syllable with its tone where one of the two
// conventions puts it.
bool strictly_valid(std::string_view w) {
  return is_valid_syllable(w) && tone_position_plausible(w);
}

// Letters of the Latin orthographies of Vietnam's minority languages that Vietnamese itself
// lacks (Ê Đê, Jarai, Bahnar, Mnông, K'Ho …: Siu Ƀăng, Y Ŏng, Nay Ƀrơng, Y Ĕ): real letters, not
// the odd characters of mojibake. None is in cp1252, so no cp1252 mojibake produces them; Ñ ñ
// are left out (VNI shown through cp1252 writes Đ as Ñ).
bool minority_letter(char32_t c) {
  switch (c) {
    case 0x0243: case 0x0180:  // Ƀ ƀ
    case 0x010C: case 0x010D:  // Č č
    case 0x0114: case 0x0115:  // Ĕ ĕ
    case 0x012C: case 0x012D:  // Ĭ ĭ
    case 0x014E: case 0x014F:  // Ŏ ŏ
    case 0x016C: case 0x016D:  // Ŭ ŭ
      return true;
    default:
      return false;
  }
}

// Words are runs of ASCII letters and non-ASCII, non-space characters (in viqr mode
// also the VIQR mark characters).
Score score_text(std::string_view s, bool viqr_mode = false, bool with_ll = false) {
  Score sc;
  std::string word;
  bool lower_seen = false;
  auto flush = [&] {
    lower_seen = false;
    if (word.empty()) return;
    ++sc.words;
    if (strictly_valid(word)) {
      ++sc.valid;
      if (with_ll) sc.ll += log_prob(word);
    } else if (with_ll) {
      sc.ll += std::log(0.05) - lexicon().log_total;
    }
    word.clear();
  };
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t st = i;
    const char32_t c = next_cp(s, i);
    bool in_word;
    if (c < 0x80) {
      const char a = static_cast<char>(c);
      in_word = ascii_letter(a) || (viqr_mode && viqr_mark(a));
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') ++sc.odd;
    } else if (is_space_cp(c)) {
      in_word = false;
    } else {
      in_word = true;
      const CharInfo* ci = char_info(c);
      if ((!ci || !ci->plain || is_combining(c)) && !minority_letter(c)) ++sc.odd;
    }
    if (in_word) {
      const CharInfo* ci = char_info(c);
      if (ci && ci->plain) {
        if (ci->upper && lower_seen) ++sc.odd;  // "NguyÔn", "TrƠn"
        if (!ci->upper) lower_seen = true;
      }
      word.append(s.substr(st, i - st));
    } else {
      flush();
    }
  }
  flush();
  return sc;
}

bool word_is_vietnamese(std::string_view w) {
  const Score s = score_text(w);
  return s.words > 0 && s.valid == s.words && s.odd == 0;
}

// ---------------------------------------------------------------- cleanup

char32_t lookalike(char32_t c) {
  switch (c) {
    // Cyrillic
    case 0x0430: return U'a';
    case 0x0435: return U'e';
    case 0x043E: return U'o';
    case 0x0440: return U'p';
    case 0x0441: return U'c';
    case 0x0443: return U'y';
    case 0x0445: return U'x';
    case 0x0456: return U'i';
    case 0x0458: return U'j';
    case 0x04BB: return U'h';
    case 0x0501: return U'd';
    case 0x0410: return U'A';
    case 0x0412: return U'B';
    case 0x0415: return U'E';
    case 0x041A: return U'K';
    case 0x041C: return U'M';
    case 0x041D: return U'H';
    case 0x041E: return U'O';
    case 0x0420: return U'P';
    case 0x0421: return U'C';
    case 0x0422: return U'T';
    case 0x0425: return U'X';
    case 0x0406: return U'I';
    case 0x0408: return U'J';
    case 0x0405: return U'S';
    // Greek
    case 0x0391: return U'A';
    case 0x0392: return U'B';
    case 0x0395: return U'E';
    case 0x0396: return U'Z';
    case 0x0397: return U'H';
    case 0x0399: return U'I';
    case 0x039A: return U'K';
    case 0x039C: return U'M';
    case 0x039D: return U'N';
    case 0x039F: return U'O';
    case 0x03A1: return U'P';
    case 0x03A4: return U'T';
    case 0x03A5: return U'Y';
    case 0x03A7: return U'X';
    case 0x03BF: return U'o';
    case 0x03B9: return U'i';
    case 0x03BD: return U'v';
    default: return 0;
  }
}

bool is_latin_letter(char32_t c) {
  if (c < 0x80) return ascii_letter(static_cast<char>(c));
  const CharInfo* ci = char_info(c);
  return ci && ci->fold >= 'a' && ci->fold <= 'z';
}

bool removable(char32_t c) {
  if (c < 0x20) return c != '\t' && c != '\n' && c != '\r';
  if (c >= 0x7F && c <= 0x9F) return true;
  if (c == 0x00AD || c == 0xFEFF || c == 0x180E) return true;
  if (c >= 0x200B && c <= 0x200F) return true;
  if (c >= 0x202A && c <= 0x202E) return true;
  if (c >= 0x2060 && c <= 0x206F) return true;
  return false;
}

// The Vietnamese letter that u[k] only looks like, or 0: Ð ð (eth) and Ɖ → Đ đ; a Cyrillic or
// Greek letter inside a word that also has Latin letters → the Latin letter.
char32_t letter_lookalike(const std::u32string& u, std::size_t k) {
  const char32_t c = u[k];
  if (c == 0x00D0 || c == 0x0189) return U'Đ';
  if (c == 0x00F0) return U'đ';
  const char32_t l = lookalike(c);
  if (!l) return 0;
  for (std::size_t j = k; j-- > 0 && !is_space_cp(u[j]);)
    if (is_latin_letter(u[j])) return l;
  for (std::size_t j = k + 1; j < u.size() && !is_space_cp(u[j]); ++j)
    if (is_latin_letter(u[j])) return l;
  return 0;
}

// Removes controls / zero-width characters, fixes look-alikes, NFC.
std::string cleanup(std::string_view s) {
  std::u32string u = to_u32(s);
  std::u32string r;
  r.reserve(u.size());
  bool combining = false;
  for (std::size_t k = 0; k < u.size(); ++k) {
    char32_t c = u[k];
    if (removable(c)) {
      // A C0 control or DEL between two letters separated words ("Trần\x07Thị"): a space.
      if ((c < 0x20 || c == 0x7F) && !r.empty() && is_latin_letter(r.back())) {
        std::size_t j = k + 1;
        while (j < u.size() && removable(u[j])) ++j;
        if (j < u.size() && is_latin_letter(u[j])) r.push_back(U' ');
      }
      continue;
    }
    if (const char32_t l = letter_lookalike(u, k)) c = l;
    if (is_combining(c)) combining = true;
    r.push_back(c);
  }
  std::string out = to_utf8(r);
  return combining || !is_ascii(out) ? nfc(out) : out;
}

// TCVN3 cannot encode toned capitals: restore case from the ASCII letters around them.
// A word with two or more ASCII capitals and no ASCII lower-case letter is in capitals; a
// word with one ASCII capital and no lower-case ASCII letter ("Lê", "LÊ") is ambiguous and
// follows the field (capitals only when some word is clearly in capitals and none is
// clearly mixed). A word starting with a decoded lower-case letter is capitalized when
// every word that shows its case starts with a capital.
std::string tcvn3_recase(const std::string& s) {
  std::u32string u = to_u32(s);
  struct W {
    std::size_t b, e;
    int up, low;
  };
  std::vector<W> words;
  for (std::size_t k = 0; k < u.size();) {
    while (k < u.size() && is_space_cp(u[k])) ++k;
    std::size_t e = k;
    int up = 0, low = 0;
    while (e < u.size() && !is_space_cp(u[e])) {
      if (u[e] >= 'A' && u[e] <= 'Z') ++up;
      if (u[e] >= 'a' && u[e] <= 'z') ++low;
      ++e;
    }
    if (e > k) words.push_back({k, e, up, low});
    k = e;
  }
  int caps_words = 0, mixed_words = 0, cap_initial = 0, low_initial = 0;
  for (const W& w : words) {
    if (w.up >= 2 && w.low == 0) ++caps_words;
    if (w.low > 0) ++mixed_words;
    const char32_t f = u[w.b];
    if (f >= 'A' && f <= 'Z') ++cap_initial;
    if (f >= 'a' && f <= 'z') ++low_initial;
    if (f >= 0x80) {
      const CharInfo* ci = char_info(f);
      if (ci && ci->plain && ci->upper) ++cap_initial;
    }
  }
  const bool field_caps = caps_words > 0 && mixed_words == 0;
  for (const W& w : words) {
    const bool word_caps = (w.up >= 2 && w.low == 0) || (field_caps && w.low == 0);
    for (std::size_t k = w.b; k < w.e; ++k) {
      if (u[k] < 0x80) continue;
      if (word_caps || (k == w.b && cap_initial > 0 && low_initial == 0)) u[k] = vn_upper(u[k]);
    }
  }
  return to_utf8(u);
}

// Bytes that TCVN3 (ABC) does not use: VN1's toned capitals and combining tones.
int non_abc_bytes(std::string_view bytes) {
  int n = 0;
  for (char ch : bytes) {
    const auto b = static_cast<unsigned char>(ch);
    if (b < 0x80 || (b >= 0xA0 && b <= 0xA7)) continue;
    const CharInfo* ci = char_info(kTcvnVn1[b]);
    if (b < 0xA0 || (b >= 0xB0 && b <= 0xB4) || !ci || !ci->plain || ci->upper) ++n;
  }
  return n;
}

// ---------------------------------------------------------------- decode/encode core

std::optional<std::string> decode_strict(std::string_view in, Encoding from) {
  switch (from) {
    case Encoding::utf8: return sanitize_utf8(in);
    case Encoding::utf16le: return decode_utf16(in, true);
    case Encoding::utf16be: return decode_utf16(in, false);
    case Encoding::cp1252: return show_through(in, kCp1252);
    case Encoding::cp1258: return decode_table(in, kCp1258, false);
    case Encoding::tcvn3: return decode_table(in, kTcvnVn1, true);
    case Encoding::tcvn_vn1: return decode_table(in, kTcvnVn1, false);
    case Encoding::vni: return decode_vni(in);
    case Encoding::viqr: return decode_viqr(in);
    case Encoding::viscii: return decode_table(in, kViscii, false);
    case Encoding::cp1252_mojibake_utf8:
    case Encoding::cp1250_mojibake_utf8: {
      const bool w = from == Encoding::cp1252_mojibake_utf8;
      const auto bytes = to_codepage(in, w ? rev_cp1252() : rev_cp1250());
      if (!bytes) return std::nullopt;
      static const std::vector<int> u1252 = undefined_bytes(kCp1252);
      static const std::vector<int> u1250 = undefined_bytes(kCp1250);
      return utf8_with_holes(*bytes, w ? u1252 : u1250);
    }
    case Encoding::tcvn3_via_cp1252:
    case Encoding::vni_via_cp1252:
    case Encoding::viscii_via_cp1252:
    case Encoding::cp1258_via_cp1252: {
      const auto bytes = to_codepage(in, rev_cp1252());
      if (!bytes) return std::nullopt;
      for (int b : *bytes)
        if (b > 0xFF) return std::nullopt;
      const std::string raw = bytes_string(*bytes);
      switch (from) {
        case Encoding::tcvn3_via_cp1252: return decode_table(raw, kTcvnVn1, true);
        case Encoding::vni_via_cp1252: return decode_vni(raw);
        case Encoding::viscii_via_cp1252: return decode_table(raw, kViscii, false);
        default: return decode_table(raw, kCp1258, false);
      }
    }
    case Encoding::unknown: break;
  }
  return sanitize_utf8(in);
}

}  // namespace

std::string decode(std::string_view in, Encoding from) {
  if (auto r = decode_strict(in, from)) return nfc(*r);
  // Lenient path: map what can be mapped, U+FFFD for the rest.
  std::string out;
  for (std::size_t i = 0; i < in.size();) {
    const std::size_t st = i;
    next_cp(in, i);
    if (auto one = decode_strict(in.substr(st, i - st), from))
      out += *one;
    else
      append_utf8(out, kReplacement);
  }
  return nfc(out);
}

std::string encode(std::string_view utf8, Encoding to, bool* exact) {
  if (exact) *exact = true;
  switch (to) {
    case Encoding::utf8: return nfc(utf8);
    case Encoding::utf16le: return encode_utf16(nfc(utf8), true);
    case Encoding::utf16be: return encode_utf16(nfc(utf8), false);
    case Encoding::cp1252: return encode_table(utf8, rev_cp1252(), nullptr, false, exact);
    case Encoding::cp1258: return encode_table(utf8, rev_cp1258(), kCp1258ToneByte, false, exact);
    case Encoding::tcvn3: return encode_table(utf8, rev_tcvn3(), nullptr, true, exact);
    case Encoding::tcvn_vn1: return encode_table(utf8, rev_vn1(), kVn1ToneByte, false, exact);
    case Encoding::vni: return encode_vni(utf8, exact);
    case Encoding::viqr: return encode_viqr(utf8, exact);
    case Encoding::viscii: return encode_table(utf8, rev_viscii(), nullptr, false, exact);
    case Encoding::cp1252_mojibake_utf8: return show_through(nfc(utf8), kCp1252);
    case Encoding::cp1250_mojibake_utf8: return show_through(nfc(utf8), kCp1250);
    case Encoding::tcvn3_via_cp1252:
      return show_through(encode_table(utf8, rev_tcvn3(), nullptr, true, exact), kCp1252);
    case Encoding::vni_via_cp1252: return show_through(encode_vni(utf8, exact), kCp1252);
    case Encoding::viscii_via_cp1252:
      return show_through(encode_table(utf8, rev_viscii(), nullptr, false, exact), kCp1252);
    case Encoding::cp1258_via_cp1252:
      return show_through(encode_table(utf8, rev_cp1258(), kCp1258ToneByte, false, exact),
                          kCp1252);
    case Encoding::unknown: break;
  }
  if (exact) *exact = false;
  return std::string(utf8);
}

double vietnamese_score(std::string_view utf8) { return score_text(utf8).fraction(); }

// ---------------------------------------------------------------- repair

namespace {

// VIQR is considered only with a clear mark: ( ^ + ` ~ ' after a vowel, a . or ? after
// a vowel and before a letter ("Pha.m"), or dd at a word start. A . or ? at the end of a
// word alone is ordinary punctuation far more often.
bool strong_viqr(std::string_view s) {
  for (std::size_t i = 0; i + 1 < s.size(); ++i) {
    const char c = s[i], n = s[i + 1];
    const int v = viqr_vowel(c);
    if (v >= 0) {
      if (viqr_shape(v, n) >= 0 || n == '`' || n == '~' || n == '\'') return true;
      if ((n == '.' || n == '?') && i + 2 < s.size() && ascii_letter(s[i + 2])) return true;
    }
    if ((c == 'd' || c == 'D') && (n == 'd' || n == 'D') && (i == 0 || !ascii_letter(s[i - 1])) &&
        i + 2 < s.size() && viqr_vowel(s[i + 2]) >= 0)
      return true;
  }
  return false;
}

// Cheap scan of the input.
enum class Quick { clean_ascii, clean_vietnamese, needs_cleanup, suspicious, not_utf8 };

Quick quick_scan(std::string_view s, bool& latin1_only) {
  bool ascii = true, cleanup_needed = false, odd = false;
  latin1_only = true;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if ((b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7F) cleanup_needed = true;
      ++i;
      continue;
    }
    ascii = false;
    const std::size_t st = i;
    const char32_t c = next_cp(s, i);
    if (c == kReplacement && i - st == 1) return Quick::not_utf8;
    if (c >= 0x100) latin1_only = false;
    const CharInfo* ci = char_info(c);
    if (ci && ci->plain && c != 0x00D0 && c != 0x00F0) continue;  // Vietnamese letter
    if (minority_letter(c)) continue;                              // Ƀ Ĕ Ŏ … (minority languages)
    if (is_space_cp(c)) continue;
    if (removable(c) || c == 0x00D0 || c == 0x00F0 || is_combining(c) || lookalike(c) ||
        c == 0x0189)
      cleanup_needed = true;
    else
      odd = true;
  }
  if (odd) return Quick::suspicious;
  if (cleanup_needed) return Quick::needs_cleanup;
  return ascii ? Quick::clean_ascii : Quick::clean_vietnamese;
}

struct Candidate {
  Encoding enc;
  std::string text;
  Score score;
};

// Ranking: more valid words, fewer odd characters, higher lexicon likelihood, then the
// order the candidates were generated in (most common first).
bool better(const Candidate& a, const Candidate& b) {
  const double fa = a.score.fraction(), fb = b.score.fraction();
  if (fa != fb) return fa > fb;
  if (a.score.odd != b.score.odd) return a.score.odd < b.score.odd;
  if (a.score.ll != b.score.ll) return a.score.ll > b.score.ll + 1e-9;
  return false;
}

// Lexicon count of a word (0 when unknown).
std::uint32_t lexicon_count(std::string_view w) {
  const Lexicon& L = lexicon();
  const auto it = L.count.find(lexicon_key(w));
  return it == L.count.end() ? 0 : it->second;
}

// True when a and b have the same number of space-separated words and every word that
// differs is (nearly) unknown in a (count <= 1) and common in b (count >= 10).
bool rare_to_common(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  bool differs = false;
  while (true) {
    while (i < a.size() && a[i] == ' ') ++i;
    while (j < b.size() && b[j] == ' ') ++j;
    if (i >= a.size() || j >= b.size()) return i >= a.size() && j >= b.size() && differs;
    std::size_t ie = a.find(' ', i), je = b.find(' ', j);
    if (ie == std::string_view::npos) ie = a.size();
    if (je == std::string_view::npos) je = b.size();
    const std::string_view wa = a.substr(i, ie - i), wb = b.substr(j, je - j);
    if (wa != wb) {
      if (lexicon_count(wa) > 1 || lexicon_count(wb) < 10) return false;
      differs = true;
    }
    i = ie;
    j = je;
  }
}

constexpr Encoding kTextCandidates[] = {
    Encoding::cp1252_mojibake_utf8, Encoding::vni_via_cp1252,    Encoding::tcvn3_via_cp1252,
    Encoding::cp1250_mojibake_utf8, Encoding::viscii_via_cp1252, Encoding::cp1258_via_cp1252,
};
constexpr Encoding kByteCandidates[] = {
    Encoding::vni,    Encoding::tcvn3,    Encoding::viscii,
    Encoding::cp1258, Encoding::tcvn_vn1, Encoding::cp1252,
};

void add_candidate(std::vector<Candidate>& out, std::string_view field, Encoding e) {
  auto d = decode_strict(field, e);
  if (!d) return;
  std::string t = *d;
  int extra_odd = 0;
  if (e == Encoding::tcvn3 || e == Encoding::tcvn3_via_cp1252) {
    t = tcvn3_recase(t);
    if (e == Encoding::tcvn3) {
      extra_odd = non_abc_bytes(field);
    } else if (const auto b = to_codepage(field, rev_cp1252())) {
      extra_odd = non_abc_bytes(bytes_string(*b));
    }
  }
  // Score the reading before cleanup so that controls it produces count against it.
  Score sc = score_text(t, false, /*with_ll=*/true);
  sc.odd += extra_odd;
  t = cleanup(t);
  if (t == field) return;
  out.push_back(Candidate{e, std::move(t), sc});
}

const Candidate* best_of(const std::vector<Candidate>& cands) {
  const Candidate* best = nullptr;
  for (const Candidate& c : cands)
    if (!best || better(c, *best)) best = &c;
  return best;
}

Repair keep(std::string_view field, Encoding enc, double conf) {
  std::string t = cleanup(field);
  const bool changed = t != field;
  return Repair{std::move(t), enc, conf, changed};
}

Repair take(const Candidate& c, std::string_view field) {
  return Repair{c.text, c.enc, c.score.fraction(), c.text != field};
}

}  // namespace

Repair repair_text(std::string_view field) {
  if (field.empty()) return Repair{std::string(), Encoding::utf8, 1.0, false};
  bool latin1_only = true;
  // UTF-16 text of ASCII-range letters is well-formed UTF-8 full of NULs: read it as bytes.
  const bool maybe16 = field.size() % 2 == 0 && std::count(field.begin(), field.end(), '\0') * 4 >=
                                                    static_cast<std::ptrdiff_t>(field.size());
  const Quick q = maybe16 ? Quick::not_utf8 : quick_scan(field, latin1_only);
  if (q == Quick::clean_ascii && !strong_viqr(field))
    return Repair{std::string(field), Encoding::utf8, 1.0, false};

  std::vector<Candidate> cands;
  if (q == Quick::not_utf8) {
    if (maybe16) {
      add_candidate(cands, field, Encoding::utf16le);
      add_candidate(cands, field, Encoding::utf16be);
    }
    for (Encoding e : kByteCandidates) add_candidate(cands, field, e);
    const Candidate* best = best_of(cands);
    if (best && best->score.valid > 0 && best->score.valid * 2 >= best->score.words)
      return take(*best, field);
    for (const Candidate& c : cands)
      if (c.enc == Encoding::cp1252) return Repair{c.text, Encoding::cp1252, 0.0, true};
    return Repair{cleanup(show_through(field, kCp1252)), Encoding::cp1252, 0.0, true};
  }

  // Valid UTF-8. The value kept is the cleaned text, but it is judged as it came: a soft
  // hyphen or control inside a word is a sign of legacy bytes (TCVN3 ư, VISCII ễ).
  const std::string cleaned = q == Quick::clean_vietnamese || q == Quick::clean_ascii
                                  ? std::string(field)
                                  : cleanup(field);
  const Score orig = score_text(q == Quick::needs_cleanup ? field : std::string_view(cleaned));
  const bool orig_ok = orig.invalid() == 0 && orig.odd == 0;

  if (is_ascii(field)) {
    if (strong_viqr(cleaned)) {
      Candidate v{Encoding::viqr, cleanup(decode_viqr(cleaned)), {}};
      v.score = score_text(v.text);
      const Score ov = score_text(cleaned, /*viqr_mode=*/true);
      if (v.score.valid > ov.valid && v.score.valid * 2 >= v.score.words && v.score.odd == 0)
        return take(v, field);
    }
    return keep(field, Encoding::utf8, orig_ok ? 1.0 : orig.fraction());
  }

  if (orig_ok && !latin1_only) {
    // Well-formed Vietnamese with letters outside Latin-1 (ă ơ ư đ ạ …): no cp1252
    // reading can exist, so it is kept without trying any.
    return Repair{cleaned, Encoding::utf8, 1.0, cleaned != field};
  }

  // Candidates are read from the field as it came: soft hyphens, C1 controls and Ð
  // are bytes of the legacy text there.
  for (Encoding e : kTextCandidates) add_candidate(cands, field, e);
  if (q == Quick::suspicious) {
    // Legacy bytes that happen to be well-formed UTF-8 (VISCII "Đặng" = D0 A3 = "У").
    for (Encoding e : kByteCandidates)
      if (e != Encoding::cp1252) add_candidate(cands, field, e);
  }
  const Candidate* best = best_of(cands);
  if (!best) return keep(field, Encoding::utf8, orig_ok ? 1.0 : orig.fraction());

  if (orig_ok) {
    // Both readings are well-formed. Only Windows-1258 shown through cp1252 is known to
    // turn common names into other well-formed syllables (ă → ã: "Văn" → "Vãn"); switch
    // when every word that differs is unknown to the lexicon and becomes a common one.
    for (const Candidate& c : cands) {
      if (c.enc != Encoding::cp1258_via_cp1252) continue;
      if (c.score.invalid() == 0 && c.score.odd == 0 && rare_to_common(cleaned, c.text))
        return take(c, field);
    }
    return Repair{cleaned, Encoding::utf8, 1.0, cleaned != field};
  }
  // Otherwise take the best reading that is worse in nothing and better in something.
  // Readings whose mojibake is made of ordinary letters (TCVN3 and VISCII shown through
  // cp1252: "Kô" would read as TCVN3 "Kễ") must remove odd characters (¨ ª µ ¬, soft
  // hyphens, "NguyÔn"-style capitals); VNI pairs ("eã"), UTF-8 byte sequences and
  // Windows-1258 (which changes only ã õ ý Ð ð and the tone bytes ì ò Ì Ò Þ) may also
  // win by turning invalid words into valid ones.
  std::vector<const Candidate*> order;
  for (const Candidate& c : cands) order.push_back(&c);
  std::stable_sort(order.begin(), order.end(),
                   [](const Candidate* x, const Candidate* y) { return better(*x, *y); });
  for (const Candidate* c : order) {
    const Score& b = c->score;
    const bool self_evident = c->enc == Encoding::vni_via_cp1252 ||
                              c->enc == Encoding::cp1252_mojibake_utf8 ||
                              c->enc == Encoding::cp1250_mojibake_utf8 ||
                              c->enc == Encoding::cp1258_via_cp1252;
    const bool gain = self_evident ? (b.invalid() < orig.invalid() || b.odd < orig.odd)
                                   : b.odd < orig.odd;
    if (gain && b.invalid() <= orig.invalid() && b.odd <= orig.odd &&
        b.fraction() >= orig.fraction() && b.valid * 2 >= b.words && b.valid > 0)
      return take(*c, field);
  }
  return keep(field, Encoding::utf8, orig.fraction());
}

std::string fix_lookalikes(std::string_view utf8) {
  std::u32string u = to_u32(utf8);
  bool changed = false;
  for (std::size_t k = 0; k < u.size(); ++k) {
    char32_t& c = u[k];
    char32_t to = letter_lookalike(u, k);
    if (c == 0x2010 || c == 0x2011 || c == 0x2012 || c == 0x2013) to = U'-';     // hyphens, dashes
    else if (c == 0x2018 || c == 0x02BC || c == 0x00B4 || c == 0x0060) to = U'\'';  // ‘ ʼ ´ ` for an apostrophe
    if (to) {
      c = to;
      changed = true;
    }
  }
  return nfc(changed ? to_utf8(u) : std::string(utf8));
}

}  // namespace dangbo::vntext

#include "vntext/text.hpp"

#include <unicode/bytestream.h>
#include <unicode/coll.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <memory>
#include <stdexcept>

#include "vntext/icu_util.hpp"
#include "vntext/letters.hpp"
#include "vntext/utf8.hpp"

namespace dangbo::vntext {
namespace detail {

namespace {
const icu::Normalizer2& nfc_instance() {
  UErrorCode st = U_ZERO_ERROR;
  const icu::Normalizer2* n = icu::Normalizer2::getNFCInstance(st);
  if (U_FAILURE(st)) throw std::runtime_error("vntext: ICU NFC unavailable");
  return *n;
}
const icu::Normalizer2& nfd_instance() {
  UErrorCode st = U_ZERO_ERROR;
  const icu::Normalizer2* n = icu::Normalizer2::getNFDInstance(st);
  if (U_FAILURE(st)) throw std::runtime_error("vntext: ICU NFD unavailable");
  return *n;
}
const icu::Normalizer2& nfkd_instance() {
  UErrorCode st = U_ZERO_ERROR;
  const icu::Normalizer2* n = icu::Normalizer2::getNFKDInstance(st);
  if (U_FAILURE(st)) throw std::runtime_error("vntext: ICU NFKD unavailable");
  return *n;
}
}  // namespace

icu::UnicodeString nfc_u(const icu::UnicodeString& u) {
  UErrorCode st = U_ZERO_ERROR;
  icu::UnicodeString r = nfc_instance().normalize(u, st);
  return U_SUCCESS(st) ? r : u;
}

}  // namespace detail

using namespace detail;

std::string nfc(std::string_view s) {
  if (is_ascii(s)) return std::string(s);
  std::string in = sanitize_utf8(s);
  const icu::Normalizer2& n = nfc_instance();
  UErrorCode st = U_ZERO_ERROR;
  if (n.isNormalizedUTF8(in, st) && U_SUCCESS(st)) return in;
  std::string out;
  out.reserve(in.size());
  icu::StringByteSink<std::string> sink(&out);
  st = U_ZERO_ERROR;
  n.normalizeUTF8(0, in, sink, nullptr, st);
  if (U_FAILURE(st)) return in;
  return out;
}

std::string nfd(std::string_view s) {
  if (is_ascii(s)) return std::string(s);
  std::string in = sanitize_utf8(s);
  std::string out;
  out.reserve(in.size() * 2);
  icu::StringByteSink<std::string> sink(&out);
  UErrorCode st = U_ZERO_ERROR;
  nfd_instance().normalizeUTF8(0, in, sink, nullptr, st);
  if (U_FAILURE(st)) return in;
  return out;
}

namespace {

bool is_white(char32_t c) {
  if (c < 0x80) return c == ' ' || (c >= 0x09 && c <= 0x0D);
  return u_hasBinaryProperty(static_cast<UChar32>(c), UCHAR_WHITE_SPACE);
}

}  // namespace

std::string collapse_spaces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending = false;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t start = i;
    const char32_t c = next_cp(s, i);
    if (is_white(c)) {
      pending = !out.empty();
      continue;
    }
    if (pending) {
      out.push_back(' ');
      pending = false;
    }
    if (c == kReplacement && i - start == 1)
      append_utf8(out, kReplacement);  // ill-formed byte
    else
      out.append(s.substr(start, i - start));
  }
  return out;
}

// ---------------------------------------------------------------- search_key

namespace {

// ICU fallback for text outside the table: NFKD, case fold, drop marks, then the table.
std::string search_key_icu(std::string_view s) {
  icu::UnicodeString u = to_ustr(s);
  UErrorCode st = U_ZERO_ERROR;
  icu::UnicodeString d = nfkd_instance().normalize(u, st);
  if (U_FAILURE(st)) d = u;
  d.foldCase();
  std::string out;
  out.reserve(s.size());
  bool pending = false;
  for (int32_t k = 0; k < d.length();) {
    const UChar32 c = d.char32At(k);
    k += U16_LENGTH(c);
    const CharInfo* ci = char_info(static_cast<char32_t>(c));
    char f = ci ? ci->fold : kFoldUnknown;
    if (f == kFoldUnknown) {
      const int8_t type = u_charType(c);
      if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK ||
          type == U_COMBINING_SPACING_MARK || type == U_FORMAT_CHAR)
        continue;
      if (u_isalnum(c)) {
        if (pending) out.push_back(' ');
        pending = false;
        if (u_isdigit(c) && u_charDigitValue(c) >= 0 && u_charDigitValue(c) <= 9)
          out.push_back(static_cast<char>('0' + u_charDigitValue(c)));
        else
          append_utf8(out, static_cast<char32_t>(c));
        continue;
      }
      f = kFoldSpace;
    }
    if (f == kFoldDrop) continue;
    if (f == kFoldSpace) {
      pending = !out.empty();
      continue;
    }
    if (pending) out.push_back(' ');
    pending = false;
    out.push_back(f);
  }
  return out;
}

// Fold table for ASCII, built at compile time.
struct AsciiFold {
  char f[128];
  constexpr AsciiFold() : f{} {
    for (int c = 0; c < 128; ++c) {
      if (c >= 'a' && c <= 'z')
        f[c] = static_cast<char>(c);
      else if (c >= 'A' && c <= 'Z')
        f[c] = static_cast<char>(c - 'A' + 'a');
      else if (c >= '0' && c <= '9')
        f[c] = static_cast<char>(c);
      else
        f[c] = ' ';
    }
  }
};
constexpr AsciiFold kAsciiFold;

}  // namespace

std::string search_key(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending = false;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    char f;
    if (b < 0x80) {
      f = kAsciiFold.f[b];
      ++i;
    } else {
      const char32_t c = next_cp(s, i);
      const CharInfo* ci = char_info(c);
      if (!ci || ci->fold == kFoldUnknown) return search_key_icu(s);
      f = ci->fold;
      if (f == kFoldDrop) continue;
    }
    if (f == ' ') {
      pending = !out.empty();
      continue;
    }
    if (pending) {
      out.push_back(' ');
      pending = false;
    }
    out.push_back(f);
  }
  return out;
}

// ---------------------------------------------------------------- collation

namespace {

std::unique_ptr<icu::Collator> make_vi_collator() {
  UErrorCode st = U_ZERO_ERROR;
  std::unique_ptr<icu::Collator> c(icu::Collator::createInstance(vi_locale(), st));
  if (U_FAILURE(st) || !c) throw std::runtime_error("vntext: cannot create ICU collator 'vi'");
  c->setStrength(icu::Collator::TERTIARY);
  c->setAttribute(UCOL_NORMALIZATION_MODE, UCOL_ON, st);
  if (U_FAILURE(st)) throw std::runtime_error("vntext: cannot configure ICU collator 'vi'");
  return c;
}

icu::Collator& vi_collator() {
  static const std::unique_ptr<icu::Collator> prototype = make_vi_collator();
  thread_local std::unique_ptr<icu::Collator> mine(prototype->clone());
  return *mine;
}

// Appends the raw collation key of s (with its 00 terminator) to out.
void append_raw_key(std::string& out, std::string_view s) {
  icu::UnicodeString u = to_ustr(s);
  if (s.find("\xC3\x90") != std::string_view::npos || s.find("\xC3\xB0") != std::string_view::npos) {
    // Ð/ð (eth) typed for Đ/đ: collate as Đ/đ.
    u.findAndReplace(icu::UnicodeString(static_cast<UChar32>(0x00D0)),
                     icu::UnicodeString(static_cast<UChar32>(0x0110)));
    u.findAndReplace(icu::UnicodeString(static_cast<UChar32>(0x00F0)),
                     icu::UnicodeString(static_cast<UChar32>(0x0111)));
  }
  icu::Collator& c = vi_collator();
  uint8_t buf[256];
  int32_t n = c.getSortKey(u, buf, sizeof buf);
  if (n <= static_cast<int32_t>(sizeof buf)) {
    out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
    return;
  }
  std::string big(static_cast<std::size_t>(n), '\0');
  n = c.getSortKey(u, reinterpret_cast<uint8_t*>(big.data()), n);
  out.append(big.data(), static_cast<std::size_t>(n));
}

std::string to_hex(std::string_view raw) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string h;
  h.resize(raw.size() * 2);
  for (std::size_t k = 0; k < raw.size(); ++k) {
    const auto b = static_cast<unsigned char>(raw[k]);
    h[2 * k] = kHex[b >> 4];
    h[2 * k + 1] = kHex[b & 0xF];
  }
  return h;
}

}  // namespace

std::string sort_key(std::string_view s) {
  std::string raw;
  append_raw_key(raw, s);
  if (!raw.empty() && raw.back() == '\0') raw.pop_back();
  return to_hex(raw);
}

std::string person_sort_key(std::string_view family, std::string_view middle,
                            std::string_view given) {
  std::string raw;
  append_raw_key(raw, given);
  append_raw_key(raw, family);
  append_raw_key(raw, middle);
  return to_hex(raw);
}

// ---------------------------------------------------------------- case

std::string to_lower(std::string_view s) {
  icu::UnicodeString u = to_ustr(s);
  u.toLower(vi_locale());
  return from_ustr(nfc_u(u));
}

std::string to_upper(std::string_view s) {
  icu::UnicodeString u = to_ustr(s);
  u.toUpper(vi_locale());
  return from_ustr(nfc_u(u));
}

std::string title_case(std::string_view s) {
  // NFC first so that a letter and its marks are one code point where possible.
  icu::UnicodeString u = nfc_u(to_ustr(s));
  icu::UnicodeString out;
  const int32_t n = u.length();
  int32_t k = 0;
  while (k < n) {
    // Copy whitespace.
    UChar32 c = u.char32At(k);
    if (u_isUWhiteSpace(c)) {
      out.append(c);
      k += U16_LENGTH(c);
      continue;
    }
    // One word: [k, e).
    int32_t e = k;
    while (e < n && !u_isUWhiteSpace(u.char32At(e))) e += U16_LENGTH(u.char32At(e));
    icu::UnicodeString word(u, k, e - k);
    word.toLower(vi_locale());
    // Positions (in the lower-cased word) of letters to capitalize.
    icu::UnicodeString res;
    bool seen_letter = false;
    int32_t letters_before = 0;  // letters seen before the current position
    bool cap_next = false;       // set after "X'" at the word start
    for (int32_t j = 0; j < word.length();) {
      const UChar32 w = word.char32At(j);
      const int32_t len = U16_LENGTH(w);
      const bool letter = u_isalpha(w);
      if (letter && (!seen_letter || cap_next)) {
        icu::UnicodeString one(w);
        // Keep any combining marks attached (NFD leftovers are fine: marks are not cased).
        one.toUpper(vi_locale());
        res.append(one);
        seen_letter = true;
        cap_next = false;
        ++letters_before;
      } else {
        res.append(w);
        if (letter) ++letters_before;
        const bool apostrophe = w == 0x27 || w == 0x2019 || w == 0x02BC;
        cap_next = apostrophe && letters_before == 1;
      }
      j += len;
    }
    out.append(res);
    k = e;
  }
  return from_ustr(nfc_u(out));
}

}  // namespace dangbo::vntext

// Internal UTF-8 helpers for dangbo::vntext (not part of the public API).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dangbo::vntext::detail {

inline constexpr char32_t kReplacement = 0xFFFD;

// Decodes one code point starting at s[i] and advances i. Ill-formed sequences
// (overlong, surrogates, > U+10FFFF, truncated) yield U+FFFD and advance by one byte.
inline char32_t next_cp(std::string_view s, std::size_t& i) noexcept {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  const std::size_t n = s.size();
  auto cont = [&](std::size_t k) -> int {
    if (i + k >= n) return -1;
    const auto b = static_cast<unsigned char>(s[i + k]);
    return (b & 0xC0) == 0x80 ? (b & 0x3F) : -1;
  };
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    const int c1 = cont(1);
    if (c1 >= 0) {
      i += 2;
      return (char32_t(b0 & 0x1F) << 6) | char32_t(c1);
    }
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    const int c1 = cont(1), c2 = c1 >= 0 ? cont(2) : -1;
    if (c1 >= 0 && c2 >= 0) {
      const char32_t cp = (char32_t(b0 & 0x0F) << 12) | (char32_t(c1) << 6) | char32_t(c2);
      if (cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF)) {
        i += 3;
        return cp;
      }
    }
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    const int c1 = cont(1), c2 = c1 >= 0 ? cont(2) : -1, c3 = c2 >= 0 ? cont(3) : -1;
    if (c1 >= 0 && c2 >= 0 && c3 >= 0) {
      const char32_t cp = (char32_t(b0 & 0x07) << 18) | (char32_t(c1) << 12) |
                          (char32_t(c2) << 6) | char32_t(c3);
      if (cp >= 0x10000 && cp <= 0x10FFFF) {
        i += 4;
        return cp;
      }
    }
  }
  ++i;
  return kReplacement;
}

// True when s is well-formed UTF-8.
inline bool valid_utf8(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    const std::size_t before = i;
    if (next_cp(s, i) == kReplacement) {
      // U+FFFD itself is EF BF BD (3 bytes); a one-byte advance means an error.
      if (i - before == 1) return false;
    }
  }
  return true;
}

inline bool is_ascii(std::string_view s) noexcept {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

inline void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

inline std::u32string to_u32(std::string_view s) {
  std::u32string r;
  r.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) r.push_back(next_cp(s, i));
  return r;
}

inline std::string to_utf8(std::u32string_view s) {
  std::string r;
  r.reserve(s.size());
  for (char32_t c : s) append_utf8(r, c);
  return r;
}

// Replaces ill-formed sequences with U+FFFD (returns the input unchanged when valid).
inline std::string sanitize_utf8(std::string_view s) {
  if (valid_utf8(s)) return std::string(s);
  std::string r;
  r.reserve(s.size() + 8);
  for (std::size_t i = 0; i < s.size();) append_utf8(r, next_cp(s, i));
  return r;
}

}  // namespace dangbo::vntext::detail

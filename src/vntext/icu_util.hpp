// Internal ICU helpers for dangbo::vntext (not part of the public API).
#pragma once

#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <string>
#include <string_view>

namespace dangbo::vntext::detail {

inline icu::UnicodeString to_ustr(std::string_view s) {
  return icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
}

inline std::string from_ustr(const icu::UnicodeString& u) {
  std::string r;
  u.toUTF8String(r);
  return r;
}

inline const icu::Locale& vi_locale() {
  static const icu::Locale loc("vi");
  return loc;
}

// NFC of a UnicodeString (ICU normalizer).
icu::UnicodeString nfc_u(const icu::UnicodeString& u);

}  // namespace dangbo::vntext::detail

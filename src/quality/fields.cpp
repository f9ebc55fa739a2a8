// Field standardizers: text, names, dates, citizen IDs, phones, gender.

#include "quality/fields.hpp"

#include <fmt/format.h>

#include "quality/reader.hpp"
#include "registry/phone.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <unordered_map>
#include <cstring>
#include <vector>

#include "vntext/letters.hpp"
#include "vntext/names.hpp"
#include "vntext/tone.hpp"
#include "vntext/utf8.hpp"

namespace dangbo::quality {

namespace {

using base::CivilDate;
using base::DatePrecision;
using vntext::Encoding;
namespace vd = vntext::detail;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}
long to_long(std::string_view s) {
  long v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

std::string_view trim_ascii(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// Fields read as numbers or codes (dates, IDs, phones, gender) are parsed from UTF-8: bytes
// that are not UTF-8 (a legacy file) are repaired first, so values and messages stay UTF-8.
std::string_view as_utf8(std::string_view raw, std::string& buffer) {
  if (vd::valid_utf8(raw)) return raw;
  buffer = vntext::repair_text(raw).text;
  return buffer;
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string r;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) r += sep;
    r += v[i];
  }
  return r;
}

// Characters that collapse_spaces would touch: anything but single ASCII spaces between words.
bool needs_collapse(std::string_view s) {
  if (s.empty()) return false;
  if (s.front() == ' ' || s.back() == ' ') return true;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == ' ' && i + 1 < s.size() && s[i + 1] == ' ') return true;
    if (c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') return true;
    if (c == 0xC2 && i + 1 < s.size() && (static_cast<unsigned char>(s[i + 1]) == 0xA0 ||
                                          static_cast<unsigned char>(s[i + 1]) == 0x85))
      return true;
    if ((c == 0xE2 || c == 0xE3 || c == 0xE1) && i + 1 < s.size()) return true;  // U+1680, U+2000.., U+3000
  }
  return false;
}

bool has_combining(std::string_view s) {
  for (std::size_t i = 0; i + 1 < s.size(); ++i) {
    const auto a = static_cast<unsigned char>(s[i]), b = static_cast<unsigned char>(s[i + 1]);
    if ((a == 0xCC && b >= 0x80) || (a == 0xCD && b <= 0xAF)) return true;  // U+0300..U+036F
  }
  return false;
}

bool has_lookalike(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const char32_t cp = vd::next_cp(s, i);
    if (cp == 0xD0 || cp == 0xF0 || (cp >= 0x370 && cp <= 0x4FF)) return true;
  }
  return false;
}

// The text.* finding for a change made by repair + spacing.
void report_text(std::string_view raw, const vntext::Repair& rep, bool spaces, std::string_view value,
                 std::vector<std::string>& reasons, std::string& code) {
  if (rep.detected != Encoding::utf8) {
    code = "text.encoding";
    reasons.push_back(fmt::format("chuyển mã từ {} sang Unicode", encoding_label_vi(rep.detected)));
  } else if (rep.changed) {
    if (has_combining(raw)) {
      code = "text.nfc";
      reasons.emplace_back("chuẩn hóa Unicode tổ hợp sang dựng sẵn (NFC)");
    }
    if (has_lookalike(raw)) {
      if (code.empty()) code = "text.lookalike";
      reasons.emplace_back("thay ký tự giống chữ Việt (Ð, chữ Kirin/Hy Lạp) bằng chữ đúng");
    }
    if (code.empty()) {
      code = "text.invisible";
      reasons.emplace_back("bỏ ký tự ẩn hoặc ký tự điều khiển");
    }
  }
  if (spaces) {
    if (code.empty()) code = "text.spaces";
    reasons.emplace_back("bỏ khoảng trắng thừa");
  }
  (void)value;
}

struct Repaired {
  std::string text;
  vntext::Repair rep{std::string(), Encoding::utf8, 1.0, false};
  bool spaces = false;
};

Repaired repair_and_collapse(std::string_view raw) {
  Repaired r;
  if (is_clean_vietnamese(raw)) {
    r.text.assign(raw);
    return r;
  }
  r.rep = vntext::repair_text(raw);
  if (needs_collapse(r.rep.text)) {
    r.text = vntext::collapse_spaces(r.rep.text);
    r.spaces = r.text != r.rep.text;
  } else {
    r.text = r.rep.text;
  }
  return r;
}

// Per-word title-case test with the letter table (no ICU): first letter upper, others lower.
bool is_title_cased(std::string_view s) {
  bool word_start = true;
  for (std::size_t i = 0; i < s.size();) {
    const char32_t cp = vd::next_cp(s, i);
    if (cp == ' ') {
      word_start = true;
      continue;
    }
    bool upper;
    if (cp < 0x80) {
      if (cp >= 'A' && cp <= 'Z') upper = true;
      else if (cp >= 'a' && cp <= 'z') upper = false;
      else return false;
    } else {
      const vd::CharInfo* ci = vd::char_info(cp);
      if (!ci || !ci->plain) return false;
      upper = ci->upper;
    }
    if (upper != word_start) return false;
    word_start = false;
  }
  return true;
}

constexpr std::string_view kCompoundFamilyStarts[] = {"Công ", "Tôn ", "Nguyễn Phúc ", "Nguyễn Phước ", "Âu Dương "};

vntext::NameParts split_name(const std::string& name) {
  for (auto p : kCompoundFamilyStarts)
    if (name.compare(0, p.size(), p) == 0) return vntext::split_full_name(name);
  vntext::NameParts parts;
  const auto first = name.find(' ');
  if (first == std::string::npos) {
    parts.given = name;
    return parts;
  }
  const auto last = name.rfind(' ');
  parts.family = name.substr(0, first);
  parts.given = name.substr(last + 1);
  if (last > first) parts.middle = name.substr(first + 1, last - first - 1);
  return parts;
}

}  // namespace

NameLexicon::NameLexicon() {
  static std::atomic<std::uint64_t> next{0};
  generation_ = ++next;
}

std::string_view encoding_label_vi(Encoding e) {
  switch (e) {
    case Encoding::utf8: return "UTF-8";
    case Encoding::utf16le: return "UTF-16 LE";
    case Encoding::utf16be: return "UTF-16 BE";
    case Encoding::cp1252: return "Windows-1252";
    case Encoding::cp1258: return "Windows-1258";
    case Encoding::tcvn3: return "TCVN3 (ABC)";
    case Encoding::tcvn_vn1: return "TCVN 5712 VN1";
    case Encoding::vni: return "VNI";
    case Encoding::viqr: return "VIQR";
    case Encoding::viscii: return "VISCII";
    case Encoding::cp1252_mojibake_utf8: return "UTF-8 bị đọc nhầm thành Windows-1252";
    case Encoding::cp1250_mojibake_utf8: return "UTF-8 bị đọc nhầm thành Windows-1250";
    case Encoding::tcvn3_via_cp1252: return "TCVN3 (ABC, phông .VnTime)";
    case Encoding::vni_via_cp1252: return "VNI (phông VNI-Times)";
    case Encoding::viscii_via_cp1252: return "VISCII";
    case Encoding::cp1258_via_cp1252: return "Windows-1258";
    case Encoding::unknown: return "không rõ";
  }
  return "không rõ";
}

bool is_clean_vietnamese(std::string_view s) {
  if (s.empty()) return true;
  if (s.front() == ' ' || s.back() == ' ') return false;
  bool non_ascii = false, beyond_latin1 = false;
  std::size_t word_start = 0;
  for (std::size_t i = 0; i <= s.size();) {
    if (i == s.size() || s[i] == ' ') {
      if (i == word_start) return false;  // double space
      if (non_ascii) {
        const std::string_view w = s.substr(word_start, i - word_start);
        if (!vntext::is_valid_syllable(w) || !vd::tone_position_plausible(w)) return false;
      }
      if (i == s.size()) break;
      word_start = ++i;
      continue;
    }
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if (!((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z'))) return false;
      ++i;
      continue;
    }
    const std::size_t at = i;
    const char32_t cp = vd::next_cp(s, i);
    if (cp == vd::kReplacement && i - at == 1) return false;  // not UTF-8
    if (cp == 0xD0 || cp == 0xF0) return false;                 // Ð ð look-alikes
    const vd::CharInfo* ci = vd::char_info(cp);
    if (!ci || !ci->plain) return false;
    non_ascii = true;
    if (cp > 0xFF) beyond_latin1 = true;
  }
  if (!non_ascii) {
    // ASCII letters and single spaces: repair keeps them, unless a word starts with VIQR's
    // "dd" before a vowel (Dduc = Đuc).
    for (std::size_t i = 0; i + 2 < s.size(); ++i)
      if ((i == 0 || s[i - 1] == ' ') && (s[i] == 'd' || s[i] == 'D') && (s[i + 1] == 'd' || s[i + 1] == 'D'))
        return false;
    return true;
  }
  if (!beyond_latin1) {
    // Only Latin-1 letters: a Windows-1258 reading could differ, but only through the bytes
    // where Windows-1258 and Windows-1252 disagree (Ã ã Ð ð Õ õ Ý ý, the tone bytes Ì ì Ò ò Þ
    // and þ). Without them every reading repair_text could switch to is the text itself.
    for (std::size_t i = 0; i + 1 < s.size(); ++i)
      if (static_cast<unsigned char>(s[i]) == 0xC3) {
        switch (static_cast<unsigned char>(s[i + 1])) {
          case 0x83: case 0xA3: case 0x90: case 0xB0: case 0x95: case 0xB5: case 0x9D: case 0xBD:
          case 0x8C: case 0xAC: case 0x92: case 0xB2: case 0x9E: case 0xBE: return false;
          default: break;
        }
      }
  }
  // Every word must be valid (ASCII words too, once the text has marks).
  word_start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == ' ') {
      const std::string_view w = s.substr(word_start, i - word_start);
      bool ascii = true;
      for (char c : w) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
      if (ascii && !vntext::is_valid_syllable(w)) return false;
      word_start = i + 1;
    }
  }
  return true;
}

std::string std_text(std::string_view raw, Sink& sink, Encoding* encoding) {
  if (encoding) *encoding = Encoding::utf8;
  if (raw.empty()) return std::string();
  Repaired r = repair_and_collapse(raw);
  if (encoding) *encoding = r.rep.detected;
  if (r.text == raw) return std::move(r.text);
  std::vector<std::string> reasons;
  std::string code;
  report_text(raw, r.rep, r.spaces, r.text, reasons, code);
  if (code.empty()) code = "text.format", reasons.emplace_back("chuẩn hóa cách viết");
  sink.add(code, Severity::info, "Đã sửa: " + join(reasons, "; "), raw, r.text);
  return std::move(r.text);
}

std::vector<std::pair<Encoding, std::string>> legacy_readings(std::string_view raw) {
  std::vector<std::pair<Encoding, std::string>> out;
  if (raw.empty()) return out;
  const bool utf8 = vd::valid_utf8(raw);
  static constexpr Encoding kText[] = {Encoding::tcvn3_via_cp1252, Encoding::vni_via_cp1252,
                                       Encoding::cp1252_mojibake_utf8, Encoding::viqr};
  static constexpr Encoding kBytes[] = {Encoding::tcvn3, Encoding::vni, Encoding::cp1258, Encoding::viscii};
  auto add = [&](Encoding e) {
    std::string d = vntext::decode(raw, e);
    if (d.find("\xEF\xBF\xBD") != std::string::npos) return;
    d = vntext::collapse_spaces(d);
    if (d == raw || d.empty()) return;
    for (auto& o : out)
      if (o.second == d) return;
    out.emplace_back(e, std::move(d));
  };
  if (utf8) {
    const bool ascii = vd::is_ascii(raw);
    for (Encoding e : kText)
      if ((e == Encoding::viqr) == ascii) add(e);
  } else {
    for (Encoding e : kBytes) add(e);
  }
  return out;
}

// ------------------------------------------------------------------ names

namespace {

// What is known of one word of a name, cached per thread (names reuse a few thousand words).
enum WordBit : std::uint8_t {
  kValid = 1,         // a Vietnamese syllable with a plausible tone, letters only, no look-alikes
  kTitle = 2,         // first letter upper case, the rest lower
  kBeyondLatin1 = 4,  // has a letter outside Latin-1 (no Windows-1252 reading exists)
  kCp1258Risk = 8,    // has a Latin-1 letter that Windows-1258 reads differently (Ã ã Ð ð Õ õ Ý ý Ì ì Ò ò Þ þ)
  kAscii = 16,        // ASCII letters only
  kFamily = 32,       // known family name
  kMiddle = 64,       // known middle-name word
  kGiven = 128,       // known given-name word
};

struct SvHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

struct WordCache {
  std::uint64_t lex = 0;
  std::unordered_map<std::string, std::uint8_t, SvHash, std::equal_to<>> words;
};
thread_local WordCache t_words;

std::uint8_t word_bits(std::string_view w, const NameLexicon* lex) {
  WordCache& wc = t_words;
  const std::uint64_t gen = lex ? lex->generation() : 0;
  if (wc.lex != gen) wc.words.clear(), wc.lex = gen;
  if (auto it = wc.words.find(w); it != wc.words.end()) return it->second;
  std::uint8_t b = 0;
  bool letters = !w.empty(), ascii = true, beyond = false, risk = false;
  for (std::size_t i = 0; i < w.size() && letters;) {
    const auto c = static_cast<unsigned char>(w[i]);
    if (c < 0x80) {
      letters = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      ++i;
      continue;
    }
    ascii = false;
    const std::size_t at = i;
    const char32_t cp = vd::next_cp(w, i);
    const vd::CharInfo* ci = cp == vd::kReplacement && i - at == 1 ? nullptr : vd::char_info(cp);
    if (!ci || !ci->plain || cp == 0xD0 || cp == 0xF0) letters = false;
    if (cp > 0xFF) beyond = true;
    switch (cp) {
      case 0xC3: case 0xE3: case 0xD5: case 0xF5: case 0xDD: case 0xFD: case 0xCC: case 0xEC:
      case 0xD2: case 0xF2: case 0xDE: case 0xFE: risk = true; break;
      default: break;
    }
  }
  if (letters && (ascii ? true : vntext::is_valid_syllable(w) && vd::tone_position_plausible(w))) b |= kValid;
  if (letters && ascii && !vntext::is_valid_syllable(w)) b |= 0;  // ASCII words need not be syllables
  if (letters && is_title_cased(w)) b |= kTitle;
  if (beyond) b |= kBeyondLatin1;
  if (risk) b |= kCp1258Risk;
  if (ascii) b |= kAscii;
  if (lex && letters) {
    if (lex->is_family(w)) b |= kFamily;
    if (lex->is_middle(w)) b |= kMiddle;
    if (lex->is_given(w)) b |= kGiven;
  }
  if (wc.words.size() >= 1 << 16) wc.words.clear();
  wc.words.emplace(std::string(w), b);
  return b;
}

// The common case, decided from cached word facts: a name that repair_text would keep (see
// is_clean_vietnamese), in title case, whose every word is a known name word. Fills `parts`.
bool clean_known_name(std::string_view raw, const NameLexicon* lex, vntext::NameParts& parts) {
  if (!lex || raw.empty() || raw.front() == ' ' || raw.back() == ' ') return false;
  std::string_view w[8];
  std::size_t n = 0;
  for (std::size_t i = 0; i < raw.size();) {
    std::size_t j = raw.find(' ', i);
    if (j == std::string_view::npos) j = raw.size();
    if (j == i || n == 8) return false;  // double space, or an unusually long name
    w[n++] = raw.substr(i, j - i);
    i = j + 1;
  }
  std::uint8_t all = 0xFF, any = 0;
  int known = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const std::uint8_t b = word_bits(w[k], lex);
    all &= b;
    any |= b;
    if (n == 1) known += (b & (kFamily | kMiddle | kGiven)) != 0;  // a name in parts: "Họ", "Tên đệm", "Tên"
    else if (k == 0) known += (b & kFamily) != 0;
    else if (k + 1 == n) known += (b & kGiven) != 0;
    else known += (b & kMiddle) != 0;
  }
  if (!(all & kTitle) || known != int(n)) return false;
  if (all & kAscii) {
    for (std::size_t k = 0; k < n; ++k)  // VIQR "dd"
      if (w[k].size() >= 2 && (w[k][0] == 'd' || w[k][0] == 'D') && (w[k][1] == 'd' || w[k][1] == 'D')) return false;
  } else {
    if (!(all & kValid)) return false;
    if (!(any & kBeyondLatin1) && (any & kCp1258Risk)) return false;
  }
  for (auto p : kCompoundFamilyStarts)
    if (raw.substr(0, p.size()) == p) {
      parts = vntext::split_full_name(raw);
      return true;
    }
  parts.family.assign(w[0]);
  parts.middle.clear();
  for (std::size_t k = 1; k + 1 < n; ++k) {
    if (!parts.middle.empty()) parts.middle += ' ';
    parts.middle.append(w[k]);
  }
  parts.given.assign(n > 1 ? w[n - 1] : w[0]);
  if (n == 1) parts.family.clear();
  return true;
}

}  // namespace

NameResult std_person_name(std::string_view raw, std::optional<vntext::ToneStyle> tone, const NameLexicon* lex,
                           Sink& sink) {
  NameResult out;
  if (raw.empty()) return out;
  // Fastest path: a clean name made of known name words (most rows of a roster).
  if (!tone && clean_known_name(raw, lex, out.parts)) {
    out.value.assign(raw);
    const std::string_view v = out.value;
    if (v.size() >= 3 && out.parts.family.empty() == false) {
      // "An Nguyễn Văn": every word is a name word, but in the wrong order.
      const auto sp1 = v.find(' '), sp2 = v.find(' ', sp1 + 1);
      if (sp2 != std::string_view::npos && v.find(' ', sp2 + 1) == std::string_view::npos) {
        const std::string_view w0 = v.substr(0, sp1), w1 = v.substr(sp1 + 1, sp2 - sp1 - 1), w2 = v.substr(sp2 + 1);
        if ((w2 == "Văn" || w2 == "Thị") && lex->is_family(w1) && !lex->is_family(w0)) {
          const std::string sug = std::string(w1) + " " + std::string(w2) + " " + std::string(w0);
          sink.add("name.order_swapped", Severity::warning,
                   "Họ tên có thể bị đảo thứ tự (tên đứng trước họ); đề nghị: " + sug, raw, sug);
        }
      }
    }
    return out;
  }
  // Fast path: already clean and in title case.
  if (!tone && is_clean_vietnamese(raw) && is_title_cased(raw)) {
    out.value.assign(raw);
    out.parts = split_name(out.value);
  } else {
    Repaired r = repair_and_collapse(raw);
    std::vector<std::string> reasons;
    std::string code;
    report_text(raw, r.rep, r.spaces, r.text, reasons, code);
    // Alias: "Nguyễn Văn A (bí danh Ba)".
    std::string name = r.text, alias_prefix;
    if (auto open = name.find('('); open != std::string::npos && open > 0) {
      auto close = name.find(')', open);
      std::string inner = name.substr(open + 1, (close == std::string::npos ? name.size() : close) - open - 1);
      std::string after = close == std::string::npos ? std::string() : name.substr(close + 1);
      name = vntext::collapse_spaces(name.substr(0, open) + " " + after);
      inner = vntext::collapse_spaces(inner);
      const std::string key = vntext::search_key(inner);
      for (std::string_view p : {"bi danh ", "bd ", "tuc ", "ten khac ", "ten goi khac "})
        if (key.compare(0, p.size(), p) == 0) {
          // Keep the connector as written (first words), standardize the alias itself.
          std::size_t words = std::size_t(std::count(p.begin(), p.end(), ' '));
          std::size_t cut = 0;
          for (std::size_t w = 0; w < words && cut != std::string::npos; ++w) cut = inner.find(' ', cut + (w ? 1 : 0));
          if (cut != std::string::npos) {
            alias_prefix = vntext::to_lower(inner.substr(0, cut)) + " ";
            inner = inner.substr(cut + 1);
          }
          break;
        }
      out.alias = inner;
    }
    auto tone_fix = [&](const std::string& s) {
      return tone ? vntext::apply_tone_style(s, *tone) : vntext::fix_tone_placement(s);
    };
    std::string toned = tone_fix(name);
    if (toned != name) {
      if (code.empty()) code = "text.tone";
      reasons.emplace_back(tone ? "đặt dấu thanh theo kiểu đã chọn" : "đặt lại dấu thanh đúng vị trí");
    }
    std::string titled = vntext::title_case(toned);
    if (titled != toned) {
      if (code.empty()) code = "name.case";
      reasons.emplace_back("viết hoa chữ cái đầu mỗi tiếng");
    }
    out.parts = split_name(titled);
    out.value = titled;
    if (!out.alias.empty()) {
      out.alias = vntext::title_case(tone_fix(out.alias));
      out.value += " (" + alias_prefix + out.alias + ")";
    }
    if (out.value != raw) {
      if (code.empty()) code = "name.format", reasons.emplace_back("chuẩn hóa cách viết");
      sink.add(code, Severity::info, "Đã sửa họ tên: " + join(reasons, "; "), raw, out.value);
    }
  }
  // Second chance: a reading of the raw value in which more words are known names.
  if (lex) {
    auto known = [&](const std::string& name, bool& all_valid, bool check_valid) {
      std::vector<std::string_view> w;
      std::string_view n = name;
      n = n.substr(0, n.find(" ("));
      for (std::size_t i = 0; i < n.size();) {
        std::size_t j = n.find(' ', i);
        if (j == std::string_view::npos) j = n.size();
        w.push_back(n.substr(i, j - i));
        i = j + 1;
      }
      int k = 0;
      all_valid = !w.empty();
      for (std::size_t i = 0; i < w.size(); ++i) {
        if (check_valid)
          all_valid = all_valid && vntext::is_valid_syllable(w[i]) && vd::tone_position_plausible(w[i]);
        // One word: a cell of a name in parts ("Họ", "Tên đệm", "Tên" columns), any known name
        // word ("Phó" is a family name, not TCVN3 for the given name "Phú").
        if (w.size() == 1) k += lex->is_given(w[i]) || lex->is_family(w[i]) || lex->is_middle(w[i]);
        else if (i == 0) k += lex->is_family(w[i]);
        else if (i + 1 == w.size()) k += lex->is_given(w[i]);
        else k += lex->is_middle(w[i]);
      }
      return std::pair<int, int>(k, int(w.size()));
    };
    bool valid = false;
    auto [k0, n0] = known(out.value, valid, false);
    if (k0 < n0) {
      int best = k0;
      std::string best_value;
      Encoding best_enc = Encoding::utf8;
      bool tie = false;
      for (auto& [enc, text] : legacy_readings(raw)) {
        std::string cand =
            vntext::title_case(tone ? vntext::apply_tone_style(text, *tone) : vntext::fix_tone_placement(text));
        bool cv = false;
        auto [k, n] = known(cand, cv, true);
        if (!cv || (n != n0 && k != n)) continue;  // a different word count only if every word is known
        if (k > best) best = k, best_value = cand, best_enc = enc, tie = false;
        else if (k == best && !best_value.empty() && cand != best_value) tie = true;
      }
      if (!best_value.empty() && !tie) {
        // Replace the info finding of the first repair, if any, by this one.
        while (sink.size() > 0 && sink.last_code_is_text_or_name()) sink.pop();
        out.value = best_value;
        out.parts = split_name(out.value);
        out.alias.clear();
        sink.add("text.encoding", Severity::info,
                 fmt::format("Đã sửa họ tên: chuyển mã từ {} sang Unicode", encoding_label_vi(best_enc)), raw,
                 out.value);
      }
    }
  }
  // Checks on the standardized name.
  const std::string& v = out.value;
  bool ascii = true;
  for (std::size_t i = 0; i < v.size();)
    if (vd::next_cp(v, i) >= 0x80) ascii = false;
  // Each part against the registry's rule for an edit (vntext::name_part_problem: letters, spaces,
  // - ' . only, a letter, a length limit): the row is kept as read, with a warning to fix, the
  // first faulty part named. The alias (bí danh) is not a name part and is not checked.
  const std::pair<const char*, const std::string*> parts[] = {
      {"Họ", &out.parts.family}, {"Tên đệm", &out.parts.middle}, {"Tên", &out.parts.given}};
  for (const auto& [label, part] : parts)
    if (std::string why = vntext::name_part_problem(*part); !why.empty()) {
      sink.add("name.invalid_chars", Severity::warning,
               std::string(label) + " “" + *part + "”: " + why + "; cần kiểm tra lại", raw, "");
      break;
    }
  if (lex && !out.parts.family.empty()) {
    // Given name first: "An Nguyễn Văn" (a common family name second, Văn/Thị last).
    std::string_view name = std::string_view(v).substr(0, v.find(" ("));
    std::vector<std::string_view> w;
    for (std::size_t i = 0; i < name.size();) {
      std::size_t j = name.find(' ', i);
      if (j == std::string_view::npos) j = name.size();
      w.push_back(name.substr(i, j - i));
      i = j + 1;
    }
    if (w.size() >= 3 && (w.back() == "Văn" || w.back() == "Thị") && lex->is_family(w[1]) && !lex->is_family(w[0])) {
      std::string sug;
      for (std::size_t k = 1; k < w.size(); ++k) sug += std::string(w[k]) + " ";
      sug += w[0];
      sink.add("name.order_swapped", Severity::warning,
               "Họ tên có thể bị đảo thứ tự (tên đứng trước họ); đề nghị: " + sug, raw, sug);
    }
    if (ascii && !w.empty() && lex->is_unmarked_family(w[0]))
      sink.add("name.no_diacritics", Severity::warning, "Họ tên viết không dấu; cần ghi đủ dấu tiếng Việt", raw, "");
  }
  return out;
}

// ------------------------------------------------------------------ dates

std::string format_date(const CivilDate& d, DateFormat f) {
  char buf[16];
  if (f == DateFormat::iso) return d.iso();
  switch (d.precision) {
    case DatePrecision::year: std::snprintf(buf, sizeof buf, "%04d", d.year()); break;
    case DatePrecision::month: std::snprintf(buf, sizeof buf, "%02u/%04d", d.month(), d.year()); break;
    default: std::snprintf(buf, sizeof buf, "%02u/%02u/%04d", d.day(), d.month(), d.year()); break;
  }
  return buf;
}

namespace {

using namespace std::chrono;

int pivot_year(int yy, DateRole role, const CivilDate& today, int min_age) {
  const int limit = role == DateRole::birth ? today.year() - min_age : today.year();
  return 2000 + yy <= limit ? 2000 + yy : 1900 + yy;
}

// Builds a day/month/year result with the impossible and month/day-order checks.
DateParse make_dmy(long d, long m, long y, std::string_view form) {
  DateParse p;
  p.form = form;
  if (y < 1800 || y > 2100) {
    p.status = DateParse::impossible;
    return p;
  }
  if (d == 0 && m >= 1 && m <= 12) {  // 00/mm/yyyy: the day is unknown
    p.status = DateParse::ok;
    p.date.ymd = year(int(y)) / month(unsigned(m)) / 1;
    p.date.precision = DatePrecision::month;
    return p;
  }
  if (d == 0 && m == 0) {
    p.status = DateParse::ok;
    p.date.ymd = year(int(y)) / January / 1;
    p.date.precision = DatePrecision::year;
    return p;
  }
  const year_month_day ymd{year(int(y)), month(unsigned(m)), day(unsigned(d))};
  if (m >= 1 && m <= 12 && d >= 1 && d <= 31 && ymd.ok()) {
    p.status = DateParse::ok;
    p.date.ymd = ymd;
    p.date.precision = DatePrecision::day;
    return p;
  }
  if (m > 12 && m <= 31 && d >= 1 && d <= 12) {
    const year_month_day sw{year(int(y)), month(unsigned(d)), day(unsigned(m))};
    if (sw.ok()) {
      p.status = DateParse::month_day_order;
      CivilDate c;
      c.ymd = sw;
      p.swapped = c;
      return p;
    }
  }
  p.status = DateParse::impossible;
  return p;
}

DateParse make_month(long m, long y, std::string_view form) {
  DateParse p;
  p.form = form;
  if (y < 1800 || y > 2100 || m < 1 || m > 12) {
    p.status = DateParse::impossible;
    return p;
  }
  p.status = DateParse::ok;
  p.date.ymd = year(int(y)) / month(unsigned(m)) / 1;
  p.date.precision = DatePrecision::month;
  return p;
}

DateParse make_year(long y, std::string_view form) {
  DateParse p;
  p.form = form;
  if (y < 1800 || y > 2100) {
    p.status = DateParse::impossible;
    return p;
  }
  p.status = DateParse::ok;
  p.date.ymd = year(int(y)) / January / 1;
  p.date.precision = DatePrecision::year;
  return p;
}

DateParse unreadable() {
  DateParse p;
  p.status = DateParse::unreadable;
  return p;
}

DateParse from_serial(long serial) {
  DateParse p;
  p.form = "excel_serial";
  auto d = excel_serial_date(serial);
  if (!d) return unreadable();
  if (d->y == 1900 && d->m == 2 && d->d == 29) {
    p.status = DateParse::impossible;
    return p;
  }
  p.status = DateParse::ok;
  p.date.ymd = year(d->y) / month(d->m) / day(d->d);
  return p;
}

// Strips a trailing time of day: " 00:00:00", " 0:00", "T00:00:00", " 12:00 AM".
std::string_view strip_time(std::string_view s) {
  std::size_t colon = s.find(':');
  if (colon == std::string_view::npos) return s;
  std::size_t k = colon;
  while (k > 0 && is_digit(s[k - 1])) --k;
  if (k == 0 || colon - k > 2) return s;
  if (s[k - 1] != ' ' && s[k - 1] != 'T') return s;
  return trim_ascii(s.substr(0, k - 1));
}

}  // namespace

DateParse parse_date(std::string_view raw, DateRole role, const CivilDate& today, int min_age) {
  std::string_view s = trim_ascii(raw);
  if (s.empty()) return {};
  // Fast path: dd/mm/yyyy.
  if (s.size() == 10 && s[2] == '/' && s[5] == '/' && is_digit(s[0]) && is_digit(s[1]) && is_digit(s[3]) &&
      is_digit(s[4]) && all_digits(s.substr(6)))
    return make_dmy(to_long(s.substr(0, 2)), to_long(s.substr(3, 2)), to_long(s.substr(6)), "dmy");
  s = strip_time(s);
  bool letters = false, non_ascii = false;
  for (char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0x80) non_ascii = true;
    else if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')) letters = true;
  }
  if (letters || non_ascii) {
    // Vietnamese text: keywords ngày / tháng / năm (T3 = tháng 3).
    const std::string key = vntext::search_key(s);
    long v[3] = {-1, -1, -1};  // d, m, y
    int slot_after = -1;       // last slot filled
    int pending = -1;
    std::size_t ylen = 0;
    for (std::size_t i = 0; i < key.size();) {
      std::size_t j = key.find(' ', i);
      if (j == std::string::npos) j = key.size();
      std::string_view t(key.data() + i, j - i);
      i = j + 1;
      std::size_t a = 0;
      while (a < t.size() && !is_digit(t[a])) ++a;
      std::string_view word = t.substr(0, a), num = t.substr(a);
      if (!word.empty()) {
        if (word == "ngay") pending = 0;
        else if (word == "thang" || word == "t") pending = 1;
        else if (word == "nam") pending = 2;
        else if (word == "sinh" || word == "luc") continue;
        else return unreadable();
      }
      if (num.empty()) continue;
      if (!all_digits(num) || num.size() > 4) return unreadable();
      int slot = pending >= 0 ? pending : slot_after + 1;
      if (slot > 2 || v[slot] >= 0) return unreadable();
      v[slot] = to_long(num);
      if (slot == 2) ylen = num.size();
      slot_after = slot;
      pending = -1;
    }
    if (v[2] < 0) return unreadable();
    long y = v[2];
    std::string_view form = "text";
    if (ylen == 2) y = pivot_year(int(y), role, today, min_age), form = "two_digit_year";
    else if (ylen != 4) return unreadable();
    if (v[0] >= 0 && v[1] >= 0) return make_dmy(v[0], v[1], y, form);
    if (v[0] < 0 && v[1] >= 0) return make_month(v[1], y, form);
    if (v[0] < 0 && v[1] < 0) return make_year(y, form);
    return unreadable();
  }
  // A decimal Excel serial ("23466.5": a date and a time of day).
  {
    std::size_t dot = s.find_first_of(".,");
    if (dot != std::string_view::npos && dot >= 3 && all_digits(s.substr(0, dot)) && all_digits(s.substr(dot + 1)) &&
        s.find_first_of(".,", dot + 1) == std::string_view::npos) {
      const long n = to_long(s.substr(0, dot));
      if (n > 2100 || (n >= 32 && n < 1000)) return from_serial(n);
    }
  }
  // Numbers separated by / - . or spaces.
  std::string_view tok[4];
  int nt = 0;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t j = i;
    while (j < s.size() && is_digit(s[j])) ++j;
    if (j == i || nt == 4) return unreadable();
    tok[nt++] = s.substr(i, j - i);
    if (j == s.size()) break;
    const char c = s[j];
    if (c != '/' && c != '-' && c != '.' && c != ' ') return unreadable();
    i = j + 1;
    while (i < s.size() && s[i] == ' ') ++i;  // "07 / 08 / 1963"
    if (i < s.size() && (s[i] == '/' || s[i] == '-' || s[i] == '.')) {
      ++i;
      while (i < s.size() && s[i] == ' ') ++i;
    }
    if (i >= s.size()) return unreadable();
  }
  if (nt == 1) {
    std::string_view t = tok[0];
    if (t.size() == 4) {
      const long n = to_long(t);
      if (n >= 1000 && n <= 2100) return make_year(n, "year");
      return from_serial(n);
    }
    if (t.size() == 8) {
      const long a = to_long(t.substr(0, 4)), b = to_long(t.substr(4));
      if (a >= 1800 && a <= 2100) {
        DateParse p = make_dmy(to_long(t.substr(6, 2)), to_long(t.substr(4, 2)), a, "compact");
        if (p.status == DateParse::ok) return p;
      }
      if (b >= 1800 && b <= 2100) return make_dmy(to_long(t.substr(0, 2)), to_long(t.substr(2, 2)), b, "compact");
      return unreadable();
    }
    if (t.size() <= 7) return from_serial(to_long(t));
    return unreadable();
  }
  if (nt == 2) {
    if (tok[0].size() <= 2 && tok[1].size() == 4) return make_month(to_long(tok[0]), to_long(tok[1]), "month_year");
    if (tok[0].size() == 4 && tok[1].size() <= 2) return make_month(to_long(tok[1]), to_long(tok[0]), "month_year");
    return unreadable();
  }
  if (nt == 3) {
    if (tok[0].size() == 4 && tok[1].size() <= 2 && tok[2].size() <= 2)
      return make_dmy(to_long(tok[2]), to_long(tok[1]), to_long(tok[0]), "iso");
    if (tok[0].size() <= 2 && tok[1].size() <= 2) {
      if (tok[2].size() == 4) return make_dmy(to_long(tok[0]), to_long(tok[1]), to_long(tok[2]), "dmy");
      if (tok[2].size() == 2)
        return make_dmy(to_long(tok[0]), to_long(tok[1]), pivot_year(int(to_long(tok[2])), role, today, min_age),
                        "two_digit_year");
    }
    return unreadable();
  }
  return unreadable();
}

std::string std_date(std::string_view raw, DateRole role, const CivilDate& today, int min_age, DateFormat fmt,
                     Sink& sink, std::optional<CivilDate>* out) {
  std::string utf8_buffer;
  raw = as_utf8(raw, utf8_buffer);
  if (out) out->reset();
  const DateParse p = parse_date(raw, role, today, min_age);
  switch (p.status) {
    case DateParse::empty:
      if (!raw.empty()) sink.add("text.spaces", Severity::info, "Đã sửa: bỏ khoảng trắng thừa", raw, "");
      return std::string();
    case DateParse::ok: {
      if (out) *out = p.date;
      // Already in the output form (the common case): no formatting needed.
      if (fmt == DateFormat::vn && p.form == "dmy" && raw.size() == 10 && raw[2] == '/' && raw[5] == '/' &&
          p.date.precision == DatePrecision::day)
        return std::string(raw);
      std::string v = format_date(p.date, fmt);
      if (v == raw) return v;
      const std::string shown(trim_ascii(raw));
      if (p.form == "excel_serial")
        sink.add("date.excel_serial", Severity::info,
                 fmt::format("Số ngày kiểu Excel {} được đổi thành ngày {}", shown, v), raw, v);
      else if (p.form == "two_digit_year")
        sink.add("date.two_digit_year", Severity::info,
                 fmt::format("Năm ghi hai chữ số: \"{}\" được hiểu là {} ({})", shown, v,
                             role == DateRole::birth
                                 ? fmt::format("thế kỷ sao cho người đó đủ {} tuổi", min_age)
                                 : std::string("năm gần nhất không ở tương lai")),
                 raw, v);
      else if (p.form == "text")
        sink.add("date.text", Severity::info, fmt::format("Ngày ghi bằng chữ \"{}\" được chuẩn hóa thành {}", shown, v),
                 raw, v);
      else
        sink.add("date.format", Severity::info, fmt::format("Đã chuẩn hóa cách ghi ngày: {} → {}", shown, v), raw, v);
      return v;
    }
    case DateParse::impossible:
      sink.add("date.impossible", Severity::error,
               fmt::format("Ngày không tồn tại: \"{}\"; không tự sửa, cần đối chiếu hồ sơ gốc", trim_ascii(raw)), raw, "");
      return std::string(raw);
    case DateParse::month_day_order: {
      const std::string sug = format_date(*p.swapped, fmt);
      sink.add("date.month_day_order", Severity::error,
               fmt::format("Ngày \"{}\" không tồn tại theo thứ tự ngày/tháng; có thể đã ghi tháng trước ngày (nếu vậy là "
                           "{}); cần đối chiếu hồ sơ gốc",
                           trim_ascii(raw), sug),
               raw, sug);
      return std::string(raw);
    }
    case DateParse::unreadable:
      sink.add("date.unreadable", Severity::error,
               fmt::format("Không đọc được ngày \"{}\"; cần ghi theo dạng ngày/tháng/năm", trim_ascii(raw)), raw, "");
      return std::string(raw);
  }
  return std::string(raw);
}

// ------------------------------------------------------------------ citizen ID

std::string std_citizen_id(std::string_view raw, const ProvincePrefixTest& valid_prefix, Sink& sink, CitizenId* out) {
  std::string utf8_buffer;
  raw = as_utf8(raw, utf8_buffer);
  CitizenId id;
  std::string_view s = trim_ascii(raw);
  if (s.empty()) {
    if (out) *out = id;
    return std::string();
  }
  // Excel's text markers: a leading apostrophe, ="…".
  if (!s.empty() && s.front() == '\'') s.remove_prefix(1);
  if (s.size() >= 3 && s.substr(0, 2) == "=\"" && s.back() == '"') s = s.substr(2, s.size() - 3);
  s = trim_ascii(s);
  // Scientific notation: the digits after the first few are lost.
  {
    std::size_t e = s.find_first_of("eE");
    if (e != std::string_view::npos && e > 0 && is_digit(s[0])) {
      bool sci = true;
      for (std::size_t k = 0; k < e; ++k) sci = sci && (is_digit(s[k]) || s[k] == '.' || s[k] == ',');
      std::string_view ex = s.substr(e + 1);
      if (!ex.empty() && ex[0] == '+') ex.remove_prefix(1);
      sci = sci && all_digits(ex);
      if (sci) {
        id.kind = CitizenId::invalid;
        id.digits.assign(raw);
        if (out) *out = id;
        sink.add("citizen_id.excel_scientific", Severity::error,
                 fmt::format("Số CCCD bị Excel đổi thành dạng số mũ \"{}\": các chữ số đã mất, cần nhập lại từ thẻ "
                             "căn cước (định dạng cột là Văn bản)",
                             trim_ascii(raw)),
                 raw, "");
        return std::string(raw);
      }
    }
  }
  std::string digits;
  bool other = false;
  for (std::size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (is_digit(c)) {
      digits += c;
      ++i;
    } else if (c == ' ' || c == '.' || c == '-' || c == '\t' || c == '_') {
      ++i;
    } else if (static_cast<unsigned char>(c) == 0xC2 && i + 1 < s.size() &&
               static_cast<unsigned char>(s[i + 1]) == 0xA0) {
      i += 2;
    } else {
      other = true;
      ++i;
    }
  }
  if (other || digits.empty()) {
    id.kind = CitizenId::invalid;
    id.digits.assign(raw);
    if (out) *out = id;
    sink.add("citizen_id.invalid", Severity::error,
             fmt::format("Số CCCD \"{}\" có ký tự không phải chữ số", trim_ascii(raw)), raw, "");
    return std::string(raw);
  }
  std::string value = digits;
  bool padded = false;
  if ((digits.size() == 10 || digits.size() == 11) && digits[0] != '0') {
    std::string p = std::string(12 - digits.size(), '0') + digits;
    if (valid_prefix(std::string_view(p).substr(0, 3)) && p[3] <= '3') value = p, padded = true;
  }
  if (value.size() == 12) {
    id.kind = CitizenId::cccd;
    id.digits = value;
    id.province = value.substr(0, 3);
    id.century_gender = value[3] - '0';
    id.year2 = (value[4] - '0') * 10 + (value[5] - '0');
    bool ok = true;
    if (!valid_prefix(id.province)) {
      ok = false;
      sink.add("citizen_id.province", Severity::error,
               fmt::format("Ba chữ số đầu của số CCCD ({}) không phải mã tỉnh nơi đăng ký khai sinh nào (001–096)",
                           id.province),
               raw, "");
    }
    if (id.century_gender > 3) {
      ok = false;
      sink.add("citizen_id.century", Severity::error,
               fmt::format("Chữ số thứ tư của số CCCD ({}) chỉ người sinh từ năm 2100 trở đi: sai", id.century_gender), raw,
               "");
    }
    if (!ok) id.kind = CitizenId::invalid;
  } else if (value.size() == 9) {
    id.kind = CitizenId::cmnd;
    id.digits = value;
  } else {
    id.kind = CitizenId::invalid;
    id.digits = value;
    if (out) *out = id;
    sink.add("citizen_id.length", Severity::error,
             fmt::format("Số CCCD phải có 12 chữ số (CMND cũ: 9); giá trị \"{}\" có {} chữ số", trim_ascii(raw),
                         digits.size()),
             raw, "");
    return std::string(raw);
  }
  if (out) *out = id;
  if (padded)
    sink.add("citizen_id.leading_zero", Severity::info,
             fmt::format("Khôi phục các số 0 đầu bị Excel bỏ mất: {} → {}", trim_ascii(raw), value), raw, value);
  else if (value != raw)
    sink.add("citizen_id.format", Severity::info, fmt::format("Bỏ khoảng trắng, dấu chấm trong số CCCD: {}", value),
             raw, value);
  if (id.kind == CitizenId::cmnd)
    sink.add("citizen_id.old_cmnd", Severity::warning,
             "Số CMND 9 chữ số đã hết giá trị sử dụng (từ 01/01/2025); cần cập nhật số định danh cá nhân 12 chữ số",
             raw, "");
  return value;
}

// ------------------------------------------------------------------ phones

// (The rules themselves are registry::normalize_phone, which member edits use too.)
std::string std_phone(std::string_view raw, Sink& sink) {
  std::string utf8_buffer;
  raw = as_utf8(raw, utf8_buffer);
  std::string_view s = trim_ascii(raw);
  if (s.empty()) return std::string();
  // Fast path: already a 10-digit mobile (0 + 3|5|7|8|9 + 8 digits).
  if (s.size() == 10 && s == raw && all_digits(s) && s[0] == '0' && std::string_view("35789").find(s[1]) != std::string_view::npos)
    return std::string(s);
  registry::PhoneNumber p = registry::normalize_phone(s);
  if (!p.ok) {
    sink.add("phone.invalid", Severity::warning,
             fmt::format("Số điện thoại \"{}\" không đúng dạng (di động 10 số, cố định 11 số bắt đầu bằng 02)", s), raw,
             "");
    return std::string(raw);
  }
  const std::string& v = p.value;
  if (v == raw) return v;
  switch (p.change) {
    case 3:
      sink.add("phone.old_prefix", Severity::info,
               fmt::format("Số di động 11 số: đầu số {} đã đổi thành {} từ 15/9/2018 → {}", p.old_prefix, p.new_prefix, v),
               raw, v);
      break;
    case 2:
      sink.add("phone.country_code", Severity::info, fmt::format("Bỏ mã quốc gia 84, dùng dạng trong nước: {}", v), raw, v);
      break;
    case 1:
      sink.add("phone.leading_zero", Severity::info, fmt::format("Khôi phục số 0 đầu bị mất: {}", v), raw, v);
      break;
    default:
      sink.add("phone.format", Severity::info, fmt::format("Bỏ dấu cách, dấu chấm, ngoặc trong số điện thoại: {}", v),
               raw, v);
  }
  return v;
}

// ------------------------------------------------------------------ gender

std::string std_gender(std::string_view raw, Sink& sink, GenderValue* out) {
  std::string utf8_buffer;
  raw = as_utf8(raw, utf8_buffer);
  if (out) *out = GenderValue::unknown;
  if (raw.empty()) return std::string();
  if (raw == "Nam" || raw == "Nữ") {
    if (out) *out = raw == "Nam" ? GenderValue::male : GenderValue::female;
    return std::string(raw);
  }
  const std::string key = vntext::search_key(vntext::repair_text(raw).text);
  static constexpr std::string_view kMale[] = {"nam", "nam gioi", "m", "male", "trai", "con trai", "dan ong", "ong"};
  static constexpr std::string_view kFemale[] = {"nu", "nu gioi", "f", "female", "gai", "con gai", "phu nu", "ba"};
  GenderValue g = GenderValue::unknown;
  for (auto k : kMale)
    if (key == k) g = GenderValue::male;
  for (auto k : kFemale)
    if (key == k) g = GenderValue::female;
  if (g == GenderValue::unknown) {
    if (!trim_ascii(raw).empty())
      sink.add("gender.unknown", Severity::warning,
               fmt::format("Giới tính \"{}\" không rõ; cần ghi Nam hoặc Nữ", trim_ascii(raw)), raw, "");
    return std::string(raw);
  }
  if (out) *out = g;
  std::string v = g == GenderValue::male ? "Nam" : "Nữ";
  sink.add("gender.format", Severity::info, fmt::format("Chuẩn hóa giới tính: \"{}\" → {}", trim_ascii(raw), v), raw, v);
  return v;
}

}  // namespace dangbo::quality

// Vietnamese syllable validator.
//
// A syllable is onset + rhyme (vần); the rhyme is an optional medial (o/u), a nucleus
// and an optional coda. The rhyme inventory below is the standard set of written
// Vietnamese rhymes (quốc ngữ), written without tone; rare loan rhymes (oong, ooc,
// eng, uyp, …) are included so that real words are never rejected.

#include <array>
#include <string>
#include <string_view>
#include <unordered_set>

#include "vntext/icu_util.hpp"
#include "vntext/letters.hpp"
#include "vntext/text.hpp"
#include "vntext/utf8.hpp"

namespace dangbo::vntext {
namespace {

using detail::CharInfo;

// Rhymes without a medial.
constexpr std::u32string_view kRhymes[] = {
    // a ă â
    U"a", U"ac", U"ach", U"ai", U"am", U"an", U"ang", U"anh", U"ao", U"ap", U"at", U"au", U"ay",
    U"ăc", U"ăm", U"ăn", U"ăng", U"ăp", U"ăt",  //
    U"âc", U"âm", U"ân", U"âng", U"âp", U"ât", U"âu", U"ây",
    // e ê
    U"e", U"ec", U"em", U"en", U"eng", U"eo", U"ep", U"et",  //
    U"ê", U"êch", U"êm", U"ên", U"ênh", U"êp", U"êt", U"êu",
    // i, iê/ia
    U"i", U"ia", U"ich", U"im", U"in", U"inh", U"ip", U"it", U"iu",  //
    U"iêc", U"iêm", U"iên", U"iêng", U"iêp", U"iêt", U"iêu",
    // o ô ơ
    U"o", U"oc", U"oi", U"om", U"on", U"ong", U"op", U"ot", U"ooc", U"oong",  //
    U"ô", U"ôc", U"ôi", U"ôm", U"ôn", U"ông", U"ôp", U"ôt",                  //
    U"ơ", U"ơi", U"ơm", U"ơn", U"ơp", U"ơt",
    // u, uô/ua
    U"u", U"ua", U"uc", U"ui", U"um", U"un", U"ung", U"up", U"ut",  //
    U"uôc", U"uôi", U"uôm", U"uôn", U"uông", U"uôt",
    // ư, ươ/ưa
    U"ư", U"ưa", U"ưc", U"ưi", U"ưm", U"ưn", U"ưng", U"ưt", U"ưu",  //
    U"ươc", U"ươi", U"ươm", U"ươn", U"ương", U"ươp", U"ươt", U"ươu",
    // y (alone after an onset, or yê without onset)
    U"y", U"yêm", U"yên", U"yêng", U"yêt", U"yêu",
};

// Rhymes with a medial o or u.
constexpr std::u32string_view kMedialRhymes[] = {
    U"oa", U"oac", U"oach", U"oai", U"oam", U"oan", U"oang", U"oanh", U"oao", U"oap", U"oat",
    U"oay", U"oăc", U"oăm", U"oăn", U"oăng", U"oăt", U"oe", U"oen", U"oeo", U"oet",  //
    U"uân", U"uâng", U"uât", U"uây", U"uê", U"uêch", U"uên", U"uênh", U"uêt", U"uơ",
    U"uy", U"uych", U"uyn", U"uynh", U"uyp", U"uyt", U"uyu", U"uya", U"uyên", U"uyêt",
};

// After "qu" (whose u is the medial) these y-rhymes also occur: quỳnh, quýt, quyn, …
constexpr std::u32string_view kQuExtra[] = {U"ych", U"yn", U"ynh", U"yp", U"yt", U"yu", U"ya"};

constexpr std::u32string_view kOnsets[] = {
    U"ngh", U"ch", U"gh", U"gi", U"kh", U"ng", U"nh", U"ph", U"qu", U"th", U"tr",
    U"b",   U"c",  U"d",  U"đ",  U"g",  U"h",  U"k",  U"l",  U"m",  U"n",  U"p",
    U"r",   U"s",  U"t",  U"v",  U"x",  U"",
};

struct Sets {
  std::unordered_set<std::u32string_view> plain, medial, qu_extra;
  Sets() {
    for (auto r : kRhymes) plain.insert(r);
    for (auto r : kMedialRhymes) medial.insert(r);
    for (auto r : kQuExtra) qu_extra.insert(r);
  }
};

const Sets& sets() {
  static const Sets s;
  return s;
}

bool front_vowel(char32_t c) { return c == U'e' || c == U'ê' || c == U'i' || c == U'y'; }

bool ends_with_stop(std::u32string_view r) {
  if (r.empty()) return false;
  const char32_t l = r.back();
  return l == U'p' || l == U't' || l == U'c' || (l == U'h' && r.size() >= 2 && r[r.size() - 2] == U'c');
}

// Rhyme r valid after onset o? (tone checked separately)
bool rhyme_ok(std::u32string_view onset, std::u32string_view r) {
  const Sets& S = sets();
  if (r.empty()) return false;
  const bool plain = S.plain.count(r) > 0;
  const bool medial = S.medial.count(r) > 0;
  if (onset == U"qu") {
    // The u of qu is the medial: the rest must not start with another o/u/ư medial.
    const char32_t f = r.front();
    if (f == U'o' || f == U'u' || f == U'ư') return false;
    if (plain) return r.substr(0, 2) != U"yê" || true;  // quyên, quyết
    return S.qu_extra.count(r) > 0;
  }
  if (!plain && !medial) return false;
  const char32_t f = r.front();
  if (r.substr(0, 2) == U"yê") return onset.empty();
  if (r.substr(0, 2) == U"iê" && onset.empty()) return false;
  if (onset == U"k") return front_vowel(f);
  if (onset == U"c") return !front_vowel(f);
  if (onset == U"gh" || onset == U"ngh") return f == U'e' || f == U'ê' || f == U'i';
  if (onset == U"g" || onset == U"ng") return !(f == U'e' || f == U'ê' || f == U'i');
  return true;
}

}  // namespace

bool is_valid_syllable(std::string_view s) {
  if (s.empty() || s.size() > 40) return false;
  std::u32string letters;
  letters.reserve(8);
  int tone = detail::tone_none, tones = 0;
  bool needs_nfc = false;
  for (std::size_t i = 0; i < s.size();) {
    const char32_t c = detail::next_cp(s, i);
    if (c >= 0x0300 && c <= 0x036F) {
      needs_nfc = true;
      break;
    }
    const CharInfo* ci = detail::char_info(c);
    if (!ci || !ci->plain) return false;
    letters.push_back(ci->plain);
    if (ci->tone != detail::tone_none) {
      tone = ci->tone;
      ++tones;
    }
  }
  if (needs_nfc) {
    const std::string composed = nfc(s);
    if (composed.find("\xCC") != std::string::npos || composed.find("\xCD") != std::string::npos)
      return false;  // combining marks left over: not a Vietnamese letter sequence
    return is_valid_syllable(composed);
  }
  if (tones > 1) return false;
  const std::u32string_view w(letters);
  for (std::u32string_view onset : kOnsets) {
    if (w.substr(0, onset.size()) != onset) continue;
    std::u32string_view r = w.substr(onset.size());
    bool ok = false;
    std::u32string_view rhyme = r;
    if (onset == U"gi") {
      if (r.empty()) {
        ok = true;  // gì, gỉ
        rhyme = U"i";
      } else if (rhyme_ok(onset, r)) {
        ok = r.front() != U'i';
      } else {
        // gi + iê… written with one i: giếng, giêng, gìn, giết
        std::u32string with_i = U"i";
        with_i.append(r);
        if (sets().plain.count(with_i) && with_i.substr(0, 2) != U"ia") {
          ok = true;
          rhyme = r;  // for the stop test only the ending matters
        }
      }
    } else {
      ok = rhyme_ok(onset, r);
    }
    if (!ok) continue;
    if (ends_with_stop(rhyme) && tone != detail::tone_acute && tone != detail::tone_dot) continue;
    return true;
  }
  return false;
}

}  // namespace dangbo::vntext

// Tone-mark placement and person-name standardization.

#include "vntext/standardize.hpp"

#include <optional>
#include <vector>

#include "vntext/letters.hpp"
#include "vntext/text.hpp"
#include "vntext/tone.hpp"
#include "vntext/utf8.hpp"

namespace dangbo::vntext {

using namespace detail;

namespace {

enum class Mode { old_style, new_style, fix_only };

bool is_vowel_plain(char32_t p) {
  for (char32_t v : kVowels)
    if (v == p) return true;
  return false;
}

bool has_shape(char32_t p) {
  return p == U'ă' || p == U'â' || p == U'ê' || p == U'ô' || p == U'ơ' || p == U'ư';
}

// Where the tone of one word is and where each convention puts it.
struct ToneSpot {
  bool ok = false;  // exactly one tone, letters only, one vowel cluster
  int tone = tone_none;
  std::size_t at = 0, old_target = 0, new_target = 0;
  const CharInfo* info[16] = {};
};

ToneSpot analyse(std::u32string_view w) {
  ToneSpot s;
  const std::size_t n = w.size();
  if (n == 0 || n > 16) return s;
  char32_t plain[16];
  int tones = 0;
  for (std::size_t k = 0; k < n; ++k) {
    s.info[k] = char_info(w[k]);
    if (!s.info[k] || !s.info[k]->plain) return s;
    plain[k] = s.info[k]->plain;
    if (s.info[k]->tone) {
      s.tone = s.info[k]->tone;
      s.at = k;
      ++tones;
    }
  }
  if (tones != 1) return s;
  // Onset: consonants; qu and gi (before another vowel) include their vowel.
  std::size_t v0 = 0;
  while (v0 < n && !is_vowel_plain(plain[v0])) ++v0;
  if (v0 == n) return s;
  if (v0 == 1 && (plain[0] == U'q' || plain[0] == U'g') &&
      plain[1] == (plain[0] == U'q' ? U'u' : U'i') && n > 2 && is_vowel_plain(plain[2]))
    v0 = 2;
  std::size_t v1 = v0;  // one past the vowel cluster
  while (v1 < n && is_vowel_plain(plain[v1])) ++v1;
  for (std::size_t k = v1; k < n; ++k)
    if (is_vowel_plain(plain[k])) return s;  // vowel after the coda: not a syllable
  const std::size_t len = v1 - v0;
  std::size_t shaped = n;
  for (std::size_t k = v0; k < v1; ++k)
    if (has_shape(plain[k])) shaped = k;
  std::size_t target = v0, alt = v0;
  if (shaped < n) {
    target = alt = shaped;
  } else if (v1 < n) {
    target = alt = v1 - 1;  // before a final consonant: last vowel
  } else if (len == 3) {
    target = alt = v0 + 1;
  } else if (len == 2) {
    const char32_t a = plain[v0], b = plain[v0 + 1];
    const bool style_pair = (a == U'o' && (b == U'a' || b == U'e')) || (a == U'u' && b == U'y');
    alt = style_pair ? v0 + 1 : v0;
  }
  s.old_target = target;
  s.new_target = alt;
  s.ok = true;
  return s;
}

// Re-places the tone of one word (code points, NFC). Returns nullopt if unchanged.
std::optional<std::u32string> place_tone(const std::u32string& w, Mode mode) {
  const ToneSpot s = analyse(w);
  if (!s.ok) return std::nullopt;
  std::size_t target;
  if (mode == Mode::fix_only) {
    if (s.at == s.old_target || s.at == s.new_target) return std::nullopt;  // either is fine
    target = s.old_target;
  } else {
    target = mode == Mode::old_style ? s.old_target : s.new_target;
  }
  if (target == s.at) return std::nullopt;
  std::u32string r = w;
  const CharInfo& from = *s.info[s.at];
  r[s.at] = compose_vowel(from.vowel, tone_none, from.upper);
  const CharInfo& to = *s.info[target];
  r[target] = compose_vowel(to.vowel, s.tone, to.upper);
  if (!r[s.at] || !r[target]) return std::nullopt;
  if (!is_valid_syllable(to_utf8(r))) return std::nullopt;
  return r;
}

std::string place_tones(std::string_view text, Mode mode) {
  const std::string in = nfc(text);
  std::u32string u = to_u32(in);
  bool changed = false;
  for (std::size_t k = 0; k < u.size();) {
    const CharInfo* ci = char_info(u[k]);
    if (!ci || !ci->plain) {
      ++k;
      continue;
    }
    std::size_t e = k;
    while (e < u.size()) {
      const CharInfo* cj = char_info(u[e]);
      if (!cj || !cj->plain) break;
      ++e;
    }
    // Skip words glued to other letters (e.g. foreign scripts) — handled by the loop.
    const std::u32string w = u.substr(k, e - k);
    if (auto r = place_tone(w, mode)) {
      u.replace(k, e - k, *r);
      changed = true;
    }
    k = e;
  }
  return changed ? to_utf8(u) : in;
}

StandardizedName standardize(std::string_view raw, std::optional<ToneStyle> style) {
  const Repair rep = repair_text(raw);
  std::string v = collapse_spaces(rep.text);
  v = style ? apply_tone_style(v, *style) : fix_tone_placement(v);
  v = title_case(v);
  StandardizedName out{std::move(v), rep.detected, rep.confidence, false};
  out.changed = out.value != raw;
  return out;
}

}  // namespace

bool detail::tone_position_plausible(std::string_view word) {
  char32_t buf[16];
  std::size_t n = 0;
  for (std::size_t i = 0; i < word.size();) {
    if (n == 16) return true;
    buf[n++] = next_cp(word, i);
  }
  const ToneSpot s = analyse(std::u32string_view(buf, n));
  return !s.ok || s.at == s.old_target || s.at == s.new_target;
}

std::string apply_tone_style(std::string_view text, ToneStyle style) {
  return place_tones(text, style == ToneStyle::old_style ? Mode::old_style : Mode::new_style);
}

std::string fix_tone_placement(std::string_view text) { return place_tones(text, Mode::fix_only); }

StandardizedName standardize_person_name(std::string_view raw) {
  return standardize(raw, std::nullopt);
}

StandardizedName standardize_person_name(std::string_view raw, ToneStyle style) {
  return standardize(raw, style);
}

}  // namespace dangbo::vntext

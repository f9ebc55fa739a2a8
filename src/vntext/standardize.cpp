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

// Re-places the tone of one word (code points, NFC). Returns nullopt if unchanged.
std::optional<std::u32string> place_tone(const std::u32string& w, Mode mode) {
  const std::size_t n = w.size();
  if (n == 0 || n > 12) return std::nullopt;
  std::vector<const CharInfo*> info(n);
  int tone = tone_none, tones = 0;
  std::size_t tone_at = 0;
  std::u32string plain;
  for (std::size_t k = 0; k < n; ++k) {
    info[k] = char_info(w[k]);
    if (!info[k] || !info[k]->plain) return std::nullopt;
    plain.push_back(info[k]->plain);
    if (info[k]->tone) {
      tone = info[k]->tone;
      tone_at = k;
      ++tones;
    }
  }
  if (tones != 1) return std::nullopt;
  // Onset: consonants; qu and gi (before another vowel) include their vowel.
  std::size_t v0 = 0;
  while (v0 < n && !is_vowel_plain(plain[v0])) ++v0;
  if (v0 == n) return std::nullopt;
  if (v0 == 1 && plain[0] == U'q' && plain[1] == U'u' && v0 + 1 < n && is_vowel_plain(plain[2]))
    v0 = 2;
  else if (v0 == 1 && plain[0] == U'g' && plain[1] == U'i' && v0 + 1 < n &&
           is_vowel_plain(plain[2]))
    v0 = 2;
  std::size_t v1 = v0;  // one past the vowel cluster
  while (v1 < n && is_vowel_plain(plain[v1])) ++v1;
  for (std::size_t k = v1; k < n; ++k)
    if (is_vowel_plain(plain[k])) return std::nullopt;  // vowel after the coda: not a syllable
  const std::size_t len = v1 - v0;
  const bool coda = v1 < n;
  std::size_t target = v0;
  std::size_t shaped = n;
  for (std::size_t k = v0; k < v1; ++k)
    if (has_shape(plain[k])) shaped = k;
  if (shaped < n) {
    target = shaped;
  } else if (coda) {
    target = v1 - 1;
  } else if (len == 3) {
    target = v0 + 1;
  } else if (len == 2) {
    const std::u32string_view c(plain.data() + v0, 2);
    const bool style_pair = c == U"oa" || c == U"oe" || c == U"uy";
    if (style_pair) {
      if (mode == Mode::fix_only) {
        if (tone_at == v0 || tone_at == v0 + 1) return std::nullopt;  // either is fine
        target = v0;
      } else {
        target = mode == Mode::old_style ? v0 : v0 + 1;
      }
    } else {
      target = v0;
    }
  } else {
    target = v0;
  }
  if (target == tone_at) return std::nullopt;
  std::u32string r = w;
  const CharInfo& from = *info[tone_at];
  r[tone_at] = compose_vowel(from.vowel, tone_none, from.upper);
  const CharInfo& to = *info[target];
  r[target] = compose_vowel(to.vowel, tone, to.upper);
  if (!r[tone_at] || !r[target]) return std::nullopt;
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
  const std::u32string w = to_u32(word);
  return !place_tone(w, Mode::old_style) || !place_tone(w, Mode::new_style);
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

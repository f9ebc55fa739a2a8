#include "linkage/phonetic.hpp"

#include <algorithm>
#include <vector>

#include "vntext/text.hpp"

namespace dangbo::linkage {

namespace {

bool vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y'; }

// s: one lower-case ASCII word (a search key word).
std::string syllable_of_key(std::string_view s) {
  std::string out;
  std::size_t i = 0;
  auto starts = [&](std::string_view p) { return s.substr(i, p.size()) == p; };
  // Onset.
  if (starts("ngh")) out = "N", i = 3;
  else if (starts("ng")) out = "N", i = 2;
  else if (starts("nh")) out = "J", i = 2;
  else if (starts("gh")) out = "G", i = 2;
  else if (starts("gi")) {
    out = "Z";
    i = 2;
    // "gi" before a consonant or at the end is gi + i: "gìn" = Z + "in".
    if (i >= s.size() || !vowel(s[i])) i = 1;
  } else if (starts("ch") || starts("tr")) out = "C", i = 2;
  else if (starts("ph")) out = "F", i = 2;
  else if (starts("kh")) out = "X", i = 2;
  else if (starts("th")) out = "T", i = 2;
  else if (starts("qu")) out = "Kw", i = 2;
  else if (!s.empty() && !vowel(s[0])) {
    switch (s[0]) {
      case 'd': case 'r': case 'z': case 'j': out = "Z"; break;
      case 's': case 'x': out = "S"; break;
      case 'c': case 'k': case 'q': out = "K"; break;
      case 'g': out = "G"; break;
      case 'f': out = "F"; break;
      case 'w': out = "V"; break;
      default: out = std::string(1, s[0] >= 'a' && s[0] <= 'z' ? char(s[0] - 'a' + 'A') : s[0]);
    }
    i = 1;
  }
  // Rhyme: vowels (y → i), then the coda.
  std::size_t v = i;
  while (v < s.size() && vowel(s[v])) ++v;
  for (std::size_t k = i; k < v; ++k) out += s[k] == 'y' ? 'i' : s[k];
  std::string_view coda = s.substr(v);
  if (coda == "ng" || coda == "nh") out += 'n';
  else if (coda == "c" || coda == "ch") out += 't';
  else if (!coda.empty()) {
    // Not a Vietnamese coda (a foreign or misspelt word): fold letters one by one.
    for (char c : coda) out += c == 'y' ? 'i' : c;
  }
  return out;
}

std::vector<std::string> syllables(std::string_view name) {
  std::vector<std::string> out;
  std::string key = vntext::search_key(name);
  std::size_t i = 0;
  while (i < key.size()) {
    std::size_t j = key.find(' ', i);
    if (j == std::string::npos) j = key.size();
    if (j > i) out.push_back(syllable_of_key(std::string_view(key).substr(i, j - i)));
    i = j + 1;
  }
  return out;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (auto& s : v) {
    if (!out.empty()) out += '.';
    out += s;
  }
  return out;
}

}  // namespace

std::string phonetic_syllable(std::string_view syllable) {
  std::string key = vntext::search_key(syllable);
  key.erase(std::remove(key.begin(), key.end(), ' '), key.end());
  return syllable_of_key(key);
}

std::string phonetic_key(std::string_view name) { return join(syllables(name)); }

std::string phonetic_key_sorted(std::string_view name) {
  auto v = syllables(name);
  std::sort(v.begin(), v.end());
  return join(v);
}

}  // namespace dangbo::linkage

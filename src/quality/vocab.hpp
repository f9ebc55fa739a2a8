// dangbo::quality — controlled values (ethnicity, religion, education, political theory,
// member status) matched to the official lists in data/ (loaded by RefData).
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "quality/finding.hpp"
#include "registry/refdata.hpp"

namespace dangbo::quality {

/// One controlled vocabulary: official names, their variants, and matching by the
/// diacritic-free key (case, spacing, hyphens and marks ignored) and by edit distance.
class Vocabulary {
 public:
  /// `label` names the list in messages ("dân tộc"); `strip_prefixes` are diacritic-free words
  /// dropped from the start of a value before matching ("dan toc" for "Dân tộc Kinh").
  Vocabulary(std::string label, const std::vector<registry::ControlledValue>& values,
             std::vector<std::string> strip_prefixes = {});

  struct Match {
    enum Kind { empty, exact, normalized, variant, fuzzy, ambiguous, unknown } kind = empty;
    std::string value;                    // the official name (exact … fuzzy)
    std::vector<std::string> candidates;  // ambiguous: the official names at the same distance
  };
  /// Matches a value (UTF-8, repaired): the official name as written → exact; the same
  /// diacritic-free key as one official name → normalized ("KINH", "Ê Đê" → "Ê-đê"); the key
  /// of a listed variant → variant ("Đạo Phật" → "Phật giáo"); otherwise the unique official
  /// name whose name or variant is within Damerau–Levenshtein distance 1 of the key (2 for
  /// keys of 8 letters or more; keys under 4 letters are never matched this way) → fuzzy.
  Match match(std::string_view text) const;
  const std::string& label() const { return label_; }

 private:
  std::string label_;
  std::vector<std::string> names_;
  std::unordered_map<std::string, int> exact_;
  std::unordered_map<std::string, int> key_;  // diacritic-free key (with and without spaces) → index; -1 ambiguous
  std::vector<std::pair<std::string, int>> fuzzy_;  // compact keys of names and variants
  std::vector<std::string> strip_;
};

/// Standardizes a controlled-value cell: std_text then Vocabulary::match.
/// Findings: controlled.variant (info), controlled.misspelling (warning, value corrected),
/// controlled.ambiguous and controlled.unknown (warning, value kept).
std::string std_controlled(const Vocabulary& v, std::string_view raw, Sink& sink);

/// Damerau–Levenshtein (optimal string alignment) distance between byte strings, stopping
/// early once it exceeds `limit` (returns limit + 1 then).
int osa_distance(std::string_view a, std::string_view b, int limit);

}  // namespace dangbo::quality

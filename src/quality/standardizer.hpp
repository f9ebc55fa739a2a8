// dangbo::quality — the row standardizer: every cell of a member row standardized by its
// field, then the record checked against the Party's rules. This is the API an importer calls
// once per row; `dangbo clean` calls it from two threads.
//
//   registry::RefData rd = registry::RefData::load("data");
//   base::RuleSet rules = base::RuleSet::load("config/rules.json");
//   quality::Standardizer st(rd, rules, {});
//   quality::Mapping m = quality::auto_mapping(header);
//   quality::FileChecks file;                       // duplicates within one file
//   for (each row, in order) {
//     quality::RowResult r = st.standardize_row(m, cells);
//     file.check(m, line, r);
//     // r.values: the standardized cells; r.member: typed values; r.findings: what was found
//   }
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/date.hpp"
#include "base/rules.hpp"
#include "quality/fields.hpp"
#include "quality/finding.hpp"
#include "quality/mapping.hpp"
#include "registry/model.hpp"
#include "registry/refdata.hpp"

namespace dangbo::quality {

struct CleanOptions {
  /// Tone-mark style for names and places; nullopt keeps each value's style (hòa and hoà both
  /// stay) and only fixes marks that are wrong in both styles (Qúy → Quý).
  std::optional<vntext::ToneStyle> tone;
  DateFormat date_format = DateFormat::vn;
  /// The day the checks are made on (age, "not in the future", rule versions).
  base::CivilDate today = base::today();
  /// Fill RowResult::member (an importer needs it; `dangbo clean` does not).
  bool fill_member = true;
};

/// The result of one row.
struct RowResult {
  std::vector<std::string> values;  // standardized cells, one per header column, input order
  vntext::NameParts name;           // family / middle / given, when a name column exists
  registry::Member member;          // typed values (when CleanOptions::fill_member)
  std::vector<Finding> findings;    // every finding of the row, by column
  bool rejected = false;            // unusable row (reason in a column -1 finding)
  bool blank = false;               // every cell empty: not a record
  // Parsed values used by the row rules and FileChecks.
  std::string citizen_id;           // 12- or 9-digit ID when valid
  std::string card_number;          // standardized card number, when present
};

class Standardizer {
 public:
  /// Builds the indexes (addresses, vocabularies, family names, CCCD prefixes). `rd` and
  /// `rules` must outlive the Standardizer. Thread-safe after construction: standardize_row may
  /// be called from several threads at once (each keeps its own cache of repeated values).
  Standardizer(const registry::RefData& rd, const base::RuleSet& rules, CleanOptions opts = {});
  ~Standardizer();
  Standardizer(const Standardizer&) = delete;
  Standardizer& operator=(const Standardizer&) = delete;

  /// Standardizes one row (cells as read: UTF-8 or legacy bytes; shorter rows are padded,
  /// non-empty cells beyond the header reject the row) and checks it. Never throws on data.
  RowResult standardize_row(const Mapping& m, const std::vector<std::string>& cells) const;
  /// Same, reusing `out`'s buffers.
  void standardize_row(const Mapping& m, const std::vector<std::string>& cells, RowResult& out) const;

  /// One cell alone (no row rules): the standardized value; findings appended with `column`.
  std::string standardize_cell(Field f, std::string_view raw, std::vector<Finding>& findings, int column = 0) const;

  const CleanOptions& options() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

/// Checks across the rows of one file: the same citizen ID or party-card number on two rows
/// (error on the later row, naming the first: citizen_id.duplicate, card_number.duplicate).
/// Call check() for every row in input order (not thread-safe).
class FileChecks {
 public:
  void check(const Mapping& m, std::size_t line, RowResult& r);
  /// The same from a row's keys (RowResult::citizen_id and ::card_number): findings appended.
  void check_keys(const Mapping& m, std::size_t line, std::string_view citizen_id, std::string_view card_number,
                  std::vector<Finding>& out);
  void reset();

  /// Open-addressing table of 64-bit keys → first line (a million IDs stay compact and fast).
  class Table {
   public:
    /// The line already stored for `key`, or 0 after storing `line` (lines are ≥ 1).
    std::size_t find_or_insert(std::uint64_t key, std::size_t line);
    void clear();

   private:
    std::vector<std::uint64_t> keys_;  // 0 = empty slot (keys are stored + 1)
    std::vector<std::size_t> lines_;
    std::size_t used_ = 0;
  };

 private:
  Table ids_, cards_;
  std::unordered_map<std::string, std::size_t> other_cards_;  // card numbers that are not all digits
};

}  // namespace dangbo::quality

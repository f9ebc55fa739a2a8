// Synthetic (demo and benchmark) party organization tree and member roster for Ho Chi Minh City
// as of 1 July 2025. Deterministic for a seed: the same RefData, options and seed always give the
// same tree and the same members, on any platform. Every generated record is marked synthetic.
// Assumptions behind the distributions are listed in data/SOURCES.md ("Roster generator").
#pragma once
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "registry/model.hpp"
#include "registry/refdata.hpp"

namespace dangbo::registry {

struct GenOptions {
  int64_t members = 50000;                       // how many members to generate (≥ 0)
  uint64_t seed = 1;                             // PRNG seed
  CivilDate as_of = base::make_date(2025, 7, 1);  // the roster's reference date
};

/// One organization of the generated tree. Parents come before their children in the vector.
struct GeneratedOrg {
  std::string code, name;
  OrgKind kind = OrgKind::cell;
  std::string parent_code;      // empty for the root
  std::string admin_unit_code;  // the commune-level unit it belongs to ("79" for the root)
  int64_t planned_members = 0;  // leaves only: planned size, used to share members out
};

/// The Ho Chi Minh City tree as of 2025-07-01:
///  - root "HCM", "Đảng bộ Thành phố Hồ Chí Minh", OrgKind::city;
///  - one OrgKind::commune_committee per unit of province 79 in RefData::new_communes (168),
///    code = the unit's 5-digit code, name = org_name_for_unit(unit);
///  - under each, grassroots organizations "<unit>.NN" (OrgKind::grassroots_cell, or
///    OrgKind::grassroots_committee with cells "<unit>.NN.KK", OrgKind::cell), their number
///    proportional to the unit's population and scaled so that the leaves (cells) plan 10–60
///    members each (about 30 on average) for opts.members in total.
/// Throws std::runtime_error when RefData has no units for province 79.
std::vector<GeneratedOrg> generate_org_tree(const RefData& rd, const GenOptions& opts);

/// Streams opts.members synthetic members, one at a time, without holding them in memory.
/// Members are assigned to the leaves of `orgs` (organizations with no children) in proportion
/// to planned_members (largest-remainder apportionment, so the leaf counts add up exactly) and
/// come out grouped by leaf, in tree order. Card numbers (8 digits, see card_number_format()),
/// citizen IDs and phone numbers are unique within one run (up to 90 million members).
/// The RefData object must outlive the generator; `orgs` is copied.
class RosterGenerator {
 public:
  RosterGenerator(const RefData& rd, const std::vector<GeneratedOrg>& orgs, GenOptions opts);
  ~RosterGenerator();
  RosterGenerator(RosterGenerator&&) noexcept;
  RosterGenerator& operator=(RosterGenerator&&) noexcept;

  /// Fills `out` with the next member (every field is overwritten; reuse the same Member for
  /// speed) and `org_code` with its leaf's code. Returns false when all members were produced.
  bool next(Member& out, std::string& org_code);
  int64_t produced() const;
  int64_t total() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The party-card number format used by the generator: 8 digits, first digit 1–9, unique,
/// not sequential (a fixed permutation of the issue counter). The real format is unconfirmed
/// (shared/reference/party-rules.md §2.3); treat card numbers as opaque strings.
const char* card_number_format();

/// Column headers of the roster CSV, in Vietnamese as real exports name them.
const std::vector<std::string>& roster_csv_columns();
/// Writes the UTF-8 BOM and the header line (CRLF line ends, as Excel writes them).
void write_roster_csv_header(std::ostream& out);
/// Writes one member as a CSV line; `stt` is the row number (STT). Fields that contain a comma,
/// quote or line break are quoted. Dates are dd/mm/yyyy, or yyyy when only the year is known.
void write_roster_csv_row(std::ostream& out, int64_t stt, const Member& m);
/// Header + every remaining member of `gen`; returns the number of rows written.
int64_t write_roster_csv(std::ostream& out, RosterGenerator& gen);
/// Builds the tree and writes the whole roster for `opts`; returns the number of rows written.
int64_t write_roster_csv(std::ostream& out, const RefData& rd, const GenOptions& opts);

}  // namespace dangbo::registry

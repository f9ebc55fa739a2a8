// dangbo::quality — addresses and places (residence, home town, birth place) against the
// administrative map before and after 1 July 2025 (data/admin_units, loaded by RefData).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "quality/finding.hpp"
#include "registry/refdata.hpp"
#include "vntext/standardize.hpp"

namespace dangbo::quality {

/// What an address turned out to be.
struct AddressResult {
  enum Kind {
    empty,
    unrecognised,   // no administrative unit found: kept as written (text repaired)
    current,        // a post-2025 address (ward + province), written in full
    province_only,  // only a province (home towns, birth places)
    old_mapped,     // a pre-2025 ward (with its district) whose whole area went to one new ward
    split,          // a pre-2025 ward split between several new wards: the user must choose
    unknown_ward,   // a ward that is not in the given district / province
    ambiguous,      // a ward name found in several units and no district to tell them apart
    old_district,   // a pre-2025 district with no ward
  } kind = empty;
  std::string value;                    // standardized text (or the input, repaired, when unresolved)
  std::string new_commune_code;         // when the new ward is known
  std::string province_code;            // new (post-2025) province code when known
  std::vector<std::string> candidates;  // split / ambiguous: the new wards, in full ("Phường X, Thành phố Y")
  std::string old_unit;                 // old_mapped / split: the old ward as found ("Phường A, Quận 1, …")
};

/// Index of the administrative units for address parsing. Built once (about 20,000 units,
/// a few MB), then read-only and thread-safe.
class AddressIndex {
 public:
  explicit AddressIndex(const registry::RefData& rd);
  ~AddressIndex();
  AddressIndex(const AddressIndex&) = delete;
  AddressIndex& operator=(const AddressIndex&) = delete;

  /// Parses text (UTF-8 NFC, spaces collapsed) that ends with administrative units, from the
  /// smallest to the largest, comma-separated ("123 Lê Lợi, P. Bến Thành, Q.1, TP.HCM"), and
  /// rewrites it in full on the current map. Abbreviations: P./F./Ph. (phường), X. (xã), TT.
  /// (thị trấn), Q. (quận), H. (huyện), TX. (thị xã), TP./Tp. (thành phố), T. (tỉnh), and
  /// TP.HCM, TPHCM, HCM, Sài Gòn, HN. An address with a district is pre-2025: its ward is
  /// looked up in that district and mapped to the new ward through the official mapping
  /// (map_old_to_new_dvhcvn.csv); a ward split between several new wards is not guessed.
  /// Street parts before the ward are kept as written.
  AddressResult resolve(std::string_view text) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

/// Standardizes a place cell: std_text, then AddressIndex::resolve. The value is the resolved
/// address (or the repaired text when unresolved); `tone` (optional) restyles tone marks.
/// Findings: address.format, address.old_unit, address.old_province (info);
/// address.split_ward (warning: candidates in `suggested`, separated by " | "),
/// address.unknown_ward, address.ambiguous, address.old_district (warning); text.* (info).
std::string std_address(const AddressIndex& idx, std::string_view raw, std::optional<vntext::ToneStyle> tone,
                        Sink& sink, AddressResult* out = nullptr);

}  // namespace dangbo::quality

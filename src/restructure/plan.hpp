// Restructuring plans: the operations (merge, split, rename, move, dissolve, change of kind),
// each with its decision, and the CSV form in which staff import and export them.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/date.hpp"
#include "registry/model.hpp"
#include "registry/refdata.hpp"

namespace dangbo::restructure {

using base::CivilDate;
using registry::OrgKind;

/// Operations (GLOSSARY: sắp xếp, sáp nhập, chia tách, giải thể).
enum class OpKind { merge, split, rename, move, dissolve, change_kind };
std::string_view to_string(OpKind k);
std::optional<OpKind> parse_op_kind(std::string_view s);
/// "Hợp nhất/sáp nhập", "Chia tách", "Đổi tên", "Chuyển trực thuộc", "Giải thể", "Đổi loại hình".
std::string_view label_vi(OpKind k);
std::string_view label_en(OpKind k);

/// How the children and members of a split organization are shared among its targets.
///  - residence: a member directly in the split organization goes to the target whose
///    administrative unit is the member's residence_unit_code; a subordinate organization goes
///    where most of its active members reside (ties: the first target listed). Assignment rows
///    override; a member whose residence matches no target and who is not assigned is a problem.
///  - listed: every subordinate organization and every member directly in the split
///    organization must be named by an assignment row; anything not listed is a problem.
///  - proportional: subordinate organizations (largest first) and direct members (by id) go to
///    the target furthest below its share (column share; equal shares when empty). Shares are
///    relative weights (1 and 1, 2 and 3, 40 and 60), but fractions (every share < 1) must add up to 1
///    and no share may be negative: otherwise a blocking problem "bad_share".
enum class SplitRule { residence, listed, proportional };
std::string_view to_string(SplitRule r);
std::optional<SplitRule> parse_split_rule(std::string_view s);

/// An operation's target: an organization valid on the day before the effective date, or a new
/// one this plan establishes (then name, kind and, except for a root, parent are required).
/// For an existing target, name/kind/parent given here are changes.
struct TargetSpec {
  std::string code;
  std::string name;
  std::optional<OrgKind> kind;
  std::string parent;           // parent code
  std::string admin_unit_code;  // official administrative-unit code, if any
  double share = 0;             // split, proportional rule: the target's share (any scale)
  int line = 0;                 // CSV line that declared it
};

/// One operation. Sources: merge ≥ 1; every other kind exactly one.
struct Operation {
  OpKind kind = OpKind::merge;
  std::string decision_no;          // "1685/NQ-UBTVQH15"
  CivilDate decision_date, effective_date;
  std::vector<std::string> sources;  // organization codes (valid on the day before effective_date)
  std::vector<TargetSpec> targets;   // merge: 1; split: ≥ 1; rename/move/change_kind: 1 (the new
                                     // code/name/parent/kind of the source); dissolve: 0 or 1
                                     // (the organization that receives what remains)
  SplitRule rule = SplitRule::residence;
  std::vector<int> lines;  // CSV lines that make up the operation
  std::string note;
};

/// An explicit placement, used by the split rules and by dissolve: a subordinate organization
/// (its code) or a member ("member:ID") of `source` goes to `target`.
struct Assignment {
  std::string what;    // organization code, or "member:<id>"
  std::string target;  // organization code
  int line = 0;
};

/// A problem found in a plan. `code` is stable (tests and the API use it); `message` is
/// Vietnamese. Blocking problems stop apply; warnings do not.
struct Problem {
  std::string code;
  std::string message;
  int line = 0;        // CSV line, 0 when none
  std::string org;     // organization code concerned, if any
  bool blocking = true;
};

struct Plan {
  std::string name;
  std::vector<Operation> ops;
  std::vector<Assignment> assignments;
  std::vector<Problem> problems;  // found while reading
  std::string source_text;        // the text as it came
  /// The effective date shared by every operation (the first one's; a plan whose operations
  /// differ has a problem "mixed_effective_dates").
  std::optional<CivilDate> effective_date() const;
};

/// CSV columns (header row required, any order; unknown columns are ignored):
///   op, code, target, target_name, target_kind, target_parent, target_unit, rule, share,
///   decision_no, decision_date, effective_date, note
/// One row per (operation, source, target) pair:
///   merge        code = a source, target = the target; rows with the same target form one merge
///   split        code = the source, target = one target; rows with the same source form one split
///   rename       code, target_name (and target = a new code, optional)
///   move         code, target_parent
///   change_kind  code, target_kind (cell | grassroots_cell | grassroots_committee | …)
///   dissolve     code (target = where the remaining members and organizations go, optional)
///   assign       code = an organization code or member:ID, target = where it goes
/// Dates are YYYY-MM-DD or dd/mm/yyyy. Lines starting with '#' are comments; "# plan: NAME"
/// names the plan. Reading never throws: malformed rows become problems with their line.
Plan parse_plan_csv(std::string_view text, const std::string& source_name = "");

/// Writes a plan back as CSV (the columns above), one row per pair, assignments last.
std::string write_plan_csv(const Plan& plan);

/// Decisions behind the 2025 reorganisation of Ho Chi Minh City, used by plan_2025().
struct Decisions2025 {
  std::string province_no = "202/2025/QH15";        // Quốc hội: sắp xếp ĐVHC cấp tỉnh
  CivilDate province_date = base::make_date(2025, 6, 12);
  std::string commune_no = "1685/NQ-UBTVQH15";      // UBTVQH: sắp xếp ĐVHC cấp xã của TP.HCM
  CivilDate commune_date = base::make_date(2025, 6, 16);
  std::string district_no = "203/2025/QH15";        // Quốc hội: sửa đổi Hiến pháp, kết thúc cấp huyện
  CivilDate district_date = base::make_date(2025, 6, 16);
  CivilDate effective = base::make_date(2025, 7, 1);
};

/// Organization code of an old (pre-2025) provincial party organization: 79 → "HCM",
/// 74 → "BDG", 77 → "BRVT", any other → "P" + the province code.
std::string old_province_org_code(std::string_view province_code);
/// Organization code of a new (from 2025-07-01) provincial party organization: 79 → "HCM",
/// any other → "P" + the province code. (Old and new "HCM" are never valid at the same time.)
std::string new_province_org_code(std::string_view province_code);
/// Name of an old district's party committee: "Đảng bộ quận 1", "Đảng bộ huyện Củ Chi",
/// "Đảng bộ thành phố Thủ Đức".
std::string district_org_name(const registry::AdminUnit& district);
/// Name of an old commune-level unit's party committee, with its district (names repeat across
/// districts): "Đảng bộ phường Bến Nghé, Quận 1".
std::string old_commune_org_name(const registry::AdminUnit& commune);
/// Name of a provincial party organization: "Đảng bộ Thành phố Hồ Chí Minh", "Đảng bộ tỉnh Bình Dương".
std::string province_org_name(const registry::AdminUnit& province);

/// The real 2025 plan for Ho Chi Minh City from the reference data: the three provincial
/// organizations merged into the new city organization "HCM"; each of the 168 new ward/commune/
/// special-zone committees formed by merging the old units that went into it wholly
/// (map_old_to_new_dvhcvn.csv, coverage = full; Côn Đảo from the island district 755); each of
/// the 47 old units divided between two or three new ones split among them with `rule`; the
/// 37 other districts dissolved. `assignments` (subordinate organization → new unit) are added
/// as assign rows, e.g. for rule listed. Organization codes: old communes and new units by their
/// 5-digit code, districts by their 3-digit code.
/// `new_provinces` selects the new provinces whose reorganisation is planned (default: 79;
/// empty = the whole country, used by the national benchmark).
Plan plan_2025(const registry::RefData& ref, SplitRule rule, const std::vector<Assignment>& assignments = {},
               const Decisions2025& d = {}, const std::vector<std::string>& new_provinces = {"79"});

}  // namespace dangbo::restructure

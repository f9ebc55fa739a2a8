// Reference data shipped in data/: administrative units before and after 1 July 2025, the
// old → new mapping, and the controlled vocabularies (ethnic groups, religions, education and
// political-theory levels, name frequency tables). Origins and licences: data/SOURCES.md.
#pragma once
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace dangbo::registry {

/// One administrative unit: a province, a district (old system only) or a commune-level unit.
/// For a province, province_code/province_name are its own code and full name; for a district,
/// district_code/district_name likewise. Codes are text and keep their leading zeros.
struct AdminUnit {
  std::string code, name, full_name;
  std::string unit_type;  // Phường | Xã | Đặc khu | Thị trấn; Quận, Huyện …; Tỉnh, Thành phố trực thuộc trung ương
  std::string province_code, province_name, district_code, district_name;
  double area_km2 = 0;   // km²; 0 when unknown (new units and provinces only)
  long population = 0;   // persons; 0 when unknown (new units and provinces only)
};

/// One (old unit, new unit) pair of the 2025 reorganisation. An old unit split between several
/// new units has one row per target (n_targets of them, each with full = false).
struct UnitMapping {
  std::string old_code, new_code;
  bool full = true;  // the whole old unit went into new_code
  int n_targets = 1;
  std::string old_level;  // "commune", "district" (the island districts) or "province"
  std::string old_province_code, new_province_code;
};

/// A value of a controlled vocabulary, e.g. an ethnic group: official name, the other names and
/// spellings seen in records, and an approximate share (percent) used by the roster generator.
struct ControlledValue {
  std::string code, name;
  std::vector<std::string> variants;
  double share_pct = 0;       // national share (ethnic groups, religions: 2019 census, approx.)
  double share_hcmc_pct = 0;  // rough share in Ho Chi Minh City (ethnic groups, religions only)
  std::string kind;           // education levels: "general", "general_10" or "professional"
};

/// A name with its frequency (percent) among men and among women. Family names have the same
/// value in both.
struct NameWeight {
  std::string name;
  double male_pct = 0, female_pct = 0;
};

/// A parsed CSV file: header, rows, and the 1-based line on which each row starts.
struct CsvTable {
  std::string source;  // file name used in error messages
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::size_t> lines;

  /// Index of the named column; throws std::runtime_error naming the file when it is missing.
  std::size_t column(std::string_view name) const;
};

/// Parses RFC 4180-style CSV text (UTF-8, optional BOM): quoted fields with "" escapes, commas
/// and line breaks inside quotes, LF or CRLF line ends; blank lines are skipped. The first record
/// is the header; every record must have as many fields as the header. Throws
/// std::runtime_error("<source>:<line>: <reason>") on malformed input.
CsvTable parse_csv(std::string_view text, const std::string& source);
/// Reads and parses a file; throws std::runtime_error when it cannot be read or is malformed.
CsvTable read_csv_file(const std::string& path);

class RefData {
 public:
  /// Loads every reference file under data_dir (the repository's data/ folder). Throws
  /// std::runtime_error with the file name and line when a file is missing or malformed.
  static RefData load(const std::string& data_dir);

  /// Commune-level units from 1 July 2025 (3,321), in file order (by code).
  const std::vector<AdminUnit>& new_communes() const { return new_communes_; }
  /// The new units of one new province ("79" = Thành phố Hồ Chí Minh), in code order.
  std::vector<const AdminUnit*> new_communes_of(std::string_view province_code) const;
  /// A new unit by its 5-digit code; nullptr when unknown.
  const AdminUnit* new_commune(std::string_view code) const;
  const std::vector<AdminUnit>& new_provinces() const { return new_provinces_; }
  const AdminUnit* new_province(std::string_view code) const;

  /// Units as of March 2025, before the reorganisation (10,035 communes, 696 districts, 63 provinces).
  const std::vector<AdminUnit>& old_communes() const { return old_communes_; }
  const AdminUnit* old_commune(std::string_view code) const;
  const std::vector<AdminUnit>& old_districts() const { return old_districts_; }
  const std::vector<AdminUnit>& old_provinces() const { return old_provinces_; }
  const AdminUnit* old_province(std::string_view code) const;

  /// Old commune (or island district) → new commune pairs (map_old_to_new_dvhcvn.csv).
  const std::vector<UnitMapping>& mappings() const { return mappings_; }
  /// The pairs whose new unit is new_code.
  std::vector<const UnitMapping*> mappings_to(std::string_view new_code) const;
  /// Old province → new province (63 rows, old_level = "province").
  const std::vector<UnitMapping>& province_mappings() const { return province_mappings_; }

  const std::vector<ControlledValue>& ethnic_groups() const { return ethnic_groups_; }
  const std::vector<ControlledValue>& religions() const { return religions_; }
  const std::vector<ControlledValue>& theory_levels() const { return theory_levels_; }
  const std::vector<ControlledValue>& education_levels() const { return education_levels_; }

  /// Name frequency tables (data/names/). Shares are percentages within each gender.
  const std::vector<NameWeight>& family_names() const { return family_names_; }
  const std::vector<NameWeight>& middle_names() const { return middle_names_; }
  const std::vector<NameWeight>& given_names() const { return given_names_; }

 private:
  std::vector<AdminUnit> new_communes_, new_provinces_, old_communes_, old_districts_, old_provinces_;
  std::vector<UnitMapping> mappings_, province_mappings_;
  std::vector<ControlledValue> ethnic_groups_, religions_, theory_levels_, education_levels_;
  std::vector<NameWeight> family_names_, middle_names_, given_names_;
  std::map<std::string, std::size_t, std::less<>> new_commune_idx_, new_province_idx_,
      old_commune_idx_, old_province_idx_;
  std::multimap<std::string, std::size_t, std::less<>> mapping_by_new_;
};

/// The unit-type word as it stands inside a name: "Phường" → "phường", "Xã" → "xã",
/// "Đặc khu" → "đặc khu", "Thị trấn" → "thị trấn".
std::string unit_type_lower(std::string_view unit_type);

/// Name of the party committee of a commune-level unit: "Đảng bộ " + lower-case unit type +
/// " " + the unit's name as in the reference data, e.g. "Đảng bộ phường Sài Gòn",
/// "Đảng bộ xã Bình Chánh", "Đảng bộ đặc khu Côn Đảo".
std::string org_name_for_unit(const AdminUnit& unit);

}  // namespace dangbo::registry

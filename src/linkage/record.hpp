// dangbo::linkage — the records that linkage compares, in a compact column-friendly form.
//
// A Person is one input row (a registry member or a line of a file), typed but not yet
// standardized. Dataset::add standardizes it (person names through vntext, citizen IDs,
// phones, dates) and stores a fixed-size Rec whose text fields are ids into string pools,
// so a million records take about 100 MB and equal values compare as equal integers.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/date.hpp"

namespace dangbo::linkage {

// A date as the source gave it, kept even when it is impossible (month 13), so that a day
// and month written the wrong way round can still be recognised. 0 = part unknown.
struct LooseDate {
  int year = 0;
  int month = 0;
  int day = 0;
  bool known() const { return year > 0; }
  // yyyymmdd with 00 for unknown parts; 0 when the year is unknown.
  int32_t packed() const { return year > 0 ? year * 10000 + month * 100 + day : 0; }
  static LooseDate unpack(int32_t v) { return {v / 10000, v / 100 % 100, v % 100}; }
};

// Reads dates as Vietnamese records write them: dd/mm/yyyy (also '-' or '.'; one-digit day
// and month), yyyy-mm-dd, mm/yyyy, yyyy, and 8 digits ddmmyyyy. Day and month are taken as
// written, up to 31 each, without checking the calendar. Anything else → unknown.
LooseDate parse_loose_date(std::string_view s);
LooseDate loose_from(const base::CivilDate& d);

// Citizen ID as digits: separators removed; 11 digits (Excel dropped the leading 0 of a CCCD)
// and 8 digits (of an old CMND) get their 0 back. "" unless the result has 9 or 12 digits.
std::string normalize_citizen_id(std::string_view s);

// Phone as a 10-digit national number: separators removed, +84 / 84 / 0084 → 0, a lost
// leading 0 restored, 11-digit mobiles of before 2018 converted (0162… → 032…; research
// notes §3.2). "" when no number of 10 digits results.
std::string normalize_phone(std::string_view s);

// Level of two home-town search keys: 0 same, 1 Jaro–Winkler ≥ 0.88, 2 different.
uint8_t town_similarity_level(std::string_view a, std::string_view b);

struct Person {
  std::string id;         // shown in outputs: the id column, the line number, or the member id
  uint16_t source = 0;    // input file index (0 for the registry or the first file)
  std::string name;       // full name as written (used when the parts are empty)
  std::string family, middle, given;  // name parts when the source has them
  int gender = -1;        // 0 male, 1 female, -1 unknown
  LooseDate birth;
  std::string citizen_id;  // as written
  std::string home_town;
  LooseDate admitted;
  std::string phone;
  std::string card_number;
  std::string org;  // organization code or name (shown, not compared)
  bool standardized = false;  // names already standardized (quality module): keys only
};

// Interned strings; id 0 is the empty string. Not thread-safe for intern().
class StringPool {
 public:
  StringPool();
  uint32_t intern(std::string_view s);
  // id of s, or UINT32_MAX when absent
  uint32_t find(std::string_view s) const;
  std::string_view str(uint32_t id) const { return *ptr_[id]; }
  std::size_t size() const { return ptr_.size(); }

 private:
  std::deque<std::string> store_;
  std::vector<const std::string*> ptr_;
  std::unordered_map<std::string_view, uint32_t> index_;
};

// One record, standardized. Name and place ids point into Dataset::text; 0 = missing.
struct Rec {
  uint32_t name_std = 0;     // full name: NFC, title case, tone marks in the old style
  uint32_t name_key = 0;     // search key of the full name ("nguyen van an")
  uint32_t fam_key = 0, mid_key = 0, giv_key = 0;  // search keys of the parts
  uint32_t sorted_key = 0;   // search-key words sorted ("an nguyen van")
  uint32_t phon_sorted = 0;  // phonetic_key_sorted of the full name
  uint32_t giv_phon = 0, fam_phon = 0;  // phonetic keys of given and family name
  uint32_t town_key = 0;     // search key of the home town
  int32_t birth = 0;         // LooseDate::packed
  int32_t admitted = 0;
  uint64_t cid = 0;          // citizen ID digits as a number (cid_len 0 = missing)
  uint64_t phone = 0;        // 10-digit phone as a number, 0 = missing
  uint64_t card = 0;         // party card number (digits), 0 = missing
  uint8_t cid_len = 0;       // 9 (old CMND) or 12 (CCCD)
  int8_t gender = -1;
  bool cid_valid = false;    // a 12-digit CCCD of valid structure that agrees with this record's
                             // own birth year and gender where they are known
  uint8_t shared = 0;        // bit f set: Field f (compare.hpp) held a shared value, now missing
};

// A value that far more records hold than chance explains: a placeholder date (01/01/1900, a
// default date a clerk typed for a whole cell), a default phone or ID. Agreeing on it says
// nothing about two records being one person, so Dataset::finalize() takes it as missing in
// every record that holds it: it adds no weight, takes no part in estimating the model, and
// makes no blocking key (so it cannot build one huge block). Which values were dropped is
// reported with each run.
//  - Dates: a value held by at least `date_min_records` records and by more than
//    `date_over_chance` times as many as its peers hold on average (a day: the other days of
//    its year; a month-only date: the other months of its year; a year-only date: the
//    year-only dates of the ten years around it). Genuinely popular dates (a ceremony day)
//    stay below that and are weighed by the term-frequency adjustment instead (model.hpp).
//  - Identifiers (citizen ID, phone, party card number), meant to belong to one person: a
//    value on more than `id_max_records` records (a person entered that many times is rarer
//    than a default or an Excel-mangled number shared by many).
struct SharedValueRule {
  uint32_t date_min_records = 30;
  double date_over_chance = 20;
  uint32_t id_max_records = 5;
  bool enabled = true;
};
struct SharedValue {
  uint8_t field = 0;      // Field (compare.hpp)
  std::string value;      // as shown: dd/mm/yyyy, mm/yyyy, yyyy, or the digits
  uint32_t records = 0;   // records that held it
  double expected = 0;    // records a peer value holds on average (dates), or 1 (identifiers)
};

// The text keys of a person's name, as strings (see Rec for their meaning).
struct NameKeys {
  std::string name_std, name_key, fam_key, mid_key, giv_key, sorted_key, phon_sorted, giv_phon, fam_phon;
};
// Standardizes the name of p (unless p.standardized) and computes its keys. Thread-safe.
NameKeys name_keys(const Person& p);
// Search key of a home town (repaired first). Thread-safe.
std::string town_key(std::string_view home_town);

class Dataset {
 public:
  // Standardizes and appends one person. Not thread-safe.
  void add(const Person& p);
  // Appends one person whose keys were computed already (e.g. on other threads).
  void add(const Person& p, const NameKeys& k, std::string_view town_key);
  // Finds the shared values (SharedValueRule) and takes them as missing, then computes the
  // term frequencies; call once after the last add().
  void finalize(const SharedValueRule& rule = {});

  std::size_t size() const { return recs.size(); }
  const Rec& operator[](std::size_t i) const { return recs[i]; }

  // Share of records whose full-name key / home-town key is this value (term frequency).
  double tf_name(uint32_t key) const { return double(name_count[key]) / double(std::max<std::size_t>(size(), 1)); }
  double tf_town(uint32_t key) const { return double(town_count[key]) / double(std::max<std::size_t>(size(), 1)); }

  std::vector<Rec> recs;
  std::vector<std::string> ids;
  std::vector<uint16_t> source;
  std::vector<uint32_t> org;  // ids into text
  StringPool text;            // every interned string (names, keys, phonetic keys, towns, orgs)
  std::vector<SharedValue> shared_values;  // by field, then most records first
  std::vector<uint32_t> name_count, town_count;  // indexed by string id
  // Per record: how many records hold its birth date / admission date (0 when it has none).
  std::vector<uint32_t> birth_count, admitted_count;
  // For two records that agree exactly on record i's date of `count` (birth_count or
  // admitted_count): how many records outside the pair hold it too.
  uint32_t date_holders_outside_pair(const std::vector<uint32_t>& count, uint32_t i) const {
    return count[i] > 2 ? count[i] - 2 : 0;
  }
  // Home-town comparison levels precomputed by finalize() when there are at most 2,048
  // distinct towns: town_dense[string id] = 1 + dense index (0 = not a town), town_level[a·D+b].
  std::vector<uint16_t> town_dense;
  std::vector<uint8_t> town_level;
  std::size_t town_distinct = 0;

 private:
  struct NameIds {
    uint32_t name_std, name_key, fam_key, mid_key, giv_key, sorted_key, phon_sorted, giv_phon, fam_phon;
  };
  std::unordered_map<std::string, NameKeys> name_cache_;
  std::unordered_map<std::string_view, NameIds> name_ids_;  // by name_std (a view into text)
  std::unordered_map<std::string, std::string> town_cache_;
  void find_shared_values(const SharedValueRule& rule);
};

}  // namespace dangbo::linkage

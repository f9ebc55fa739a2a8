#include "linkage/record.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <unordered_map>

#include "linkage/compare.hpp"
#include "linkage/phonetic.hpp"
#include "registry/citizen_id.hpp"
#include "linkage/similarity.hpp"
#include "vntext/standardize.hpp"
#include "vntext/text.hpp"

namespace dangbo::linkage {

namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }

int to_int(std::string_view s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

std::string digits_of(std::string_view s) {
  std::string d;
  for (char c : s)
    if (digit(c)) d += c;
  return d;
}

uint64_t to_u64(std::string_view s) {
  uint64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

}  // namespace

LooseDate parse_loose_date(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.empty()) return {};
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '/' || s[i] == '-' || s[i] == '.') {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  for (auto p : parts) {
    if (p.empty() || p.size() > 4) return {};
    for (char c : p)
      if (!digit(c)) return {};
  }
  auto ok_y = [](int y) { return y >= 1800 && y <= 2200; };
  auto ok_dm = [](int v) { return v >= 1 && v <= 31; };
  LooseDate d;
  if (parts.size() == 1) {
    auto p = parts[0];
    if (p.size() == 4 && ok_y(to_int(p))) return {to_int(p), 0, 0};
    return {};
  }
  if (parts.size() == 2) {  // mm/yyyy
    if (parts[1].size() == 4 && parts[0].size() <= 2 && ok_y(to_int(parts[1])) && to_int(parts[0]) >= 1 &&
        to_int(parts[0]) <= 12)
      return {to_int(parts[1]), to_int(parts[0]), 0};
    return {};
  }
  if (parts.size() != 3) return {};
  if (parts[0].size() == 4 && parts[1].size() <= 2 && parts[2].size() <= 2) {  // yyyy-mm-dd
    d = {to_int(parts[0]), to_int(parts[1]), to_int(parts[2])};
  } else if (parts[2].size() == 4 && parts[0].size() <= 2 && parts[1].size() <= 2) {  // dd/mm/yyyy
    d = {to_int(parts[2]), to_int(parts[1]), to_int(parts[0])};
  } else {
    return {};
  }
  if (!ok_y(d.year) || !ok_dm(d.month) || !ok_dm(d.day)) return {};
  return d;
}

LooseDate loose_from(const base::CivilDate& c) {
  LooseDate d{c.year(), int(c.month()), int(c.day())};
  if (c.precision != base::DatePrecision::day) d.day = 0;
  if (c.precision == base::DatePrecision::year) d.month = 0;
  return d;
}

std::string normalize_citizen_id(std::string_view s) {
  std::string d;
  for (char c : s) {
    if (digit(c)) d += c;
    else if (c != ' ' && c != '.' && c != '-' && c != '\'' && c != '"') return "";  // 1.09E+11 and the like: lost
  }
  if (d.size() == 11 || d.size() == 8) d.insert(d.begin(), '0');
  return d.size() == 12 || d.size() == 9 ? d : "";
}

std::string normalize_phone(std::string_view s) {
  std::string d = digits_of(s);
  if (d.rfind("0084", 0) == 0) d = "0" + d.substr(4);
  else if (d.rfind("84", 0) == 0 && (d.size() == 11 || d.size() == 12)) d = "0" + d.substr(2);
  if (d.size() == 9 || (d.size() == 10 && d[0] == '1')) d.insert(d.begin(), '0');
  if (d.size() == 11 && d.rfind("01", 0) == 0) {
    static const std::pair<const char*, const char*> kMap[] = {
        {"0120", "070"}, {"0121", "079"}, {"0122", "077"}, {"0126", "076"}, {"0128", "078"}, {"0123", "083"},
        {"0124", "084"}, {"0125", "085"}, {"0127", "081"}, {"0129", "082"}, {"0162", "032"}, {"0163", "033"},
        {"0164", "034"}, {"0165", "035"}, {"0166", "036"}, {"0167", "037"}, {"0168", "038"}, {"0169", "039"},
        {"0186", "056"}, {"0188", "058"}, {"0199", "059"}};
    for (auto& [from, to] : kMap)
      if (d.compare(0, 4, from) == 0) {
        d = std::string(to) + d.substr(4);
        break;
      }
  }
  return d.size() == 10 && d[0] == '0' ? d : "";
}

uint8_t town_similarity_level(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  return jaro_winkler(a, b) >= 0.88 ? 1 : 2;
}

StringPool::StringPool() { intern(""); }

uint32_t StringPool::intern(std::string_view s) {
  auto it = index_.find(s);
  if (it != index_.end()) return it->second;
  store_.emplace_back(s);
  const std::string* p = &store_.back();
  uint32_t id = uint32_t(ptr_.size());
  ptr_.push_back(p);
  index_.emplace(std::string_view(*p), id);
  return id;
}

uint32_t StringPool::find(std::string_view s) const {
  auto it = index_.find(s);
  return it == index_.end() ? UINT32_MAX : it->second;
}

NameKeys name_keys(const Person& p) {
  const bool parts = !p.family.empty() || !p.middle.empty() || !p.given.empty();
  std::string full;
  vntext::NameParts np;
  if (parts) {
    // Each part standardized on its own keeps the source's split (compound family names).
    auto std_part = [&](const std::string& s) {
      if (s.empty()) return std::string();
      return p.standardized ? vntext::apply_tone_style(s, vntext::ToneStyle::old_style)
                            : vntext::standardize_person_name(s, vntext::ToneStyle::old_style).value;
    };
    np.family = std_part(p.family);
    np.middle = std_part(p.middle);
    np.given = std_part(p.given);
    for (auto* s : {&np.family, &np.middle, &np.given})
      if (!s->empty()) full += (full.empty() ? "" : " ") + *s;
  } else {
    full = p.standardized ? vntext::apply_tone_style(p.name, vntext::ToneStyle::old_style)
                          : vntext::standardize_person_name(p.name, vntext::ToneStyle::old_style).value;
    np = vntext::split_full_name(full);
  }
  NameKeys k;
  k.name_key = vntext::search_key(full);
  std::vector<std::string_view> words;
  for (std::size_t i = 0; i < k.name_key.size();) {
    std::size_t j = k.name_key.find(' ', i);
    if (j == std::string::npos) j = k.name_key.size();
    words.push_back(std::string_view(k.name_key).substr(i, j - i));
    i = j + 1;
  }
  std::sort(words.begin(), words.end());
  for (auto w : words) k.sorted_key += (k.sorted_key.empty() ? "" : " ") + std::string(w);
  k.fam_key = vntext::search_key(np.family);
  k.mid_key = vntext::search_key(np.middle);
  k.giv_key = vntext::search_key(np.given);
  k.phon_sorted = phonetic_key_sorted(full);
  k.giv_phon = phonetic_key(np.given);
  k.fam_phon = phonetic_key(np.family);
  k.name_std = std::move(full);
  return k;
}

std::string town_key(std::string_view home_town) {
  return home_town.empty() ? std::string() : vntext::search_key(vntext::repair_text(home_town).text);
}

void Dataset::add(const Person& p) {
  std::string raw;
  const bool parts = !p.family.empty() || !p.middle.empty() || !p.given.empty();
  if (parts) raw = p.family + '\x1f' + p.middle + '\x1f' + p.given;
  else raw = p.name;
  if (p.standardized) raw += '\x1e';
  auto it = name_cache_.find(raw);
  if (it == name_cache_.end()) it = name_cache_.emplace(std::move(raw), name_keys(p)).first;
  std::string town;
  if (!p.home_town.empty()) {
    auto t = town_cache_.find(p.home_town);
    if (t == town_cache_.end()) t = town_cache_.emplace(p.home_town, town_key(p.home_town)).first;
    town = t->second;
  }
  add(p, it->second, town);
}

void Dataset::add(const Person& p, const NameKeys& k, std::string_view town) {
  Rec r;
  // One lookup for a name seen before (same standardized name, same split into parts).
  auto hit = name_ids_.find(std::string_view(k.name_std));
  if (hit != name_ids_.end() && text.str(hit->second.fam_key) == k.fam_key &&
      text.str(hit->second.giv_key) == k.giv_key && text.str(hit->second.mid_key) == k.mid_key) {
    const NameIds& n = hit->second;
    r.name_std = n.name_std, r.name_key = n.name_key, r.fam_key = n.fam_key, r.mid_key = n.mid_key,
    r.giv_key = n.giv_key, r.sorted_key = n.sorted_key, r.phon_sorted = n.phon_sorted, r.giv_phon = n.giv_phon,
    r.fam_phon = n.fam_phon;
  } else {
    r.name_std = text.intern(k.name_std);
    r.name_key = text.intern(k.name_key);
    r.fam_key = text.intern(k.fam_key);
    r.mid_key = text.intern(k.mid_key);
    r.giv_key = text.intern(k.giv_key);
    r.sorted_key = text.intern(k.sorted_key);
    r.phon_sorted = text.intern(k.phon_sorted);
    r.giv_phon = text.intern(k.giv_phon);
    r.fam_phon = text.intern(k.fam_phon);
    name_ids_[text.str(r.name_std)] = NameIds{r.name_std, r.name_key, r.fam_key, r.mid_key, r.giv_key,
                                              r.sorted_key, r.phon_sorted, r.giv_phon, r.fam_phon};
  }
  r.town_key = text.intern(town);
  r.birth = p.birth.packed();
  r.admitted = p.admitted.packed();
  std::string cid = normalize_citizen_id(p.citizen_id);
  r.cid_len = uint8_t(cid.size());
  r.cid = cid.empty() ? 0 : to_u64(cid);
  if (cid.size() == 12) {
    static const int this_year = base::today().year();
    r.cid_valid = registry::cccd_structure_valid(cid, this_year) &&
                  (p.gender < 0 || (cid[3] - '0') % 2 == p.gender) &&
                  (p.birth.year == 0 || registry::cccd_birth_year(cid) == p.birth.year);
  }
  std::string ph = normalize_phone(p.phone);
  r.phone = ph.empty() ? 0 : to_u64(ph);
  std::string card = digits_of(p.card_number);
  r.card = card.empty() || card.size() > 18 ? 0 : to_u64(card);
  r.gender = int8_t(p.gender);
  recs.push_back(r);
  ids.push_back(p.id);
  source.push_back(p.source);
  org.push_back(p.org.empty() ? 0 : text.intern(p.org));
}

namespace {

std::string date_text(int32_t v) {
  const LooseDate d = LooseDate::unpack(v);
  char b[16];
  if (d.day) std::snprintf(b, sizeof b, "%02d/%02d/%04d", d.day, d.month, d.year);
  else if (d.month) std::snprintf(b, sizeof b, "%02d/%04d", d.month, d.year);
  else std::snprintf(b, sizeof b, "%04d", d.year);
  return b;
}

std::string digits_text(uint64_t v, int len) {
  std::string s(std::size_t(len), '0');
  for (int k = len - 1; k >= 0 && v; --k) s[std::size_t(k)] = char('0' + v % 10), v /= 10;
  return s;
}

}  // namespace

void Dataset::find_shared_values(const SharedValueRule& rule) {
  // Dates: each value against the average of its peers (see SharedValueRule).
  auto dates = [&](Field f, int32_t Rec::*mem) {
    std::unordered_map<int32_t, uint32_t> count;
    for (const Rec& r : recs)
      if (r.*mem) ++count[r.*mem];
    std::unordered_map<int, uint64_t> days, months, years;  // by year: records with a full date, a month-only date, a year-only date
    for (auto& [v, c] : count) {
      const LooseDate d = LooseDate::unpack(v);
      (d.day ? days : d.month ? months : years)[d.year] += c;
    }
    std::unordered_map<int32_t, double> drop;  // value → expected records of a peer
    for (auto& [v, c] : count) {
      if (c < rule.date_min_records) continue;
      const LooseDate d = LooseDate::unpack(v);
      double peer = 0;
      if (d.day) peer = double(days[d.year] - c) / 364.0;
      else if (d.month) peer = double(months[d.year] - c) / 11.0;
      else {
        uint64_t near = 0;
        for (int y = d.year - 5; y <= d.year + 5; ++y)
          if (y != d.year) {
            auto it = years.find(y);
            if (it != years.end()) near += it->second;
          }
        peer = double(near) / 10.0;
      }
      if (double(c) > rule.date_over_chance * std::max(peer, 1.0)) drop[v] = peer;
    }
    for (auto& [v, peer] : drop) shared_values.push_back({uint8_t(f), date_text(v), count[v], peer});
    if (drop.empty()) return;
    for (Rec& r : recs)
      if (r.*mem && drop.count(r.*mem)) r.*mem = 0, r.shared |= uint8_t(1u << f);
  };
  dates(f_birth_date, &Rec::birth);
  dates(f_admitted_on, &Rec::admitted);

  // Identifiers: a value on more than id_max_records records.
  auto ids = [&](Field f, auto key_of, auto text_of, auto clear) {
    std::unordered_map<uint64_t, uint32_t> count;
    for (const Rec& r : recs)
      if (uint64_t k = key_of(r)) ++count[k];
    std::unordered_map<uint64_t, bool> drop;
    for (auto& [k, c] : count)
      if (c > rule.id_max_records) drop[k] = true, shared_values.push_back({uint8_t(f), text_of(k), c, 1.0});
    if (drop.empty()) return;
    for (Rec& r : recs)
      if (uint64_t k = key_of(r); k && drop.count(k)) clear(r), r.shared |= uint8_t(1u << f);
  };
  ids(
      f_citizen_id, [](const Rec& r) { return r.cid_len ? r.cid * 16 + r.cid_len : uint64_t(0); },
      [](uint64_t k) { return digits_text(k / 16, int(k % 16)); },
      [](Rec& r) { r.cid = 0, r.cid_len = 0, r.cid_valid = false; });
  ids(
      f_phone, [](const Rec& r) { return r.phone; }, [](uint64_t k) { return digits_text(k, 10); },
      [](Rec& r) { r.phone = 0; });
  ids(
      f_card, [](const Rec& r) { return r.card; }, [](uint64_t k) { return std::to_string(k); },
      [](Rec& r) { r.card = 0; });
  std::sort(shared_values.begin(), shared_values.end(), [](const SharedValue& a, const SharedValue& b) {
    if (a.field != b.field) return a.field < b.field;
    if (a.records != b.records) return a.records > b.records;
    return a.value < b.value;
  });
}

void Dataset::finalize(const SharedValueRule& rule) {
  name_cache_.clear();
  name_ids_.clear();
  town_cache_.clear();
  shared_values.clear();
  if (rule.enabled) find_shared_values(rule);
  name_count.assign(text.size(), 0);
  town_count.assign(text.size(), 0);
  for (auto& r : recs) {
    ++name_count[r.name_key];
    ++town_count[r.town_key];
  }
  auto per_record = [&](int32_t Rec::*mem, std::vector<uint32_t>& out) {
    std::unordered_map<int32_t, uint32_t> count;
    for (const Rec& r : recs)
      if (r.*mem) ++count[r.*mem];
    out.assign(recs.size(), 0);
    for (std::size_t i = 0; i < recs.size(); ++i)
      if (recs[i].*mem) out[i] = count[recs[i].*mem];
  };
  per_record(&Rec::birth, birth_count);
  per_record(&Rec::admitted, admitted_count);
  std::vector<uint32_t> towns;
  for (uint32_t id = 1; id < town_count.size(); ++id)
    if (town_count[id]) towns.push_back(id);
  town_dense.clear();
  town_level.clear();
  town_distinct = towns.size();
  if (towns.size() <= 2048) {
    town_dense.assign(text.size(), 0);
    for (std::size_t k = 0; k < towns.size(); ++k) town_dense[towns[k]] = uint16_t(k + 1);
    const std::size_t D = towns.size();
    town_level.assign(D * D, 0);
    for (std::size_t a = 0; a < D; ++a)
      for (std::size_t b = 0; b < D; ++b)
        town_level[a * D + b] = a == b ? 0 : town_similarity_level(text.str(towns[a]), text.str(towns[b]));
  }
}

}  // namespace dangbo::linkage

// bench/dedupe_gen — a messy roster with known duplicates, for measuring record linkage.
//
//   dedupe_gen --members N --duplicates RATE [--seed S] --out F.csv --truth T.csv [--root DIR]
//
// Writes N rows in the roster CSV layout (registry::roster_csv_columns; STT is the row id):
// N·(1−RATE) distinct synthetic members (registry::RosterGenerator) and N·RATE extra copies of
// some of them (about 5 % of the duplicated people get two copies), each copy placed later in
// the file, in another cell, and re-typed with the differences real re-entry makes (below).
// The truth file lists, for every row of a person with more than one row, "stt,person".
//
// Written for issue 5 because the data-cleaning generator (gen-roster --messy --duplicates)
// was not there yet; bench/dedupe.sh uses that one when the program has it.
//
// Every row (not only copies) is a little messy, so that no difference is a give-away of a
// copy: 4 % carry an old 9-digit CMND instead of the CCCD, 3 % names without diacritics, 2 %
// in capitals, 1 % TCVN3 read as Windows-1252, 6 % no phone, 4 % old province name as home
// town. A copy, independently per field (probabilities in the code below):
//  name: diacritics dropped, one typo (letter dropped, doubled, swapped, replaced, or a tone
//        mark changed), a spelling that sounds the same (d/gi/r, s/x, ch/tr, final n/ng, i/y),
//        no middle name, given name written first, capitals, TCVN3 mojibake;
//  birth date: day and month swapped, one digit wrong, year only, missing;
//  citizen ID: the person's old CMND, one digit wrong, missing, Excel dropped the leading 0;
//  gender: flipped (rare); home town: old province name or "TP." abbreviation, missing;
//  admission date: as birth date; phone: another number, the pre-2018 11-digit form, missing;
//  card number: missing, one digit wrong.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <queue>
#include <random>
#include <sstream>
#include <unordered_map>

#include "registry/refdata.hpp"
#include "registry/roster_gen.hpp"
#include "vntext/encoding.hpp"
#include "vntext/text.hpp"
#include "vntext/utf8.hpp"

using namespace dangbo;
using registry::Member;

namespace {

std::mt19937_64 rng;
double unit() { return double(rng() >> 11) * 0x1.0p-53; }
bool chance(double p) { return unit() < p; }
uint64_t below(uint64_t n) { return n ? rng() % n : 0; }

std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> w;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t j = s.find(' ', i);
    if (j == std::string::npos) j = s.size();
    if (j > i) w.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return w;
}
std::string join(const std::vector<std::string>& w) {
  std::string r;
  for (auto& x : w) r += (r.empty() ? "" : " ") + x;
  return r;
}

std::string unmarked(const std::string& s) {
  // search_key, then title case per word
  return vntext::title_case(vntext::search_key(s));
}

// Vowels with each tone, to change a tone mark.
const std::u32string kToneRows[] = {U"aàảãáạ", U"ăằẳẵắặ", U"âầẩẫấậ", U"eèẻẽéẹ", U"êềểễếệ", U"iìỉĩíị",
                                    U"oòỏõóọ", U"ôồổỗốộ", U"ơờởỡớợ", U"uùủũúụ", U"ưừửữứự", U"yỳỷỹýỵ"};

std::string typo(const std::string& name) {
  auto w = words(name);
  if (w.empty()) return name;
  std::size_t k = below(w.size());
  std::u32string u = vntext::detail::to_u32(w[k]);
  if (u.size() < 2) return name;
  int op = int(below(5));
  std::size_t p = 1 + below(u.size() - 1);  // keep the first letter most of the time
  switch (op) {
    case 0: u.erase(p, 1); break;                                   // letter dropped
    case 1: u.insert(p, 1, u[p]); break;                            // letter doubled
    case 2: if (p + 1 < u.size()) std::swap(u[p], u[p + 1]); else std::swap(u[p - 1], u[p]); break;
    case 3: {                                                       // letter replaced
      static const char32_t kLetters[] = U"aeiounhgtmcl";
      u[p] = kLetters[below(12)];
      break;
    }
    default: {                                                      // tone mark changed
      bool done = false;
      for (auto& c : u) {
        for (auto& row : kToneRows) {
          auto at = row.find(c);
          if (at != std::u32string::npos) {
            c = row[(at + 1 + below(5)) % 6];
            done = true;
            break;
          }
        }
        if (done) break;
      }
    }
  }
  w[k] = vntext::detail::to_utf8(u);
  return join(w);
}

std::string sound_alike(const std::string& name) {
  auto w = words(name);
  std::vector<std::size_t> order(w.size());
  for (std::size_t i = 0; i < w.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  for (std::size_t k : order) {
    std::string& s = w[k];
    auto starts = [&](const char* p) { return s.rfind(p, 0) == 0; };
    auto ends = [&](const char* p) {
      std::size_t n = std::char_traits<char>::length(p);
      return s.size() >= n && s.compare(s.size() - n, n, p) == 0;
    };
    if (starts("D") && !starts("Đ")) return s.replace(0, 1, chance(0.5) ? "Gi" : "R"), join(w);
    if (starts("Gi")) return s.replace(0, 2, "D"), join(w);
    if (starts("R")) return s.replace(0, 1, "D"), join(w);
    if (starts("S")) return s.replace(0, 1, "X"), join(w);
    if (starts("X")) return s.replace(0, 1, "S"), join(w);
    if (starts("Tr")) return s.replace(0, 2, "Ch"), join(w);
    if (starts("Ch")) return s.replace(0, 2, "Tr"), join(w);
    if (ends("ng")) return s.erase(s.size() - 1), join(w);
    if (ends("nh")) return s.erase(s.size() - 1), join(w);
    if (ends("n")) return s += "g", join(w);
    if (ends("y")) return s.replace(s.size() - 1, 1, "i"), join(w);
    if (ends("i")) return s.replace(s.size() - 1, 1, "y"), join(w);
  }
  return name;
}

std::string digit_typo(const std::string& s) {
  std::vector<std::size_t> pos;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s[i] >= '0' && s[i] <= '9') pos.push_back(i);
  if (pos.size() < 2) return s;
  std::string r = s;
  std::size_t i = pos[below(pos.size())];
  if (chance(0.3)) {
    std::size_t j = i + 1 < r.size() && r[i + 1] >= '0' && r[i + 1] <= '9' ? i + 1 : i - 1;
    if (j < r.size() && r[j] >= '0' && r[j] <= '9' && r[i] != r[j]) {
      std::swap(r[i], r[j]);
      return r;
    }
  }
  r[i] = char('0' + (r[i] - '0' + 1 + int(below(9))) % 10);
  return r;
}

// A date re-typed: swapped day/month, one digit wrong, year only, missing. Only dates that
// exist are produced (a register would not accept 31/02).
std::optional<base::CivilDate> messy_date(const std::optional<base::CivilDate>& d, double swap, double digit,
                                          double year_only, double missing) {
  if (!d) return d;
  if (chance(missing)) return std::nullopt;
  if (d->precision != base::DatePrecision::day) return d;
  if (chance(year_only)) {
    base::CivilDate y = *d;
    y.ymd = std::chrono::year(d->year()) / std::chrono::January / 1;
    y.precision = base::DatePrecision::year;
    return y;
  }
  if (chance(swap) && d->day() <= 12 && d->day() != d->month()) return base::make_date(d->year(), d->day(), d->month());
  if (chance(digit)) {
    // One digit of dd/mm/yy wrong (the century digits are not mistyped: a register would not
    // take 1481); only dates that exist come out.
    for (int tries = 0; tries < 20; ++tries) {
      std::string t = d->display();
      std::string head = t.substr(0, 8) + t.substr(8, 2);  // "dd/mm/19" + "yy"… kept in place below
      std::string typed = digit_typo(t.substr(0, 6) + t.substr(8, 2));  // dd/mm/yy
      std::string r = typed.substr(0, 6) + t.substr(6, 2) + typed.substr(6, 2);
      (void)head;
      if (auto x = base::parse_user_date(r); x && x->precision == base::DatePrecision::day && *x != *d) return x;
    }
  }
  return d;
}

std::string cmnd_of(uint64_t person) {
  uint64_t x = person * 0x9E3779B97F4A7C15ULL + 12345;
  x ^= x >> 29;
  char buf[16];
  std::snprintf(buf, sizeof buf, "02%07llu", (unsigned long long)(x % 10000000ULL));
  return buf;
}

std::string old_phone(const std::string& p) {
  static const std::map<std::string, std::string> back = {
      {"070", "0120"}, {"079", "0121"}, {"077", "0122"}, {"076", "0126"}, {"078", "0128"}, {"083", "0123"},
      {"084", "0124"}, {"085", "0125"}, {"081", "0127"}, {"082", "0129"}, {"032", "0162"}, {"033", "0163"},
      {"034", "0164"}, {"035", "0165"}, {"036", "0166"}, {"037", "0167"}, {"038", "0168"}, {"039", "0169"},
      {"056", "0186"}, {"058", "0188"}, {"059", "0199"}};
  if (p.size() != 10) return p;
  auto it = back.find(p.substr(0, 3));
  return it == back.end() ? p : it->second + p.substr(3);
}

struct Towns {
  std::unordered_map<std::string, std::vector<std::string>> old_names;  // new full name → old names
  std::string variant(const std::string& town) {
    auto it = old_names.find(town);
    if (it != old_names.end() && !it->second.empty() && chance(0.6)) return it->second[below(it->second.size())];
    if (town.rfind("Thành phố ", 0) == 0) return (chance(0.5) ? "TP. " : "TP ") + town.substr(std::string("Thành phố ").size());
    if (town.rfind("Tỉnh ", 0) == 0) return town.substr(std::string("Tỉnh ").size());
    return town;
  }
};

// Messiness every row may have.
void base_mess(Member& m, uint64_t person, Towns& towns) {
  if (chance(0.04)) m.citizen_id = cmnd_of(person);
  std::string name = m.full_name();
  if (chance(0.03)) name = unmarked(name);
  else if (chance(0.02)) name = vntext::to_upper(name);
  else if (chance(0.01)) name = vntext::encode(name, vntext::Encoding::tcvn3_via_cp1252);
  m.family_name = name, m.middle_name.clear(), m.given_name.clear();
  if (chance(0.06)) m.phone.clear();
  if (chance(0.04)) m.home_town = towns.variant(m.home_town);
}

// The copy of a person as another unit typed it.
void reentry(Member& c, uint64_t person, Towns& towns, const std::vector<std::pair<std::string, std::string>>& leaves) {
  std::string name = c.family_name;  // base_mess put the whole name there
  auto w = words(name);
  if (chance(0.06) && w.size() >= 3) w.erase(w.begin() + 1, w.end() - 1), name = join(w);        // no middle name
  if (chance(0.03) && w.size() >= 2) {                                                              // given name first
    w = words(name);
    std::rotate(w.begin(), w.end() - 1, w.end());
    name = join(w);
  }
  if (chance(0.06)) name = sound_alike(name);
  if (chance(0.15)) name = typo(name);
  if (chance(0.20)) name = unmarked(name);
  else if (chance(0.04)) name = vntext::to_upper(name);
  else if (chance(0.03)) name = vntext::encode(name, vntext::Encoding::tcvn3_via_cp1252);
  c.family_name = name;
  // dates
  c.birth_date = messy_date(c.birth_date, 0.08, 0.05, 0.05, 0.03);
  c.admitted_on = messy_date(c.admitted_on, 0.05, 0.05, 0.05, 0.08);
  if (chance(0.005)) c.gender = c.gender == registry::Gender::male ? registry::Gender::female : registry::Gender::male;
  // citizen ID
  if (chance(0.20)) c.citizen_id = cmnd_of(person);
  else if (chance(0.04)) c.citizen_id = digit_typo(c.citizen_id);
  else if (chance(0.08)) c.citizen_id.clear();
  else if (chance(0.05) && !c.citizen_id.empty() && c.citizen_id[0] == '0') c.citizen_id.erase(0, 1);
  // home town
  if (chance(0.10)) c.home_town = towns.variant(c.home_town);
  else if (chance(0.08)) c.home_town.clear();
  // phone
  if (chance(0.25)) {
    c.phone = "09" + std::to_string(10000000 + below(90000000));
  } else if (chance(0.05)) {
    c.phone = old_phone(c.phone);
  } else if (chance(0.10)) {
    c.phone.clear();
  }
  // card
  if (chance(0.15)) c.card_number.clear();
  else if (chance(0.03)) c.card_number = digit_typo(c.card_number);
  // another cell
  if (chance(0.85) && !leaves.empty()) {
    auto& l = leaves[below(leaves.size())];
    c.org_code = l.first;
    c.org_name = l.second;
  }
}

void write_row(std::ostream& out, int64_t stt, const Member& m) { registry::write_roster_csv_row(out, stt, m); }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"dedupe_gen: a roster with known duplicates"};
  int64_t n = 100000;
  double rate = 0.05;
  uint64_t seed = 1;
  std::string out_path, truth_path, root = ".";
  app.add_option("--members", n, "rows in all")->required();
  app.add_option("--duplicates", rate, "share of rows that are extra copies (0–0.5)");
  app.add_option("--seed", seed);
  app.add_option("--out", out_path)->required();
  app.add_option("--truth", truth_path)->required();
  app.add_option("--root", root, "repository root (for data/)");
  CLI11_PARSE(app, argc, argv);
  if (rate < 0 || rate > 0.5) {
    std::cerr << "dedupe_gen: --duplicates must be in [0, 0.5]\n";
    return 1;
  }
  auto t0 = std::chrono::steady_clock::now();
  rng.seed(seed * 0x9E3779B97F4A7C15ULL + 17);
  auto ref = registry::RefData::load(root + "/data");
  const int64_t dups = int64_t(double(n) * rate + 0.5), originals = n - dups;
  registry::GenOptions go;
  go.members = originals;
  go.seed = seed;
  auto orgs = registry::generate_org_tree(ref, go);
  std::vector<std::pair<std::string, std::string>> leaves;
  {
    std::unordered_map<std::string, int> kids;
    for (auto& o : orgs)
      if (!o.parent_code.empty()) kids[o.parent_code]++;
    for (auto& o : orgs)
      if (!kids.count(o.code)) leaves.emplace_back(o.code, o.name);
  }
  Towns towns;
  {
    std::map<std::string, std::string> new_name;
    for (auto& p : ref.new_provinces()) new_name[p.code] = p.full_name;
    std::map<std::string, std::string> old_name;
    for (auto& p : ref.old_provinces()) old_name[p.code] = p.full_name;
    for (auto& m : ref.province_mappings()) {
      auto nn = new_name.find(m.new_province_code.empty() ? m.new_code : m.new_province_code);
      auto on = old_name.find(m.old_code);
      if (nn != new_name.end() && on != old_name.end() && nn->second != on->second)
        towns.old_names[nn->second].push_back(on->second);
    }
  }
  // Which originals get copies: 95 % of the duplicated people one copy, 5 % two.
  std::unordered_map<int64_t, int> copies;
  {
    int64_t people2 = int64_t(double(dups) * 0.05 / 1.05 / 1.0);  // people with two copies
    int64_t people1 = dups - 2 * people2;
    int64_t want = people1 + people2;
    if (want > originals) want = originals, people2 = 0, people1 = std::min(dups, originals);
    // Floyd's sampling of `want` distinct originals.
    std::vector<int64_t> chosen;
    std::unordered_map<int64_t, bool> in;
    for (int64_t j = originals - want; j < originals; ++j) {
      int64_t t = int64_t(below(uint64_t(j + 1)));
      if (in.count(t)) t = j;
      in[t] = true;
      chosen.push_back(t);
    }
    std::shuffle(chosen.begin(), chosen.end(), rng);
    for (int64_t k = 0; k < int64_t(chosen.size()); ++k) copies[chosen[std::size_t(k)]] = k < people2 ? 2 : 1;
  }

  std::ofstream out(out_path, std::ios::binary), truth(truth_path, std::ios::binary);
  if (!out || !truth) {
    std::cerr << "dedupe_gen: cannot write the output files\n";
    return 1;
  }
  registry::write_roster_csv_header(out);
  truth << "stt,person\n";
  registry::RosterGenerator gen(ref, orgs, go);
  // Pending copies: released at a later output position.
  struct Pending {
    int64_t at;
    int64_t person;
    Member m;
    bool operator>(const Pending& o) const { return at > o.at; }
  };
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> pending;
  Member m;
  std::string org;
  int64_t stt = 0, person = 0, written_copies = 0;
  auto emit_pending = [&](bool all) {
    while (!pending.empty() && (all || pending.top().at <= stt)) {
      Pending p = pending.top();
      pending.pop();
      ++stt;
      write_row(out, stt, p.m);
      truth << stt << ',' << p.person << '\n';
      ++written_copies;
    }
  };
  while (gen.next(m, org)) {
    ++person;
    Member base = m;
    base_mess(base, uint64_t(person), towns);
    ++stt;
    write_row(out, stt, base);
    auto it = copies.find(person - 1);
    if (it != copies.end()) {
      truth << stt << ',' << person << '\n';
      for (int c = 0; c < it->second; ++c) {
        Member cp = base;
        // start again from the clean name, so a copy's mess is its own
        cp.family_name = m.full_name();
        if (chance(0.03)) cp.family_name = unmarked(cp.family_name);
        if (m.citizen_id != base.citizen_id && chance(0.5)) cp.citizen_id = m.citizen_id;
        reentry(cp, uint64_t(person), towns, leaves);
        int64_t remaining = n - stt;
        pending.push({stt + 1 + int64_t(below(uint64_t(std::max<int64_t>(remaining, 1)))), person, cp});
      }
    }
    emit_pending(false);
  }
  emit_pending(true);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cerr << "dedupe_gen: " << stt << " rows (" << written_copies << " extra copies of " << copies.size()
            << " people) in " << secs << " s\n";
  return 0;
}

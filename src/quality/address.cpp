// Addresses against the administrative map before and after 1 July 2025.

#include "quality/address.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "quality/fields.hpp"
#include "vntext/text.hpp"

namespace dangbo::quality {

namespace {

using registry::AdminUnit;
using registry::UnitMapping;
using Codes = std::vector<std::string>;

// Search key of a unit name with leading zeros of numbers removed ("05" → "5").
std::string name_key(std::string_view name) {
  std::string k = vntext::search_key(name);
  std::string r;
  r.reserve(k.size());
  for (std::size_t i = 0; i < k.size();) {
    std::size_t j = k.find(' ', i);
    if (j == std::string::npos) j = k.size();
    std::string_view t(k.data() + i, j - i);
    bool digits = !t.empty() && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits)
      while (t.size() > 1 && t[0] == '0') t.remove_prefix(1);
    if (!r.empty()) r += ' ';
    r += t;
    i = j + 1;
  }
  return r;
}

// Key that keeps the letters' marks (lower case, one tone style, punctuation as spaces): tells
// "Thạnh An" from "Thanh An", which share the diacritic-free key.
std::string marked_key(std::string_view name) {
  std::string low = vntext::apply_tone_style(vntext::to_lower(name), vntext::ToneStyle::old_style);
  for (char& c : low)
    if (c == '-' || c == '.' || c == ',' || c == '\'' || c == '(' || c == ')') c = ' ';
  std::string r;
  for (std::size_t i = 0; i < low.size();) {
    std::size_t j = low.find(' ', i);
    if (j == std::string::npos) j = low.size();
    std::string_view t(low.data() + i, j - i);
    if (!t.empty()) {
      bool digits = std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (digits)
        while (t.size() > 1 && t[0] == '0') t.remove_prefix(1);
      if (!r.empty()) r += ' ';
      r += t;
    }
    i = j + 1;
  }
  return r;
}

char commune_type(std::string_view unit_type) {
  if (unit_type == "Phường") return 'p';
  if (unit_type == "Xã") return 'x';
  if (unit_type == "Thị trấn") return 't';
  if (unit_type == "Đặc khu") return 'k';
  return '?';
}
char district_type(std::string_view unit_type) {
  if (unit_type == "Quận") return 'q';
  if (unit_type == "Huyện") return 'h';
  if (unit_type == "Thị xã") return 's';
  if (unit_type.rfind("Thành phố", 0) == 0) return 'c';
  if (unit_type == "Đặc khu") return 'k';
  return '?';
}
bool is_ward_type(char t) { return t == 'p' || t == 'x' || t == 't' || t == 'k'; }
bool is_district_type(char t) { return t == 'q' || t == 'h' || t == 's'; }

struct Part {
  std::string text;  // as written (repaired)
  char type = 0;     // p x t k (commune), q h s (district), c (thành phố), v (tỉnh), 0 none
  std::string key;   // name key without the type words
  std::string mkey;  // the same with the letters' marks kept
  bool marks = false; // the address was written with marks (a name without them is meant so)
  std::string whole; // search key of the whole part, spaces removed (aliases)
};

bool eq_any(std::string_view w, std::initializer_list<std::string_view> forms) {
  for (auto f : forms)
    if (w == f) return true;
  return false;
}

// Abbreviations that may be glued to the name with a dot: "P.Tân Định", "TP.HCM", "Q.1".
bool is_abbrev(std::string_view a) {
  return eq_any(a, {"P", "p", "Ph", "PH", "ph", "F", "f", "Q", "q", "H", "h", "X", "x", "TX", "Tx", "tx", "TT", "Tt",
                    "tt", "TP", "Tp", "tp", "T", "t", "T.P", "t.p"});
}

bool letter_digits(std::string_view w, std::initializer_list<char> letters) {
  if (w.size() < 2 || w.size() > 3) return false;
  bool ok = false;
  for (char l : letters) ok = ok || w[0] == l;
  if (!ok) return false;
  for (std::size_t i = 1; i < w.size(); ++i)
    if (w[i] < '0' || w[i] > '9') return false;
  return true;
}

// Does word w (followed by `next`) start an administrative unit?
bool starts_unit(std::string_view w, std::string_view next) {
  if (eq_any(w, {"Phường", "phường", "PHƯỜNG", "Xã", "xã", "XÃ", "Quận", "quận", "QUẬN", "Huyện", "huyện", "HUYỆN"}))
    return !next.empty();
  if (eq_any(w, {"Tỉnh", "tỉnh", "TỈNH"})) return !next.empty() && !eq_any(next, {"lộ", "Lộ", "LỘ"});
  if (eq_any(w, {"Thị", "thị", "THỊ"})) return eq_any(next, {"xã", "Xã", "XÃ", "trấn", "Trấn", "TRẤN"});
  if (eq_any(w, {"Thành", "thành", "THÀNH"})) return eq_any(next, {"phố", "Phố", "PHỐ"});
  if (eq_any(w, {"Đặc", "đặc", "ĐẶC"})) return eq_any(next, {"khu", "Khu", "KHU"});
  if (!w.empty() && w.back() == '.' && is_abbrev(w.substr(0, w.size() - 1))) return !next.empty();
  if (eq_any(w, {"TP", "TX", "TT"})) return !next.empty();
  return letter_digits(w, {'P', 'p', 'Q', 'q', 'F', 'f'});
}

std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> w;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t j = s.find(' ', i);
    if (j == std::string_view::npos) j = s.size();
    if (j > i) {
      std::string word(s.substr(i, j - i));
      // Unglue "P.Tân", "TP.HCM", "Q.1".
      std::size_t dot = word.find('.');
      while (dot != std::string::npos && dot + 1 < word.size() && is_abbrev(std::string_view(word).substr(0, dot))) {
        std::size_t d2 = word.find('.', dot + 1);
        if (std::string_view(word).substr(0, dot) == "T" && d2 == dot + 2 && (word[dot + 1] == 'P' || word[dot + 1] == 'p'))
          dot = d2;  // "T.P."
        w.push_back(word.substr(0, dot + 1));
        word = word.substr(dot + 1);
        dot = std::string::npos;
      }
      w.push_back(std::move(word));
    }
    i = j + 1;
  }
  return w;
}

std::string join_words(const std::vector<std::string>& w, std::size_t from, std::size_t to) {
  std::string r;
  for (std::size_t k = from; k < to; ++k) {
    if (!r.empty()) r += ' ';
    r += w[k];
  }
  return r;
}

Part make_part(const std::vector<std::string>& w, bool marks) {
  Part p;
  p.text = join_words(w, 0, w.size());
  std::string whole = vntext::search_key(p.text);
  whole.erase(std::remove(whole.begin(), whole.end(), ' '), whole.end());
  p.whole = whole;
  std::size_t skip = 0;
  const std::string_view w0 = w[0], w1 = w.size() > 1 ? std::string_view(w[1]) : std::string_view();
  const std::string k0 = vntext::search_key(w0), k1 = vntext::search_key(w1);
  auto two = [&](std::string_view a, std::string_view b) { return k0 == a && k1 == b; };
  if (w.size() >= 3 && two("thi", "xa")) p.type = 's', skip = 2;
  else if (w.size() >= 3 && two("thi", "tran")) p.type = 't', skip = 2;
  else if (w.size() >= 3 && two("thanh", "pho")) p.type = 'c', skip = 2;
  else if (w.size() >= 3 && two("dac", "khu")) p.type = 'k', skip = 2;
  else if (w.size() >= 2) {
    std::string_view a = w0;
    const bool dotted = !a.empty() && a.back() == '.';
    if (dotted) a.remove_suffix(1);
    if (k0 == "phuong" || (dotted && eq_any(a, {"P", "p", "Ph", "PH", "ph", "F", "f"}))) p.type = 'p', skip = 1;
    else if (k0 == "xa" && !dotted) p.type = 'x', skip = 1;
    else if (dotted && eq_any(a, {"X", "x"})) p.type = 'x', skip = 1;
    else if (dotted && eq_any(a, {"TT", "Tt", "tt"})) p.type = 't', skip = 1;
    else if (!dotted && a == "TT") p.type = 't', skip = 1;
    else if (k0 == "quan" || (dotted && eq_any(a, {"Q", "q"}))) p.type = 'q', skip = 1;
    else if (k0 == "huyen" || (dotted && eq_any(a, {"H", "h"}))) p.type = 'h', skip = 1;
    else if ((dotted && eq_any(a, {"TX", "Tx", "tx"})) || (!dotted && a == "TX")) p.type = 's', skip = 1;
    else if ((dotted && eq_any(a, {"TP", "Tp", "tp", "T.P", "t.p"})) || (!dotted && eq_any(a, {"TP", "Tp"})))
      p.type = 'c', skip = 1;
    else if (k0 == "tinh" || (dotted && eq_any(a, {"T", "t"}))) p.type = 'v', skip = 1;
  }
  if (!p.type && w.size() == 1) {
    if (letter_digits(w0, {'P', 'p', 'F', 'f'})) p.type = 'p', p.key = name_key(w0.substr(1));
    else if (letter_digits(w0, {'Q', 'q'})) p.type = 'q', p.key = name_key(w0.substr(1));
    if (p.type) return p;
  }
  const std::string name = join_words(w, skip, w.size());
  p.key = name_key(name);
  p.mkey = marked_key(name);
  p.marks = marks;
  return p;
}

std::vector<Part> split_parts(std::string_view text) {
  std::vector<Part> parts;
  bool marks = false;
  for (unsigned char c : text) marks = marks || c >= 0x80;
  std::size_t i = 0;
  while (i <= text.size()) {
    std::size_t j = text.find_first_of(",;", i);
    if (j == std::string_view::npos) j = text.size();
    std::vector<std::string> w = split_words(text.substr(i, j - i));
    std::vector<std::string> cur;
    for (std::size_t k = 0; k < w.size(); ++k) {
      if (!cur.empty() && starts_unit(w[k], k + 1 < w.size() ? std::string_view(w[k + 1]) : std::string_view())) {
        parts.push_back(make_part(cur, marks));
        cur.clear();
      }
      cur.push_back(w[k]);
    }
    if (!cur.empty()) parts.push_back(make_part(cur, marks));
    i = j + 1;
  }
  return parts;
}

}  // namespace

struct AddressIndex::Impl {
  const registry::RefData& rd;
  std::unordered_map<std::string, std::string> new_prov, old_prov;  // name key → code
  std::unordered_map<std::string, Codes> old_dist;                  // "PP|key", "PP|t:key"
  std::unordered_map<std::string, Codes> old_dist_any;              // "t:key" (typed only)
  std::unordered_map<std::string, Codes> old_ward_d;                // "DDD|key", "DDD|t:key"
  std::unordered_map<std::string, Codes> old_ward_p;                // "PP|key", "PP|t:key"
  std::unordered_map<std::string, Codes> new_ward_p;                // "PP|key", "PP|t:key"
  std::unordered_map<std::string, std::vector<const UnitMapping*>> to_new;  // "c:CODE" / "d:CODE"
  std::unordered_map<std::string, std::string> new_of_old_prov;
  std::unordered_map<std::string, Codes> old_provs_of_new;
  std::unordered_map<std::string, const AdminUnit*> old_district_by_code;

  explicit Impl(const registry::RefData& r) : rd(r) {
    auto add = [](std::unordered_map<std::string, Codes>& m, const std::string& k, const std::string& code) {
      auto& v = m[k];
      if (std::find(v.begin(), v.end(), code) == v.end()) v.push_back(code);
    };
    for (const auto& p : rd.new_provinces()) new_prov[name_key(p.name)] = p.code;
    for (const auto& p : rd.old_provinces()) old_prov[name_key(p.name)] = p.code;
    for (const auto& m : rd.province_mappings()) {
      new_of_old_prov[m.old_code] = m.new_code;
      old_provs_of_new[m.new_code].push_back(m.old_code);
    }
    for (const auto& d : rd.old_districts()) {
      old_district_by_code[d.code] = &d;
      const std::string k = name_key(d.name);
      const char t = district_type(d.unit_type);
      add(old_dist, d.province_code + "|" + k, d.code);
      add(old_dist, d.province_code + "|" + t + ":" + k, d.code);
      const std::string mk = "M" + marked_key(d.name);
      add(old_dist, d.province_code + "|" + mk, d.code);
      add(old_dist, d.province_code + "|" + t + ":" + mk, d.code);
      add(old_dist_any, std::string(1, t) + ":" + k, d.code);
    }
    for (const auto& c : rd.old_communes()) {
      const std::string k = name_key(c.name);
      const char t = commune_type(c.unit_type);
      add(old_ward_d, c.district_code + "|" + k, c.code);
      add(old_ward_d, c.district_code + "|" + t + ":" + k, c.code);
      add(old_ward_p, c.province_code + "|" + k, c.code);
      add(old_ward_p, c.province_code + "|" + t + ":" + k, c.code);
      const std::string mk = "M" + marked_key(c.name);
      add(old_ward_d, c.district_code + "|" + mk, c.code);
      add(old_ward_d, c.district_code + "|" + t + ":" + mk, c.code);
      add(old_ward_p, c.province_code + "|" + mk, c.code);
      add(old_ward_p, c.province_code + "|" + t + ":" + mk, c.code);
    }
    for (const auto& c : rd.new_communes()) {
      const std::string k = name_key(c.name);
      const char t = commune_type(c.unit_type);
      add(new_ward_p, c.province_code + "|" + k, c.code);
      add(new_ward_p, c.province_code + "|" + t + ":" + k, c.code);
      const std::string mk = "M" + marked_key(c.name);
      add(new_ward_p, c.province_code + "|" + mk, c.code);
      add(new_ward_p, c.province_code + "|" + t + ":" + mk, c.code);
    }
    for (const auto& m : rd.mappings()) to_new[(m.old_level == "district" ? "d:" : "c:") + m.old_code].push_back(&m);
  }

  static const Codes* find(const std::unordered_map<std::string, Codes>& m, const std::string& k) {
    auto it = m.find(k);
    return it == m.end() ? nullptr : &it->second;
  }

  // By the name with its marks first (when the input has marks), then without; typed first,
  // then by name alone ("Phường" written for a "Xã": accepted when unique).
  Codes lookup(const std::unordered_map<std::string, Codes>& m, const std::string& scope, const Part& p,
               Codes* unmarked_alternatives = nullptr) const {
    if (unmarked_alternatives && !p.marks) {
      // Written with no marks at all: a name that exists as written wins, but the units that
      // differ only by marks are reported.
      Part u = p;
      u.mkey.clear();
      *unmarked_alternatives = lookup(m, scope, u);
    }
    for (int marked = p.mkey.empty() ? 0 : 1; marked >= 0; --marked) {
      const std::string k = marked ? "M" + p.mkey : p.key;
      if (p.type) {
        if (const Codes* c = find(m, scope + "|" + p.type + ":" + k)) return *c;
        if (p.type == 'c' || p.type == 'v') continue;
        if (const Codes* c = find(m, scope + "|" + k); c && c->size() == 1) return *c;
      } else if (const Codes* c = find(m, scope + "|" + k)) {
        return *c;
      }
    }
    return {};
  }

  std::string province_full(const std::string& new_code) const {
    const AdminUnit* u = rd.new_province(new_code);
    return u ? u->full_name : std::string();
  }
  std::string commune_full(const std::string& new_code) const {
    const AdminUnit* u = rd.new_commune(new_code);
    return u ? u->full_name + ", " + u->province_name : std::string();
  }
};

AddressIndex::AddressIndex(const registry::RefData& rd) : impl_(std::make_unique<Impl>(rd)) {}
AddressIndex::~AddressIndex() = default;

AddressResult AddressIndex::resolve(std::string_view text) const {
  const Impl& x = *impl_;
  AddressResult r;
  r.value.assign(text);
  if (text.empty()) return r;
  r.kind = AddressResult::unrecognised;
  std::vector<Part> parts = split_parts(text);
  if (parts.empty()) return r;
  int i = int(parts.size()) - 1;

  // Province.
  std::string newp, oldp;
  bool old_province_name = false;
  {
    const Part& p = parts[std::size_t(i)];
    if (!is_ward_type(p.type) && !is_district_type(p.type)) {
      static const std::pair<std::string_view, std::string_view> kAliases[] = {
          {"tphcm", "79"}, {"hcm", "79"}, {"hcmc", "79"}, {"tphochiminh", "79"}, {"saigon", "79"}, {"tpsaigon", "79"},
          {"tpsg", "79"},  {"hn", "01"},  {"tphn", "01"}, {"tphanoi", "01"},      {"hanoi", "01"}};
      for (auto [a, code] : kAliases)
        if (p.whole == a) newp = oldp = std::string(code);
      // Names a province had before the lists we ship: Thừa Thiên Huế (a city from 1/1/2025).
      if (p.whole == "thuathienhue" || p.whole == "tinhthuathienhue" || p.whole == "ttthue" || p.whole == "tthue") {
        newp = oldp = "46";
        old_province_name = true;
        r.old_unit = "Tỉnh Thừa Thiên Huế";
      }
      if (newp.empty()) {
        auto n = x.new_prov.find(p.key);
        auto o = x.old_prov.find(p.key);
        if (n != x.new_prov.end()) newp = n->second;
        if (o != x.old_prov.end()) {
          oldp = o->second;
          if (newp.empty()) {
            auto m = x.new_of_old_prov.find(oldp);
            if (m != x.new_of_old_prov.end()) newp = m->second, old_province_name = true;
          }
        }
      }
      if (!newp.empty()) --i;
    }
  }
  auto old_scopes = [&]() -> Codes {
    if (!oldp.empty()) {
      Codes c{oldp};
      // A current province name also covers the old provinces merged into it.
      if (!old_province_name) {
        auto it = x.old_provs_of_new.find(newp);
        if (it != x.old_provs_of_new.end())
          for (auto& o : it->second)
            if (o != oldp) c.push_back(o);
      }
      return c;
    }
    auto it = x.old_provs_of_new.find(newp);
    return it == x.old_provs_of_new.end() ? Codes{} : it->second;
  };

  // District (only on the old map).
  const AdminUnit* dist = nullptr;
  if (i >= 0 && !is_ward_type(parts[std::size_t(i)].type)) {
    const Part& p = parts[std::size_t(i)];
    Codes found;
    if (!newp.empty()) {
      for (const auto& scope : old_scopes())
        for (const auto& c : x.lookup(x.old_dist, scope, p))
          if (std::find(found.begin(), found.end(), c) == found.end()) found.push_back(c);
    } else if (p.type && p.type != 'v') {
      if (const Codes* c = Impl::find(x.old_dist_any, std::string(1, p.type) + ":" + p.key)) found = *c;
    }
    if (found.size() == 1) {
      auto it = x.old_district_by_code.find(found[0]);
      if (it != x.old_district_by_code.end()) {
        dist = it->second;
        --i;
        if (newp.empty()) {
          oldp = dist->province_code;
          auto m = x.new_of_old_prov.find(oldp);
          if (m != x.new_of_old_prov.end()) newp = m->second;
        }
      }
    }
  }

  // Ward.
  auto streets = [&](int upto) {
    std::string s;
    for (int k = 0; k <= upto; ++k) {
      if (!s.empty()) s += ", ";
      s += parts[std::size_t(k)].text;
    }
    return s;
  };
  auto with_streets = [&](int upto, const std::string& tail) {
    std::string s = streets(upto);
    return s.empty() ? tail : s + ", " + tail;
  };
  auto map_old = [&](const std::string& old_code, int upto, const AdminUnit* old_unit) {
    auto it = x.to_new.find("c:" + old_code);
    if (old_unit) r.old_unit = old_unit->full_name + ", " + old_unit->district_name + ", " + old_unit->province_name;
    if (it == x.to_new.end() || it->second.empty()) {
      r.kind = AddressResult::unknown_ward;
      return;
    }
    const auto& maps = it->second;
    if (maps.size() == 1) {
      r.kind = AddressResult::old_mapped;
      r.new_commune_code = maps[0]->new_code;
      r.province_code = maps[0]->new_province_code;
      r.value = with_streets(upto, x.commune_full(maps[0]->new_code));
      return;
    }
    r.kind = AddressResult::split;
    for (const auto* m : maps) r.candidates.push_back(x.commune_full(m->new_code));
    r.province_code = maps[0]->new_province_code;
  };

  if (i >= 0) {
    const Part& p = parts[std::size_t(i)];
    if (dist) {
      Codes c = x.lookup(x.old_ward_d, dist->code, p);
      if (c.size() == 1) {
        map_old(c[0], i - 1, x.rd.old_commune(c[0]));
        return r;
      }
      // A current ward written with its old district: accept it when the name is current.
      if (!newp.empty()) {
        Codes n = x.lookup(x.new_ward_p, newp, p);
        if (n.size() == 1) {
          r.kind = AddressResult::current;
          r.new_commune_code = n[0];
          r.province_code = newp;
          r.value = with_streets(i - 1, x.commune_full(n[0]));
          return r;
        }
      }
      if (p.type) {
        r.kind = AddressResult::unknown_ward;
        return r;
      }
      // No ward: an address down to the old district only.
    } else if (!newp.empty()) {
      Codes alternatives;
      Codes n = x.lookup(x.new_ward_p, newp, p, &alternatives);
      if (n.size() == 1) {
        r.kind = AddressResult::current;
        r.new_commune_code = n[0];
        r.province_code = newp;
        r.value = with_streets(i - 1, x.commune_full(n[0]));
        if (alternatives.size() > 1)
          for (const auto& c : alternatives) r.candidates.push_back(x.commune_full(c));
        return r;
      }
      // An old ward written without its district.
      Codes o;
      for (const auto& scope : old_scopes())
        for (const auto& c : x.lookup(x.old_ward_p, scope, p))
          if (std::find(o.begin(), o.end(), c) == o.end()) o.push_back(c);
      if (o.size() == 1) {
        map_old(o[0], i - 1, x.rd.old_commune(o[0]));
        return r;
      }
      if (o.size() > 1) {
        // Candidates: where each of those old wards went.
        r.kind = AddressResult::ambiguous;
        for (const auto& code : o) {
          auto it = x.to_new.find("c:" + code);
          if (it == x.to_new.end()) continue;
          for (const auto* m : it->second) {
            std::string full = x.commune_full(m->new_code);
            if (std::find(r.candidates.begin(), r.candidates.end(), full) == r.candidates.end())
              r.candidates.push_back(full);
          }
        }
        r.province_code = newp;
        return r;
      }
      if (is_ward_type(p.type)) {
        r.kind = AddressResult::unknown_ward;
        r.province_code = newp;
        return r;
      }
    } else {
      return r;  // nothing administrative recognised
    }
  }

  if (dist) {
    // Island districts became special zones as a whole.
    auto it = x.to_new.find("d:" + dist->code);
    if (it != x.to_new.end() && it->second.size() == 1) {
      r.kind = AddressResult::old_mapped;
      r.old_unit = dist->full_name + ", " + dist->province_name;
      r.new_commune_code = it->second[0]->new_code;
      r.province_code = it->second[0]->new_province_code;
      r.value = with_streets(i, x.commune_full(r.new_commune_code));
      return r;
    }
    r.kind = AddressResult::old_district;
    r.province_code = newp;
    r.old_unit = dist->full_name + ", " + dist->province_name;
    return r;
  }
  if (newp.empty()) return r;
  // Only a province (with street parts, if any).
  r.kind = AddressResult::province_only;
  r.province_code = newp;
  r.value = with_streets(i, x.province_full(newp));
  if (old_province_name && r.old_unit.empty()) {
    const AdminUnit* o = x.rd.old_province(oldp);
    r.old_unit = o ? o->full_name : std::string();
  }
  return r;
}

std::string std_address(const AddressIndex& idx, std::string_view raw, std::optional<vntext::ToneStyle> tone,
                        Sink& sink, AddressResult* out) {
  std::vector<Finding> text_findings;
  Sink ts(text_findings, sink.column());
  std::string text = std_text(raw, ts);
  AddressResult r = idx.resolve(text);
  if (r.kind == AddressResult::unrecognised || r.kind == AddressResult::unknown_ward) {
    // Second chance: another reading of the raw value that resolves to a real unit.
    for (auto& [enc, reading] : legacy_readings(raw)) {
      AddressResult r2 = idx.resolve(reading);
      if (r2.kind == AddressResult::unrecognised || r2.kind == AddressResult::unknown_ward) continue;
      r = std::move(r2);
      text = reading;
      text_findings.clear();
      ts.add("text.encoding", Severity::info, fmt::format("Đã sửa: chuyển mã từ {} sang Unicode", encoding_label_vi(enc)),
             raw, reading);
      break;
    }
  }
  if (tone && r.kind != AddressResult::unrecognised) r.value = vntext::apply_tone_style(r.value, *tone);
  auto text_reason = [&]() -> std::string {
    return text_findings.empty() ? std::string() : "; " + text_findings[0].message;
  };
  switch (r.kind) {
    case AddressResult::empty:
    case AddressResult::unrecognised:
    case AddressResult::unknown_ward:
    case AddressResult::ambiguous:
    case AddressResult::old_district:
    case AddressResult::split:
      for (auto& f : text_findings) sink.add(f.code, f.severity, f.message, f.original, f.suggested);
      break;
    case AddressResult::current:
    case AddressResult::province_only:
      if (r.value != raw) {
        if (r.kind == AddressResult::province_only && !r.old_unit.empty())
          sink.add("address.old_province", Severity::info,
                   fmt::format("{} đã sáp nhập từ 1/7/2025; nay là {}{}", r.old_unit, r.value, text_reason()), raw,
                   r.value);
        else if (r.value != text || text_findings.empty())
          sink.add("address.format", Severity::info,
                   fmt::format("Chuẩn hóa địa chỉ (viết đủ tên đơn vị hành chính): {}{}", r.value, text_reason()), raw,
                   r.value);
        else
          for (auto& f : text_findings) sink.add(f.code, f.severity, f.message, f.original, r.value);
      }
      break;
    case AddressResult::old_mapped:
      sink.add("address.old_unit", Severity::info,
               fmt::format("Địa chỉ theo đơn vị hành chính trước 1/7/2025 ({}); nay là {}{}", r.old_unit, r.value,
                           text_reason()),
               raw, r.value);
      break;
  }
  switch (r.kind) {
    case AddressResult::split: {
      std::string list, sug;
      for (std::size_t k = 0; k < r.candidates.size(); ++k) {
        const std::string& c = r.candidates[k];
        list += (k ? ", " : "") + c.substr(0, c.find(','));
        sug += (k ? " | " : "") + c;
      }
      sink.add("address.split_ward", Severity::warning,
               fmt::format("{} đã được chia cho nhiều đơn vị mới từ 1/7/2025 ({}); cần căn cứ số nhà, tên đường để "
                           "chọn một",
                           r.old_unit, list),
               raw, sug);
      break;
    }
    case AddressResult::ambiguous: {
      std::string sug;
      for (std::size_t k = 0; k < r.candidates.size(); ++k) sug += (k ? " | " : "") + r.candidates[k];
      sink.add("address.ambiguous", Severity::warning,
               "Tên phường/xã cũ có ở nhiều quận/huyện; cần ghi rõ quận/huyện cũ hoặc phường/xã mới", raw, sug);
      break;
    }
    case AddressResult::unknown_ward:
      sink.add("address.unknown_ward", Severity::warning,
               "Không tìm thấy phường/xã này trong danh mục đơn vị hành chính (trước hoặc sau 1/7/2025); cần kiểm tra",
               raw, "");
      break;
    case AddressResult::current:
      if (r.candidates.size() > 1) {
        std::string sug;
        for (std::size_t k = 0; k < r.candidates.size(); ++k) sug += (k ? " | " : "") + r.candidates[k];
        sink.add("address.ambiguous_marks", Severity::warning,
                 "Tên phường/xã viết không dấu trùng với nhiều đơn vị (" + sug + "); đã hiểu theo đúng cách viết, cần kiểm tra",
                 raw, sug);
      }
      break;
    case AddressResult::old_district:
      sink.add("address.old_district", Severity::warning,
               fmt::format("Địa chỉ chỉ ghi đến {} (cấp huyện đã bỏ từ 1/7/2025); cần ghi phường/xã mới", r.old_unit),
               raw, "");
      break;
    default: break;
  }
  if (out) *out = r;
  return r.value;
}

}  // namespace dangbo::quality

#include "registry/name_index.hpp"

#include <malloc.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <numeric>
#include <string_view>

#include "db/sql.hpp"
#include "registry/model.hpp"
#include "registry/store.hpp"
#include "vntext/text.hpp"

namespace dangbo::registry {

namespace {

using Clock = std::chrono::steady_clock;
using TextRow = db::sql::Row;

constexpr MemberStatus kStatuses[] = {MemberStatus::probationary, MemberStatus::full,    MemberStatus::exempted,
                                      MemberStatus::transferred_out, MemberStatus::removed, MemberStatus::expelled,
                                      MemberStatus::deceased};
constexpr uint8_t kUnknownStatus = std::size(kStatuses);  // a value no status filter but "all" selects
constexpr std::size_t kMaxChangesPerPoll = 50000;          // more: rebuild instead
constexpr std::size_t kMaxMissing = 1000;                  // change-log holes remembered
constexpr double kMaxListWalk = 300000;                    // members read for a list without a name

// The four name forms in the order of NameForm (store.cpp kFormCols): which part comes first.
// Parts: 0 family, 1 middle, 2 given.
constexpr std::array<std::array<int, 3>, 4> kForms = {{{0, 1, 2}, {2, 0, 1}, {0, 2, 1}, {1, 2, 0}}};

struct Parts {
  std::array<std::string_view, 3> p;
  // The stored key columns themselves (search_key, given_key, family_given_key,
  // middle_given_key), for the rare member whose keys are not the folded parts joined (a name
  // that vntext::search_key folds through ICU as a whole, or a part over 255 bytes).
  const std::array<std::string, 4>* exact = nullptr;
};

// Walks the bytes of form f of `parts`: the non-empty parts in the form's order, one space between.
struct FormCursor {
  const Parts& parts;
  const std::array<int, 3>& order;
  int part = 0;
  std::size_t pos = 0;
  bool pending_space = false;
  FormCursor(const Parts& p, int f) : parts(p), order(kForms[f]) { skip_empty(); }
  void skip_empty() {
    while (part < 3 && pos >= parts.p[order[part]].size()) {
      ++part;
      pos = 0;
      if (part < 3 && !parts.p[order[part]].empty()) pending_space = true;
    }
  }
  // Next byte, or -1 at the end.
  int next() {
    if (part >= 3) return -1;
    if (pending_space) {
      pending_space = false;
      return ' ';
    }
    unsigned char c = parts.p[order[part]][pos++];
    skip_empty();
    return c;
  }
};

// Where form f of `parts` stands against the SQL range [key, key + "~") (store.cpp
// name_condition): -1 below it, 0 inside, +1 above.
int form_vs_key(const Parts& parts, int f, std::string_view key) {
  if (parts.exact) {
    std::string_view form = (*parts.exact)[f];
    std::size_t n = std::min(form.size(), key.size());
    int c = form.substr(0, n).compare(key.substr(0, n));
    if (c != 0) return c < 0 ? -1 : 1;
    if (form.size() < key.size()) return -1;
    return form.size() == key.size() || (unsigned char)form[key.size()] < '~' ? 0 : 1;
  }
  FormCursor c(parts, f);
  for (unsigned char k : key) {
    int b = c.next();
    if (b < 0) return -1;  // the form is a proper prefix of the key
    if (b != k) return b < k ? -1 : 1;
  }
  int b = c.next();
  return b < '~' ? 0 : 1;  // key itself (b = -1), or key followed by a byte below '~'
}

// Form f of `parts` as text.
std::string form_text(const Parts& parts, int f) {
  if (parts.exact) return (*parts.exact)[f];
  std::string t;
  FormCursor c(parts, f);
  for (int ch = c.next(); ch >= 0; ch = c.next()) t.push_back(char(ch));
  return t;
}

bool name_matches(const Parts& parts, std::string_view key) {
  for (int f = 0; f < 4; ++f)
    if (form_vs_key(parts, f, key) == 0) return true;
  return false;
}

int hexval(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }
std::string unhex(std::string_view h) {
  std::string out(h.size() / 2, '\0');
  for (std::size_t i = 0; i + 1 < h.size(); i += 2) out[i / 2] = char(hexval(h[i]) * 16 + hexval(h[i + 1]));
  return out;
}

uint8_t status_code(std::string_view s) {
  for (uint8_t i = 0; i < std::size(kStatuses); ++i)
    if (to_string(kStatuses[i]) == s) return i;
  return kUnknownStatus;
}
uint8_t gender_code(std::string_view g) {
  auto p = parse_gender(g);
  return !p ? 0 : *p == Gender::male ? 1 : 2;
}

constexpr const char* kIndexedCols =
    "SELECT id, family_name, middle_name, given_name, sort_key, org_id, org_path, status, gender, search_key, given_key, "
    "family_given_key, middle_given_key FROM member";
constexpr std::size_t kIndexedColCount = 13;

IndexedMember indexed_from(const TextRow& r) {
  IndexedMember m;
  m.id = r.i(0);
  m.family = vntext::search_key(r.s(1));
  m.middle = vntext::search_key(r.s(2));
  m.given = vntext::search_key(r.s(3));
  m.sort_key = unhex(r.s(4));
  m.org_id = r.i(5);
  m.org_path = r.s(6);
  m.status = status_code(r.s(7));
  m.gender = gender_code(r.s(8));
  // Keep the stored keys when the parts do not give them back (the search must match SQL's).
  bool same = m.family.size() <= 255 && m.middle.size() <= 255 && m.given.size() <= 255;
  Parts parts{{m.family, m.middle, m.given}};
  for (int f = 0; f < 4 && same; ++f) same = form_text(parts, f) == r.s(9 + std::size_t(f));
  if (!same) m.exact = std::array<std::string, 4>{r.s(9), r.s(10), r.s(11), r.s(12)};
  return m;
}

// (key, id) < (key2, id2)
bool key_less(std::string_view a, int64_t ai, std::string_view b, int64_t bi) {
  int c = a.compare(b);
  return c < 0 || (c == 0 && ai < bi);
}

std::atomic<NameIndex*> g_installed{nullptr};

}  // namespace

const std::vector<std::string>& name_index_statuses() {
  static const std::vector<std::string> v = [] {
    std::vector<std::string> out;
    for (auto s : kStatuses) out.emplace_back(to_string(s));
    return out;
  }();
  return v;
}

uint32_t name_index_status_mask(const std::string& status) {
  if (status.empty()) return 0b111;  // probationary, full, exempted: on the rolls
  if (status == "all") return 0xFFFFFFFFu;
  uint8_t c = status_code(status);
  return c == kUnknownStatus ? 0 : 1u << c;
}

std::optional<NameSearch> name_search_for(const MemberQuery& q) {
  if (!q.as_of.empty() || !q.scope_paths.empty() || !q.age_band.empty()) return std::nullopt;
  std::string raw = vntext::collapse_spaces(q.q);
  if (!raw.empty() && raw.find_first_not_of("0123456789") == std::string::npos) return std::nullopt;  // numbers
  NameSearch ns;
  ns.key = vntext::search_key(raw);  // "" (no text, or text that folds to nothing): no name filter
  ns.status_mask = name_index_status_mask(q.status);
  if (ns.status_mask == 0) return std::nullopt;  // SQL reports the bad status
  if (!q.gender.empty()) {
    auto g = parse_gender(q.gender);
    if (!g) return std::nullopt;  // SQL reports it
    ns.gender = *g == Gender::male ? 1 : 2;
  }
  ns.scope_path = q.scope_path;
  ns.org_id = q.org_id;
  if (!q.after.empty()) {
    auto [hex, id] = parse_member_cursor(q.after);
    ns.after_key = unhex(hex);
    ns.after_id = id;
  }
  return ns;
}

// The members of one build, in Vietnamese order (rank = position): column arrays, names and
// sort keys in two arenas, and per name form the ranks sorted by that form's text.
struct NameIndex::Base {
  std::size_t n = 0;
  std::vector<int64_t> ids;
  std::string keys;  // raw sort keys, by rank
  std::vector<uint32_t> key_off;
  std::string names;  // folded family, middle, given, by rank
  std::vector<uint32_t> name_off;
  std::vector<std::array<uint8_t, 3>> name_len;
  std::vector<uint8_t> has_exact;                                    // by rank
  std::unordered_map<uint32_t, std::array<std::string, 4>> exact;  // rank → stored keys
  std::vector<uint32_t> org;  // organization index of each rank
  std::vector<uint8_t> status, gender;
  std::vector<std::string> org_paths;  // organization index order = path order
  std::vector<int64_t> org_ids;
  std::vector<uint32_t> org_first;  // members filed under organization indexes < i (size orgs + 1)
  std::array<std::vector<uint32_t>, 4> form;
  std::vector<int64_t> by_id;        // the ids, sorted
  std::vector<uint32_t> by_id_rank;  // the rank of by_id[k]
  int64_t seq = 0;                                  // change-log position of the snapshot
  std::vector<int64_t> missing;                     // change-log holes just below seq

  std::string_view key(uint32_t r) const { return std::string_view(keys).substr(key_off[r], key_off[r + 1] - key_off[r]); }
  Parts parts(uint32_t r) const {
    std::string_view all(names);
    std::size_t o = name_off[r];
    auto& l = name_len[r];
    Parts p{{all.substr(o, l[0]), all.substr(o + l[0], l[1]), all.substr(o + l[0] + l[1], l[2])}};
    if (has_exact[r]) p.exact = &exact.at(r);
    return p;
  }
  std::optional<uint32_t> rank_of(int64_t id) const {
    auto it = std::lower_bound(by_id.begin(), by_id.end(), id);
    if (it == by_id.end() || *it != id) return std::nullopt;
    return by_id_rank[std::size_t(it - by_id.begin())];
  }
  // First rank after the cursor (key, id); 0 without one.
  uint32_t start(const std::string& after_key, int64_t after_id) const {
    if (after_key.empty()) return 0;
    uint32_t lo = 0, hi = uint32_t(n);
    while (lo < hi) {
      uint32_t mid = lo + (hi - lo) / 2;
      if (key_less(after_key, after_id, key(mid), ids[mid]))
        hi = mid;
      else
        lo = mid + 1;
    }
    return lo;
  }
};

// What one search needs, resolved against a base.
struct NameIndex::State {
  const Base& b;
  const std::vector<uint8_t>& tomb;
  const NameSearch& s;
  uint32_t org_lo = 0, org_hi = 0;  // organization index range of the scope (or the one org)
  uint32_t begin = 0;               // first rank after the cursor
  std::array<std::pair<std::size_t, std::size_t>, 4> ranges{};
  std::size_t total = 0;  // entries in the four ranges

  State(const Base& base, const std::vector<uint8_t>& t, const NameSearch& q) : b(base), tomb(t), s(q) {
    auto lo = std::lower_bound(b.org_paths.begin(), b.org_paths.end(), s.scope_path);
    auto hi = std::lower_bound(b.org_paths.begin(), b.org_paths.end(), subtree_end(s.scope_path));
    org_lo = uint32_t(lo - b.org_paths.begin());
    org_hi = uint32_t(std::max(lo, hi) - b.org_paths.begin());
    if (s.org_id) {
      uint32_t k = org_lo;
      while (k < org_hi && b.org_ids[k] != *s.org_id) ++k;
      org_lo = k;
      org_hi = k < org_hi ? k + 1 : k;
    }
    begin = b.start(s.after_key, s.after_id);
    if (s.key.empty()) {  // no name: every member, in order
      total = b.n;
      return;
    }
    for (int f = 0; f < 4; ++f) {
      auto& v = b.form[f];
      auto first = std::partition_point(v.begin(), v.end(), [&](uint32_t r) { return form_vs_key(b.parts(r), f, s.key) < 0; });
      auto last = std::partition_point(first, v.end(), [&](uint32_t r) { return form_vs_key(b.parts(r), f, s.key) <= 0; });
      ranges[f] = {std::size_t(first - v.begin()), std::size_t(last - v.begin())};
      total += ranges[f].second - ranges[f].first;
    }
  }
  bool pass(uint32_t r) const {
    return !tomb[r] && b.org[r] >= org_lo && b.org[r] < org_hi && ((s.status_mask >> b.status[r]) & 1u) &&
           (s.gender == 0 || b.gender[r] == s.gender);
  }
  // True when walking the ranks in order should find `want` matches sooner than reading the
  // four ranges: walk ≈ want / (share matching the name × share in scope) entries.
  double in_scope() const { return b.n ? double(b.org_first[org_hi] - b.org_first[org_lo]) / double(b.n) : 0; }
  // Entries a walk reads to find `want` matches: want / (share in scope × share matching the name).
  double walk_steps(std::size_t want) const {
    double named = b.n ? double(total) / double(b.n) : 0;
    double share = in_scope() * named;
    return share > 0 ? std::min(double(b.n), double(want) / share) : double(b.n);
  }
  bool walk_cheaper(std::size_t want) const {
    if (s.key.empty()) return true;
    if (b.n == 0 || total == 0) return false;
    // A walk step out of scope costs one sequential comparison, one in scope also a name test
    // (≈ 20); a range entry is a random read (≈ 8) and the kept ones are sorted (≈ 10 each).
    double walk = walk_steps(want) * (1 + 20 * in_scope());
    double gather = double(total) * 8 + double(total) * in_scope() * 10;
    return walk < gather;
  }
  // Ranks matching, in order, at most `want` (want = SIZE_MAX: all).
  std::vector<uint32_t> walk(std::size_t want) const {
    std::vector<uint32_t> out;
    for (uint32_t r = begin; r < b.n && out.size() < want; ++r)
      if (pass(r) && (s.key.empty() || name_matches(b.parts(r), s.key))) out.push_back(r);
    return out;
  }
  // Every matching rank after the cursor, in order (deduplicated over the forms).
  std::vector<uint32_t> gather() const {
    std::vector<uint32_t> out;
    for (int f = 0; f < 4; ++f)
      for (std::size_t i = ranges[f].first; i < ranges[f].second; ++i) {
        uint32_t r = b.form[f][i];
        if (r >= begin && pass(r)) out.push_back(r);
      }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }
};

NameIndex::NameIndex(db::Database& db, Options opt) : db_(db), opt_(opt) {}

NameIndex::~NameIndex() {
  if (installed() == this) install(nullptr);
  if (builder_.joinable()) builder_.join();
}

NameIndex* NameIndex::installed() { return g_installed.load(); }
void NameIndex::install(NameIndex* idx) { g_installed.store(idx); }

std::size_t NameIndex::size() const {
  std::shared_lock lk(mu_);
  return base_ ? base_->n : 0;
}

void NameIndex::build() {
  auto t0 = Clock::now();
  auto b = std::make_shared<Base>();
  // The rows in read order, already compact (a member costs about as much here as in the index).
  std::vector<int64_t> ids;
  std::string keys, names;
  std::vector<uint32_t> key_off{0}, name_off, org;
  std::vector<std::array<uint8_t, 3>> name_len;
  std::vector<uint8_t> status, gender;
  std::unordered_map<uint32_t, std::array<std::string, 4>> exact_read;  // read index → stored keys
  std::unordered_map<int64_t, uint32_t> org_seen;  // organization id → index in read order
  std::vector<std::pair<std::string, int64_t>> orgs;  // (path, id) in read order
  {
    auto s = db_.session();
    bool pg = s.dialect() == db::Dialect::postgresql;
    // One snapshot for the change-log position and the rows.
    *s << (pg ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN");
    try {
      db::sql::Query q("SELECT coalesce(max(seq), 0) FROM member_change");
      db::sql::each(*s, q, 1, [&](const TextRow& r) { b->seq = r.i(0); });
      // Holes just below the position: transactions still running when the snapshot was taken.
      db::sql::Query h("SELECT seq FROM member_change WHERE seq > ");
      h.text += h.add(b->seq - 1000);
      std::vector<int64_t> present;
      db::sql::each(*s, h, 1, [&](const TextRow& r) { present.push_back(r.i(0)); });
      std::sort(present.begin(), present.end());
      for (int64_t k = std::max<int64_t>(1, b->seq - 1000 + 1); k <= b->seq; ++k)
        if (!std::binary_search(present.begin(), present.end(), k)) b->missing.push_back(k);
      auto on_row = [&](const TextRow& r) {
        IndexedMember x = indexed_from(r);
        ids.push_back(x.id);
        keys += x.sort_key;
        key_off.push_back(uint32_t(keys.size()));
        name_off.push_back(uint32_t(names.size()));
        std::array<uint8_t, 3> len = {uint8_t(std::min<std::size_t>(x.family.size(), 255)),
                                      uint8_t(std::min<std::size_t>(x.middle.size(), 255)),
                                      uint8_t(std::min<std::size_t>(x.given.size(), 255))};
        name_len.push_back(len);
        names.append(x.family, 0, len[0]);
        names.append(x.middle, 0, len[1]);
        names.append(x.given, 0, len[2]);
        auto [it, fresh] = org_seen.emplace(x.org_id, uint32_t(orgs.size()));
        if (fresh) orgs.emplace_back(x.org_path, x.org_id);
        org.push_back(it->second);
        status.push_back(x.status);
        gender.push_back(x.gender);
        if (x.exact) exact_read.emplace(uint32_t(ids.size() - 1), std::move(*x.exact));
      };
      if (pg) {
        // libpq holds a whole result in memory: 6,000,000 rows would cost gigabytes (kept by the
        // allocator afterwards). A cursor in the same snapshot hands them over in slices.
        *s << (std::string("DECLARE name_index_rows NO SCROLL CURSOR FOR ") + kIndexedCols);
        for (std::size_t got = 1; got > 0;) {
          std::size_t before = ids.size();
          db::sql::Query f("FETCH 50000 FROM name_index_rows");
          db::sql::each(*s, f, kIndexedColCount, on_row);
          got = ids.size() - before;
        }
        *s << "CLOSE name_index_rows";
      } else {
        db::sql::Query m(kIndexedCols);
        db::sql::each(*s, m, kIndexedColCount, on_row);  // SQLite steps through the table row by row
      }
      *s << "COMMIT";
    } catch (...) {
      try {
        *s << "ROLLBACK";
      } catch (...) {
      }
      throw;
    }
  }
  const std::size_t n = ids.size();
  auto key_at = [&](uint32_t i) { return std::string_view(keys).substr(key_off[i], key_off[i + 1] - key_off[i]); };
  // Vietnamese order: (sort key, id).
  std::vector<uint32_t> perm(n);
  std::iota(perm.begin(), perm.end(), 0u);
  std::sort(perm.begin(), perm.end(), [&](uint32_t a, uint32_t c) { return key_less(key_at(a), ids[a], key_at(c), ids[c]); });
  // Organizations in path order.
  std::vector<uint32_t> org_order(orgs.size()), org_rank(orgs.size());
  std::iota(org_order.begin(), org_order.end(), 0u);
  std::sort(org_order.begin(), org_order.end(), [&](uint32_t a, uint32_t c) { return orgs[a] < orgs[c]; });
  for (uint32_t i = 0; i < org_order.size(); ++i) {
    org_rank[org_order[i]] = i;
    b->org_paths.push_back(orgs[org_order[i]].first);
    b->org_ids.push_back(orgs[org_order[i]].second);
  }
  b->n = n;
  b->ids.resize(n);
  b->key_off.resize(n + 1);
  b->keys.reserve(keys.size());
  b->name_off.resize(n);
  b->name_len.resize(n);
  b->names.reserve(names.size());
  b->org.resize(n);
  b->status.resize(n);
  b->gender.resize(n);
  b->has_exact.assign(n, 0);
  b->org_first.assign(orgs.size() + 1, 0);
  for (uint32_t r = 0; r < n; ++r) {
    uint32_t i = perm[r];
    b->ids[r] = ids[i];
    b->key_off[r] = uint32_t(b->keys.size());
    b->keys += key_at(i);
    b->name_off[r] = uint32_t(b->names.size());
    b->name_len[r] = name_len[i];
    b->names.append(names, name_off[i], std::size_t(name_len[i][0]) + name_len[i][1] + name_len[i][2]);
    b->org[r] = org_rank[org[i]];
    b->org_first[b->org[r] + 1]++;
    b->status[r] = status[i];
    b->gender[r] = gender[i];
    if (auto e = exact_read.find(i); e != exact_read.end()) {
      b->has_exact[r] = 1;
      b->exact.emplace(r, std::move(e->second));
    }
  }
  b->key_off[n] = uint32_t(b->keys.size());
  for (std::size_t i = 1; i < b->org_first.size(); ++i) b->org_first[i] += b->org_first[i - 1];
  // Free the read-order copies before the form sorts.
  std::vector<int64_t>().swap(ids);
  std::string().swap(keys);
  std::string().swap(names);
  std::vector<uint32_t>().swap(key_off);
  std::vector<uint32_t>().swap(name_off);
  std::vector<uint32_t>().swap(org);
  std::vector<std::array<uint8_t, 3>>().swap(name_len);
  std::vector<uint32_t>().swap(perm);
  for (int f = 0; f < 4; ++f) {
    // Each rank's form text in one arena, then the ranks sorted by it.
    std::string text;
    text.reserve(b->names.size() + 2 * n);
    std::vector<uint32_t> off(n + 1);
    for (uint32_t r = 0; r < n; ++r) {
      off[r] = uint32_t(text.size());
      Parts p = b->parts(r);
      if (p.exact) {
        text += (*p.exact)[f];
      } else {
        FormCursor c(p, f);
        for (int ch = c.next(); ch >= 0; ch = c.next()) text.push_back(char(ch));
      }
    }
    off[n] = uint32_t(text.size());
    auto at = [&](uint32_t r) { return std::string_view(text).substr(off[r], off[r + 1] - off[r]); };
    auto& v = b->form[f];
    v.resize(n);
    std::iota(v.begin(), v.end(), 0u);
    std::sort(v.begin(), v.end(), [&](uint32_t a, uint32_t c) {
      int k = at(a).compare(at(c));
      return k < 0 || (k == 0 && a < c);
    });
  }
  {
    std::vector<std::pair<int64_t, uint32_t>> by_id(n);
    for (uint32_t r = 0; r < n; ++r) by_id[r] = {b->ids[r], r};
    std::sort(by_id.begin(), by_id.end());
    b->by_id.resize(n);
    b->by_id_rank.resize(n);
    for (uint32_t k = 0; k < n; ++k) {
      b->by_id[k] = by_id[k].first;
      b->by_id_rank[k] = by_id[k].second;
    }
  }

  {
    std::unique_lock plk(poll_mu_);
    poll_cv_.wait(plk, [&] { return !polling_; });  // the change-log position is the poller's
    std::unique_lock lk(mu_);
    base_ = b;
    delta_.clear();
    tomb_.assign(n, 0);
    high_ = b->seq;
    missing_.clear();
    auto now = Clock::now();
    for (int64_t k : b->missing) missing_[k] = now;
    last_poll_ = now;
  }
  ++builds_;
  ready_ = true;
  malloc_trim(0);  // give the build's freed working memory back to the system
  // Entries a day old are read by every running process by now.
  try {
    auto s = db_.session();
    db::sql::Query p("DELETE FROM member_change WHERE at < ");
    p.text += p.add(int64_t(std::chrono::duration_cast<std::chrono::seconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count()) -
                    86400);
    db::sql::exec(*s, p);
  } catch (const std::exception& e) {
    spdlog::warn("name index: pruning member_change failed: {}", e.what());
  }
  spdlog::info("name index built: {} members, {} organizations in {} ms", n, b->org_paths.size(),
               std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count());
}

void NameIndex::start_rebuild() {
  if (building_.exchange(true)) return;
  if (builder_.joinable()) builder_.join();
  builder_ = std::thread([this] {
    try {
      build();
    } catch (const std::exception& e) {
      spdlog::error("name index build failed (searches use SQL): {}", e.what());
    }
    building_ = false;
  });
}

void NameIndex::build_async() { start_rebuild(); }

bool NameIndex::refresh(soci::session& sql) {
  if (!ready_) return false;
  // Concurrent searches share polls: each waits for one that started after it arrived (so it
  // sees every write committed before it), and whoever finds none running starts it.
  std::unique_lock plk(poll_mu_);
  const uint64_t target = polls_started_ + 1;
  while (polls_done_ < target) {
    if (polling_) {
      poll_cv_.wait(plk);
      continue;
    }
    polling_ = true;
    const uint64_t mine = ++polls_started_;
    plk.unlock();
    bool ok = false;
    std::exception_ptr err;
    try {
      ok = poll(sql);
    } catch (...) {
      err = std::current_exception();
    }
    plk.lock();
    polling_ = false;
    polls_done_ = mine;
    poll_ok_ = ok;
    poll_cv_.notify_all();
    if (err) std::rethrow_exception(err);
  }
  return poll_ok_ && ready_;
}

bool NameIndex::poll(soci::session& sql) {
  auto now = Clock::now();
  if (now - last_poll_ > std::chrono::hours(12)) {
    // Idle for longer than the change log is kept: it may have been pruned past us.
    ready_ = false;
    start_rebuild();
    return false;
  }
  for (auto it = missing_.begin(); it != missing_.end();)
    it = now - it->second > opt_.gap_wait ? missing_.erase(it) : std::next(it);
  db::sql::Query q("SELECT seq, member_id FROM member_change WHERE seq > ");
  q.text += q.add(high_);
  if (!missing_.empty()) {
    std::vector<std::string> holes;
    for (auto& [k, t] : missing_) holes.push_back(std::to_string(k));
    q.text += "OR seq IN " + db::sql::in_list(q, holes);
  }
  q.text += " ORDER BY seq LIMIT " + std::to_string(kMaxChangesPerPoll + 1);
  std::vector<std::pair<int64_t, int64_t>> changes;
  db::sql::each(sql, q, 2, [&](const TextRow& r) { changes.emplace_back(r.i(0), r.i(1)); });
  last_poll_ = now;
  const bool marker = std::any_of(changes.begin(), changes.end(), [](auto& c) { return c.second == kMemberChangeRebuild; });
  if (marker || changes.size() > kMaxChangesPerPoll) {
    ready_ = false;  // a bulk write: build afresh rather than apply it row by row
    start_rebuild();
    return false;
  }
  if (changes.empty()) return true;
  std::vector<int64_t> ids;
  int64_t next = high_ + 1;
  for (auto& [seq, id] : changes) {
    ids.push_back(id);
    if (seq <= high_) {
      missing_.erase(seq);
      continue;
    }
    for (; next < seq; ++next)
      if (missing_.size() < kMaxMissing) missing_[next] = now;
    next = seq + 1;
    high_ = seq;
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  apply(sql, ids);
  std::size_t limit = opt_.rebuild_after ? opt_.rebuild_after : std::max<std::size_t>(20000, size() / 20);
  bool big;
  {
    std::shared_lock lk(mu_);
    big = delta_.size() > limit;
  }
  if (big) start_rebuild();  // keeps answering from base + changes meanwhile
  return true;
}

void NameIndex::apply(soci::session& sql, const std::vector<int64_t>& ids) {
  std::unordered_map<int64_t, std::optional<IndexedMember>> fresh;
  for (int64_t id : ids) fresh[id] = std::nullopt;  // deleted unless read back below
  for (std::size_t i = 0; i < ids.size(); i += 500) {
    db::sql::Query q(std::string(kIndexedCols) + " WHERE id IN ");
    std::vector<std::string> chunk;
    for (std::size_t k = i; k < std::min(ids.size(), i + 500); ++k) chunk.push_back(std::to_string(ids[k]));
    q.text += db::sql::in_list(q, chunk);
    db::sql::each(sql, q, kIndexedColCount, [&](const TextRow& r) {
      IndexedMember m = indexed_from(r);
      fresh[m.id] = std::move(m);
    });
  }
  std::unique_lock lk(mu_);
  for (auto& [id, m] : fresh) {
    if (base_)
      if (auto r = base_->rank_of(id)) tomb_[*r] = 1;
    delta_[id] = std::move(m);
  }
}

namespace {
// The changed members (delta) matching `s` after its cursor, in order.
std::vector<const IndexedMember*> delta_matches(const std::unordered_map<int64_t, std::optional<IndexedMember>>& delta,
                                                const NameSearch& s) {
  std::vector<const IndexedMember*> out;
  std::string end = subtree_end(s.scope_path);
  for (auto& [id, m] : delta) {
    if (!m) continue;
    if (m->org_path < s.scope_path || m->org_path >= end) continue;
    if (s.org_id && m->org_id != *s.org_id) continue;
    if (!((s.status_mask >> m->status) & 1u) || (s.gender && m->gender != s.gender)) continue;
    if (!s.after_key.empty() && !key_less(s.after_key, s.after_id, m->sort_key, m->id)) continue;
    if (!s.key.empty() && !name_matches(Parts{{m->family, m->middle, m->given}, m->exact ? &*m->exact : nullptr}, s.key))
      continue;
    out.push_back(&*m);
  }
  std::sort(out.begin(), out.end(),
            [](const IndexedMember* a, const IndexedMember* c) { return key_less(a->sort_key, a->id, c->sort_key, c->id); });
  return out;
}
}  // namespace

std::vector<int64_t> NameIndex::search(const NameSearch& s, std::size_t limit) const {
  std::shared_lock lk(mu_);
  std::vector<int64_t> out;
  if (!base_ || limit == 0) return out;
  const Base& b = *base_;
  State st(b, tomb_, s);
  std::vector<uint32_t> hits = st.walk_cheaper(limit) ? st.walk(limit) : st.gather();
  if (hits.size() > limit) hits.resize(limit);
  auto more = delta_matches(delta_, s);
  // Merge the two ordered lists.
  std::size_t i = 0, j = 0;
  while (out.size() < limit && (i < hits.size() || j < more.size())) {
    bool take_base = j >= more.size() ||
                     (i < hits.size() && key_less(b.key(hits[i]), b.ids[hits[i]], more[j]->sort_key, more[j]->id));
    out.push_back(take_base ? b.ids[hits[i++]] : more[j++]->id);
  }
  return out;
}

bool NameIndex::suits(const NameSearch& s, std::size_t limit) const {
  if (!s.key.empty()) return true;
  std::shared_lock lk(mu_);
  if (!base_) return false;
  State st(*base_, tomb_, s);
  return st.walk_steps(limit) <= kMaxListWalk;
}

int64_t NameIndex::count(const NameSearch& s, int64_t cap) const {
  std::shared_lock lk(mu_);
  if (!base_ || cap <= 0) return 0;
  State st(*base_, tomb_, s);
  std::size_t want = std::size_t(cap);
  std::size_t n = (st.walk_cheaper(want) ? st.walk(want) : st.gather()).size();
  n += delta_matches(delta_, s).size();
  return std::min<int64_t>(int64_t(n), cap);
}

}  // namespace dangbo::registry

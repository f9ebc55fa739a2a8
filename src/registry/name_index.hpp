// dangbo::registry::NameIndex — an in-memory index of today's member names for the name
// search of the organization pages and of GET /api/v1/members (issues 2 and 7).
//
// What it answers: the ids of the members whose name, folded (vntext::search_key), starts with
// the folded search text in one of the four forms the SQL search uses (family middle given;
// given family middle; family given middle; middle given family), inside a subtree
// (materialized path prefix), optionally directly in one organization, with a status set and a
// gender, in Vietnamese order (sort_key, then id), after a keyset cursor — the same answer as
// list_members (store.hpp) with those filters. History (as_of), age bands and number searches
// are not its business: the service sends those to SQL.
//
// How it stays true: every write to a member row appends the member's id to member_change
// (migration 0009, triggers, in the writing transaction). Before answering, refresh() reads the
// entries after the last one seen and re-reads those members, so a search in any process sees
// every committed write, whichever process or command made it. The rows of a page are then
// fetched from the member table with the same filters (list_members_by_ids), so a page never
// shows anything the database would not.
//
// Memory: about 100 bytes per member (1,000,000 members ≈ 100 MB). Thread-safe.
#pragma once
#include <soci/soci.h>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "db/database.hpp"
#include "registry/store.hpp"

namespace dangbo::registry {

/// member_change.member_id of a bulk write's marker (gen-roster's loader writes one per batch
/// instead of one entry per member): an index that reads it rebuilds from the table, as after
/// any batch of more than 50,000 changes.
constexpr int64_t kMemberChangeRebuild = 0;

/// One member as the index holds it (names already folded with vntext::search_key).
struct IndexedMember {
  int64_t id = 0;
  std::string family, middle, given;  // folded: lower case, no diacritics, single spaces
  std::string sort_key;               // raw bytes of the stored hex sort_key (same order)
  std::string org_path;
  int64_t org_id = 0;
  uint8_t status = 0;  // index into name_index_statuses()
  uint8_t gender = 0;  // 0 unknown, 1 male, 2 female
  /// The four stored name keys (search_key, given_key, family_given_key, middle_given_key) when
  /// they are not the folded parts joined with spaces (ICU folds a whole name differently from
  /// its parts when one holds a character outside the Vietnamese table; a part over 255 bytes);
  /// searches then compare against these, exactly as SQL does.
  std::optional<std::array<std::string, 4>> exact;
};

/// The filters of one indexed search. `key` is the folded search text ("" = any name).
struct NameSearch {
  std::string key;
  std::string scope_path;          // subtree: org_path >= scope_path and < subtree_end(scope_path)
  std::optional<int64_t> org_id;   // only members filed directly here
  uint32_t status_mask = 0;        // bit i: status name_index_statuses()[i] is wanted
  uint8_t gender = 0;              // 0 any
  std::string after_key;           // cursor: raw sort key ("" = from the start)
  int64_t after_id = 0;
};

/// The indexed form of a member-list query (store.hpp): today (no as_of), no age band, a name
/// text or none (not digits); nullopt when the index cannot answer it. Throws
/// base::Error(bad_request, "cursor") on a malformed cursor.
std::optional<NameSearch> name_search_for(const MemberQuery& q);

/// The member statuses in the order of the bits of NameSearch::status_mask.
const std::vector<std::string>& name_index_statuses();
/// The status_mask of a MemberQuery status filter ("" = on the rolls, "all", or one status);
/// 0 when the status is unknown.
uint32_t name_index_status_mask(const std::string& status);

class NameIndex {
 public:
  struct Options {
    /// Rebuild from the member table (in the background) once this many members changed since
    /// the last build; 0 = max(20,000, members / 20).
    std::size_t rebuild_after = 0;
    /// A change-log sequence number missing below newer ones (a PostgreSQL transaction still
    /// running, or rolled back) is waited for this long, then taken as rolled back.
    std::chrono::seconds gap_wait{300};
  };
  explicit NameIndex(db::Database& db) : NameIndex(db, Options{}) {}
  NameIndex(db::Database& db, Options opt);
  ~NameIndex();
  NameIndex(const NameIndex&) = delete;
  NameIndex& operator=(const NameIndex&) = delete;

  /// Builds the index from the member table (seconds for millions of members). Throws what the
  /// database throws.
  void build();
  /// build() on a background thread; until it is done ready() is false.
  void build_async();
  /// True once built and not waiting for a rebuild.
  bool ready() const { return ready_.load(); }

  /// Applies the member changes committed since the last call (reads member_change and the
  /// changed rows on `sql`). Returns false when the index cannot answer now (not built, or
  /// too many changes: a rebuild was started); then search in SQL.
  bool refresh(soci::session& sql);

  /// The first `limit` ids in Vietnamese order matching `s` (refresh first).
  std::vector<int64_t> search(const NameSearch& s, std::size_t limit) const;
  /// True when search(s, limit) is cheap: always with a name; without one (a plain list) only
  /// when the scope holds enough members that the first page is found after a short walk (a
  /// ward or a city; a cell's list is quicker from its SQL index).
  bool suits(const NameSearch& s, std::size_t limit) const;
  /// How many members match `s`, counting at most `cap`.
  int64_t count(const NameSearch& s, int64_t cap) const;

  /// Members held (for logs and tests).
  std::size_t size() const;
  /// Completed builds (for tests).
  int builds() const { return builds_.load(); }

  /// The process-wide index that the registry service uses, or nullptr (none installed: SQL).
  static NameIndex* installed();
  static void install(NameIndex* idx);

 private:
  struct Base;
  struct State;
  bool poll(soci::session& sql);  // one read of the change log (one poller at a time)
  void apply(soci::session& sql, const std::vector<int64_t>& ids);
  void start_rebuild();
  db::Database& db_;
  Options opt_;
  mutable std::shared_mutex mu_;  // guards base_, delta_, tomb_
  std::mutex poll_mu_;  // guards the poll counters; the change-log position belongs to the poller
  std::condition_variable poll_cv_;
  bool polling_ = false, poll_ok_ = false;
  uint64_t polls_started_ = 0, polls_done_ = 0;
  std::shared_ptr<const Base> base_;
  std::unordered_map<int64_t, std::optional<IndexedMember>> delta_;  // changed since build (nullopt: deleted)
  std::vector<uint8_t> tomb_;                                        // base rank changed since build
  // Change-log position: every seq <= low_ is applied; seen_ holds applied seqs above it and
  // missing_ the seqs below newer ones not seen yet, with when they were first missed.
  int64_t low_ = 0, high_ = 0;
  std::set<int64_t> seen_;
  std::map<int64_t, std::chrono::steady_clock::time_point> missing_;
  std::chrono::steady_clock::time_point last_poll_{};
  std::atomic<bool> ready_{false}, building_{false};
  std::atomic<int> builds_{0};
  std::thread builder_;
};

}  // namespace dangbo::registry

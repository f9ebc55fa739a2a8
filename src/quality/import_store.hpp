// dangbo::quality — the importer's bulk writes (internal): one object per import holds the
// prepared statements (SQLite) or runs COPY (PostgreSQL) on one connection, inside the batch
// transaction that the importer opens and commits.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "registry/member_columns.hpp"
#include "registry/model.hpp"

namespace soci {
class session;
}

namespace dangbo::quality::detail {

// The member columns: one definition for every writer (registry/member_columns.hpp).
using registry::kMemberValueCols;
using registry::kMemberValueCount;
using registry::kMemberValueStatus;
using registry::member_value_nullable;
using registry::member_values;
using registry::MemberValues;

class BulkWriter {
 public:
  explicit BulkWriter(soci::session& sql);
  ~BulkWriter();
  BulkWriter(const BulkWriter&) = delete;
  BulkWriter& operator=(const BulkWriter&) = delete;

  bool pg() const { return pg_; }
  /// BEGIN (IMMEDIATE on SQLite: the batch takes the write lock at once) / COMMIT / ROLLBACK.
  void begin();
  void commit();
  void rollback() noexcept;

  struct NewMember {
    const MemberValues* values = nullptr;
    int64_t org_id = 0;
    std::string org_path;
    bool synthetic = false;
    std::string valid_from, reason;
    int64_t id = 0;  // filled
  };
  /// Inserts members and their memberships; fills each id.
  void insert_members(std::vector<NewMember>& v, const std::string& now);

  struct RowRec {
    int64_t import_id = 0, line = 0;
    std::string key, raw, outcome;
    int64_t member_id = 0;  // 0 = none
    std::string reject_column, reject_reason;
  };
  void insert_rows(const std::vector<RowRec>& v);

  struct FindingRec {
    int64_t member_id = 0, import_id = 0, line = 0;
    std::string field, column, code, severity, message, original, suggested, status, created_at;
  };
  void insert_findings(const std::vector<FindingRec>& v);

  struct KeyRec {
    int64_t scope_org_id = 0;
    std::string key;
    int64_t member_id = 0;
    std::string values_hash;
    int64_t import_id = 0;
  };
  void insert_keys(const std::vector<KeyRec>& v);

 private:
  struct Sqlite;
  soci::session& sql_;
  bool pg_ = false;
  std::unique_ptr<Sqlite> lite_;
  void pg_exec(const std::string& q);
  void pg_copy(const std::string& table_cols, const std::string& data);
};


}  // namespace dangbo::quality::detail

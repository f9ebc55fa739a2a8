// Backup and restore of the whole database.
//   SQLite:      the online backup API (sqlite3_backup_*) on the pool's raw connection: a
//                consistent copy while the server keeps serving.
//   PostgreSQL:  pg_dump --format=custom / pg_restore --clean (run without a shell).
// The field-encryption key file is NOT part of a backup: keep it (and every key a backup needs)
// apart from the backups, or the sensitive fields of a restored database stay unreadable.
#pragma once
#include <cstdint>
#include <string>

#include "db/database.hpp"

namespace dangbo::security {

struct BackupReport {
  int64_t bytes = 0;
  double seconds = 0;
};

/// Writes a consistent copy of the database to `file` (which must not exist). Audited.
/// Throws base::Error with a clear message.
BackupReport backup_database(db::Database& db, const std::string& file);

/// Replaces the whole content of the database with the backup `file` (checked first: SQLite
/// integrity_check and a dangbo schema). Afterwards run the migrations again (the backup may be
/// older than the program). Stop every server on the database first. Audited (in the restored
/// database).
BackupReport restore_database(db::Database& db, const std::string& file);

}  // namespace dangbo::security

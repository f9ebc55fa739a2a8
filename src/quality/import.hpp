// dangbo::quality — importing member rosters into the registry (issue 4, the database side).
//
// `dangbo import FILE --org CODE [--mapping M] [--dry-run]` and the upload page run the same
// code: the file is read (CSV or XLSX, see reader.hpp), every row is standardized and checked
// (Standardizer), and the rows are written in batches, one transaction per batch:
//   - members created or updated (bulk path: a prepared statement on SQLite, COPY on
//     PostgreSQL), with their membership;
//   - one import_row per data row: the cells as read (JSON), the outcome, the member;
//   - the findings of each stored row (open for warnings and errors, auto for info);
//   - the batch's import_batch row, the job's counters and one audit entry.
// A killed import therefore leaves whole batches only. Running it again (run() on the same
// job, or `dangbo import` on the same file and organization) continues after the last
// committed batch; and any import matches each row to a member already stored before creating
// one, so nothing is ever stored twice:
//   0. the member-id column (Mã, Mã đảng viên, Mã ĐV, ID: what the registry's own export and fix
//      sheet write) holding a registry id (digits) → that member, when it lies inside the
//      organization's subtree and the row can be that person (same name, birth date, CCCD or
//      card number); an id that is unknown, outside the subtree or another person's rejects
//      the row (never a new record); nothing is stored in member_source_key for it;
//   1. the file's own code (an id column such as Mã hồ sơ, Mã số đảng viên, or a member-id cell
//      that is not a number, "DV001"; not STT) → key "id:<value>" of the organization
//      imported into, or else the row's content (its cells except STT) → key
//      "hash:<SHA-256>", the same wherever the file was imported (table member_source_key);
//      a key whose member lies outside the organization's subtree rejects the row;
//   2. the citizen ID (12 digits, valid) of a member inside the organization's subtree (one
//      outside it rejects the row: a transfer, not a new record).
// A matched row whose standardized values are unchanged is "unchanged"; otherwise the member
// is updated (audited with the changed fields). A matched row whose organization column names
// another organization of the subtree, valid today, transfers the member there as the registry
// records a transfer (registry::transfer_member: membership closed and opened, stored counts
// moved), counted in rows_updated and as "moved" (import_row.outcome, the summary's "moved");
// a code that is unknown, no longer valid or outside the subtree rejects the row, naming it.
// See docs/adr/0006-imports-batches-and-idempotency.md.
//
// Row accounting: rows read = stored (created + updated + unchanged) + rejected. Every
// rejected row has its line, column and reason (import_row.reject_*).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/rules.hpp"
#include "db/database.hpp"
#include "quality/mapping.hpp"
#include "quality/standardizer.hpp"
#include "registry/refdata.hpp"
#include "security/security.hpp"

namespace dangbo::quality {

/// An import job as stored in import_job.
struct ImportJob {
  int64_t id = 0;
  std::string kind = "roster";  // roster | fixes
  int64_t org_id = 0;
  std::string org_code, org_name, org_path;
  std::string file_name, file_sha256, file_path;
  int64_t file_size = 0;
  std::string source, header_sig, mapping;  // mapping: {"columns": …}
  bool dry_run = false;
  std::string status;  // uploaded | queued | running | done | failed | interrupted
  int batch_size = 1000;
  int64_t rows_total = 0, rows_read = 0, rows_created = 0, rows_updated = 0, rows_unchanged = 0, rows_rejected = 0,
          rows_blank = 0, findings_open = 0, findings_auto = 0;
  int batches_done = 0;
  std::string summary = "{}", message;
  std::optional<int64_t> created_by;
  std::string created_by_name, created_at, started_at, finished_at, heartbeat_at, runner;

  int64_t stored() const { return rows_created + rows_updated + rows_unchanged; }
  /// Running with no heartbeat for more than `stale_s` seconds (its process is gone).
  bool stale(int stale_s = 60) const;
};

/// Progress of a running job (after each committed batch).
struct ImportProgress {
  int64_t import_id = 0;
  std::string status;
  int64_t rows_total = 0, rows_read = 0, created = 0, updated = 0, unchanged = 0, rejected = 0;
  int batches = 0;
  std::string message;
};

/// A rejected row: its line, the column (as in the file; "" for the whole row) and why.
struct RejectedRow {
  int64_t line = 0;
  std::string key;  // the row's id-column value
  std::string column, reason;
};

/// The outcome of a run.
struct ImportResult {
  ImportJob job;                      // the job as it ended (counters, status)
  Mapping mapping;
  std::size_t header_line = 0;
  int64_t resumed_after_line = 0;     // > 0: this run continued after that line
  int64_t by_severity[3] = {0, 0, 0};
  std::map<std::string, int64_t> by_code;
  std::map<std::string, std::array<int64_t, 3>> by_code_severity;  // info, warning, error
  std::vector<RejectedRow> rejected;  // the first 1,000 of this run
  int64_t moved = 0;                  // updated rows that transferred their member (in rows_updated)
  double seconds = 0;
};

/// A file as the upload page shows it before the import: the header, the detected mapping
/// (a saved mapping for this organization and header applied), the first data rows.
struct FilePreview {
  std::string source;
  std::size_t header_line = 0;
  Mapping mapping;
  std::string header_sig;
  bool saved_mapping = false;         // a mapping saved for this header was applied
  bool fix_sheet = false;             // the file is a findings sheet sent back (kind "fixes")
  std::vector<std::vector<std::string>> rows;  // first rows, cells as shown (UTF-8)
  int64_t rows_estimate = 0;
};

struct ImportFile {
  std::string name;   // as uploaded / the path's file name
  std::string path;   // read from disk, or …
  std::string data;   // … these bytes
};

/// SHA-256 (hex) of a file's bytes; its size in *size.
std::string file_sha256(const ImportFile& f, int64_t* size = nullptr);

/// The signature of a header: SHA-256 (hex, 16 characters) of its column names.
std::string header_signature(const std::vector<std::string>& header);

class Importer {
 public:
  /// `rd` and `rules` must outlive the Importer. The Standardizer is built here (about a
  /// second: address and vocabulary indexes).
  Importer(db::Database& db, const registry::RefData& rd, const base::RuleSet& rules, CleanOptions opts = {});
  ~Importer();
  Importer(const Importer&) = delete;
  Importer& operator=(const Importer&) = delete;

  /// Reads the header and first rows of a file. Throws std::runtime_error (Vietnamese) when the
  /// file cannot be read or has no header.
  FilePreview preview(const ImportFile& f, int64_t org_id);

  /// Records a new job (status `status`: "uploaded" waits for the user to confirm the mapping,
  /// "queued" may run). The file is kept in the job (uploads) or named by path (CLI). Checks
  /// the organization (current, and inside the actor's scope unless the actor is null = the
  /// command line) and the role (roster: admin or staff; fixes: roles that edit members).
  /// `mapping_json` ({"columns": …}) is applied over the detected mapping. Returns the job.
  ImportJob create_job(const security::Actor* a, const std::string& org_code, const ImportFile& f, bool dry_run,
                       const std::string& mapping_json, const std::string& status, int batch_size = 1000);

  /// Confirms a job's mapping (the columns chosen on the upload page) and queues it; when
  /// `save` the mapping is kept for the next file with this header in this organization.
  void confirm_job(const security::Actor* a, int64_t job_id, const std::string& mapping_json, bool dry_run, bool save);

  /// The job that writes (not a dry run) running now, in any process, if any; jobs whose
  /// process is gone are marked interrupted first (mark_interrupted_jobs).
  std::optional<ImportJob> running_import();

  /// An interrupted (or stale running) job for the same organization and file, if any.
  std::optional<ImportJob> interrupted_job(int64_t org_id, const std::string& sha256, const std::string& kind);

  /// Runs job `id` to its end, continuing after its last committed batch. `actor` is recorded
  /// in the audit (null = system). `progress` is called after each batch; `cancel` stops after
  /// the current batch (the job is left interrupted). Only one job that writes (not a dry run)
  /// runs at a time, across processes: while another runs, throws base::Error(conflict,
  /// "import.busy") naming it, having changed nothing (the job keeps its status). Also throws
  /// base::Error(conflict) when the job is running elsewhere or already done; a failure while
  /// running marks the job failed and is rethrown.
  ImportResult run(int64_t job_id, const security::Actor* actor,
                   const std::function<void(const ImportProgress&)>& progress = nullptr,
                   const std::atomic<bool>* cancel = nullptr);

  const Standardizer& standardizer() const;
  db::Database& db();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

/// Why an import cannot start while `other` (a job that writes) runs: one Vietnamese sentence
/// naming that job, its file, organization, start time (Vietnam time) and who runs it.
std::string import_busy_message(const ImportJob& other);

/// Loads a job (nullopt when there is none).
std::optional<ImportJob> load_job(db::Database& db, int64_t id);
/// The file of a job (from its stored bytes or its path). Throws when it is gone.
ImportFile job_file(db::Database& db, const ImportJob& j);
/// Marks running jobs of processes that are gone (this host, dead pid; or no heartbeat for
/// `stale_s`) as interrupted. Returns how many.
int mark_interrupted_jobs(db::Database& db, int stale_s = 60);
/// Jobs whose organization lies inside `scope_path`, newest first (keyset by id).
std::vector<ImportJob> list_jobs(db::Database& db, const std::string& scope_path, int64_t before_id, int limit);
/// Rejected rows of a job (import_row), by line, keyset after `after_line`.
std::vector<RejectedRow> rejected_rows(db::Database& db, int64_t job_id, int64_t after_line, int limit);

/// Prints the summary of a run: source, mapping, outcomes, findings, rejected rows (the first
/// `max_rejected`), time and rows/s, and the accounting line "rows read N = stored S + rejected R".
void print_import_summary(std::ostream& out, const ImportResult& r, std::size_t max_rejected = 20);

/// The registry fields a quality field is stored in ("full_name" → family/middle/given);
/// empty for fields the registry does not keep (row number, org, residence code).
std::vector<std::string> registry_fields(Field f);

/// Who may import: rosters need admin or staff; fix sheets any role that edits members.
bool can_import(const security::Actor& a, const std::string& kind);

}  // namespace dangbo::quality

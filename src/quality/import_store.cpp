// The importer's SQL: bulk writes (SQLite prepared statements, PostgreSQL COPY) and the job
// table.
#include "quality/import_store.hpp"

#include <boost/json.hpp>
#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <stdexcept>

#include "db/database.hpp"
#include "registry/counts.hpp"
#include "registry/store.hpp"
#include "quality/import_internal.hpp"
#include "vntext/encoding.hpp"
#include "vntext/text.hpp"
#include "vntext/utf8.hpp"

namespace dangbo::quality {

namespace detail {
using namespace sqlite_api;  // SOCI wraps sqlite3.h in this namespace

using db::sql::copy_append;

// ---- SQLite: prepared statements on the raw handle -------------------------------------------

struct BulkWriter::Sqlite {
  sqlite3* h = nullptr;
  sqlite3_stmt *member = nullptr, *membership = nullptr, *row = nullptr, *finding = nullptr, *key = nullptr;
  ~Sqlite() {
    for (auto* s : {member, membership, row, finding, key})
      if (s) sqlite3_finalize(s);
  }
  void check(int rc) {
    if (rc != SQLITE_DONE && rc != SQLITE_OK && rc != SQLITE_ROW)
      throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(h));
  }
  sqlite3_stmt* prepare(const std::string& q) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(h, q.c_str(), -1, &s, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("sqlite prepare: ") + sqlite3_errmsg(h));
    return s;
  }
  void text(sqlite3_stmt* s, int i, const std::string& v) { sqlite3_bind_text(s, i, v.data(), int(v.size()), SQLITE_STATIC); }
  void step(sqlite3_stmt* s) {
    check(sqlite3_step(s));
    sqlite3_reset(s);
  }
};

BulkWriter::BulkWriter(soci::session& sql) : sql_(sql), pg_(db::sql::is_postgresql(sql)) {
  if (pg_) return;
  lite_ = std::make_unique<Sqlite>();
  lite_->h = static_cast<soci::sqlite3_session_backend*>(sql.get_backend())->conn_;
  std::string ph;
  for (int i = 0; i < kMemberValueCount; ++i) ph += "?,";
  lite_->member = lite_->prepare(std::string("INSERT INTO member(") + kMemberValueCols +
                                 ", org_id, org_path, synthetic, version, created_at, updated_at) VALUES (" + ph +
                                 "?,?,?,1,?,?)");
  lite_->membership = lite_->prepare("INSERT INTO membership(member_id, org_id, valid_from, reason) VALUES (?,?,?,?)");
  lite_->row = lite_->prepare(
      "INSERT INTO import_row(import_id, line, row_key, raw, outcome, member_id, reject_column, reject_reason) "
      "VALUES (?,?,?,?,?,?,?,?)");
  lite_->finding = lite_->prepare(
      "INSERT INTO finding(member_id, import_id, line, field, column_name, code, severity, message, original, suggested, "
      "status, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
  lite_->key = lite_->prepare(
      "INSERT INTO member_source_key(scope_org_id, source_key, member_id, values_hash, import_id) VALUES (?,?,?,?,?)");
}

BulkWriter::~BulkWriter() = default;

void BulkWriter::pg_exec(const std::string& q) {
  PGconn* c = static_cast<soci::postgresql_session_backend*>(sql_.get_backend())->conn_;
  PGresult* r = PQexec(c, q.c_str());
  auto st = PQresultStatus(r);
  std::string err = PQresultErrorMessage(r);
  PQclear(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_COPY_IN)
    throw std::runtime_error("postgresql: " + err);
}

void BulkWriter::pg_copy(const std::string& table_cols, const std::string& data) {
  if (data.empty()) return;
  PGconn* c = static_cast<soci::postgresql_session_backend*>(sql_.get_backend())->conn_;
  pg_exec("COPY " + table_cols + " FROM STDIN");
  constexpr std::size_t kChunk = 1 << 20;
  for (std::size_t off = 0; off < data.size(); off += kChunk) {
    std::size_t n = std::min(kChunk, data.size() - off);
    if (PQputCopyData(c, data.data() + off, int(n)) != 1) throw std::runtime_error(PQerrorMessage(c));
  }
  if (PQputCopyEnd(c, nullptr) != 1) throw std::runtime_error(PQerrorMessage(c));
  PGresult* r = PQgetResult(c);
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  std::string err = PQresultErrorMessage(r);
  PQclear(r);
  while ((r = PQgetResult(c))) PQclear(r);
  if (!ok) throw std::runtime_error("COPY " + table_cols + ": " + err);
}

void BulkWriter::begin() {
  if (pg_) pg_exec("BEGIN");
  else lite_->check(sqlite3_exec(lite_->h, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr));
}

void BulkWriter::commit() {
  if (pg_) pg_exec("COMMIT");
  else lite_->check(sqlite3_exec(lite_->h, "COMMIT", nullptr, nullptr, nullptr));
}

void BulkWriter::rollback() noexcept {
  try {
    if (pg_) pg_exec("ROLLBACK");
    else sqlite3_exec(lite_->h, "ROLLBACK", nullptr, nullptr, nullptr);
  } catch (...) {
  }
}

void BulkWriter::insert_members(std::vector<NewMember>& v, const std::string& now) {
  if (v.empty()) return;
  // The stored per-organization counts (registry/counts.hpp), in the batch's transaction.
  registry::CountDelta delta;
  for (auto& nm : v) {
    auto st = registry::parse_member_status((*nm.values)[kMemberValueStatus]);
    if (st && registry::is_active(*st)) ++delta[nm.org_id];
  }
  registry::add_org_counts(sql_, delta);
  if (!pg_) {
    auto& L = *lite_;
    for (auto& nm : v) {
      const MemberValues& mv = *nm.values;
      for (int i = 0; i < kMemberValueCount; ++i) {
        if (member_value_nullable(i) && mv[i].empty()) sqlite3_bind_null(L.member, i + 1);
        else L.text(L.member, i + 1, mv[i]);
      }
      sqlite3_bind_int64(L.member, kMemberValueCount + 1, nm.org_id);
      L.text(L.member, kMemberValueCount + 2, nm.org_path);
      sqlite3_bind_int(L.member, kMemberValueCount + 3, nm.synthetic ? 1 : 0);
      L.text(L.member, kMemberValueCount + 4, now);
      L.text(L.member, kMemberValueCount + 5, now);
      L.step(L.member);
      nm.id = sqlite3_last_insert_rowid(L.h);
      sqlite3_bind_int64(L.membership, 1, nm.id);
      sqlite3_bind_int64(L.membership, 2, nm.org_id);
      L.text(L.membership, 3, nm.valid_from);
      L.text(L.membership, 4, nm.reason);
      L.step(L.membership);
    }
    return;
  }
  // PostgreSQL: ids reserved from the identity sequence, then COPY.
  {
    long long n = (long long)v.size();
    long long id = 0;
    soci::statement st = (sql_.prepare << "SELECT nextval(pg_get_serial_sequence('member', 'id')) FROM generate_series(1, :n)",
                          soci::into(id), soci::use(n));
    st.execute();
    std::size_t k = 0;
    while (k < v.size() && st.fetch()) v[k++].id = id;
    if (k != v.size()) throw std::runtime_error("postgresql: could not reserve member ids");
  }
  std::string buf;
  buf.reserve(v.size() * 600);
  for (auto& nm : v) {
    buf += std::to_string(nm.id);
    for (int i = 0; i < kMemberValueCount; ++i) {
      buf += '\t';
      if (member_value_nullable(i) && (*nm.values)[i].empty()) buf += "\\N";
      else copy_append(buf, (*nm.values)[i]);
    }
    buf += '\t' + std::to_string(nm.org_id) + '\t';
    copy_append(buf, nm.org_path);
    buf += nm.synthetic ? "\t1\t1\t" : "\t0\t1\t";
    buf += now + '\t' + now + '\n';
  }
  pg_copy(std::string("member(id, ") + kMemberValueCols + ", org_id, org_path, synthetic, version, created_at, updated_at)",
          buf);
  buf.clear();
  for (auto& nm : v) {
    buf += std::to_string(nm.id) + '\t' + std::to_string(nm.org_id) + '\t' + nm.valid_from + '\t';
    copy_append(buf, nm.reason);
    buf += '\n';
  }
  pg_copy("membership(member_id, org_id, valid_from, reason)", buf);
}

void BulkWriter::insert_rows(const std::vector<RowRec>& v) {
  if (v.empty()) return;
  if (!pg_) {
    auto& L = *lite_;
    for (auto& r : v) {
      sqlite3_bind_int64(L.row, 1, r.import_id);
      sqlite3_bind_int64(L.row, 2, r.line);
      L.text(L.row, 3, r.key);
      L.text(L.row, 4, r.raw);
      L.text(L.row, 5, r.outcome);
      if (r.member_id) sqlite3_bind_int64(L.row, 6, r.member_id);
      else sqlite3_bind_null(L.row, 6);
      L.text(L.row, 7, r.reject_column);
      L.text(L.row, 8, r.reject_reason);
      L.step(L.row);
    }
    return;
  }
  std::string buf;
  for (auto& r : v) {
    buf += std::to_string(r.import_id) + '\t' + std::to_string(r.line) + '\t';
    copy_append(buf, r.key);
    buf += '\t';
    copy_append(buf, r.raw);
    buf += '\t' + r.outcome + '\t' + (r.member_id ? std::to_string(r.member_id) : std::string("\\N")) + '\t';
    copy_append(buf, r.reject_column);
    buf += '\t';
    copy_append(buf, r.reject_reason);
    buf += '\n';
  }
  pg_copy("import_row(import_id, line, row_key, raw, outcome, member_id, reject_column, reject_reason)", buf);
}

void BulkWriter::insert_findings(const std::vector<FindingRec>& v) {
  if (v.empty()) return;
  if (!pg_) {
    auto& L = *lite_;
    for (auto& f : v) {
      sqlite3_bind_int64(L.finding, 1, f.member_id);
      sqlite3_bind_int64(L.finding, 2, f.import_id);
      sqlite3_bind_int64(L.finding, 3, f.line);
      L.text(L.finding, 4, f.field);
      L.text(L.finding, 5, f.column);
      L.text(L.finding, 6, f.code);
      L.text(L.finding, 7, f.severity);
      L.text(L.finding, 8, f.message);
      L.text(L.finding, 9, f.original);
      L.text(L.finding, 10, f.suggested);
      L.text(L.finding, 11, f.status);
      L.text(L.finding, 12, f.created_at);
      L.step(L.finding);
    }
    return;
  }
  std::string buf;
  for (auto& f : v) {
    buf += std::to_string(f.member_id) + '\t' + std::to_string(f.import_id) + '\t' + std::to_string(f.line);
    for (const std::string* s : {&f.field, &f.column, &f.code, &f.severity, &f.message, &f.original, &f.suggested, &f.status,
                                 &f.created_at}) {
      buf += '\t';
      copy_append(buf, *s);
    }
    buf += '\n';
  }
  pg_copy("finding(member_id, import_id, line, field, column_name, code, severity, message, original, suggested, status, "
          "created_at)",
          buf);
}

void BulkWriter::insert_keys(const std::vector<KeyRec>& v) {
  if (v.empty()) return;
  if (!pg_) {
    auto& L = *lite_;
    for (auto& k : v) {
      sqlite3_bind_int64(L.key, 1, k.scope_org_id);
      L.text(L.key, 2, k.key);
      sqlite3_bind_int64(L.key, 3, k.member_id);
      L.text(L.key, 4, k.values_hash);
      sqlite3_bind_int64(L.key, 5, k.import_id);
      L.step(L.key);
    }
    return;
  }
  std::string buf;
  for (auto& k : v) {
    buf += std::to_string(k.scope_org_id) + '\t';
    copy_append(buf, k.key);
    buf += '\t' + std::to_string(k.member_id) + '\t' + k.values_hash + '\t' + std::to_string(k.import_id) + '\n';
  }
  pg_copy("member_source_key(scope_org_id, source_key, member_id, values_hash, import_id)", buf);
}

// ---- small shared helpers -------------------------------------------------------------------

std::string displayable(std::string_view s) {
  if (vntext::detail::valid_utf8(s)) return std::string(s);
  return vntext::decode(s, vntext::Encoding::cp1252);
}

std::string base64_encode(std::string_view bin) {
  std::string out(sodium_base64_encoded_len(bin.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bin.data()), bin.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::string base64_decode(std::string_view b64) {
  std::string out(b64.size() / 4 * 3 + 3, '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), b64.data(), b64.size(), "\r\n", &len,
                        nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    throw std::runtime_error("Tệp lưu trong lần nhập bị hỏng (base64)");
  out.resize(len);
  return out;
}

std::string json_strings(const std::vector<std::string>& v) {
  boost::json::array a;
  a.reserve(v.size());
  for (auto& s : v) a.emplace_back(boost::json::string_view(s));
  return boost::json::serialize(a);
}

std::vector<std::string> parse_json_strings(std::string_view json) {
  std::vector<std::string> out;
  try {
    auto v = boost::json::parse(json);
    if (auto* a = v.if_array())
      for (auto& x : *a) out.push_back(x.is_string() ? std::string(x.as_string()) : std::string());
  } catch (...) {
  }
  return out;
}

const std::string& runner_id() {
  static const std::string id = [] {
    char host[256] = {0};
    gethostname(host, sizeof host - 1);
    return std::string(host) + ":" + std::to_string(::getpid());
  }();
  return id;
}

const char* const kJobCols =
    "j.id, j.kind, j.org_id, o.code, o.name, j.org_path, j.file_name, j.file_sha256, j.file_path, j.file_size, j.source, "
    "j.header_sig, j.mapping, j.dry_run, j.status, j.batch_size, j.rows_total, j.rows_read, j.rows_created, "
    "j.rows_updated, j.rows_unchanged, j.rows_rejected, j.rows_blank, j.findings_open, j.findings_auto, j.batches_done, "
    "j.summary, j.message, j.created_by, j.created_by_name, j.created_at, j.started_at, j.finished_at, j.heartbeat_at, "
    "j.runner";

ImportJob job_from(const isql::Row& r) {
  ImportJob j;
  j.id = r.i(0);
  j.kind = r.s(1);
  j.org_id = r.i(2);
  j.org_code = r.s(3);
  j.org_name = r.s(4);
  j.org_path = r.s(5);
  j.file_name = r.s(6);
  j.file_sha256 = r.s(7);
  j.file_path = r.s(8);
  j.file_size = r.i(9);
  j.source = r.s(10);
  j.header_sig = r.s(11);
  j.mapping = r.s(12);
  j.dry_run = r.s(13) == "1" || r.s(13) == "t";
  j.status = r.s(14);
  j.batch_size = int(r.i(15));
  j.rows_total = r.i(16);
  j.rows_read = r.i(17);
  j.rows_created = r.i(18);
  j.rows_updated = r.i(19);
  j.rows_unchanged = r.i(20);
  j.rows_rejected = r.i(21);
  j.rows_blank = r.i(22);
  j.findings_open = r.i(23);
  j.findings_auto = r.i(24);
  j.batches_done = int(r.i(25));
  j.summary = r.s(26);
  j.message = r.s(27);
  if (!r.null(28)) j.created_by = r.i(28);
  j.created_by_name = r.s(29);
  j.created_at = r.s(30);
  j.started_at = r.s(31);
  j.finished_at = r.s(32);
  j.heartbeat_at = r.s(33);
  j.runner = r.s(34);
  return j;
}

void finish_job(db::Database& db, ImportJob& j, const std::string& status, const std::string& message) {
  auto s = db.session();
  j.status = status;
  j.message = message;
  j.finished_at = db::now_utc();
  isql::Query q;
  q.text = "UPDATE import_job SET status = " + q.add(status) + ", message = " + q.add(message) +
           ", finished_at = " + q.add(j.finished_at) + ", heartbeat_at = " + q.add(j.finished_at) +
           ", summary = " + q.add(j.summary);
  // A finished dry run never runs again: its report (counters, summary) stays for its page, the
  // uploaded file (personal data) does not.
  if (j.dry_run && status == "done") q.text += ", file_data = NULL";
  q.text += " WHERE id = " + q.add(j.id);
  isql::exec(*s, q);
}

}  // namespace detail

// ---- jobs -------------------------------------------------------------------------------------

namespace {
// Seconds since an ISO-8601 UTC time ("2026-11-29T14:31:17.123Z"); large when unreadable.
long long seconds_since(const std::string& iso) {
  if (iso.size() < 19) return 1LL << 40;
  std::tm tm{};
  tm.tm_year = std::stoi(iso.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(iso.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(iso.substr(8, 2));
  tm.tm_hour = std::stoi(iso.substr(11, 2));
  tm.tm_min = std::stoi(iso.substr(14, 2));
  tm.tm_sec = std::stoi(iso.substr(17, 2));
  time_t t = timegm(&tm);
  return (long long)(std::time(nullptr) - t);
}
}  // namespace

bool ImportJob::stale(int stale_s) const {
  return status == "running" && seconds_since(heartbeat_at.empty() ? started_at : heartbeat_at) > stale_s;
}

std::optional<ImportJob> load_job(db::Database& db, int64_t id) {
  auto s = db.session();
  isql::Query q;
  q.text = std::string("SELECT ") + detail::kJobCols + " FROM import_job j JOIN organization o ON o.id = j.org_id WHERE j.id = " +
           q.add(id);
  std::optional<ImportJob> out;
  isql::each(*s, q, detail::kJobColCount, [&](const isql::Row& r) { out = detail::job_from(r); });
  return out;
}

ImportFile job_file(db::Database& db, const ImportJob& j) {
  ImportFile f;
  f.name = j.file_name;
  if (!j.file_path.empty()) {
    f.path = j.file_path;
    return f;
  }
  auto s = db.session();
  isql::Query q("SELECT file_data FROM import_job WHERE id = ");
  q.text += q.add(j.id);
  std::string b64 = isql::scalar(*s, q);
  if (b64.empty()) throw std::runtime_error("Tệp của lần nhập số " + std::to_string(j.id) + " không còn được lưu");
  f.data = detail::base64_decode(b64);
  return f;
}

int mark_interrupted_jobs(db::Database& db, int stale_s) {
  auto s = db.session();
  isql::Query q(std::string("SELECT ") + detail::kJobCols +
                " FROM import_job j JOIN organization o ON o.id = j.org_id WHERE j.status = 'running'");
  std::vector<ImportJob> running;
  isql::each(*s, q, detail::kJobColCount, [&](const isql::Row& r) { running.push_back(detail::job_from(r)); });
  const std::string& me = detail::runner_id();
  const std::string host = me.substr(0, me.rfind(':'));
  int n = 0;
  for (auto& j : running) {
    bool gone = j.stale(stale_s);
    auto c = j.runner.rfind(':');
    if (!gone && c != std::string::npos && j.runner.substr(0, c) == host && j.runner != me) {
      pid_t pid = pid_t(std::atoll(j.runner.c_str() + c + 1));
      gone = pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH;
      if (!gone && pid > 0) {  // a killed process nobody has reaped yet is a zombie: gone too
        std::ifstream st("/proc/" + std::to_string(pid) + "/stat");
        std::string line;
        if (std::getline(st, line)) {
          auto rp = line.rfind(')');
          gone = rp != std::string::npos && rp + 2 < line.size() && line[rp + 2] == 'Z';
        }
      }
    }
    if (!gone) continue;
    isql::Query u;
    u.text = "UPDATE import_job SET status = 'interrupted', message = " +
             u.add(std::string("Lần nhập bị dừng giữa chừng (tiến trình chạy nó đã kết thúc); các lô đã ghi được giữ "
                               "nguyên, chạy tiếp để hoàn tất")) +
             " WHERE id = " + u.add(j.id) + " AND status = 'running' AND runner = " + u.add(j.runner);
    n += int(isql::exec(*s, u));
  }
  return n;
}

std::vector<ImportJob> list_jobs(db::Database& db, const std::string& scope_path, int64_t before_id, int limit) {
  auto s = db.session();
  isql::Query q;
  q.text = std::string("SELECT ") + detail::kJobCols + " FROM import_job j JOIN organization o ON o.id = j.org_id WHERE j.org_path >= " +
           q.add(scope_path) + " AND j.org_path < " + q.add(registry::subtree_end(scope_path));
  if (before_id > 0) q.text += " AND j.id < " + q.add(before_id);
  q.text += " ORDER BY j.id DESC LIMIT " + std::to_string(std::clamp(limit, 1, 500));
  std::vector<ImportJob> out;
  isql::each(*s, q, detail::kJobColCount, [&](const isql::Row& r) { out.push_back(detail::job_from(r)); });
  return out;
}

std::vector<RejectedRow> rejected_rows(db::Database& db, int64_t job_id, int64_t after_line, int limit) {
  auto s = db.session();
  isql::Query q;
  q.text = "SELECT line, row_key, reject_column, reject_reason FROM import_row WHERE import_id = " + q.add(job_id) +
           " AND outcome = 'rejected' AND line > " + q.add(after_line) + " ORDER BY line LIMIT " +
           std::to_string(std::clamp(limit, 1, 5000));
  std::vector<RejectedRow> out;
  isql::each(*s, q, 4, [&](const isql::Row& r) { out.push_back({r.i(0), r.s(1), r.s(2), r.s(3)}); });
  return out;
}

}  // namespace dangbo::quality

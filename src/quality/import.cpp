// `dangbo import`: reader → standardizing workers → one writer that matches rows to members and
// writes each batch in one transaction (see import.hpp for the rules).
#include "quality/import.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <sodium.h>
#include <sys/resource.h>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <fstream>
#include <mutex>
#include <ostream>
#include <thread>
#include <unordered_map>
#include <set>
#include <unordered_set>

#include "base/bounded_queue.hpp"
#include "base/error.hpp"
#include "quality/campaign.hpp"
#include "quality/import_internal.hpp"
#include "quality/import_store.hpp"
#include "registry/service.hpp"
#include "registry/store.hpp"
#include "vntext/encoding.hpp"
#include "vntext/text.hpp"
#include "web/web.hpp"

namespace dangbo::quality {
using base::Error;
using base::ErrorKind;
using namespace detail;

namespace {

// Stops a run between batches (server shutting down): the job is left interrupted.
struct Cancelled {};

std::string lower_key(std::string_view s) { return vntext::search_key(s); }
std::string mapping_json_of(const Mapping& m) { return mapping_json(m); }

}  // namespace

// ---- small public helpers --------------------------------------------------------------------

std::string header_signature(const std::vector<std::string>& header) {
  std::string joined;
  for (auto& h : header) joined += lower_key(h) + '\x1f';
  return security::sha256_hex(joined).substr(0, 16);
}

std::string file_sha256(const ImportFile& f, int64_t* size) {
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  int64_t n = 0;
  if (!f.path.empty()) {
    std::FILE* fp = std::fopen(f.path.c_str(), "rb");
    if (!fp) throw std::runtime_error("Không đọc được tệp " + f.path);
    std::vector<unsigned char> buf(1 << 20);
    std::size_t got;
    while ((got = std::fread(buf.data(), 1, buf.size(), fp)) > 0) {
      crypto_hash_sha256_update(&st, buf.data(), got);
      n += int64_t(got);
    }
    std::fclose(fp);
  } else {
    crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(f.data.data()), f.data.size());
    n = int64_t(f.data.size());
  }
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, h);
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  if (size) *size = n;
  return hex;
}

std::vector<std::string> registry_fields(Field f) {
  switch (f) {
    case Field::full_name: return {"family_name", "middle_name", "given_name"};
    case Field::family_middle: return {"family_name", "middle_name"};
    case Field::family_name: return {"family_name"};
    case Field::middle_name: return {"middle_name"};
    case Field::given_name: return {"given_name"};
    case Field::other_names: return {"other_names"};
    case Field::gender: return {"gender"};
    case Field::birth_date: return {"birth_date"};
    case Field::birth_place: return {"birth_place"};
    case Field::home_town: return {"home_town"};
    case Field::residence: return {"residence"};
    case Field::ethnicity: return {"ethnicity"};
    case Field::religion: return {"religion"};
    case Field::citizen_id: return {"citizen_id"};
    case Field::phone: return {"phone"};
    case Field::email: return {"email"};
    case Field::admitted_on: return {"admitted_on"};
    case Field::full_member_on: return {"full_member_on"};
    case Field::card_number: return {"card_number"};
    case Field::card_issued_on: return {"card_issued_on"};
    case Field::education: return {"education"};
    case Field::professional: return {"professional_qualification"};
    case Field::theory_level: return {"theory_level"};
    case Field::occupation: return {"occupation"};
    case Field::position: return {"position"};
    case Field::status: return {"status"};
    default: return {};
  }
}

bool can_import(const security::Actor& a, const std::string& kind) {
  using security::Role;
  if (kind == "fixes") return security::role_allows(a.role, security::Action::edit_member) && a.role != Role::member;
  return a.role == Role::admin || a.role == Role::staff;
}

// ---- header -----------------------------------------------------------------------------------

namespace detail {

std::string clean_header_cell(std::string_view raw) {
  return vntext::collapse_spaces(vntext::repair_text(raw).text);
}

const std::vector<std::string>& fix_sheet_header() {
  static const std::vector<std::string> h = {"Mã phát hiện", "Mã đảng viên", "Họ và tên", "Chi bộ", "Trường", "Mức độ",
                                             "Mã lỗi", "Nội dung", "Giá trị trong tệp gốc", "Giá trị hiện tại",
                                             "Giá trị đề xuất", "Đồng ý đề xuất (x)", "Giá trị sửa"};
  return h;
}

std::unique_ptr<RecordReader> open_reader(const ImportFile& f) {
  bool xlsx;
  if (!f.path.empty()) xlsx = looks_like_xlsx(f.path);
  else xlsx = f.data.size() >= 4 && f.data[0] == 'P' && f.data[1] == 'K' && f.data[2] == '\x03' && f.data[3] == '\x04';
  if (xlsx) {
    if (!f.path.empty()) return XlsxReader::open_file(f.path);
    return XlsxReader::open_memory(f.data);
  }
  if (!f.path.empty()) return open_csv(f.path);
  check_table_bytes({}, f.name);  // an uploaded .xlsx that is not ZIP; the bytes are checked on opening
  return std::make_unique<CsvReader>(memory_source(f.data));
}

HeaderRead read_header(RecordReader& rd) {
  HeaderRead out;
  out.source = rd.describe();
  std::vector<RawRecord> head;
  for (int k = 0; k < 12; ++k) {
    RawRecord r;
    if (!rd.next(r)) break;
    head.push_back(std::move(r));
  }
  if (head.empty()) throw std::runtime_error("Tệp không có dữ liệu");
  // A findings sheet sent back (findings_xlsx): its own header, found by two column names.
  for (std::size_t r = 0; r < head.size(); ++r) {
    bool id = false, fix = false;
    for (auto& c : head[r].cells) {
      std::string t = clean_header_cell(c);
      id = id || t == "Mã phát hiện";
      fix = fix || t == "Giá trị sửa";
    }
    if (id && fix) {
      out.fix_sheet = true;
      out.header_line = head[r].line;
      for (auto& c : head[r].cells) out.header.push_back(clean_header_cell(c));
      for (std::size_t k = r + 1; k < head.size(); ++k) out.after.push_back(std::move(head[k]));
      return out;
    }
  }
  const std::size_t h = find_header_row(head);
  bool two_rows = false;
  out.header = build_header(head, h, rd.merges(), &two_rows);
  while (!out.header.empty() && out.header.back().empty()) out.header.pop_back();
  if (out.header.empty()) throw std::runtime_error("Không tìm thấy dòng tiêu đề trong tệp");
  for (std::size_t c = 0; c < out.header.size(); ++c)
    if (out.header[c].empty()) out.header[c] = fmt::format("Cột {}", c + 1);
  out.header_line = head[h].line;
  for (std::size_t k = h + (two_rows ? 2 : 1); k < head.size(); ++k) out.after.push_back(std::move(head[k]));
  return out;
}

}  // namespace detail

namespace {

// Counts line ends (an estimate of the rows, for the progress bar).
int64_t count_lines(const ImportFile& f) {
  int64_t n = 0;
  if (!f.data.empty()) return std::count(f.data.begin(), f.data.end(), '\n');
  std::FILE* fp = std::fopen(f.path.c_str(), "rb");
  if (!fp) return 0;
  std::vector<char> buf(1 << 20);
  std::size_t got;
  while ((got = std::fread(buf.data(), 1, buf.size(), fp)) > 0) n += std::count(buf.data(), buf.data() + got, '\n');
  std::fclose(fp);
  return n;
}

bool is_xlsx(const ImportFile& f) {
  if (!f.path.empty()) return looks_like_xlsx(f.path);
  return f.data.size() >= 2 && f.data[0] == 'P' && f.data[1] == 'K';
}

// Ids of the organizations on a materialized path ("/1/23/456/" → 1, 23, 456).
std::vector<int64_t> path_ids(const std::string& path) {
  std::vector<int64_t> ids;
  int64_t cur = 0;
  bool in = false;
  for (char c : path) {
    if (c == '/') {
      if (in) ids.push_back(cur);
      cur = 0;
      in = false;
    } else {
      cur = cur * 10 + (c - '0');
      in = true;
    }
  }
  return ids;
}

// The mapping saved for this header in the organization or its nearest ancestor.
std::optional<std::string> saved_mapping(soci::session& sql, const std::string& org_path, const std::string& sig) {
  auto ids = path_ids(org_path);
  if (ids.empty()) return std::nullopt;
  isql::Query q;
  std::vector<std::string> sids;
  for (auto id : ids) sids.push_back(std::to_string(id));
  q.text = "SELECT org_id, mapping FROM import_mapping WHERE header_sig = " + q.add(sig) + " AND org_id IN " + isql::in_list(q, sids);
  std::optional<std::string> best;
  std::size_t best_depth = 0;
  isql::each(sql, q, 2, [&](const isql::Row& r) {
    auto it = std::find(ids.begin(), ids.end(), r.i(0));
    std::size_t depth = std::size_t(it - ids.begin()) + 1;
    if (depth > best_depth) best_depth = depth, best = r.s(1);
  });
  return best;
}

std::optional<registry::Organization> current_org(soci::session& sql, const std::string& code) {
  return registry::find_org(sql, code, base::today().iso());
}

}  // namespace

// ---- Importer ---------------------------------------------------------------------------------

Importer::Importer(db::Database& db, const registry::RefData& rd, const base::RuleSet& rules, CleanOptions opts)
    : impl_(std::make_unique<Impl>(db, rd, rules, [&] {
        opts.fill_member = true;
        return opts;
      }())) {}

Importer::~Importer() = default;

const Standardizer& Importer::standardizer() const { return impl_->st; }
db::Database& Importer::db() { return impl_->db; }

FilePreview Importer::preview(const ImportFile& f, int64_t org_id) {
  FilePreview p;
  auto rd = open_reader(f);
  HeaderRead h = read_header(*rd);
  p.source = h.source;
  p.header_line = h.header_line;
  p.fix_sheet = h.fix_sheet;
  p.mapping = auto_mapping(h.header);
  p.header_sig = header_signature(h.header);
  if (!p.fix_sheet && org_id > 0) {
    auto s = impl_->db.session();
    auto org = registry::find_org_by_id(*s, org_id);
    if (org)
      if (auto saved = saved_mapping(*s, org->path, p.header_sig)) {
        try {
          apply_mapping_json(p.mapping, *saved, "đã lưu");
          p.saved_mapping = true;
        } catch (const std::exception& e) {
          spdlog::warn("import: saved mapping not applied: {}", e.what());
        }
      }
  }
  auto add_row = [&](const RawRecord& r) {
    std::vector<std::string> cells;
    for (std::size_t c = 0; c < p.mapping.header.size(); ++c)
      cells.push_back(c < r.cells.size() ? displayable(r.cells[c]) : std::string());
    p.rows.push_back(std::move(cells));
  };
  for (auto& r : h.after) {
    if (p.rows.size() >= 5) break;
    add_row(r);
  }
  RawRecord r;
  while (p.rows.size() < 5 && rd->next(r)) add_row(r);
  if (!is_xlsx(f)) p.rows_estimate = std::max<int64_t>(0, count_lines(f) - int64_t(h.header_line));
  return p;
}

ImportJob Importer::create_job(const security::Actor* a, const std::string& org_code, const ImportFile& f, bool dry_run,
                               const std::string& mapping_json, const std::string& status, int batch_size) {
  registry::Organization org;
  {
    auto s = impl_->db.session();
    auto o = current_org(*s, org_code);
    if (!o || (a && !a->in_scope(o->path)))
      throw Error(ErrorKind::not_found, "org.not_found",
                  "Không tìm thấy tổ chức đảng có mã '" + org_code + "' (hoặc bạn không có quyền với tổ chức này)");
    org = *o;
  }
  FilePreview p;
  try {
    p = preview(f, org.id);
  } catch (const base::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(ErrorKind::bad_request, "import.file", std::string("Không đọc được tệp: ") + e.what());
  }
  const std::string kind = p.fix_sheet ? "fixes" : "roster";
  if (a && !can_import(*a, kind))
    throw Error(ErrorKind::forbidden, "forbidden",
                kind == "roster" ? "Chỉ cán bộ Ban Tổ chức (hoặc quản trị) được nhập danh sách đảng viên"
                                 : "Bạn không có quyền sửa hồ sơ đảng viên");
  if (!mapping_json.empty() && !p.fix_sheet) {
    try {
      apply_mapping_json(p.mapping, mapping_json, "ánh xạ cột");
    } catch (const std::exception& e) {
      throw Error(ErrorKind::bad_request, "import.mapping", e.what());
    }
  }
  int64_t size = 0;
  std::string sha = file_sha256(f, &size);
  std::string now = db::now_utc(), b64 = f.data.empty() ? std::string() : base64_encode(f.data);
  std::string mapping = p.fix_sheet ? std::string() : mapping_json_of(p.mapping);
  batch_size = std::clamp(batch_size, 1, 100000);
  int64_t id = 0;
  {
    auto s = impl_->db.session();
    isql::Query q;
    q.text = "INSERT INTO import_job(kind, org_id, org_path, file_name, file_sha256, file_size, file_data, file_path, source, "
             "header_sig, mapping, dry_run, status, batch_size, rows_total, created_by, created_by_name, created_at) VALUES (" +
             q.add(kind) + "," + q.add(org.id) + "," + q.add(org.path) + "," + q.add(f.name) + "," + q.add(sha) + "," +
             q.add(size) + "," + (b64.empty() ? std::string("NULL") : q.add(std::move(b64))) + "," +
             (f.path.empty() ? std::string("NULL") : q.add(f.path)) + "," + q.add(p.source) + "," + q.add(p.header_sig) +
             "," + q.add(mapping) + "," + q.add(dry_run ? 1 : 0) + "," + q.add(status) + "," + q.add(batch_size) + "," +
             q.add(p.rows_estimate) + "," + (a ? q.add(a->user_id) : std::string("NULL")) + "," +
             q.add(a ? a->username : std::string("system")) + "," + q.add(now) + ")";
    if (isql::is_postgresql(*s)) {
      q.text += " RETURNING id";
      id = isql::to_i64(isql::scalar(*s, q));
    } else {
      isql::exec(*s, q);
      long long rid = 0;
      *s << "SELECT last_insert_rowid()", soci::into(rid);
      id = rid;
    }
  }
  return *load_job(impl_->db, id);
}

void Importer::confirm_job(const security::Actor* a, int64_t job_id, const std::string& mapping_json, bool dry_run,
                           bool save) {
  auto j = load_job(impl_->db, job_id);
  if (!j || (a && !a->in_scope(j->org_path)))
    throw Error(ErrorKind::not_found, "import.not_found", "Không tìm thấy lần nhập số " + std::to_string(job_id));
  if (a && !can_import(*a, j->kind)) throw Error(ErrorKind::forbidden, "forbidden", "Bạn không có quyền nhập dữ liệu này");
  if (j->status != "uploaded" && j->status != "queued")
    throw Error(ErrorKind::conflict, "import.started", "Lần nhập này đã bắt đầu; không đổi được ánh xạ cột nữa");
  std::string mapping = j->mapping;
  if (j->kind == "roster") {
    auto f = job_file(impl_->db, *j);
    auto rd = open_reader(f);
    HeaderRead h = read_header(*rd);
    Mapping m = auto_mapping(h.header);
    try {
      if (!mapping_json.empty()) apply_mapping_json(m, mapping_json, "ánh xạ cột");
      else if (!j->mapping.empty()) apply_mapping_json(m, j->mapping, "ánh xạ cột");
    } catch (const std::exception& e) {
      throw Error(ErrorKind::bad_request, "import.mapping", e.what());
    }
    if (!m.has(Field::full_name) && !m.has(Field::given_name) && !m.has(Field::family_middle))
      throw Error(ErrorKind::bad_request, "import.mapping",
                  "Cần một cột họ và tên (hoặc cột tên): hãy chọn trường cho cột chứa họ tên");
    mapping = mapping_json_of(m);
  }
  auto s = impl_->db.session();
  isql::Query q;
  q.text = "UPDATE import_job SET mapping = " + q.add(mapping) + ", dry_run = " + q.add(dry_run ? 1 : 0) +
           ", status = 'queued' WHERE id = " + q.add(job_id) + " AND status IN ('uploaded', 'queued')";
  if (isql::exec(*s, q) != 1) throw Error(ErrorKind::conflict, "import.started", "Lần nhập này đã bắt đầu");
  if (save && j->kind == "roster") {
    soci::transaction tr(*s);
    isql::Query d;
    d.text = "DELETE FROM import_mapping WHERE org_id = " + d.add(j->org_id) + " AND header_sig = " + d.add(j->header_sig);
    isql::exec(*s, d);
    isql::Query ins;
    ins.text = "INSERT INTO import_mapping(org_id, header_sig, mapping, updated_at, updated_by) VALUES (" + ins.add(j->org_id) +
               "," + ins.add(j->header_sig) + "," + ins.add(mapping) + "," + ins.add(db::now_utc()) + "," +
               ins.add(a ? a->username : std::string("system")) + ")";
    isql::exec(*s, ins);
    tr.commit();
  }
}

std::optional<ImportJob> Importer::interrupted_job(int64_t org_id, const std::string& sha256, const std::string& kind) {
  mark_interrupted_jobs(impl_->db);
  auto s = impl_->db.session();
  isql::Query q;
  q.text = std::string("SELECT ") + kJobCols + " FROM import_job j JOIN organization o ON o.id = j.org_id WHERE j.org_id = " +
           q.add(org_id) + " AND j.file_sha256 = " + q.add(sha256) + " AND j.kind = " + q.add(kind) +
           " AND j.dry_run = 0 AND j.status = 'interrupted' ORDER BY j.id DESC LIMIT 1";
  std::optional<ImportJob> out;
  isql::each(*s, q, kJobColCount, [&](const isql::Row& r) { out = job_from(r); });
  return out;
}

std::optional<ImportJob> Importer::running_import() {
  mark_interrupted_jobs(impl_->db);
  auto s = impl_->db.session();
  isql::Query q(std::string("SELECT ") + kJobCols +
                " FROM import_job j JOIN organization o ON o.id = j.org_id WHERE j.status = 'running' AND j.dry_run = 0 "
                "ORDER BY j.id LIMIT 1");
  std::optional<ImportJob> out;
  isql::each(*s, q, kJobColCount, [&](const isql::Row& r) { out = job_from(r); });
  return out;
}

std::string import_busy_message(const ImportJob& other) {
  const std::string who =
      other.created_by_name.empty() || other.created_by_name == "system" ? std::string("dòng lệnh") : other.created_by_name;
  return "Đang có một lần nhập khác chạy (số " + std::to_string(other.id) + ": tệp " + other.file_name + " vào " +
         other.org_name + ", bắt đầu lúc " + web::vietnam_time(other.started_at) + ", người chạy: " + who +
         "). Mỗi lúc chỉ một lần nhập được ghi vào cơ sở dữ liệu, để không lập trùng hồ sơ. Lần nhập này chưa ghi gì; "
         "hãy chạy lại khi lần nhập kia xong.";
}

ImportResult Importer::run(int64_t job_id, const security::Actor* actor,
                           const std::function<void(const ImportProgress&)>& progress, const std::atomic<bool>* cancel) {
  mark_interrupted_jobs(impl_->db);
  auto j = load_job(impl_->db, job_id);
  if (!j) throw Error(ErrorKind::not_found, "import.not_found", "Không tìm thấy lần nhập số " + std::to_string(job_id));
  {
    // The claim. One import that writes runs at a time (any organization, any process): two at
    // once both decide "new member" for the same row before either has stored its key, and the
    // second then breaks on member_source_key's primary key half-way. A dry run writes nothing
    // and is not held back. SQLite: BEGIN IMMEDIATE serializes the claims; PostgreSQL: a
    // transaction-scoped advisory lock, so the check sees every claim committed before it.
    auto s = impl_->db.session();
    db::WriteTransaction tr(*s);
    if (isql::is_postgresql(*s)) *s << "SELECT pg_advisory_xact_lock(727275)";
    isql::Query q;
    std::string now = db::now_utc();
    q.text = "UPDATE import_job SET status = 'running', runner = " + q.add(runner_id()) + ", heartbeat_at = " + q.add(now) +
             ", started_at = COALESCE(started_at, " + q.add(now) + "), message = '' WHERE id = " + q.add(job_id) +
             " AND status IN ('queued', 'interrupted', 'failed') AND (dry_run = 1 OR NOT EXISTS (SELECT 1 FROM import_job r "
             "WHERE r.status = 'running' AND r.dry_run = 0 AND r.id <> " + q.add(job_id) + "))";
    const auto claimed = isql::exec(*s, q);
    tr.commit();
    if (claimed != 1) {
      if (j->status == "running")
        throw Error(ErrorKind::conflict, "import.running", "Lần nhập số " + std::to_string(job_id) + " đang chạy");
      if (j->status == "done")
        throw Error(ErrorKind::conflict, "import.done", "Lần nhập số " + std::to_string(job_id) + " đã hoàn tất");
      if (auto other = running_import(); other && other->id != job_id)
        throw Error(ErrorKind::conflict, "import.busy", import_busy_message(*other));
      throw Error(ErrorKind::conflict, "import.not_ready",
                  "Lần nhập số " + std::to_string(job_id) + " chưa được xác nhận ánh xạ cột");
    }
  }
  j = load_job(impl_->db, job_id);
  try {
    if (j->kind == "fixes") return run_fix_job(*impl_, *j, actor, progress, cancel);
    return impl_->run_roster(*j, actor, progress, cancel);
  } catch (const Cancelled&) {
    auto cur = load_job(impl_->db, job_id);
    finish_job(impl_->db, *cur, "interrupted", "Lần nhập dừng lại khi máy chủ tắt; các lô đã ghi được giữ nguyên, chạy tiếp để hoàn tất");
    ImportResult r;
    r.job = *cur;
    return r;
  } catch (const std::exception& e) {
    auto cur = load_job(impl_->db, job_id);
    if (cur) finish_job(impl_->db, *cur, "failed", e.what());
    throw;
  }
}

// ---- the roster run ---------------------------------------------------------------------------

namespace {

// One data row, prepared on a worker.
struct Prepared {
  RawRecord rec;
  RowResult r;
  bool skip = false;          // committed by an earlier run (resume): only the file checks
  std::string id_value;       // the file's own code of the row (repaired): its id column, else a
                              // member-id cell that is not a registry id ("DV001")
  int64_t member_ref = 0;     // the registry member id the row names (member-id column), or 0
  std::string member_text;    // that cell as written
  std::string row_key;        // shown beside the row (import_row.row_key): the code or id, else the STT
  std::string hash_key;       // SHA-256 of the cells (row-number column left out)
  std::string values_hash;    // SHA-256 of the standardized values
  std::string raw_json;       // the cells as read, JSON
  MemberValues mv;
  bool synthetic = false;
};

struct Chunk {
  std::size_t seq = 0;
  std::vector<Prepared> rows;
  std::size_t n = 0;
};

template <class T>
using Queue = base::BoundedQueue<T>;  // (src/base/bounded_queue.hpp)

struct OrgEntry {
  int64_t id = 0;
  std::string code, name, path, valid_from;
};

// Organizations valid today inside the subtree the file is imported into.
struct OrgIndex {
  std::unordered_map<std::string, OrgEntry> by_code;
  std::unordered_map<std::string, std::vector<const OrgEntry*>> by_name;
  OrgEntry root;
  void load(soci::session& sql, int64_t root_id) {
    std::string today = base::today().iso();
    auto o = registry::find_org_by_id(sql, root_id);
    if (!o) throw std::runtime_error("Tổ chức của lần nhập không còn tồn tại");
    isql::Query q;
    q.text = "SELECT id, code, name, path, valid_from FROM organization WHERE path >= " + q.add(o->path) + " AND path < " +
             q.add(registry::subtree_end(o->path)) + " AND valid_from <= " + q.add(today) +
             " AND (valid_to IS NULL OR valid_to > " + q.add(today) + ")";
    isql::each(sql, q, 5, [&](const isql::Row& r) {
      OrgEntry e{r.i(0), r.s(1), r.s(2), r.s(3), r.s(4)};
      by_code[e.code] = e;
    });
    for (auto& [code, e] : by_code) by_name[vntext::search_key(e.name)].push_back(&e);
    root = OrgEntry{o->id, o->code, o->name, o->path, o->valid_from.iso()};
    if (!by_code.count(root.code)) by_code[root.code] = root;
  }
  // Why a row's organization code is not one of by_code, naming the code: an organization of the
  // subtree that is no longer (or not yet) valid, else "not in the subtree" — which says nothing
  // about organizations outside it (docs/security.md). Cached per code.
  std::unordered_map<std::string, std::string> refused;
  const std::string& why_not(soci::session& sql, const std::string& code) {
    auto it = refused.find(code);
    if (it != refused.end()) return it->second;
    const std::string today = base::today().iso();
    std::string why = "Mã tổ chức '" + code + "' không có trong " + root.name +
                      ": không ghi được đảng viên vào tổ chức này (kiểm tra lại mã)";
    isql::Query q;
    q.text = "SELECT name, valid_from, valid_to FROM organization WHERE code = " + q.add(code) + " AND path >= " +
             q.add(root.path) + " AND path < " + q.add(registry::subtree_end(root.path)) + " ORDER BY valid_from DESC LIMIT 1";
    isql::each(sql, q, 3, [&](const isql::Row& r) {
      auto shown = [](const std::string& iso) {
        auto d = base::parse_iso_date(iso);
        return d ? d->display() : iso;
      };
      if (!r.null(2) && r.s(2) <= today)
        why = "Mã tổ chức '" + code + "' (" + r.s(0) + ") đã hết hiệu lực từ ngày " + shown(r.s(2)) +
              " (giải thể hoặc sắp xếp lại): không ghi được đảng viên vào tổ chức này";
      else if (r.s(1) > today)
        why = "Mã tổ chức '" + code + "' (" + r.s(0) + ") chỉ có hiệu lực từ ngày " + shown(r.s(1)) +
              ": chưa ghi được đảng viên vào tổ chức này";
    });
    return refused.emplace(code, std::move(why)).first->second;
  }
};

enum class Outcome { created, updated, unchanged, rejected };
const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::created: return "created";
    case Outcome::updated: return "updated";
    case Outcome::unchanged: return "unchanged";
    default: return "rejected";
  }
}

struct Decision {
  Outcome outcome = Outcome::created;
  int64_t member_id = 0;
  int ref = -1;  // index (in the batch) of the row that creates the member
  const OrgEntry* org = nullptr;
  bool org_named = false;  // the row names its organization (code or name cell), not the default
  bool moved = false;      // an update that transfers the member to `org`
  std::string key;
  bool key_known = false;  // the key is already stored (no new member_source_key row)
  // The key is "member:<id>" (a registry id: matched by the member table, never stored as a key).
  bool by_member_id() const { return key.rfind("member:", 0) == 0; }
  std::string reject_column, reject_reason;
};

// Copies the fields the file has from the row's member onto `dst` (a stored member: an update).
// A blank cell (its standardized value empty: `values`, one per column) is no information and
// leaves the stored value as it is; a column the file does not have changes nothing either.
void apply_row_fields(const Mapping& m, const std::vector<std::string>& values, const registry::Member& src,
                      registry::Member& dst) {
  for (std::size_t c = 0; c < m.fields.size(); ++c) {
    if (c >= values.size() || values[c].empty()) continue;
    switch (m.fields[c]) {
      case Field::full_name:
      case Field::family_middle:
      case Field::family_name:
      case Field::middle_name:
      case Field::given_name:
        dst.family_name = src.family_name;
        dst.middle_name = src.middle_name;
        dst.given_name = src.given_name;
        if (!src.other_names.empty()) dst.other_names = src.other_names;
        break;
      case Field::other_names: dst.other_names = src.other_names; break;
      case Field::gender: dst.gender = src.gender; break;
      case Field::birth_date: dst.birth_date = src.birth_date; break;
      case Field::birth_place: dst.birth_place = src.birth_place; break;
      case Field::home_town: dst.home_town = src.home_town; break;
      case Field::residence: dst.residence = src.residence; break;
      case Field::ethnicity: dst.ethnicity = src.ethnicity; break;
      case Field::religion: dst.religion = src.religion; break;
      case Field::citizen_id: dst.citizen_id = src.citizen_id; break;
      case Field::phone: dst.phone = src.phone; break;
      case Field::email: dst.email = src.email; break;
      case Field::admitted_on: dst.admitted_on = src.admitted_on; break;
      case Field::full_member_on: dst.full_member_on = src.full_member_on; break;
      case Field::card_number: dst.card_number = src.card_number; break;
      case Field::card_issued_on: dst.card_issued_on = src.card_issued_on; break;
      case Field::education: dst.education = src.education; break;
      case Field::professional: dst.professional_qualification = src.professional_qualification; break;
      case Field::theory_level: dst.theory_level = src.theory_level; break;
      case Field::occupation: dst.occupation = src.occupation; break;
      case Field::position: dst.position = src.position; break;
      case Field::status: dst.status = src.status; break;
      default: break;
    }
  }
}

// The registry member id a cell holds: 1 to 18 digits, the first not 0 (as the registry writes an
// id); 0 when the cell is anything else.
int64_t registry_id(const std::string& s) {
  if (s.empty() || s.size() > 18 || s[0] == '0') return 0;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return 0;
    v = v * 10 + (c - '0');
  }
  return v;
}

// True when a row (its standardized member) can be the stored member `m`: the full name
// (folded: case, marks and spaces ignored), the birth date, the citizen ID or the card number is
// in both and the same. Guards a registry-id match against a file whose "Mã" column numbers its
// rows its own way: one changed cell still matches, another person never does.
// True when the row's full name (folded) or birth date is in both and the same: the person part
// of same_person, alone for a match by CCCD (the number agrees by construction).
bool same_name_or_birth(const registry::Member& row, const registry::Member& m) {
  auto name = [](const registry::Member& x) {
    return vntext::search_key(x.family_name + " " + x.middle_name + " " + x.given_name);
  };
  if (!name(row).empty() && name(row) == name(m)) return true;
  return row.birth_date && m.birth_date && row.birth_date->iso() == m.birth_date->iso();
}

bool same_person(const registry::Member& row, const registry::Member& m) {
  if (same_name_or_birth(row, m)) return true;
  if (!row.citizen_id.empty() && row.citizen_id == m.citizen_id) return true;
  return !row.card_number.empty() && row.card_number == m.card_number;
}

// The path of the lowest organization covering both paths ("/1/2/3/" and "/1/2/4/" → "/1/2/").
std::string common_path(const std::string& a, const std::string& b) {
  std::string common;
  for (std::size_t k = 0; k < a.size() && k < b.size() && a[k] == b[k]; ++k)
    if (a[k] == '/') common = a.substr(0, k + 1);
  return common;
}

// {"field": [old, new]} for the editable fields that differ.
boost::json::object member_diff(const registry::Member& a, const registry::Member& b) {
  boost::json::object diff;
  for (auto& f : registry::editable_member_fields()) {
    std::string x = registry::member_field_text(a, f), y = registry::member_field_text(b, f);
    if (x != y) diff[f] = boost::json::array{boost::json::string(x), boost::json::string(y)};
  }
  return diff;
}

}  // namespace

ImportResult Importer::Impl::run_roster(ImportJob job, const security::Actor* actor,
                                        const std::function<void(const ImportProgress&)>& progress,
                                        const std::atomic<bool>* cancel) {
  const auto t0 = std::chrono::steady_clock::now();
  ImportResult res;
  ImportFile file = job_file(db, job);
  auto reader = open_reader(file);
  HeaderRead head = read_header(*reader);
  res.header_line = head.header_line;
  Mapping m = auto_mapping(head.header);
  if (!job.mapping.empty()) apply_mapping_json(m, job.mapping, "ánh xạ cột của lần nhập");
  res.mapping = m;
  if (!m.has(Field::full_name) && !m.has(Field::given_name) && !m.has(Field::family_middle))
    throw std::runtime_error("Không thấy cột họ và tên trong tệp (cần một cột như 'Họ và tên'); hãy chỉ rõ ánh xạ cột");
  const int c_row = m.column_of(Field::row_number), c_id = m.column_of(Field::id),
            c_member = m.column_of(Field::member_id);
  int c_synthetic = -1;
  for (std::size_t c = 0; c < m.header.size(); ++c)
    if (lower_key(m.header[c]) == "du lieu mo phong") c_synthetic = int(c);
  const int c_name = m.has(Field::full_name) ? m.column_of(Field::full_name)
                                             : (m.has(Field::given_name) ? m.column_of(Field::given_name) : m.column_of(Field::family_middle));
  const int c_org_code = m.column_of(Field::org_code), c_org_name = m.column_of(Field::org_name),
            c_cid = m.column_of(Field::citizen_id), c_card = m.column_of(Field::card_number);
  auto header_of = [&](int c) { return c >= 0 && std::size_t(c) < m.header.size() ? m.header[std::size_t(c)] : std::string(); };

  OrgIndex orgs;
  int64_t resume_after = 0;
  {
    auto s = db.session();
    orgs.load(*s, job.org_id);
    isql::Query q;
    q.text = "SELECT max(last_line) FROM import_batch WHERE import_id = " + q.add(job.id);
    resume_after = isql::to_i64(isql::scalar(*s, q));
    // the counters as the committed batches left them
    isql::Query c;
    c.text = "SELECT count(*), sum(rows_read), sum(rows_created), sum(rows_updated), sum(rows_unchanged), sum(rows_rejected) "
             "FROM import_batch WHERE import_id = " + c.add(job.id);
    isql::each(*s, c, 6, [&](const isql::Row& r) {
      job.batches_done = int(r.i(0));
      job.rows_read = r.i(1);
      job.rows_created = r.i(2);
      job.rows_updated = r.i(3);
      job.rows_unchanged = r.i(4);
      job.rows_rejected = r.i(5);
    });
  }
  res.resumed_after_line = resume_after;

  // Records: an XLSX sheet is read whole first (its size is known exactly, for the progress).
  std::vector<RawRecord> pre;
  bool from_pre = is_xlsx(file);
  if (from_pre) {
    for (auto& r : head.after) pre.push_back(std::move(r));
    RawRecord r;
    while (reader->next(r)) pre.push_back(std::move(r));
    job.rows_total = int64_t(pre.size());
  } else if (job.rows_total <= 0) {
    job.rows_total = std::max<int64_t>(0, count_lines(file) - int64_t(head.header_line));
  }
  {
    auto s = db.session();
    isql::Query q;
    q.text = "UPDATE import_job SET rows_total = " + q.add(job.rows_total) + ", source = " + q.add(head.source) +
             " WHERE id = " + q.add(job.id);
    isql::exec(*s, q);
  }
  auto report = [&](const std::string& status) {
    if (!progress) return;
    ImportProgress p;
    p.import_id = job.id;
    p.status = status;
    p.rows_total = job.rows_total;
    p.rows_read = job.rows_read;
    p.created = job.rows_created;
    p.updated = job.rows_updated;
    p.unchanged = job.rows_unchanged;
    p.rejected = job.rows_rejected;
    p.batches = job.batches_done;
    progress(p);
  };
  report("running");

  // No status column: the status is not invented. It follows from the dates by the probation rule
  // (a full-membership date, or the probation months since admission have passed: full; else
  // probationary), said in an info finding; with neither date it cannot be derived: the model's
  // default (probationary) is kept and a warning asks for the status.
  const bool has_status = m.has(Field::status);
  const base::CivilDate today = base::today();
  auto derive_status = [&](RowResult& r) {
    registry::Member& mb = r.member;
    std::string why;
    if (mb.full_member_on) {
      mb.status = registry::MemberStatus::full;
      why = "“Chính thức” theo ngày chính thức " + mb.full_member_on->display();
    } else if (mb.admitted_on) {
      const base::RuleVersion& pr = rules.at("member.probation_months", *mb.admitted_on);
      const bool over = base::add_months(*mb.admitted_on, int(pr.value)) <= today;
      mb.status = over ? registry::MemberStatus::full : registry::MemberStatus::probationary;
      why = std::string(over ? "“Chính thức”: đã qua " : "“Dự bị”: chưa qua ") + std::to_string(int(pr.value)) +
            " tháng dự bị kể từ ngày vào Đảng " + mb.admitted_on->display() + " (" + pr.source + ")";
    } else {
      mb.status = registry::MemberStatus::probationary;
      r.findings.push_back(Finding{-1, "status.unknown", Severity::warning,
                                   "Tệp không có cột tình trạng đảng viên, hồ sơ không có ngày vào Đảng và ngày chính thức: "
                                   "chưa xác định được tình trạng (tạm ghi “Dự bị”); cần ghi tình trạng đúng",
                                   "", ""});
      return;
    }
    r.findings.push_back(Finding{-1, "status.derived", Severity::info,
                                 "Tệp không có cột tình trạng đảng viên; tình trạng suy ra từ ngày tháng: " + why, "", ""});
  };
  // Required fields whose column the file does not have (a column that is there but empty is the
  // standardizer's required.missing): one warning per stored member and field, with its source.
  struct Required {
    Field field;
    const char* what;
    const char* source;
  };
  static const Required kRequired[] = {
      {Field::gender, "giới tính", "Phiếu đảng viên mẫu 2-HSĐV, Hướng dẫn 12-HD/BTCTW (18/1/2022)"},
      {Field::birth_date, "ngày sinh", "Phiếu đảng viên mẫu 2-HSĐV, Hướng dẫn 12-HD/BTCTW (18/1/2022)"},
      {Field::admitted_on, "ngày vào Đảng", "Phiếu đảng viên mẫu 2-HSĐV, Sổ danh sách đảng viên mẫu 7-HSĐV, Hướng dẫn 12-HD/BTCTW (18/1/2022)"},
      {Field::citizen_id, "số CCCD (số định danh cá nhân)",
       "Phiếu đảng viên mẫu 2-HSĐV; số định danh cá nhân là khóa của cơ sở dữ liệu đảng viên (Luật Căn cước 2023)"},
  };
  std::vector<const Required*> absent_required;
  for (const Required& rq : kRequired)
    if (!m.has(rq.field)) absent_required.push_back(&rq);

  // ---- workers ----
  const std::size_t chunk_rows = 512;
  const int nthreads = 2;
  Queue<std::unique_ptr<Chunk>> work(nthreads * 2), done_q(nthreads * 4);
  std::mutex pool_m;
  std::vector<std::unique_ptr<Chunk>> pool;
  auto get_chunk = [&] {
    std::lock_guard lk(pool_m);
    if (pool.empty()) {
      auto c = std::make_unique<Chunk>();
      c->rows.resize(chunk_rows);
      return c;
    }
    auto c = std::move(pool.back());
    pool.pop_back();
    return c;
  };
  std::vector<std::thread> workers;
  std::atomic<int> workers_left{nthreads};
  std::exception_ptr worker_error;
  std::atomic<bool> stop_reading{false};
  for (int t = 0; t < nthreads; ++t)
    workers.emplace_back([&] {
      struct Last {
        std::atomic<int>& left;
        Queue<std::unique_ptr<Chunk>>& q;
        ~Last() {
          if (--left == 0) q.close();  // the writer's queue ends when every worker is done
        }
      } last{workers_left, done_q};
      std::unique_ptr<Chunk> c;
      std::string buf;
      try {
      while (work.pop(c)) {
        for (std::size_t i = 0; i < c->n; ++i) {
          Prepared& p = c->rows[i];
          st.standardize_row(m, p.rec.cells, p.r);
          if (!has_status && !p.r.blank && !p.r.rejected) derive_status(p.r);
          if (p.rec.malformed && !p.r.blank && !p.r.rejected && p.rec.cells.size() != m.header.size()) {
            p.r.rejected = true;
            p.r.findings.insert(p.r.findings.begin(), Finding{-1, "row.malformed", Severity::error,
                                                              "Dòng có dấu ngoặc kép không đóng; không tách được các ô", "", ""});
          }
          p.skip = int64_t(p.rec.line) <= resume_after;
          if (p.r.blank || p.skip) continue;
          auto cell_text = [&](int c) {
            return c >= 0 && std::size_t(c) < p.rec.cells.size()
                       ? vntext::collapse_spaces(vntext::repair_text(p.rec.cells[std::size_t(c)]).text)
                       : std::string();
          };
          // The member-id column: a registry id (digits, as the export writes it) names a member;
          // any other value ("DV001") cannot be one and is the file's own code.
          p.member_text = cell_text(c_member);
          p.member_ref = registry_id(p.member_text);
          p.id_value = c_id >= 0 ? cell_text(c_id) : (p.member_ref ? std::string() : p.member_text);
          p.row_key = !p.id_value.empty() ? p.id_value : !p.member_text.empty() ? p.member_text : cell_text(c_row);
          buf.clear();
          std::size_t last = p.rec.cells.size();
          while (last > 0 && p.rec.cells[last - 1].empty()) --last;
          std::vector<std::string> shown;
          shown.reserve(p.rec.cells.size());
          for (std::size_t k = 0; k < p.rec.cells.size(); ++k) {
            shown.push_back(displayable(p.rec.cells[k]));
            if (k < last && int(k) != c_row) {
              buf += p.rec.cells[k];
              buf += '\x1f';
            }
          }
          p.hash_key = security::sha256_hex(buf);
          p.raw_json = json_strings(shown);
          buf.clear();
          for (std::size_t k = 0; k < p.r.values.size(); ++k)
            if (int(k) != c_row) {
              buf += p.r.values[k];
              buf += '\x1f';
            }
          p.values_hash = security::sha256_hex(buf);
          p.synthetic = c_synthetic >= 0 && std::size_t(c_synthetic) < p.r.values.size() &&
                        lower_key(p.r.values[std::size_t(c_synthetic)]) == "co";
          if (!p.r.rejected) member_values(p.r.member, p.mv);
        }
        done_q.push(std::move(c));
      }
      } catch (...) {
        std::lock_guard lk(pool_m);
        if (!worker_error) worker_error = std::current_exception();
        stop_reading = true;
        work.close();
      }
    });

  // ---- reader ----
  std::exception_ptr reader_error;
  std::thread reader_thread([&] {
    try {
      std::size_t seq = 0, k = 0;
      auto chunk = get_chunk();
      chunk->n = 0;
      auto flush = [&] {
        if (chunk->n == 0) return;
        chunk->seq = seq++;
        work.push(std::move(chunk));
        chunk = get_chunk();
        chunk->n = 0;
      };
      auto next = [&](RawRecord& r) -> bool {
        if (from_pre) {
          if (k >= pre.size()) return false;
          r = std::move(pre[k++]);
          return true;
        }
        if (k < head.after.size()) {
          r = std::move(head.after[k++]);
          return true;
        }
        return reader->next(r);
      };
      while (!stop_reading) {
        if (!next(chunk->rows[chunk->n].rec)) break;
        if (++chunk->n >= chunk_rows) flush();
      }
      flush();
    } catch (...) {
      reader_error = std::current_exception();
    }
    work.close();
  });

  // ---- writer (this thread) ----
  FileChecks checks;
  std::vector<Prepared*> batch;  // rows of the pending batch, inside the chunks held below
  batch.reserve(std::size_t(job.batch_size));
  std::vector<std::unique_ptr<Chunk>> held;
  auto release_held = [&] {
    std::lock_guard lk(pool_m);
    for (auto& c : held) pool.push_back(std::move(c));
    held.clear();
  };
  int64_t batch_blank = 0;
  std::unordered_map<std::string, std::pair<int64_t, std::string>> run_keys;  // key → member id, values hash
  std::unordered_map<std::string, int64_t> run_key_line;
  std::unordered_map<std::string, int64_t> run_cid_line;  // CCCD → the first line of the run that stores it
  // A row whose record lives outside the subtree imported into: the reason shown says nothing about
  // that record (docs/security.md: nothing leaks across scopes); the real one goes to the audit
  // log, filed under the lowest organization covering both (the upper level that may see it).
  struct OutsideAudit {
    int64_t line, member_id;
    std::string org_path, reason;
  };
  std::vector<OutsideAudit> outside_audits;
  auto refuse_outside = [&](const Prepared& p, Decision& d, int column, int64_t member_id, const std::string& path,
                            const std::string& real_reason) {
    d.outcome = Outcome::rejected;
    d.reject_column = header_of(column);
    d.reject_reason = "Không lưu được dòng này; liên hệ Ban Tổ chức cấp trên";
    outside_audits.push_back({int64_t(p.rec.line), member_id, common_path(path, job.org_path), real_reason});
  };
  const std::string scope_end = registry::subtree_end(job.org_path);
  // The CCCDs and card numbers ("cid:…", "card:…") that rows this run accepted give a member, with
  // the row (line), the member (0 for a created one) and its name: no other row may give one of
  // them to another member, stored or not yet (a dry run stores nothing). Only accepted rows claim.
  struct Claim {
    int64_t line, member_id;
    std::string name;
  };
  std::unordered_map<std::string, Claim> run_idents;
  // member id → its CCCD and card number as the accepted rows of this run left them (a dry run
  // stores nothing, and a batch is decided before it is written).
  std::unordered_map<int64_t, std::pair<std::string, std::string>> run_member_idents;
  auto session = db.session();
  soci::session& sql = *session;
  std::unique_ptr<BulkWriter> writer;
  if (!job.dry_run) writer = std::make_unique<BulkWriter>(sql);
  // SQLite: a larger page cache while the member indexes grow (restored at the end: the
  // connection goes back to the pool).
  struct CacheSize {
    soci::session& sql;
    bool on;
    CacheSize(soci::session& s, bool o) : sql(s), on(o) {
      if (on) sql << "PRAGMA cache_size = -131072";
    }
    ~CacheSize() {
      try {
        if (on) sql << "PRAGMA cache_size = -65536";
      } catch (...) {
      }
    }
  } cache_size(sql, !isql::is_postgresql(sql) && !job.dry_run);
  const bool pg = isql::is_postgresql(sql);
  std::vector<std::string> dry_rejected;

  int64_t run_moved = 0;  // updated rows of this run that transferred their member
  double t_db = 0;  // seconds spent writing batches (the rest of the writer's time: waiting for rows)
  // "id:" keys belong to the organization imported into; "hash:" keys to every (scope 0).
  // The column of the first member field longer than the registry allows; -2 when none is.
  auto too_long_column = [&](const Prepared& p) -> int {
    for (const std::string& f : registry::editable_member_fields())
      if (registry::member_field_text(p.r.member, f).size() > registry::kMaxFieldBytes) {
        for (std::size_t c = 0; c < m.fields.size(); ++c)
          for (const std::string& rf : registry_fields(m.fields[c]))
            if (rf == f) return int(c);
        return -1;
      }
    return -2;
  };
  auto key_scope = [&](const std::string& key) -> int64_t { return key.rfind("id:", 0) == 0 ? job.org_id : 0; };
  auto write_batch = [&]() {
    if (batch.empty()) return;
    const auto tb = std::chrono::steady_clock::now();
    struct Timer {
      double& acc;
      std::chrono::steady_clock::time_point t;
      ~Timer() { acc += std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count(); }
    } timer{t_db, tb};
    if (cancel && *cancel) throw Cancelled{};
    const std::size_t n = batch.size();
    std::vector<Decision> dec(n);
    // Keys of the rows that can be stored.
    std::vector<std::string> lookup;
    std::vector<int64_t> member_ids;  // registry ids named by the rows
    for (std::size_t i = 0; i < n; ++i) {
      Prepared& p = *batch[i];
      Decision& d = dec[i];
      if (p.r.rejected) {
        d.outcome = Outcome::rejected;
        for (auto& f : p.r.findings)
          if (f.column < 0 && f.severity == Severity::error) {
            d.reject_reason = f.message;
            break;
          }
        if (d.reject_reason.empty()) d.reject_reason = "Dòng không dùng được";
        continue;
      }
      if (p.r.member.given_name.empty() && p.r.member.family_name.empty()) {
        d.outcome = Outcome::rejected;
        d.reject_column = header_of(c_name);
        d.reject_reason = "Thiếu họ và tên: không lập được hồ sơ đảng viên";
        continue;
      }
      // The registry's per-field limit (registry::apply_member_changes, as for an edit): a value
      // longer than that is not stored (the row is refused; its cells stay in import_row.raw).
      if (int c = too_long_column(p); c != -2) {
        d.outcome = Outcome::rejected;
        d.reject_column = header_of(c);
        d.reject_reason = "Giá trị quá dài (tối đa " + std::to_string(registry::kMaxFieldBytes) +
                          " ký tự): không lưu được dòng này";
        continue;
      }
      // The card number under the registry's rule for an edit (registry::card_number_problem).
      if (std::string why = registry::card_number_problem(p.r.member.card_number); !why.empty()) {
        d.outcome = Outcome::rejected;
        d.reject_column = header_of(c_card);
        d.reject_reason = why + " (ô ghi “" + p.r.member.card_number + "”): không lưu được dòng này";
        continue;
      }
      // The organization: the row's code, else its name, else the one imported into.
      std::string code = c_org_code >= 0 ? p.r.values[std::size_t(c_org_code)] : std::string();
      std::string oname = c_org_name >= 0 ? p.r.values[std::size_t(c_org_name)] : std::string();
      if (!code.empty()) {
        auto it = orgs.by_code.find(code);
        if (it == orgs.by_code.end()) {
          d.outcome = Outcome::rejected;
          d.reject_column = header_of(c_org_code);
          d.reject_reason = orgs.why_not(sql, code);
          continue;
        }
        d.org = &it->second;
        d.org_named = true;
      } else if (!oname.empty()) {
        auto it = orgs.by_name.find(vntext::search_key(oname));
        if (it == orgs.by_name.end() || it->second.size() != 1) {
          d.outcome = Outcome::rejected;
          d.reject_column = header_of(c_org_name);
          d.reject_reason = it == orgs.by_name.end()
                                ? "Không có tổ chức tên '" + oname + "' trong " + orgs.root.name
                                : "Có " + std::to_string(it->second.size()) + " tổ chức tên '" + oname + "' trong " +
                                      orgs.root.name + "; cần cột mã chi bộ";
          continue;
        }
        d.org = it->second.front();
        d.org_named = true;
      } else {
        d.org = &orgs.by_code[orgs.root.code];
      }
      if (p.member_ref) {
        d.key = "member:" + std::to_string(p.member_ref);
        if (!run_keys.count(d.key)) member_ids.push_back(p.member_ref);
        continue;
      }
      d.key = !p.id_value.empty() ? "id:" + p.id_value : "hash:" + p.hash_key;
      if (!run_keys.count(d.key)) lookup.push_back(d.key);
    }
    // Keys stored by earlier imports: "id:" keys of this organization, "hash:" keys of any
    // (the same row content is the same record wherever it was imported) — with the member's
    // organization, to refuse a row whose record lives outside the scope.
    struct Known {
      int64_t member_id;
      std::string values_hash, org_path;
    };
    std::unordered_map<std::string, Known> known;
    // Values looked up in chunks: on PostgreSQL one array parameter per batch (a list of a few
    // hundred parameters costs more to plan than to run), on SQLite an IN list of 200.
    auto lookup_in = [&](const std::vector<std::string>& values, const std::string& head, const std::string& column,
                         const std::string& tail, std::size_t ncols, const std::function<void(const isql::Row&)>& on_row) {
      const std::size_t chunk = pg ? 100000 : 200;
      for (std::size_t off = 0; off < values.size(); off += chunk) {
        std::vector<std::string> part(values.begin() + long(off), values.begin() + long(std::min(values.size(), off + chunk)));
        isql::Query q;
        q.text = head;
        if (pg) {
          std::string joined;
          for (auto& v : part) {
            if (!joined.empty()) joined += '\x1f';
            joined += v;
          }
          q.text += column + " = ANY(string_to_array(" + q.add(std::move(joined)) + ", chr(31)))";
        } else {
          q.text += column + " IN " + isql::in_list(q, part);
        }
        q.text += tail;
        isql::each(sql, q, ncols, on_row);
      }
    };
    lookup_in(lookup,
              "SELECT k.source_key, k.member_id, k.values_hash, m.org_path FROM member_source_key k JOIN member m ON m.id = "
              "k.member_id WHERE k.scope_org_id IN (" + std::to_string(job.org_id) + ", 0) AND ",
              "k.source_key", "", 4, [&](const isql::Row& r) { known[r.s(0)] = Known{r.i(1), r.s(2), r.s(3)}; });
    // Members named by their registry id (the member-id column).
    std::unordered_map<int64_t, registry::Member> by_id;
    for (auto& mb : registry::find_members(sql, member_ids)) by_id.emplace(mb.id, std::move(mb));
    // Citizen IDs of the rows that no key matched.
    std::vector<std::string> cids;
    auto cid_usable = [&](const Prepared& p) { return p.r.citizen_id.size() == 12; };
    for (std::size_t i = 0; i < n; ++i)
      if (dec[i].outcome != Outcome::rejected && !dec[i].by_member_id() && !run_keys.count(dec[i].key) &&
          !known.count(dec[i].key) && cid_usable(*batch[i]))
        cids.push_back(batch[i]->r.citizen_id);
    std::unordered_map<std::string, std::vector<std::pair<int64_t, std::string>>> by_cid;  // → (member, org_path)
    lookup_in(cids, "SELECT citizen_id, id, org_path FROM member WHERE ", "citizen_id", "", 3,
              [&](const isql::Row& r) { by_cid[r.s(0)].push_back({r.i(1), r.s(2)}); });
    std::unordered_map<std::string, int> batch_cid;  // citizen ID → row (in this batch) creating its member

    // One member per CCCD and per card number, in file order (as registry::RegistryService::
    // update_member checks an edit): the stored members that rows may update, and the stored
    // holders of the CCCDs and card numbers the rows carry ("cid:…", "card:…").
    std::unordered_map<int64_t, registry::Member> before_batch;
    {
      std::vector<int64_t> ids;  // a known key with the same values hash changes nothing: not read
      for (std::size_t i = 0; i < n; ++i) {
        if (dec[i].outcome == Outcome::rejected || dec[i].by_member_id() || run_keys.count(dec[i].key)) continue;
        if (auto k = known.find(dec[i].key); k != known.end()) {
          if (k->second.values_hash != batch[i]->values_hash) ids.push_back(k->second.member_id);
        } else if (auto c = by_cid.find(batch[i]->r.citizen_id); c != by_cid.end()) {
          for (auto& [mid, path] : c->second) ids.push_back(mid);
        }
      }
      for (auto& mb : registry::find_members(sql, ids)) before_batch.emplace(mb.id, std::move(mb));
      for (auto& [id, mb] : by_id) before_batch.emplace(id, mb);
    }
    std::unordered_map<std::string, std::vector<registry::Member>> holders;
    for (const bool cid : {true, false}) {
      std::vector<std::string> values;
      for (std::size_t i = 0; i < n; ++i) {
        const std::string& v = cid ? batch[i]->r.member.citizen_id : batch[i]->r.member.card_number;
        if (dec[i].outcome != Outcome::rejected && !v.empty()) values.push_back(v);
      }
      std::sort(values.begin(), values.end());
      values.erase(std::unique(values.begin(), values.end()), values.end());
      const std::string column = cid ? "citizen_id" : "card_number";
      lookup_in(values, "SELECT " + column + ", id, org_path, family_name, middle_name, given_name FROM member WHERE ", column,
                " ORDER BY id", 6, [&](const isql::Row& r) {
                  registry::Member h;
                  h.id = r.i(1);
                  h.org_path = r.s(2);
                  h.family_name = r.s(3);
                  h.middle_name = r.s(4);
                  h.given_name = r.s(5);
                  holders[(cid ? "cid:" : "card:") + r.s(0)].push_back(std::move(h));
                });
    }
    // True (the row refused, with its reason) when `after`, the CCCD ("cid:") or card number
    // ("card:") the row gives its member (`self`: the stored one, or the new one with id 0), is
    // new for it and held by another member: claimed by an accepted earlier row of the run, or
    // stored (unless the run has taken it from its holder). A holder outside the subtree is not
    // named (the real reason audited).
    auto identity_clash = [&](const Prepared& p, Decision& d, const registry::Member& self, const std::string& kind,
                              int column, const std::string& before, const std::string& after) {
      if (after.empty() || after == before) return false;
      const bool cid = kind == "cid:";
      const std::string what = cid ? "Số CCCD " : "Số thẻ đảng viên ";
      const std::string target = self.id ? "không ghi vào hồ sơ đảng viên số " + std::to_string(self.id) + " (" +
                                               self.full_name() + ")"
                                         : "không lập hồ sơ mới cho " + self.full_name();
      auto refuse = [&](const std::string& reason) {
        d.outcome = Outcome::rejected;
        d.member_id = 0;
        d.reject_column = header_of(column);
        d.reject_reason = reason;
        return true;
      };
      if (auto it = run_idents.find(kind + after); it != run_idents.end() && (self.id == 0 || it->second.member_id != self.id))
        return refuse(what + after + " đã dùng cho một đảng viên khác (" + it->second.name + ") ở dòng " +
                      std::to_string(it->second.line) + " của tệp này; " + target);
      const registry::Member* other = nullptr;
      if (auto it = holders.find(kind + after); it != holders.end())
        for (const registry::Member& h : it->second) {
          if (h.id == self.id) continue;
          if (auto r = run_member_idents.find(h.id); r != run_member_idents.end() && (cid ? r->second.first : r->second.second) != after)
            continue;  // an accepted earlier row gave its holder another number
          other = &h;
          break;
        }
      if (!other) return false;
      if (other->org_path >= job.org_path && other->org_path < scope_end)
        return refuse(what + after + " đã có ở hồ sơ đảng viên số " + std::to_string(other->id) + " (" +
                      other->full_name() + "); " + target + ": mỗi số chỉ thuộc một đảng viên");
      outside_audits.push_back({int64_t(p.rec.line), other->id, common_path(other->org_path, job.org_path),
                                what + after + " đã có ở hồ sơ đảng viên số " + std::to_string(other->id) +
                                    " ngoài phạm vi của tổ chức nhập; " +
                                    (self.id ? "không ghi vào hồ sơ số " + std::to_string(self.id) : "không lập hồ sơ mới")});
      return refuse("Không lưu được dòng này; liên hệ Ban Tổ chức cấp trên");
    };

    // Decisions, in input order.
    for (std::size_t i = 0; i < n; ++i) {
      Prepared& p = *batch[i];
      Decision& d = dec[i];
      if (d.outcome == Outcome::rejected) continue;
      if (auto it = run_keys.find(d.key); it != run_keys.end()) {
        d.key_known = true;
        if (it->second.second != p.values_hash && (d.key.rfind("id:", 0) == 0 || d.by_member_id())) {
          d.outcome = Outcome::rejected;
          d.reject_column = header_of(d.by_member_id() ? c_member : (c_id >= 0 ? c_id : c_member));
          d.reject_reason = "Mã '" + (d.by_member_id() ? p.member_text : p.id_value) + "' đã dùng cho dòng " +
                            std::to_string(run_key_line[d.key]) + " với nội dung khác";
          continue;
        }
        d.outcome = Outcome::unchanged;
        d.member_id = it->second.first;
        if (d.member_id < 0) d.ref = int(-d.member_id - 1), d.member_id = 0;
        continue;
      }
      if (d.by_member_id()) {
        // The registry id of a member inside the subtree, and the row is that person: an update
        // (compared with the stored member below). Anything else is refused, never a new record.
        auto it = by_id.find(p.member_ref);
        const bool inside = it != by_id.end() && it->second.org_path >= job.org_path && it->second.org_path < scope_end;
        if (!inside) {
          // Unknown, or outside the subtree: one reason for both (nothing about other subtrees);
          // the real one audited for the level above, as for the other keys.
          d.outcome = Outcome::rejected;
          d.reject_column = header_of(c_member);
          d.reject_reason = "Không có đảng viên mã " + p.member_text + " trong " + orgs.root.name +
                            ": dòng không được lưu (không lập hồ sơ mới theo một mã không có). Đảng viên mới: để trống ô " +
                            "mã; nếu cột '" + header_of(c_member) + "' là mã riêng của tệp, chọn trường “" +
                            std::string(field_label_vi(Field::id)) + "” cho cột này";
          if (it != by_id.end())
            outside_audits.push_back({int64_t(p.rec.line), p.member_ref, common_path(it->second.org_path, job.org_path),
                                      "Mã đảng viên " + p.member_text +
                                          " trong tệp là hồ sơ ngoài phạm vi của tổ chức nhập; không cập nhật"});
          continue;
        }
        if (!same_person(p.r.member, it->second)) {
          d.outcome = Outcome::rejected;
          d.reject_column = header_of(c_member);
          d.reject_reason = "Mã đảng viên " + p.member_text + " là hồ sơ của " + it->second.full_name() +
                            ": họ tên, ngày sinh, số CCCD, số thẻ trong dòng đều không khớp hồ sơ này; không ghi đè. Nếu cột '" +
                            header_of(c_member) + "' là mã riêng của tệp, chọn trường “" +
                            std::string(field_label_vi(Field::id)) + "” cho cột này";
          continue;
        }
        d.member_id = p.member_ref;
        d.outcome = Outcome::updated;
      } else if (auto it = known.find(d.key); it != known.end()) {
        if (!(it->second.org_path >= job.org_path && it->second.org_path < scope_end)) {
          refuse_outside(p, d, -1, it->second.member_id, it->second.org_path,
                         "Dòng này đã được nhập vào hồ sơ đảng viên số " + std::to_string(it->second.member_id) +
                             " ngoài phạm vi của tổ chức nhập; không nhập trùng");
          continue;
        }
        d.key_known = true;
        d.member_id = it->second.member_id;
        d.outcome = it->second.values_hash == p.values_hash ? Outcome::unchanged : Outcome::updated;
      } else if (cid_usable(p)) {
        // One member per CCCD: a second row of the run with the same CCCD creates no second member.
        if (auto rc = run_cid_line.find(p.r.citizen_id); rc != run_cid_line.end() && rc->second != int64_t(p.rec.line)) {
          d.outcome = Outcome::rejected;
          d.reject_column = header_of(c_cid);
          d.reject_reason = "Trùng số CCCD với dòng " + std::to_string(rc->second) + "; không lập hồ sơ thứ hai";
          continue;
        }
        if (auto bc = batch_cid.find(p.r.citizen_id); bc != batch_cid.end()) {
          d.outcome = Outcome::unchanged;
          d.ref = bc->second;
        } else if (auto it2 = by_cid.find(p.r.citizen_id); it2 != by_cid.end()) {
          bool inside = false, held = false;
          std::pair<int64_t, std::string> outside;  // the first holder outside the subtree
          for (auto& [mid, path] : it2->second) {
            // an accepted earlier row of the run gave this member another CCCD: no longer its
            if (auto r = run_member_idents.find(mid); r != run_member_idents.end() && r->second.first != p.r.citizen_id)
              continue;
            if (!held) outside = {mid, path};
            held = true;
            if (path >= job.org_path && path < scope_end) {
              d.member_id = mid;
              inside = true;
              break;
            }
          }
          if (!held) {
            // nobody holds it any more: a new member (one member per CCCD checked below)
          } else if (inside) {
            // The CCCD alone does not make the row that member: the name or the birth date must
            // agree too (as for a registry id; a typo in one of them still matches).
            if (auto sm = before_batch.find(d.member_id); sm != before_batch.end() && !same_name_or_birth(p.r.member, sm->second)) {
              const registry::Member& h = sm->second;
              d.outcome = Outcome::rejected;
              d.reject_column = header_of(c_cid);
              d.reject_reason = "Số CCCD " + p.r.citizen_id + " là của hồ sơ đảng viên số " + std::to_string(h.id) + " (" +
                                h.full_name() + (h.birth_date ? ", sinh " + h.birth_date->display() : std::string()) +
                                "): họ tên và ngày sinh trong dòng (" + p.r.member.full_name() +
                                (p.r.member.birth_date ? ", sinh " + p.r.member.birth_date->display() : std::string()) +
                                ") đều không khớp hồ sơ này; không ghi đè. Kiểm tra lại số CCCD";
              d.member_id = 0;
              continue;
            }
            d.outcome = Outcome::updated;  // compared with the stored member below
          } else {
            refuse_outside(p, d, c_cid, outside.first, outside.second,
                           "Số CCCD " + p.r.citizen_id + " đã có ở hồ sơ đảng viên số " +
                               std::to_string(outside.first) +
                               " ngoài phạm vi của tổ chức nhập; cần chuyển sinh hoạt đảng thay vì nhập mới");
            continue;
          }
        }
      }
      // One member per CCCD and card number, decided here in file order: a row refused claims nothing.
      if (d.outcome == Outcome::created || d.outcome == Outcome::updated) {
        registry::Member self;  // a new member: no id, no numbers yet
        if (d.outcome == Outcome::created) {
          self = p.r.member;
          self.id = 0;
          self.citizen_id.clear();
          self.card_number.clear();
        } else if (auto it = before_batch.find(d.member_id); it != before_batch.end()) {
          self = it->second;
          if (auto r = run_member_idents.find(self.id); r != run_member_idents.end())
            self.citizen_id = r->second.first, self.card_number = r->second.second;
        } else {
          self.id = -1;  // removed since: decided with the stored member below
        }
        if (self.id >= 0) {
          registry::Member next = self;
          apply_row_fields(m, p.r.values, p.r.member, next);
          if (identity_clash(p, d, self, "cid:", c_cid, self.citizen_id, next.citizen_id) ||
              identity_clash(p, d, self, "card:", c_card, self.card_number, next.card_number))
            continue;
          const std::string name = next.full_name();
          for (const bool cid : {true, false}) {
            const std::string& before = cid ? self.citizen_id : self.card_number;
            const std::string& after = cid ? next.citizen_id : next.card_number;
            if (after == before) continue;
            const std::string kind = cid ? "cid:" : "card:";
            if (auto it = run_idents.find(kind + before); !before.empty() && it != run_idents.end() && it->second.member_id == self.id)
              run_idents.erase(it);  // given up by its member
            if (!after.empty()) run_idents[kind + after] = Claim{int64_t(p.rec.line), self.id, name};
          }
          if (self.id > 0) run_member_idents[self.id] = {next.citizen_id, next.card_number};
        }
      }
      if (d.outcome == Outcome::created && cid_usable(p)) batch_cid[p.r.citizen_id] = int(i);
      if (cid_usable(p)) run_cid_line.emplace(p.r.citizen_id, int64_t(p.rec.line));
      // Remember the key for the rest of the run (a created member by its row: -(i+1)).
      int64_t ref = d.outcome == Outcome::created ? -int64_t(i) - 1 : (d.ref >= 0 ? -int64_t(d.ref) - 1 : d.member_id);
      run_keys[d.key] = {ref, p.values_hash};
      run_key_line[d.key] = int64_t(p.rec.line);
    }

    // Updates: compare with the stored member (a citizen-ID match has no stored values hash).
    std::string now = db::now_utc();
    int64_t created = 0, updated = 0, moved = 0, unchanged = 0, rejected = 0, f_open = 0, f_auto = 0;
    std::vector<BulkWriter::NewMember> news;
    std::vector<std::size_t> news_row;
    std::vector<BulkWriter::FindingRec> finds;
    std::vector<BulkWriter::KeyRec> keys;
    std::vector<BulkWriter::RowRec> rows;
    std::vector<std::pair<std::string, std::string>> key_updates;  // key → new values hash
    if (writer) writer->begin();
    try {
      // The real reason of a refusal that names a member outside the scope. A dry run writes
      // nothing else, but it is audited all the same: it would otherwise probe another unit's
      // CCCDs and card numbers without a trace (a dry run has no transaction: one of its own).
      if (!outside_audits.empty()) {
        std::optional<soci::transaction> own;
        if (!writer) own.emplace(sql);
        for (const OutsideAudit& oa : outside_audits) {
          boost::json::object detail{{"import", job.id}, {"line", oa.line}, {"reason", oa.reason}};
          if (!writer) detail["dry_run"] = true;
          security::audit_append(sql, actor, "import_reject", "member", std::to_string(oa.member_id), oa.org_path,
                                 boost::json::serialize(detail));
        }
        if (own) own->commit();
      }
      outside_audits.clear();
      auto add_findings = [&](const Prepared& p, int64_t member_id, const std::set<std::pair<std::string, std::string>>* skip) {
        for (const Finding& f : p.r.findings) {
          if (f.severity == Severity::info) {  // changed automatically: counted, not listed
            ++f_auto;
            continue;
          }
          BulkWriter::FindingRec fr;
          fr.member_id = member_id;
          fr.import_id = job.id;
          fr.line = int64_t(p.rec.line);
          fr.field = f.column >= 0 ? std::string(field_name(m.fields[std::size_t(f.column)])) : std::string();
          fr.column = header_of(f.column);
          if (skip && skip->count({fr.field, f.code})) continue;
          fr.code = f.code;
          fr.severity = std::string(to_string(f.severity));
          fr.message = f.message;
          fr.original = displayable(f.original);
          fr.suggested = f.suggested;
          fr.status = "open";
          fr.created_at = now;
          ++f_open;
          finds.push_back(std::move(fr));
        }
      };
      // The stored members of the rows to compare, read in the batch's transaction in a few
      // statements; one this batch has already changed is read again.
      std::unordered_map<int64_t, registry::Member> stored;
      {
        std::vector<int64_t> ids;
        for (std::size_t i = 0; i < n; ++i)
          if (dec[i].outcome == Outcome::updated) ids.push_back(dec[i].member_id);
        for (auto& mb : registry::find_members(sql, ids)) stored.emplace(mb.id, std::move(mb));
      }
      std::unordered_set<int64_t> written;
      for (std::size_t i = 0; i < n; ++i) {
        Prepared& p = *batch[i];
        Decision& d = dec[i];
        if (d.outcome != Outcome::updated) continue;
        std::optional<registry::Member> cur;
        if (written.count(d.member_id)) cur = registry::find_member(sql, d.member_id);
        else if (auto it = stored.find(d.member_id); it != stored.end()) cur = it->second;
        if (!cur && d.by_member_id()) {  // removed since (a merge): its id names nobody now
          d.outcome = Outcome::rejected;
          d.member_id = 0;
          d.reject_column = header_of(c_member);
          d.reject_reason = "Không có đảng viên mã " + p.member_text + " trong " + orgs.root.name + ": dòng không được lưu";
          continue;
        }
        if (!cur) {  // removed since: create it again
          d.outcome = Outcome::created;
          d.member_id = 0;
          continue;
        }
        registry::Member next = *cur;
        apply_row_fields(m, p.r.values, p.r.member, next);
        auto diff = member_diff(*cur, next);
        // A row that names another organization of the subtree (valid today: OrgIndex) than the
        // member's transfers the member there; a row that names none leaves it where it is.
        const bool moving = d.org_named && d.org && d.org->id != cur->org_id;
        if (d.by_member_id()) {
          // matched by the member table: no key to store
        } else if (!d.key_known) {
          keys.push_back({key_scope(d.key), d.key, d.member_id, p.values_hash, job.id});
        } else {
          key_updates.push_back({d.key, p.values_hash});
        }
        if (diff.empty() && !moving) {
          d.outcome = Outcome::unchanged;
          continue;
        }
        d.moved = moving;
        if (!writer) continue;
        if (!diff.empty() && !registry::update_member(sql, next, cur->version))
          throw std::runtime_error("Hồ sơ đảng viên số " + std::to_string(d.member_id) + " vừa được người khác sửa");
        boost::json::object detail = diff;
        std::string audit_path = cur->org_path;
        if (moving) {
          // A permanent transfer, as the registry records one (membership closed and opened,
          // the stored counts moved): audited under the organization covering both units.
          registry::transfer_member(sql, d.member_id, d.org->id, d.org->path, today.iso(),
                                    "Chuyển sinh hoạt theo tệp nhập (lần nhập số " + std::to_string(job.id) + ", dòng " +
                                        std::to_string(p.rec.line) + ")");
          detail["org"] = boost::json::array{boost::json::string(cur->org_code + " " + cur->org_name),
                                             boost::json::string(d.org->code + " " + d.org->name)};
          detail["transfer"] = boost::json::object{{"from_org_id", cur->org_id}, {"to_org_id", d.org->id}};
          audit_path = common_path(cur->org_path, d.org->path);
        }
        written.insert(d.member_id);
        detail["import"] = job.id;
        detail["line"] = int64_t(p.rec.line);
        security::audit_append(sql, actor, "import_update", "member", std::to_string(d.member_id), audit_path,
                               boost::json::serialize(detail));
        // Findings: the open ones that no longer occur are fixed by this import; new ones are added.
        std::set<std::pair<std::string, std::string>> now_found, still_open;
        for (const Finding& f : p.r.findings)
          if (f.severity != Severity::info)
            now_found.insert({f.column >= 0 ? std::string(field_name(m.fields[std::size_t(f.column)])) : "", f.code});
        isql::Query q;
        q.text = "SELECT id, field, code FROM finding WHERE member_id = " + q.add(d.member_id) + " AND status = 'open'";
        std::vector<int64_t> closing;
        isql::each(sql, q, 3, [&](const isql::Row& r) {
          if (now_found.count({r.s(1), r.s(2)})) still_open.insert({r.s(1), r.s(2)});
          else closing.push_back(r.i(0));
        });
        for (auto fid : closing) {
          isql::Query u;
          u.text = "UPDATE finding SET status = 'fixed', fixed_at = " + u.add(now) + ", fixed_by = " +
                   (actor ? u.add(actor->user_id) : std::string("NULL")) + ", fixed_by_name = " +
                   u.add(actor ? actor->username : std::string("system")) + ", fixed_import_id = " + u.add(job.id) +
                   " WHERE id = " + u.add(fid);
          isql::exec(sql, u);
        }
        add_findings(p, d.member_id, &still_open);
      }
      // New members.
      for (std::size_t i = 0; i < n; ++i) {
        Prepared& p = *batch[i];
        Decision& d = dec[i];
        switch (d.outcome) {
          case Outcome::created: ++created; break;
          case Outcome::updated:
            ++updated;
            moved += d.moved ? 1 : 0;
            break;
          case Outcome::unchanged: ++unchanged; break;
          case Outcome::rejected: ++rejected; break;
        }
        if (d.outcome != Outcome::created) continue;
        BulkWriter::NewMember nm;
        nm.values = &p.mv;
        nm.org_id = d.org->id;
        nm.org_path = d.org->path;
        nm.synthetic = p.synthetic;
        std::string from = p.r.member.admitted_on ? p.r.member.admitted_on->iso() : std::string();
        if (from.size() != 10 || from < d.org->valid_from) from = d.org->valid_from;
        nm.valid_from = from;
        nm.reason = "nhập từ tệp (lần nhập số " + std::to_string(job.id) + ")";
        news.push_back(std::move(nm));
        news_row.push_back(i);
      }
      if (writer) {
        writer->insert_members(news, now);
        for (std::size_t k = 0; k < news.size(); ++k) dec[news_row[k]].member_id = news[k].id;
        for (std::size_t i = 0; i < n; ++i)
          if (dec[i].ref >= 0) dec[i].member_id = dec[size_t(dec[i].ref)].member_id;
        // the run's keys of this batch now point at real members
        for (std::size_t i = 0; i < n; ++i)
          if (dec[i].outcome == Outcome::created)
            if (auto it = run_keys.find(dec[i].key); it != run_keys.end() && it->second.first < 0) it->second.first = dec[i].member_id;
        for (std::size_t k = 0; k < news.size(); ++k) {
          const Prepared& p = *batch[news_row[k]];
          keys.push_back({key_scope(dec[news_row[k]].key), dec[news_row[k]].key, news[k].id, p.values_hash, job.id});
          add_findings(p, news[k].id, nullptr);
          for (const Required* rq : absent_required) {
            BulkWriter::FindingRec fr;
            fr.member_id = news[k].id;
            fr.import_id = job.id;
            fr.line = int64_t(p.rec.line);
            fr.field = std::string(field_name(rq->field));
            fr.code = "required.missing";
            fr.severity = "warning";
            fr.message = std::string("Tệp không có cột ") + rq->what + ": hồ sơ thiếu " + rq->what + " (bắt buộc theo " +
                         rq->source + ")";
            fr.status = "open";
            fr.created_at = now;
            ++f_open;
            finds.push_back(std::move(fr));
          }
        }
        for (std::size_t i = 0; i < n; ++i) {
          const Prepared& p = *batch[i];
          const Decision& d = dec[i];
          BulkWriter::RowRec rr;
          rr.import_id = job.id;
          rr.line = int64_t(p.rec.line);
          rr.key = p.row_key;
          rr.raw = p.raw_json;
          rr.outcome = d.moved ? "moved" : outcome_name(d.outcome);  // moved: an update that transferred the member
          rr.member_id = d.outcome == Outcome::rejected ? 0 : d.member_id;
          rr.reject_column = d.reject_column;
          rr.reject_reason = d.reject_reason;
          rows.push_back(std::move(rr));
        }
        writer->insert_keys(keys);
        for (auto& [k, h] : key_updates) {
          isql::Query u;
          u.text = "UPDATE member_source_key SET values_hash = " + u.add(h) + ", import_id = " + u.add(job.id) +
                   " WHERE scope_org_id = " + u.add(key_scope(k)) + " AND source_key = " + u.add(k);
          isql::exec(sql, u);
        }
        writer->insert_rows(rows);
        writer->insert_findings(finds);
        const int64_t first = int64_t(batch.front()->rec.line), last = int64_t(batch.back()->rec.line);
        std::map<std::string, std::array<int64_t, 3>> counts;
        for (std::size_t i = 0; i < n; ++i)
          for (const Finding& f : batch[i]->r.findings) ++counts[f.code][int(f.severity)];
        if (!absent_required.empty() && !news.empty())
          counts["required.missing"][int(Severity::warning)] += int64_t(absent_required.size() * news.size());
        boost::json::object fj;
        for (auto& [code, c] : counts) fj[code] = boost::json::array{c[0], c[1], c[2]};
        isql::Query b;
        b.text = "INSERT INTO import_batch(import_id, batch_no, first_line, last_line, rows_read, rows_created, rows_updated, "
                 "rows_unchanged, rows_rejected, findings, committed_at) VALUES (" +
                 b.add(job.id) + "," + b.add(job.batches_done + 1) + "," + b.add(first) + "," + b.add(last) + "," +
                 b.add(int64_t(n)) + "," + b.add(created) + "," + b.add(updated) + "," + b.add(unchanged) + "," +
                 b.add(rejected) + "," + b.add(boost::json::serialize(fj)) + "," + b.add(now) + ")";
        isql::exec(sql, b);
        isql::Query u;
        u.text = "UPDATE import_job SET rows_read = rows_read + " + u.add(int64_t(n)) + ", rows_created = rows_created + " +
                 u.add(created) + ", rows_updated = rows_updated + " + u.add(updated) +
                 ", rows_unchanged = rows_unchanged + " + u.add(unchanged) + ", rows_rejected = rows_rejected + " +
                 u.add(rejected) + ", rows_blank = rows_blank + " + u.add(batch_blank) +
                 ", findings_open = findings_open + " + u.add(f_open) + ", findings_auto = findings_auto + " +
                 u.add(f_auto) + ", batches_done = batches_done + 1, heartbeat_at = " + u.add(now) +
                 " WHERE id = " + u.add(job.id);
        isql::exec(sql, u);
        boost::json::object detail;
        detail["import"] = job.id;
        detail["batch"] = job.batches_done + 1;
        detail["lines"] = boost::json::array{first, last};
        detail["created"] = created;
        detail["updated"] = updated;
        if (moved) detail["moved"] = moved;
        detail["unchanged"] = unchanged;
        detail["rejected"] = rejected;
        if (!news.empty()) detail["member_ids"] = boost::json::array{news.front().id, news.back().id};
        security::audit_append(sql, actor, "import_batch", "import", std::to_string(job.id), job.org_path,
                               boost::json::serialize(detail));
        writer->commit();
        registry::RegistryService::invalidate_counts();  // members added: cached counts are stale
      }
    } catch (...) {
      if (writer) writer->rollback();
      throw;
    }
    (void)pg;
    job.batches_done += 1;
    job.rows_read += int64_t(n);
    job.rows_created += created;
    job.rows_updated += updated;
    run_moved += moved;
    job.rows_unchanged += unchanged;
    job.rows_rejected += rejected;
    job.rows_blank += batch_blank;
    job.findings_open += f_open;
    job.findings_auto += f_auto;
    for (std::size_t i = 0; i < n; ++i) {
      for (const Finding& f : batch[i]->r.findings) {
        ++res.by_severity[int(f.severity)];
        ++res.by_code[f.code];
        ++res.by_code_severity[f.code][std::size_t(f.severity)];
      }
      if (dec[i].outcome == Outcome::rejected && res.rejected.size() < 1000)
        res.rejected.push_back({int64_t(batch[i]->rec.line), batch[i]->row_key, dec[i].reject_column, dec[i].reject_reason});
    }
    batch.clear();
    release_held();
    batch_blank = 0;
    report("running");
  };

  std::exception_ptr writer_error;
  try {
    std::map<std::size_t, std::unique_ptr<Chunk>> pending;
    std::size_t next = 0;
    std::unique_ptr<Chunk> c;
    while (done_q.pop(c)) {
      pending.emplace(c->seq, std::move(c));
      while (!pending.empty() && pending.begin()->first == next) {
        auto ch = std::move(pending.begin()->second);
        pending.erase(pending.begin());
        ++next;
        bool in_batch = false;
        for (std::size_t i = 0; i < ch->n; ++i) {
          Prepared& p = ch->rows[i];
          if (p.r.blank) {
            if (!p.skip) ++batch_blank;
            continue;
          }
          checks.check(m, p.rec.line, p.r);
          if (p.skip) continue;
          batch.push_back(&p);
          in_batch = true;
          if (int(batch.size()) >= job.batch_size) {
            write_batch();
            in_batch = false;
          }
        }
        if (in_batch) {
          held.push_back(std::move(ch));
        } else {
          std::lock_guard lk(pool_m);
          pool.push_back(std::move(ch));
        }
      }
      if (pending.size() > 64) throw std::runtime_error("import pipeline out of order");
    }
    {
      std::lock_guard lk(pool_m);
      if (worker_error) std::rethrow_exception(worker_error);
    }
    if (!pending.empty()) throw std::runtime_error("import pipeline: rows missing");
    if (reader_error) std::rethrow_exception(reader_error);
    write_batch();
  } catch (...) {
    writer_error = std::current_exception();
    stop_reading = true;
    work.close();
    done_q.close();
  }
  reader_thread.join();
  work.close();
  for (auto& w : workers) w.join();
  done_q.close();
  if (writer_error) std::rethrow_exception(writer_error);
  if (reader_error) std::rethrow_exception(reader_error);

  // Summary: findings by code and severity of the stored rows (from the table: a resumed run
  // counts the earlier batches too); a dry run keeps its own counts and rejections.
  boost::json::object summary, by_code, by_sev;
  res.moved = run_moved;
  if (!job.dry_run) {
    // transfers: every committed batch's, this run's and those of an earlier run of this job
    isql::Query mq;
    mq.text = "SELECT count(*) FROM import_row WHERE import_id = " + mq.add(job.id) + " AND outcome = 'moved'";
    res.moved = isql::to_i64(isql::scalar(sql, mq));
    res.by_code.clear();
    res.by_code_severity.clear();
    std::fill(std::begin(res.by_severity), std::end(res.by_severity), 0);
    isql::Query q;
    q.text = "SELECT findings FROM import_batch WHERE import_id = " + q.add(job.id);
    isql::each(sql, q, 1, [&](const isql::Row& r) {
      try {
        auto v = boost::json::parse(r.s(0));
        for (auto& [code, c] : v.as_object())
          for (std::size_t k = 0; k < 3 && k < c.as_array().size(); ++k) {
            int64_t x = c.as_array()[k].to_number<int64_t>();
            res.by_code[std::string(code)] += x;
            res.by_code_severity[std::string(code)][k] += x;
            res.by_severity[k] += x;
          }
      } catch (...) {
      }
    });
  } else {
    boost::json::array rej;
    for (auto& rr : res.rejected)
      if (rej.size() < 500)
        rej.push_back(boost::json::object{{"line", rr.line}, {"key", rr.key}, {"column", rr.column}, {"reason", rr.reason}});
    summary["rejected"] = std::move(rej);
  }
  for (auto& [k, v] : res.by_code) by_code[k] = v;
  boost::json::object by_code_sev;  // code → [info, warning, error]
  for (auto& [k, v] : res.by_code_severity) by_code_sev[k] = boost::json::array{v[0], v[1], v[2]};
  summary["by_code_severity"] = std::move(by_code_sev);
  by_sev["info"] = res.by_severity[0];
  by_sev["warning"] = res.by_severity[1];
  by_sev["error"] = res.by_severity[2];
  summary["by_code"] = std::move(by_code);
  summary["by_severity"] = std::move(by_sev);
  summary["header_line"] = int64_t(res.header_line);
  summary["moved"] = res.moved;
  summary["resumed_after_line"] = resume_after;
  job.summary = boost::json::serialize(summary);
  if (job.dry_run) {
    isql::Query u;
    u.text = "UPDATE import_job SET rows_read = " + u.add(job.rows_read) + ", rows_created = " + u.add(job.rows_created) +
             ", rows_updated = " + u.add(job.rows_updated) + ", rows_unchanged = " + u.add(job.rows_unchanged) +
             ", rows_rejected = " + u.add(job.rows_rejected) + ", rows_blank = " + u.add(job.rows_blank) +
             ", findings_open = " + u.add(job.findings_open) + ", findings_auto = " + u.add(job.findings_auto) +
             ", batches_done = " + u.add(job.batches_done) + " WHERE id = " + u.add(job.id);
    isql::exec(sql, u);
  }
  writer.reset();
  std::string msg = fmt::format("Đọc {} dòng = lưu {} (tạo mới {}, cập nhật {}{}, không đổi {}) + từ chối {}", job.rows_read,
                                job.stored(), job.rows_created, job.rows_updated,
                                res.moved ? fmt::format(" trong đó chuyển sinh hoạt {}", res.moved) : std::string(),
                                job.rows_unchanged, job.rows_rejected);
  finish_job(db, job, "done", msg);
  if (!job.dry_run) {
    try {
      take_campaign_snapshot(db);
    } catch (const std::exception& e) {
      spdlog::warn("import {}: campaign snapshot failed: {}", job.id, e.what());
    }
  }
  res.job = *load_job(db, job.id);
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  {
    rusage ru{};
    getrusage(RUSAGE_THREAD, &ru);
    double cpu = double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    spdlog::info("import {}: {} rows in {:.2f} s, of which writing batches {:.2f} s (writer thread CPU {:.2f} s)", job.id,
                 job.rows_read, res.seconds, t_db, cpu);
  }
  report("done");
  return res;
}

// ---- summary ------------------------------------------------------------------------------------

void print_import_summary(std::ostream& o, const ImportResult& r, std::size_t max_rejected) {
  const ImportJob& j = r.job;
  o << "Lần nhập số " << j.id << (j.dry_run ? " (chạy thử: không ghi gì vào cơ sở dữ liệu)" : "") << " vào " << j.org_name
    << " (" << j.org_code << ")\n";
  o << "Nguồn: " << j.source << "; tiêu đề ở dòng " << r.header_line << "\n";
  if (j.kind == "roster") {
    o << "Ánh xạ cột:";
    bool first = true;
    for (std::size_t i = 0; i < r.mapping.header.size(); ++i)
      if (r.mapping.fields[i] != Field::none) {
        o << (first ? " " : "; ") << r.mapping.header[i] << " → " << field_name(r.mapping.fields[i]);
        first = false;
      }
    o << "\n";
  }
  if (r.resumed_after_line > 0) o << "Tiếp tục sau dòng " << r.resumed_after_line << " (các lô trước đã ghi)\n";
  if (j.kind == "roster")
    o << "Kết quả: tạo mới " << j.rows_created << ", cập nhật " << j.rows_updated
      << (r.moved ? " (trong đó chuyển sinh hoạt " + std::to_string(r.moved) + ")" : std::string()) << ", đã có và không đổi "
      << j.rows_unchanged << ", từ chối " << j.rows_rejected << "\n";
  else
    o << "Kết quả: đã sửa " << j.rows_updated << ", không có giá trị sửa " << j.rows_unchanged << ", từ chối "
      << j.rows_rejected << "\n";
  o << "Phát hiện: thông tin " << r.by_severity[0] << ", cảnh báo " << r.by_severity[1] << ", lỗi " << r.by_severity[2]
    << " (còn mở " << j.findings_open << ")\n";
  for (const auto& [code, n] : r.by_code) o << "  " << code << ": " << n << "\n";
  if (!r.rejected.empty()) {
    o << "Dòng bị từ chối:\n";
    for (std::size_t i = 0; i < r.rejected.size() && i < max_rejected; ++i) {
      auto& x = r.rejected[i];
      o << "  dòng " << x.line << (x.key.empty() ? "" : " (mã " + x.key + ")")
        << (x.column.empty() ? "" : ", cột '" + x.column + "'") << ": " << x.reason << "\n";
    }
    // r.rejected holds the first rows only (1,000): the rest are counted by the job
    const int64_t shown = int64_t(std::min(r.rejected.size(), max_rejected));
    if (j.rows_rejected > shown)
      o << "  … và " << j.rows_rejected - shown << " dòng nữa (tất cả: /api/v1/imports/" << j.id << "/rejected)\n";
  }
  if (j.rows_blank) o << "Dòng trống bỏ qua: " << j.rows_blank << "\n";
  o << fmt::format("Thời gian: {:.2f} s ({:.0f} dòng/giây)\n", r.seconds,
                   r.seconds > 0 ? double(j.rows_read - 0) / r.seconds : 0.0);
  // the row accounting, one line with plain integers (read = stored + rejected)
  o << fmt::format("Số dòng: đọc {} = lưu {} + từ chối {}\n", j.rows_read, j.stored(), j.rows_rejected);
}

}  // namespace dangbo::quality

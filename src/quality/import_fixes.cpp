// The fix sheet: the XLSX of a unit's open findings, and its import when the unit sends it back
// (only the filled-in fixes are applied, through the registry service: validated and audited).
// A dry run checks every fix the same way (scope, role, the registry's validation) and counts,
// but changes no member and no finding and records no import_row: only the job's counters and
// its rejections (in the summary) are kept, for its page.
#include <boost/json.hpp>
#include <fmt/format.h>
#include <soci/soci.h>
#include <spdlog/spdlog.h>
#include <xlsxwriter.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <unordered_map>

#include "base/error.hpp"
#include "quality/campaign.hpp"
#include "quality/import.hpp"
#include "quality/import_internal.hpp"
#include "registry/service.hpp"
#include "registry/store.hpp"
#include "vntext/text.hpp"

namespace dangbo::quality {
using base::Error;
using base::ErrorKind;
using namespace detail;

std::string field_current_text(const registry::Member& m, const std::string& field);

namespace {

std::string severity_vi(const std::string& s) {
  if (s == "error") return "Lỗi";
  if (s == "warning") return "Cảnh báo";
  return "Thông tin";
}

// "123", "123.0", " 123 " → 123; 0 when not a whole number.
int64_t parse_id(std::string_view s) {
  std::string t = vntext::collapse_spaces(s);
  if (t.size() > 2 && t.compare(t.size() - 2, 2, ".0") == 0) t.resize(t.size() - 2);
  if (t.empty() || t.size() > 18 || t.find_first_not_of("0123456789") != std::string::npos) return 0;
  return std::stoll(t);
}

// The alternatives of a suggestion written "A | B | C" (address.split_ward, address.ambiguous,
// controlled.ambiguous …); one element for a single suggestion, none for an empty one.
std::vector<std::string> suggestion_alternatives(const std::string& suggested) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (from <= suggested.size()) {
    std::size_t bar = suggested.find(" | ", from);
    std::string part = vntext::collapse_spaces(suggested.substr(from, bar == std::string::npos ? std::string::npos : bar - from));
    if (!part.empty()) out.push_back(part);
    if (bar == std::string::npos) break;
    from = bar + 3;
  }
  return out;
}

// The fields a member's record is rebuilt from for the checks, in this order.
const std::vector<Field>& recheck_fields() {
  static const std::vector<Field> f = {
      Field::full_name,      Field::gender,     Field::birth_date, Field::birth_place,    Field::home_town,
      Field::residence,      Field::ethnicity,  Field::religion,   Field::citizen_id,     Field::phone,
      Field::email,          Field::admitted_on, Field::full_member_on, Field::card_number, Field::card_issued_on,
      Field::education,      Field::professional, Field::theory_level, Field::occupation,  Field::position,
      Field::status};
  return f;
}

Mapping recheck_mapping() {
  Mapping m;
  for (Field f : recheck_fields()) {
    m.header.push_back(std::string(field_label_vi(f)));
    m.fields.push_back(f);
  }
  return m;
}

struct OpenFinding {
  int64_t id = 0;
  std::string field, code, severity, original, suggested, status;
};

}  // namespace

// ---- the sheet ------------------------------------------------------------------------------------

std::string findings_xlsx(db::Database& db, const security::Actor& a, const std::string& org_code, int64_t* nrows) {
  if (!security::role_allows(a.role, security::Action::export_members))
    throw Error(ErrorKind::forbidden, "forbidden", "Bạn không có quyền xuất danh sách");
  registry::Organization org;
  FindingQuery fq;
  fq.status = "open";
  fq.limit = 100000;
  auto rows = list_findings(db, a, org_code, fq, &org);
  namespace fs = std::filesystem;
  fs::path tmp = fs::temp_directory_path() / ("dangbo-findings-" + security::random_token(9) + ".xlsx");
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code ec;
      fs::remove(p, ec);
    }
  } cleanup{tmp};
  lxw_workbook* wb = workbook_new(tmp.string().c_str());
  if (!wb) throw std::runtime_error("Không tạo được tệp XLSX");
  lxw_worksheet* ws = workbook_add_worksheet(wb, "Phát hiện");
  lxw_format* title = workbook_add_format(wb);
  format_set_bold(title);
  format_set_font_size(title, 14);
  format_set_font_color(title, 0x8A1020);
  lxw_format* note = workbook_add_format(wb);
  format_set_text_wrap(note);
  format_set_font_color(note, 0x3E454D);
  lxw_format* head = workbook_add_format(wb);
  format_set_bold(head);
  format_set_text_wrap(head);
  format_set_bg_color(head, 0xEEF0F3);
  format_set_border(head, LXW_BORDER_THIN);
  lxw_format* cell = workbook_add_format(wb);
  format_set_text_wrap(cell);
  format_set_border(cell, LXW_BORDER_THIN);
  format_set_border_color(cell, 0xC9CED4);
  lxw_format* fill = workbook_add_format(wb);
  format_set_unlocked(fill);
  format_set_bg_color(fill, 0xFFF7D6);
  format_set_border(fill, LXW_BORDER_THIN);
  format_set_border_color(fill, 0xE0B84A);
  format_set_text_wrap(fill);
  const auto& hdr = fix_sheet_header();
  const int last_col = int(hdr.size()) - 1;
  worksheet_merge_range(ws, 0, 0, 0, lxw_col_t(last_col),
                        ("DANH SÁCH PHÁT HIỆN CẦN SỬA — " + org.name + " (" + org.code + ")").c_str(), title);
  worksheet_merge_range(
      ws, 1, 0, 1, lxw_col_t(last_col),
      "Với mỗi dòng: ghi x vào cột “Đồng ý đề xuất (x)” để nhận giá trị đề xuất, hoặc điền giá trị đúng vào cột “Giá trị "
      "sửa”. Để trống nếu chưa xác minh được. Không sửa các cột khác, không đổi tên trang tính; gửi lại tệp này cho Ban Tổ "
      "chức để nhập (chỉ các ô đã điền được áp dụng).",
      note);
  worksheet_set_row(ws, 1, 48, nullptr);
  std::string info = fmt::format("Xuất ngày {} · {} phát hiện còn mở", base::today().display(), rows.size());
  worksheet_write_string(ws, 2, 0, info.c_str(), nullptr);
  const lxw_row_t hr = 4;
  for (int c = 0; c <= last_col; ++c) worksheet_write_string(ws, hr, lxw_col_t(c), hdr[std::size_t(c)].c_str(), head);
  worksheet_set_row(ws, hr, 32, nullptr);
  const double widths[] = {11, 11, 24, 26, 16, 10, 22, 44, 22, 22, 22, 12, 26};
  for (int c = 0; c <= last_col; ++c) worksheet_set_column(ws, lxw_col_t(c), lxw_col_t(c), widths[c], nullptr);
  lxw_row_t r = hr + 1;
  for (auto& f : rows) {
    auto field_label = [&]() -> std::string {
      if (auto fl = parse_field(f.field)) return std::string(field_label_vi(*fl));
      return f.column.empty() ? std::string("(cả dòng)") : f.column;
    };
    worksheet_write_number(ws, r, 0, double(f.id), cell);
    worksheet_write_number(ws, r, 1, double(f.member_id), cell);
    worksheet_write_string(ws, r, 2, f.member_name.c_str(), cell);
    worksheet_write_string(ws, r, 3, f.org_name.c_str(), cell);
    worksheet_write_string(ws, r, 4, field_label().c_str(), cell);
    worksheet_write_string(ws, r, 5, severity_vi(f.severity).c_str(), cell);
    worksheet_write_string(ws, r, 6, f.code.c_str(), cell);
    worksheet_write_string(ws, r, 7, f.message.c_str(), cell);
    worksheet_write_string(ws, r, 8, f.original.c_str(), cell);
    worksheet_write_string(ws, r, 9, f.current.c_str(), cell);
    worksheet_write_string(ws, r, 10, f.suggested.c_str(), cell);
    worksheet_write_blank(ws, r, 11, fill);
    worksheet_write_blank(ws, r, 12, fill);
    ++r;
  }
  worksheet_freeze_panes(ws, hr + 1, 3);
  if (!rows.empty()) worksheet_autofilter(ws, hr, 0, r - 1, lxw_col_t(last_col));
  lxw_protection prot{};
  prot.format_columns = 1;
  prot.format_rows = 1;
  prot.autofilter = 1;
  prot.sort = 1;
  worksheet_protect(ws, nullptr, &prot);
  if (workbook_close(wb) != LXW_NO_ERROR) throw std::runtime_error("Không ghi được tệp XLSX");
  std::ifstream in(tmp, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  {
    auto s = db.session();
    soci::transaction tr(*s);
    boost::json::object d;
    d["org"] = org.code;
    d["rows"] = int64_t(rows.size());
    security::audit_append(*s, &a, "export_findings", "organization", org.code, org.path, boost::json::serialize(d));
    tr.commit();
  }
  if (nrows) *nrows = int64_t(rows.size());
  return ss.str();
}

// ---- the import of a sheet sent back ---------------------------------------------------------------

namespace detail {

ImportResult run_fix_job(Importer::Impl& im, ImportJob job, const security::Actor* actor_in,
                         const std::function<void(const ImportProgress&)>& progress, const std::atomic<bool>* cancel) {
  const auto t0 = std::chrono::steady_clock::now();
  ImportResult res;
  db::Database& db = im.db;
  // The command line acts as the system, on the whole tree.
  security::Actor system;
  system.username = "system";
  system.role = security::Role::admin;
  system.org_path = "/";
  const security::Actor& actor = actor_in ? *actor_in : system;
  registry::RegistryService svc(db);

  ImportFile file = job_file(db, job);
  auto reader = open_reader(file);
  HeaderRead head = read_header(*reader);
  if (!head.fix_sheet) throw std::runtime_error("Tệp không phải bảng phát hiện cần sửa (thiếu cột 'Mã phát hiện', 'Giá trị sửa')");
  res.header_line = head.header_line;
  auto col = [&](const std::string& name) {
    for (std::size_t c = 0; c < head.header.size(); ++c)
      if (head.header[c] == name) return int(c);
    return -1;
  };
  const auto& H = fix_sheet_header();
  const int c_fid = col(H[0]), c_mid = col(H[1]), c_agree = col(H[11]), c_fix = col(H[12]);
  if (c_fid < 0 || c_mid < 0 || c_fix < 0) throw std::runtime_error("Bảng phát hiện thiếu cột 'Mã phát hiện', 'Mã đảng viên' hoặc 'Giá trị sửa'");
  std::vector<RawRecord> recs = std::move(head.after);
  {
    RawRecord r;
    while (reader->next(r)) recs.push_back(std::move(r));
  }
  job.rows_total = int64_t(recs.size());
  auto cell = [&](const RawRecord& r, int c) {
    return c >= 0 && std::size_t(c) < r.cells.size() ? vntext::collapse_spaces(displayable(r.cells[std::size_t(c)])) : std::string();
  };

  struct SheetRow {
    const RawRecord* rec;
    int64_t finding_id = 0, member_id = 0;
    std::string value;  // what to set
    bool has_fix = false;
    std::string outcome, reject_column, reject_reason;
    OpenFinding finding;
  };
  std::vector<SheetRow> rows;
  std::vector<int64_t> member_order;
  std::unordered_map<int64_t, std::vector<std::size_t>> by_member;
  for (auto& r : recs) {
    bool any = false;
    for (auto& c : r.cells) any = any || !vntext::collapse_spaces(c).empty();
    if (!any) {
      ++job.rows_blank;
      continue;
    }
    SheetRow sr;
    sr.rec = &r;
    sr.finding_id = parse_id(cell(r, c_fid));
    sr.member_id = parse_id(cell(r, c_mid));
    std::string fix = cell(r, c_fix), agree = vntext::search_key(cell(r, c_agree));
    if (sr.finding_id == 0 || sr.member_id == 0) {
      sr.outcome = "rejected";
      sr.reject_column = H[0];
      sr.reject_reason = "Thiếu hoặc sai mã phát hiện / mã đảng viên (đừng sửa hai cột này)";
    } else if (!fix.empty()) {
      sr.has_fix = true;
      sr.value = fix;
    } else if (agree == "x" || agree == "co" || agree == "dong y" || agree == "1") {
      sr.has_fix = true;
      sr.value = "\x01suggested";
    } else {
      sr.outcome = "skipped";
    }
    rows.push_back(std::move(sr));
  }
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (rows[i].has_fix) {
      if (!by_member.count(rows[i].member_id)) member_order.push_back(rows[i].member_id);
      by_member[rows[i].member_id].push_back(i);
    }

  const Mapping rm = recheck_mapping();
  const std::string now = db::now_utc();
  int64_t done_members = 0;
  for (int64_t mid : member_order) {
    if (cancel && *cancel) break;
    auto& idx = by_member[mid];
    auto reject = [&](std::size_t i, const std::string& column, const std::string& reason) {
      rows[i].outcome = "rejected";
      rows[i].reject_column = column;
      rows[i].reject_reason = reason;
    };
    registry::Member cur;
    try {
      cur = svc.member(actor, mid, false);
    } catch (const base::Error&) {
      for (auto i : idx) reject(i, H[1], "Không có đảng viên số " + std::to_string(mid) + " trong phạm vi của bạn");
      continue;
    }
    // The member's open findings.
    std::vector<OpenFinding> open;
    {
      auto s = db.session();
      isql::Query q;
      q.text = "SELECT id, field, code, severity, original, suggested, status FROM finding WHERE member_id = " + q.add(mid) +
               " AND status IN ('open', 'fixed')";
      isql::each(*s, q, 7, [&](const isql::Row& r) {
        open.push_back({r.i(0), r.s(1), r.s(2), r.s(3), r.s(4), r.s(5), r.s(6)});
      });
    }
    // The cells of the record: current values; a field still empty because its value could not
    // be read keeps that value (so its finding still shows); then the fixes.
    std::vector<std::string> cells(rm.fields.size());
    for (std::size_t c = 0; c < rm.fields.size(); ++c) {
      std::string fname(field_name(rm.fields[c]));
      cells[c] = field_current_text(cur, fname);
      if (rm.fields[c] == Field::status) cells[c] = std::string(registry::label_vi(cur.status));
      if (cells[c].empty())
        for (auto& f : open)
          if (f.status == "open" && f.field == fname && !f.original.empty()) cells[c] = f.original;
    }
    std::map<std::string, std::size_t> fixed_field_row;  // quality field → sheet row
    for (auto i : idx) {
      auto it = std::find_if(open.begin(), open.end(), [&](const OpenFinding& f) { return f.id == rows[i].finding_id; });
      if (it == open.end()) {
        reject(i, H[0], "Không có phát hiện số " + std::to_string(rows[i].finding_id) + " của đảng viên này");
        continue;
      }
      if (it->status == "fixed") {
        rows[i].outcome = "skipped";
        rows[i].reject_reason = "Phát hiện đã được sửa trước đó";
        continue;
      }
      rows[i].finding = *it;
      // A suggestion "A | B" lists alternatives (a split ward, an ambiguous name): the tick cannot
      // choose between them. A written value that is one of them is taken in its listed spelling;
      // any other written value must pass the checks as a normal value (below).
      const std::vector<std::string> alternatives = suggestion_alternatives(it->suggested);
      if (rows[i].value == "\x01suggested") {
        if (it->suggested.empty()) {
          reject(i, H[11], "Phát hiện này không có giá trị đề xuất: hãy điền cột 'Giá trị sửa'");
          continue;
        }
        if (alternatives.size() > 1) {
          reject(i, H[11], "Đề xuất có nhiều phương án: hãy ghi một trong các giá trị vào cột Giá trị sửa");
          continue;
        }
        rows[i].value = it->suggested;
      } else if (alternatives.size() > 1) {
        const std::string key = vntext::search_key(rows[i].value);
        auto alt = std::find_if(alternatives.begin(), alternatives.end(),
                                [&](const std::string& a) { return vntext::search_key(a) == key; });
        if (alt != alternatives.end()) {
          rows[i].value = *alt;
        } else if (rows[i].value.find('|') != std::string::npos) {
          reject(i, H[12], "Đề xuất có nhiều phương án: hãy ghi một trong các giá trị vào cột Giá trị sửa");
          continue;
        }
      }
      auto fld = parse_field(it->field);
      if (!fld || registry_fields(*fld).empty()) {
        reject(i, H[12], "Trường '" + (it->field.empty() ? std::string("cả dòng") : it->field) +
                             "' không sửa được qua bảng này; hãy sửa hồ sơ trên trang đảng viên");
        continue;
      }
      Field target = *fld;
      if (target == Field::family_name || target == Field::middle_name || target == Field::given_name ||
          target == Field::family_middle)
        target = Field::full_name;  // sửa cả họ tên
      auto pos = std::find(rm.fields.begin(), rm.fields.end(), target);
      if (pos == rm.fields.end()) {
        reject(i, H[12], "Trường này không sửa được qua bảng này");
        continue;
      }
      std::size_t c = std::size_t(pos - rm.fields.begin());
      if (auto prev = fixed_field_row.find(std::string(field_name(target))); prev != fixed_field_row.end() &&
                                                                            rows[prev->second].value != rows[i].value) {
        reject(i, H[12], "Hai giá trị sửa khác nhau cho cùng một trường của đảng viên này");
        continue;
      }
      cells[c] = rows[i].value;
      fixed_field_row[std::string(field_name(target))] = i;
    }
    if (fixed_field_row.empty()) continue;
    RowResult r = im.st.standardize_row(rm, cells);
    // A fix must itself be clean.
    std::set<std::size_t> bad_rows;
    for (auto& f : r.findings) {
      if (f.severity == Severity::info || f.column < 0) continue;
      std::string fname(field_name(rm.fields[std::size_t(f.column)]));
      auto it = fixed_field_row.find(fname);
      if (it != fixed_field_row.end() && !bad_rows.count(it->second)) {
        reject(it->second, H[12], "Giá trị sửa chưa hợp lệ: " + f.message);
        bad_rows.insert(it->second);
      }
    }
    std::map<std::string, std::string> changes;
    for (auto& [fname, i] : fixed_field_row) {
      if (bad_rows.count(i)) continue;
      for (auto& rf : registry_fields(*parse_field(fname))) changes[rf] = registry::member_field_text(r.member, rf);
    }
    if (changes.empty()) continue;
    try {
      if (job.dry_run) {
        // what update_member checks, without saving (the scope was checked by svc.member above)
        if (!security::role_allows(actor.role, security::Action::edit_member))
          throw Error(ErrorKind::forbidden, "forbidden", "Bạn không có quyền sửa hồ sơ đảng viên");
        registry::apply_member_changes(cur, changes);  // throws ValidationError
      } else {
        svc.update_member(actor, mid, changes, std::nullopt);
      }
    } catch (const registry::ValidationError& e) {
      for (auto& [fname, i] : fixed_field_row) {
        if (bad_rows.count(i)) continue;
        std::string why;
        for (auto& rf : registry_fields(*parse_field(fname)))
          if (auto it = e.fields().find(rf); it != e.fields().end()) why = it->second;
        if (why.empty())
          for (auto& [k, v] : e.fields()) why += (why.empty() ? "" : "; ") + v;
        reject(i, H[12], "Không lưu được: " + why);
      }
      continue;
    } catch (const base::Error& e) {
      for (auto& [fname, i] : fixed_field_row)
        if (!bad_rows.count(i)) reject(i, H[12], e.what());
      continue;
    }
    if (job.dry_run) {  // would be fixed; nothing changes
      for (auto& [fname, i] : fixed_field_row)
        if (!bad_rows.count(i)) rows[i].outcome = "fixed";
      continue;
    }
    // The fixed findings, then the others that no longer occur on the new record.
    auto fresh = svc.member(actor, mid, false);
    std::vector<std::string> fresh_cells(rm.fields.size());
    for (std::size_t c = 0; c < rm.fields.size(); ++c) {
      fresh_cells[c] = field_current_text(fresh, std::string(field_name(rm.fields[c])));
      if (rm.fields[c] == Field::status) fresh_cells[c] = std::string(registry::label_vi(fresh.status));
    }
    RowResult after = im.st.standardize_row(rm, fresh_cells);
    std::set<std::pair<std::string, std::string>> still;
    for (auto& f : after.findings)
      if (f.severity != Severity::info)
        still.insert({f.column >= 0 ? std::string(field_name(rm.fields[std::size_t(f.column)])) : std::string(), f.code});
    auto s = db.session();
    soci::transaction tr(*s);
    auto close = [&](int64_t fid, const std::string& value) {
      isql::Query u;
      u.text = "UPDATE finding SET status = 'fixed', fixed_at = " + u.add(now) + ", fixed_by = " +
               (actor.user_id ? u.add(actor.user_id) : std::string("NULL")) + ", fixed_by_name = " + u.add(actor.username) +
               ", fixed_import_id = " + u.add(job.id) + ", fixed_value = " + u.add(value) + " WHERE id = " + u.add(fid) +
               " AND status = 'open'";
      isql::exec(*s, u);
    };
    std::set<int64_t> explicit_ids;
    for (auto& [fname, i] : fixed_field_row) {
      if (bad_rows.count(i)) continue;
      rows[i].outcome = "fixed";
      std::string shown = field_current_text(fresh, fname);
      close(rows[i].finding.id, shown);
      explicit_ids.insert(rows[i].finding.id);
    }
    for (auto& f : open) {
      if (f.status != "open" || explicit_ids.count(f.id) || f.code.find(".duplicate") != std::string::npos) continue;
      if (still.count({f.field, f.code})) continue;
      if (field_current_text(fresh, f.field).empty() && !f.field.empty()) continue;  // value still missing
      close(f.id, field_current_text(fresh, f.field));
    }
    tr.commit();
    if (progress && (++done_members % 50 == 0)) {
      ImportProgress p;
      p.import_id = job.id;
      p.status = "running";
      p.rows_total = job.rows_total;
      p.rows_read = int64_t(done_members);
      progress(p);
    }
  }
  // Row accounting and the rows themselves.
  for (auto& sr : rows) {
    if (sr.outcome.empty()) {
      sr.outcome = "rejected";
      sr.reject_reason = "Không áp dụng được";
    }
    ++job.rows_read;
    if (sr.outcome == "fixed") ++job.rows_updated;
    else if (sr.outcome == "skipped") ++job.rows_unchanged;
    else ++job.rows_rejected;
    if (sr.outcome == "rejected" && res.rejected.size() < 1000)
      res.rejected.push_back({int64_t(sr.rec->line), std::to_string(sr.finding_id), sr.reject_column, sr.reject_reason});
  }
  {
    auto s = db.session();
    soci::transaction tr(*s);
    for (auto& sr : rows) {
      if (job.dry_run) break;  // a dry run records no rows
      std::vector<std::string> shown;
      for (auto& c : sr.rec->cells) shown.push_back(displayable(c));
      isql::Query q;
      q.text = "INSERT INTO import_row(import_id, line, row_key, raw, outcome, member_id, reject_column, reject_reason) VALUES (" +
               q.add(job.id) + "," + q.add(int64_t(sr.rec->line)) + "," + q.add(std::to_string(sr.finding_id)) + "," +
               q.add(json_strings(shown)) + "," + q.add(sr.outcome) + "," +
               (sr.outcome == "fixed" ? q.add(sr.member_id) : std::string("NULL")) + "," + q.add(sr.reject_column) + "," +
               q.add(sr.reject_reason) + ")";
      isql::exec(*s, q);
    }
    isql::Query u;
    u.text = "UPDATE import_job SET rows_total = " + u.add(job.rows_total) + ", rows_read = " + u.add(job.rows_read) +
             ", rows_updated = " + u.add(job.rows_updated) + ", rows_unchanged = " + u.add(job.rows_unchanged) +
             ", rows_rejected = " + u.add(job.rows_rejected) + ", rows_blank = " + u.add(job.rows_blank) +
             ", batches_done = 1, source = " + u.add(head.source) + " WHERE id = " + u.add(job.id);
    isql::exec(*s, u);
    if (!job.dry_run) {
      boost::json::object d;
      d["import"] = job.id;
      d["fixed"] = job.rows_updated;
      d["rejected"] = job.rows_rejected;
      security::audit_append(*s, actor_in, "import_fixes", "import", std::to_string(job.id), job.org_path,
                             boost::json::serialize(d));
    }
    tr.commit();
  }
  job.summary = "{}";
  if (job.dry_run) {  // its rejections, for its page (no import_row holds them)
    boost::json::array rej;
    for (auto& rr : res.rejected)
      if (rej.size() < 500)
        rej.push_back(boost::json::object{{"line", rr.line}, {"key", rr.key}, {"column", rr.column}, {"reason", rr.reason}});
    job.summary = boost::json::serialize(boost::json::object{{"rejected", std::move(rej)}});
  }
  finish_job(db, job, cancel && *cancel ? "interrupted" : "done",
             fmt::format("Đọc {} dòng: {} {}, chưa điền {}, từ chối {}", job.rows_read,
                         job.dry_run ? "sẽ sửa" : "đã sửa", job.rows_updated, job.rows_unchanged, job.rows_rejected));
  if (!job.dry_run) {
    try {
      take_campaign_snapshot(db);
    } catch (const std::exception& e) {
      spdlog::warn("fix sheet {}: campaign snapshot failed: {}", job.id, e.what());
    }
  }
  res.job = *load_job(db, job.id);
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (progress) {
    ImportProgress p;
    p.import_id = job.id;
    p.status = res.job.status;
    p.rows_total = job.rows_total;
    p.rows_read = job.rows_read;
    p.updated = job.rows_updated;
    p.unchanged = job.rows_unchanged;
    p.rejected = job.rows_rejected;
    progress(p);
  }
  return res;
}

}  // namespace detail
}  // namespace dangbo::quality

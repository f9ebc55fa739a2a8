// `dangbo clean`: reader → N standardizing workers → ordered writer.

#include "quality/clean.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <ostream>
#include <stdexcept>
#include <thread>

#include <unistd.h>

#include "base/bounded_queue.hpp"
#include "vntext/encoding.hpp"
#include "vntext/text.hpp"
#include "vntext/utf8.hpp"

namespace dangbo::quality {

namespace {

// Keys of one written row for the checks across the file (done in input order by the writer).
struct RowKeys {
  std::size_t line = 0;
  std::string id, citizen_id, card;
};

struct Chunk {
  std::size_t seq = 0;
  std::vector<RawRecord> recs;
  std::size_t n = 0;  // records used in recs
  std::string out;  // formatted OUT lines (by the worker)
  std::string fl;   // formatted FINDINGS lines (by the worker)
  std::vector<RowKeys> keys;
  std::size_t n_keys = 0;
  // Row accounting and finding counts of the chunk.
  std::int64_t rows_read = 0, rows_written = 0, rows_rejected = 0, blank_rows = 0, findings = 0;
  std::int64_t by_severity[3] = {0, 0, 0};
  std::map<std::string, std::int64_t> by_code;
};

// An output written to a temporary file beside it, renamed over the path only when every
// output is complete (finish, then commit): a failed run leaves no half-written file and
// never touches an existing one.
class File {
 public:
  explicit File(const std::string& path)
      : path_(path), tmp_(path + ".tmp-" + std::to_string(::getpid())), f_(std::fopen(tmp_.c_str(), "wb")) {
    if (!f_) throw std::runtime_error("Không ghi được tệp " + path + ": " + std::strerror(errno));
    std::setvbuf(f_, nullptr, _IOFBF, 4 << 20);
  }
  ~File() {
    if (f_) std::fclose(f_);
    if (!committed_) std::remove(tmp_.c_str());
  }
  void write(std::string_view s) {
    if (std::fwrite(s.data(), 1, s.size(), f_) != s.size()) ok_ = false;
  }
  void finish() {
    if (std::fclose(f_) != 0) ok_ = false;
    f_ = nullptr;
    if (!ok_) throw std::runtime_error("Lỗi khi ghi tệp " + path_);
  }
  void commit() {
    if (std::rename(tmp_.c_str(), path_.c_str()) != 0)
      throw std::runtime_error("Không ghi được tệp " + path_ + ": " + std::strerror(errno));
    committed_ = true;
  }

 private:
  std::string path_, tmp_;
  std::FILE* f_;
  bool ok_ = true, committed_ = false;
};

// Refuses an output that is the input or the other output (same file by canonical path).
void check_output_paths(const CleanJob& job) {
  namespace fs = std::filesystem;
  auto canon = [](const std::string& p) {
    std::error_code ec;
    fs::path c = fs::weakly_canonical(fs::absolute(p), ec);
    return ec ? fs::absolute(p).lexically_normal() : c;
  };
  auto same = [&](const std::string& a, const std::string& b) {
    std::error_code ec;
    if (fs::exists(a, ec) && fs::exists(b, ec) && fs::equivalent(a, b, ec)) return true;
    return canon(a) == canon(b);
  };
  if (job.output.empty() || job.findings.empty())
    throw std::runtime_error("Cần cả --out TỆP.csv và --findings TỆP.csv");
  if (same(job.output, job.input))
    throw std::runtime_error("--out " + job.output + " là chính tệp đầu vào; hãy ghi ra một tệp khác để giữ bản gốc");
  if (same(job.findings, job.input))
    throw std::runtime_error("--findings " + job.findings + " là chính tệp đầu vào; hãy ghi ra một tệp khác để giữ bản gốc");
  if (same(job.output, job.findings))
    throw std::runtime_error("--out và --findings cùng là tệp " + job.output + "; hãy đặt hai tên khác nhau");
}

template <class T>
using Queue = base::BoundedQueue<T>;  // (src/base/bounded_queue.hpp)

// Original values are written as a reader would see them: bytes that are not UTF-8 (a legacy
// file) are shown through Windows-1252, as Excel would show them.
std::string_view displayable(const std::string& s, std::string& buffer) {
  if (vntext::detail::valid_utf8(s)) return s;
  buffer = vntext::decode(s, vntext::Encoding::cp1252);
  return buffer;
}

}  // namespace

void csv_append(std::string& line, std::string_view v) {
  // Bytes that force quoting: , " CR LF (and spaces at either end).
  static constexpr auto kSpecial = [] {
    std::array<bool, 256> t{};
    t[','] = t['"'] = t['\r'] = t['\n'] = true;
    return t;
  }();
  bool quote = !v.empty() && (v.front() == ' ' || v.back() == ' ');
  bool has_quote = false;
  if (!quote)
    for (unsigned char c : v)
      if (kSpecial[c]) {
        quote = true;
        break;
      }
  if (!quote) {
    line.append(v.data(), v.size());
    return;
  }
  has_quote = v.find('"') != std::string_view::npos;
  line += '"';
  if (!has_quote) {
    line.append(v.data(), v.size());
  } else {
    for (char c : v) {
      if (c == '"') line += '"';
      line += c;
    }
  }
  line += '"';
}

CleanStats run_clean(const registry::RefData& rd, const base::RuleSet& rules, const CleanOptions& opts,
                     const CleanJob& job) {
  const auto t0 = std::chrono::steady_clock::now();
  CleanStats st;
  check_output_paths(job);
  std::unique_ptr<RecordReader> reader;
  if (looks_like_xlsx(job.input)) reader = XlsxReader::open_file(job.input, job.sheet);
  else reader = open_csv(job.input, job.delimiter);
  st.source = reader->describe();

  // Header: the best of the first records; merged cells and two-row headers (XLSX).
  std::vector<RawRecord> head;
  for (int k = 0; k < 12; ++k) {
    RawRecord r;
    if (!reader->next(r)) break;
    head.push_back(std::move(r));
  }
  if (head.empty()) throw std::runtime_error("Tệp " + job.input + " không có dữ liệu");
  const std::size_t h = find_header_row(head);
  bool two_rows = false;
  std::vector<std::string> header = build_header(head, h, reader->merges(), &two_rows);
  while (!header.empty() && header.back().empty()) header.pop_back();
  for (std::size_t c = 0; c < header.size(); ++c)
    if (header[c].empty()) header[c] = fmt::format("Cột {}", c + 1);
  st.header_line = head[h].line;
  st.preamble_rows = std::int64_t(h);
  Mapping m = auto_mapping(header);
  if (!job.mapping_file.empty()) apply_mapping_file(m, job.mapping_file);
  if (!job.save_mapping.empty()) save_mapping_file(m, job.save_mapping);
  st.mapping = m;
  if (std::all_of(m.fields.begin(), m.fields.end(), [](Field f) { return f == Field::none; })) {
    std::string cols;
    for (std::size_t c = 0; c < header.size() && c < 8; ++c) cols += (c ? ", " : "") + header[c];
    if (header.size() > 8) cols += ", …";
    std::string sheets;
    if (const auto* x = dynamic_cast<const XlsxReader*>(reader.get()); x && job.sheet.empty()) {
      const auto names = x->sheet_names();
      if (names.size() > 1) {
        for (std::size_t i = 0; i < names.size(); ++i) sheets += (i ? "\", \"" : "\"") + names[i];
        sheets = fmt::format(" (đã đọc trang tính '{}'; tệp có các trang {}\"; chọn trang bằng --sheet TÊN)",
                             x->sheet_name(), sheets);
      }
    }
    throw std::runtime_error(fmt::format(
        "Không nhận ra cột nào của hồ sơ đảng viên trong tiêu đề (dòng {}: {}){}; tệp có đúng là danh sách đảng "
        "viên không? Nếu đúng, hãy chỉ rõ cột bằng --mapping TỆP.json",
        head[h].line, cols, sheets));
  }
  const bool name_cols = m.has(Field::full_name) || m.has(Field::family_middle) || m.has(Field::given_name);
  std::size_t first_data = h + (two_rows ? 2 : 1);

  Standardizer std_(rd, rules, [&] {
    CleanOptions o = opts;
    o.fill_member = false;
    return o;
  }());

  File out(job.output), fnd(job.findings);
  {
    std::string line = "\xEF\xBB\xBF";
    for (std::size_t c = 0; c < header.size(); ++c) {
      if (c) line += ',';
      csv_append(line, header[c]);
    }
    if (name_cols) line += ",family_name,middle_name,given_name";
    line += "\r\n";
    out.write(line);
    fnd.write("\xEF\xBB\xBFline,id,column,code,severity,message,original,suggested\r\n");
  }

  const int nthreads = std::max(1, job.threads);
  Queue<std::unique_ptr<Chunk>> work(std::size_t(nthreads) * 2), done_q(std::size_t(nthreads) * 4);
  std::mutex pool_m;
  std::vector<std::unique_ptr<Chunk>> pool;
  auto get_chunk = [&] {
    std::lock_guard lk(pool_m);
    if (pool.empty()) return std::make_unique<Chunk>();
    auto c = std::move(pool.back());
    pool.pop_back();
    return c;
  };

  auto format_finding = [&](std::string& fl, std::string_view line_no, std::string_view id, const Finding& f) {
    fl.append(line_no.data(), line_no.size());
    fl += ',';
    csv_append(fl, id);
    fl += ',';
    csv_append(fl, f.column >= 0 && std::size_t(f.column) < header.size() ? std::string_view(header[std::size_t(f.column)])
                                                                          : std::string_view());
    fl += ',';
    fl += f.code;
    fl += ',';
    fl += to_string(f.severity);
    fl += ',';
    csv_append(fl, f.message);
    fl += ',';
    std::string buffer;
    csv_append(fl, displayable(f.original, buffer));
    fl += ',';
    csv_append(fl, f.suggested);
    fl += "\r\n";
  };

  // Workers: standardize, format OUT and FINDINGS lines.
  std::vector<std::thread> workers;
  for (int t = 0; t < nthreads; ++t)
    workers.emplace_back([&] {
      std::unique_ptr<Chunk> c;
      // One row result per worker, reused row after row: its buffers stay with this thread
      // (freeing memory another thread allocated is slow), and nothing of it crosses threads.
      RowResult r;
      while (work.pop(c)) {
        c->out.clear();
        c->fl.clear();
        c->n_keys = 0;
        c->rows_read = c->rows_written = c->rows_rejected = c->blank_rows = c->findings = 0;
        c->by_severity[0] = c->by_severity[1] = c->by_severity[2] = 0;
        c->by_code.clear();
        for (std::size_t i = 0; i < c->n; ++i) {
          RawRecord& rec = c->recs[i];
          std_.standardize_row(m, rec.cells, r);
          // Repeated columns: a row whose two values differ is shown (the first is used).
          for (auto [later, earlier] : m.duplicates) {
            if (r.blank || m.fields[std::size_t(earlier)] == Field::none) continue;
            if (std::size_t(later) >= rec.cells.size() || std::size_t(earlier) >= rec.cells.size()) continue;
            const std::string& a = rec.cells[std::size_t(earlier)];
            const std::string& b = rec.cells[std::size_t(later)];
            if (a == b || b.empty() || a.empty()) continue;
            const std::string ta = vntext::collapse_spaces(vntext::repair_text(a).text);
            const std::string tb = vntext::collapse_spaces(vntext::repair_text(b).text);
            if (ta == tb) continue;
            r.findings.push_back(Finding{
                later, "column.duplicate_conflict", Severity::warning,
                fmt::format("Tệp có hai cột '{}' (cột {} và cột {}) với giá trị khác nhau; đã dùng cột {}",
                            header[std::size_t(earlier)], earlier + 1, later + 1, earlier + 1),
                b, ta});
          }
          if (rec.malformed && !r.blank) {
            if (rec.cells.size() != header.size() && !r.rejected) {
              r.rejected = true;
              r.findings.insert(r.findings.begin(),
                                Finding{-1, "row.malformed", Severity::error,
                                        "Dòng có dấu ngoặc kép không đóng; không tách được các ô", "", ""});
            } else if (!r.rejected) {
              r.findings.insert(r.findings.begin(),
                                Finding{-1, "row.stray_quote", Severity::warning,
                                        "Dòng có dấu ngoặc kép lạc; đã đọc dấu ngoặc như ký tự thường", "", ""});
            }
          }
          if (r.blank) {
            ++c->blank_rows;
            continue;
          }
          ++c->rows_read;
          (r.rejected ? c->rows_rejected : c->rows_written)++;
          // The row's id, for findings.
          std::string_view id;
          std::string id_buf;
          if (m.id_column >= 0 && std::size_t(m.id_column) < rec.cells.size()) {
            id = rec.cells[std::size_t(m.id_column)];
            bool plain = true;  // digits and ASCII letters need no repair
            for (char ch : id)
              plain = plain && ((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                                ch == '.' || ch == '-');
            if (!plain) id = id_buf = vntext::collapse_spaces(vntext::repair_text(id).text);
          }
          if (!r.findings.empty()) {
            const auto line_no = fmt::format_int(rec.line);
            for (const Finding& f : r.findings) {
              ++c->findings;
              ++c->by_severity[int(f.severity)];
              ++c->by_code[f.code];
              format_finding(c->fl, std::string_view(line_no.data(), line_no.size()), id, f);
            }
          }
          if (r.rejected) continue;
          if (!r.citizen_id.empty() || !r.card_number.empty()) {
            if (c->keys.size() <= c->n_keys) c->keys.emplace_back();
            RowKeys& k = c->keys[c->n_keys++];
            k.line = rec.line;
            k.id.assign(id);
            k.citizen_id = r.citizen_id;
            k.card = r.card_number;
          }
          for (std::size_t k = 0; k < r.values.size(); ++k) {
            if (k) c->out += ',';
            csv_append(c->out, r.values[k]);
          }
          if (name_cols) {
            c->out += ',';
            csv_append(c->out, r.name.family);
            c->out += ',';
            csv_append(c->out, r.name.middle);
            c->out += ',';
            csv_append(c->out, r.name.given);
          }
          c->out += "\r\n";
        }
        done_q.push(std::move(c));
      }
    });

  // Writer: in input order; cross-row checks; findings.
  std::exception_ptr writer_error;
  std::thread writer([&] {
    try {
      FileChecks checks;
      std::map<std::size_t, std::unique_ptr<Chunk>> pending;
      std::size_t next = 0;
      std::unique_ptr<Chunk> c;
      std::string fl;
      std::vector<Finding> dup;
      while (done_q.pop(c)) {
        pending.emplace(c->seq, std::move(c));
        while (!pending.empty() && pending.begin()->first == next) {
          auto ch = std::move(pending.begin()->second);
          pending.erase(pending.begin());
          ++next;
          st.rows_read += ch->rows_read;
          st.rows_written += ch->rows_written;
          st.rows_rejected += ch->rows_rejected;
          st.blank_rows += ch->blank_rows;
          st.findings += ch->findings;
          for (int k = 0; k < 3; ++k) st.by_severity[k] += ch->by_severity[k];
          for (const auto& [code, n] : ch->by_code) st.by_code[code] += n;
          // Duplicates within the file, in input order.
          fl.clear();
          for (std::size_t i = 0; i < ch->n_keys; ++i) {
            const RowKeys& k = ch->keys[i];
            dup.clear();
            checks.check_keys(m, k.line, k.citizen_id, k.card, dup);
            if (dup.empty()) continue;
            const auto line_no = fmt::format_int(k.line);
            for (const Finding& f : dup) {
              ++st.findings;
              ++st.by_severity[int(f.severity)];
              ++st.by_code[f.code];
              format_finding(fl, std::string_view(line_no.data(), line_no.size()), k.id, f);
            }
          }
          out.write(ch->out);
          fnd.write(ch->fl);
          fnd.write(fl);
          std::lock_guard lk(pool_m);
          pool.push_back(std::move(ch));
        }
      }
    } catch (...) {
      writer_error = std::current_exception();
    }
  });

  // Reader (this thread): the header's neighbours first, then the rest of the file.
  std::size_t seq = 0;
  auto chunk = get_chunk();
  auto flush = [&] {
    if (chunk->n == 0) return;
    chunk->seq = seq++;
    work.push(std::move(chunk));
    chunk = get_chunk();
    chunk->n = 0;
  };
  auto take = [&](RawRecord&& r) {
    if (chunk->recs.size() <= chunk->n) chunk->recs.emplace_back();
    chunk->recs[chunk->n++] = std::move(r);
    if (chunk->n >= job.chunk_rows) flush();
  };
  chunk->n = 0;
  for (std::size_t k = first_data; k < head.size(); ++k) take(std::move(head[k]));
  for (;;) {
    if (chunk->recs.size() <= chunk->n) chunk->recs.emplace_back();
    if (!reader->next(chunk->recs[chunk->n])) break;
    if (++chunk->n >= job.chunk_rows) flush();
  }
  flush();
  work.close();
  for (auto& w : workers) w.join();
  done_q.close();
  writer.join();
  if (writer_error) std::rethrow_exception(writer_error);
  out.finish();
  fnd.finish();
  out.commit();
  fnd.commit();
  st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return st;
}

void print_clean_summary(std::ostream& o, const CleanStats& s) {
  o << "Nguồn: " << s.source << "; tiêu đề ở dòng " << s.header_line;
  if (s.preamble_rows) o << " (bỏ qua " << s.preamble_rows << " dòng tiêu đề phụ phía trên)";
  o << "\n";
  o << "Ánh xạ cột:";
  for (std::size_t i = 0; i < s.mapping.header.size(); ++i)
    if (s.mapping.fields[i] != Field::none)
      o << (i ? "; " : " ") << s.mapping.header[i] << " → " << field_name(s.mapping.fields[i]);
  o << "\n";
  {
    std::string unmapped;
    for (std::size_t i = 0; i < s.mapping.header.size(); ++i)
      if (s.mapping.fields[i] == Field::none) unmapped += (unmapped.empty() ? "" : "; ") + s.mapping.column_key(i);
    if (!unmapped.empty()) o << "Cột không ánh xạ (giữ nguyên như văn bản): " << unmapped << "\n";
  }
  for (auto [later, earlier] : s.mapping.duplicates)
    o << fmt::format("Cảnh báo: cột {} '{}' trùng với cột {} '{}'; dùng cột {}, cột {} để nguyên (chọn khác bằng "
                     "--mapping với tên \"{}\")\n",
                     later + 1, s.mapping.header[std::size_t(later)], earlier + 1,
                     s.mapping.header[std::size_t(earlier)], earlier + 1, later + 1,
                     s.mapping.column_key(std::size_t(later)));
  if (s.mapping.id_column >= 0) o << "Cột mã dòng: " << s.mapping.header[std::size_t(s.mapping.id_column)] << "\n";
  o << "Phát hiện: " << s.findings << " (thông tin " << s.by_severity[0] << ", cảnh báo " << s.by_severity[1]
    << ", lỗi " << s.by_severity[2] << ")\n";
  for (const auto& [code, n] : s.by_code) o << "  " << code << ": " << n << "\n";
  if (s.blank_rows) o << "Dòng trống bỏ qua: " << s.blank_rows << "\n";
  o << fmt::format("Thời gian: {:.2f} s ({:.0f} dòng/giây)\n", s.seconds,
                   s.seconds > 0 ? double(s.rows_read) / s.seconds : 0.0);
  // The row accounting on its own line, plain integers (bench/clean.sh greps '^Số dòng:').
  o << fmt::format("Số dòng: đọc {} = ghi ra {} + loại {}\n", s.rows_read, s.rows_written, s.rows_rejected);
}

}  // namespace dangbo::quality

#include "quality/cli.hpp"

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <ostream>
#include <thread>

#include "quality/clean.hpp"
#include "quality/messy.hpp"

namespace dangbo::quality {

int run_clean_command(const CleanCommand& c, const std::string& data_dir, const base::RuleSet& rules, std::ostream& out,
                      std::ostream& err) {
  CleanOptions opts;
  if (c.tone == "old") opts.tone = vntext::ToneStyle::old_style;
  else if (c.tone == "new") opts.tone = vntext::ToneStyle::new_style;
  else if (!c.tone.empty()) {
    err << "dangbo: --tone phải là old (hòa, thúy) hoặc new (hoà, thuý)\n";
    return 1;
  }
  if (c.date_format == "iso") opts.date_format = DateFormat::iso;
  else if (c.date_format != "vn") {
    err << "dangbo: --date-format phải là vn (dd/mm/yyyy) hoặc iso (yyyy-mm-dd)\n";
    return 1;
  }
  if (!c.today.empty()) {
    auto d = base::parse_iso_date(c.today);
    if (!d || d->precision != base::DatePrecision::day) {
      err << "dangbo: --today phải có dạng YYYY-MM-DD\n";
      return 1;
    }
    opts.today = *d;
  }
  CleanJob job;
  job.input = c.input;
  job.output = c.out;
  job.findings = c.findings;
  job.mapping_file = c.mapping;
  job.save_mapping = c.save_mapping;
  job.sheet = c.sheet;
  job.threads = c.threads > 0 ? c.threads : int(std::max(1u, std::thread::hardware_concurrency()));
  if (!c.delimiter.empty()) {
    if (c.delimiter == "tab" || c.delimiter == "\\t") job.delimiter = '\t';
    else if (c.delimiter.size() == 1) job.delimiter = c.delimiter[0];
    else {
      err << "dangbo: --delimiter phải là một ký tự (hoặc tab)\n";
      return 1;
    }
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto rd = registry::RefData::load(data_dir);
  const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CleanStats st = run_clean(rd, rules, opts, job);
  print_clean_summary(out, st);
  out << fmt::format("Nạp dữ liệu tham chiếu: {:.2f} s\n", load_s);
  return 0;
}

int run_messy_command(const MessyCommand& c, const std::string& data_dir, std::ostream& out, std::ostream& err) {
  if (c.out.empty() || c.truth.empty()) {
    err << "dangbo: --messy cần --out TỆP.csv và --truth TỆP_ĐÁP_ÁN.csv\n";
    return 1;
  }
  if (c.duplicates < 0 || c.duplicates > 1) {
    err << "dangbo: --duplicates phải trong khoảng 0..1 (tỉ lệ bản ghi trùng thêm vào)\n";
    return 1;
  }
  auto rd = registry::RefData::load(data_dir);
  std::ofstream f(c.out, std::ios::binary), t(c.truth, std::ios::binary);
  if (!f || !t) {
    err << "dangbo: không ghi được " << (!f ? c.out : c.truth) << "\n";
    return 1;
  }
  MessyOptions o;
  o.members = c.members;
  o.seed = c.seed;
  o.duplicates = c.duplicates;
  o.error_scale = c.error_scale;
  const auto t0 = std::chrono::steady_clock::now();
  MessyStats s = write_messy_roster(rd, o, f, t);
  f.close();
  t.close();
  if (!f || !t) {
    err << "dangbo: lỗi khi ghi tệp\n";
    return 1;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out << fmt::format("generated {} rows ({} re-entered duplicates), {} truth lines in {:.1f} s\n", s.rows,
                     s.duplicate_rows, s.truth_lines, secs);
  for (const auto& [k, n] : s.by_kind) out << "  " << k << ": " << n << "\n";
  return 0;
}

}  // namespace dangbo::quality

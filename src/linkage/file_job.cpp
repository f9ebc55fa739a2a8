#include "linkage/file_job.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <ostream>
#include <stdexcept>

#include "base/csv.hpp"
#include "base/rules.hpp"
#include "linkage/file_input.hpp"
#include "linkage/report.hpp"
#include "quality/standardizer.hpp"
#include "registry/refdata.hpp"

namespace dangbo::linkage {

namespace {

std::string fmt(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

double peak_rss_mib() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

Result run_file_job(const FileJobOptions& o, std::ostream& log) {
  using Clock = std::chrono::steady_clock;
  auto t0 = Clock::now();
  if (o.inputs.empty() || o.inputs.size() > 2) throw std::runtime_error("dedupe: cần một hoặc hai tệp đầu vào");
  Dataset d;
  std::vector<FileStats> files;
  {
    auto rd = registry::RefData::load(o.data_dir);
    auto rules = base::RuleSet::load(o.rules_path);
    quality::CleanOptions co;
    co.tone = vntext::ToneStyle::old_style;
    co.fill_member = false;
    quality::Standardizer st(rd, rules, co);
    log << "reference data and standardizer ready in "
        << fmt(std::chrono::duration<double>(Clock::now() - t0).count(), 2) << " s\n";
    for (std::size_t k = 0; k < o.inputs.size(); ++k)
      files.push_back(read_people(o.inputs[k], uint16_t(k), st, o.id_column, o.read_threads, d));
  }
  d.finalize();
  const double t_read = std::chrono::duration<double>(Clock::now() - t0).count();
  for (auto& f : files)
    log << "read " << f.path << " (" << f.source << "): " << f.rows << " rows, id column "
        << (f.id_header.empty() ? std::string("(line numbers)") : "'" + f.id_header + "'") << "; seconds: reading "
        << fmt(f.seconds_read, 2) << ", standardizing " << fmt(f.seconds_standardize, 2) << ", keys "
        << fmt(f.seconds_add, 2) << "\n";

  Options eo = o.engine;
  Result r = run(d, eo, [&](const std::string& s) { log << s << "\n"; });
  r.seconds["read_standardize"] = t_read;

  auto t1 = Clock::now();
  std::ofstream out(o.out, std::ios::binary);
  if (!out) throw std::runtime_error("Không ghi được tệp " + o.out);
  const bool two = o.inputs.size() == 2;
  std::string head = two ? "file_a,id_a,file_b,id_b" : "id_a,id_b";
  head += ",probability,match_weight,decision,cluster";
  for (int f = 0; f < kFields; ++f) head += "," + std::string(field_info(f).key);
  out << head << "\n";
  std::string line;
  for (auto& p : r.pairs) {
    line.clear();
    if (two) line += base::csv_cell(o.inputs[d.source[p.a]]) + ",";
    line += base::csv_cell(d.ids[p.a]) + ",";
    if (two) line += base::csv_cell(o.inputs[d.source[p.b]]) + ",";
    line += base::csv_cell(d.ids[p.b]) + ",";
    line += fmt(p.prob, 6) + "," + fmt(p.weight, 2) + ",";
    const bool link = p.prob >= eo.threshold;
    line += link ? "link," : "review,";
    if (link) line += base::csv_cell(d.ids[r.cluster[p.a]]);
    Gamma g = decode(p.code);
    for (int f = 0; f < kFields; ++f) {
      line += ',';
      if (g.lv[f] != kNull) line += field_info(f).levels[g.lv[f]];
    }
    line += '\n';
    out << line;
  }
  out.close();
  if (!out) throw std::runtime_error("Lỗi khi ghi tệp " + o.out);
  r.seconds["write"] = std::chrono::duration<double>(Clock::now() - t1).count();
  const double total = std::chrono::duration<double>(Clock::now() - t0).count();
  r.seconds["total"] = total;

  log << "records: " << d.size() << "; possible pairs " << r.possible_pairs << "\n";
  for (auto& st : r.rules) {
    log << "  rule " << st.key << ": " << st.blocks << " blocks, largest " << st.largest_block << ", pairs " << st.pairs
        << ", new " << st.new_pairs << (st.capped_blocks ? ", capped blocks " + std::to_string(st.capped_blocks) : "")
        << (st.shared_records ? ", records without a key (shared values) " + std::to_string(st.shared_records) : "")
        << "\n";
    for (auto& [key, records] : st.capped_keys) log << "    capped: " << key << " (" << records << " records)\n";
  }
  if (!d.shared_values.empty())
    log << "shared values taken as missing (" << d.shared_values.size() << "):\n" << shared_values_text(d.shared_values);
  log << "compared pairs: " << r.compared_pairs << "; linked " << r.linked_pairs << " (p ≥ " << eo.threshold
      << "), review " << r.review_pairs << " (p ≥ " << eo.review_low << "); clusters " << r.clusters_multi
      << ", largest " << r.largest_cluster << "\n";
  log << "seconds:";
  for (auto& [k, v] : r.seconds) log << " " << k << "=" << fmt(v, 2);
  log << "; peak memory " << fmt(peak_rss_mib(), 0) << " MiB\n";

  if (!o.summary_json.empty()) {
    boost::json::object s;
    s["records"] = d.size();
    s["possible_pairs"] = r.possible_pairs;
    s["compared_pairs"] = r.compared_pairs;
    s["linked_pairs"] = r.linked_pairs;
    s["review_pairs"] = r.review_pairs;
    s["clusters"] = r.clusters_multi;
    s["largest_cluster"] = r.largest_cluster;
    s["threshold"] = eo.threshold;
    s["review_low"] = eo.review_low;
    s["peak_rss_mib"] = peak_rss_mib();
    boost::json::object secs;
    for (auto& [k, v] : r.seconds) secs[k] = v;
    s["seconds"] = secs;
    s["rules"] = rules_json(r.rules);
    s["shared_values"] = shared_values_json(d.shared_values);
    std::ofstream js(o.summary_json);
    js << boost::json::serialize(s) << "\n";
  }
  if (!o.model_json.empty()) {
    std::ofstream js(o.model_json);
    js << r.model.to_json() << "\n";
  }
  return r;
}

}  // namespace dangbo::linkage

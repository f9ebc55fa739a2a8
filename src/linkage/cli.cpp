#include "linkage/cli.hpp"

#include <soci/soci.h>

#include <cstdio>
#include <fstream>
#include <ostream>

#include "linkage/file_job.hpp"
#include "linkage/report.hpp"
#include "linkage/service.hpp"

namespace dangbo::linkage {

namespace {

bool check(const DedupeCommand& c, std::ostream& err) {
  if (!(c.threshold > 0 && c.threshold < 1) || !(c.review_low > 0 && c.review_low <= c.threshold)) {
    err << "dangbo dedupe: cần 0 < --review-low ≤ --threshold < 1\n";
    return false;
  }
  if (c.threads < 1 || c.threads > 256) {
    err << "dangbo dedupe: --threads phải từ 1 đến 256\n";
    return false;
  }
  return true;
}

Options engine(const DedupeCommand& c) {
  Options o;
  o.threshold = c.threshold;
  o.review_low = c.review_low;
  o.threads = c.threads;
  o.link_only = c.link_only;
  return o;
}

std::string f2(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f", v);
  return b;
}

}  // namespace

int run_dedupe_files(const DedupeCommand& c, const std::string& root, std::ostream& out, std::ostream& err) {
  if (!check(c, err)) return 1;
  if (c.inputs.size() > 2) {
    err << "dangbo dedupe: tối đa hai tệp đầu vào\n";
    return 1;
  }
  if (c.out.empty()) {
    err << "dangbo dedupe: cần --out PAIRS.csv khi đối chiếu tệp\n";
    return 1;
  }
  if (c.link_only && c.inputs.size() != 2) {
    err << "dangbo dedupe: --link-only cần hai tệp\n";
    return 1;
  }
  FileJobOptions o;
  o.inputs = c.inputs;
  o.out = c.out;
  o.id_column = c.id_column;
  o.summary_json = c.summary;
  o.model_json = c.model;
  o.data_dir = root + "/data";
  o.rules_path = root + "/config/rules.json";
  o.read_threads = c.threads;
  o.engine = engine(c);
  auto r = run_file_job(o, out);
  out << "wrote " << r.pairs.size() << " pairs to " << c.out << "\n";
  return 0;
}

int run_dedupe_registry(const DedupeCommand& c, db::Database& db, std::ostream& out, std::ostream& err) {
  if (!check(c, err)) return 1;
  security::Actor sys;
  sys.username = "dangbo-cli";
  sys.display_name = "dangbo dedupe";
  sys.role = security::Role::admin;
  {
    auto s = db.session();
    std::string path, code;
    long long id = 0;
    soci::indicator ip = soci::i_null, ic = soci::i_null;
    *s << "SELECT id, path, code FROM organization WHERE parent_id IS NULL AND valid_to IS NULL ORDER BY id LIMIT 1",
        soci::into(id), soci::into(path, ip), soci::into(code, ic);
    if (!s->got_data()) {
      err << "dangbo dedupe: cơ sở dữ liệu chưa có tổ chức đảng nào\n";
      return 1;
    }
    sys.org_id = id;
    sys.org_path = path;
    sys.org_code = code;
  }
  DedupeService svc(db);
  auto sum = svc.run(sys, c.org, engine(c), [&](const std::string& s) { out << s << "\n"; });
  out << "run " << sum.run_id << ": " << sum.records << " members, " << sum.compared_pairs << " pairs compared; "
      << sum.link_pairs << " very likely the same (p ≥ " << c.threshold << "), " << sum.review_pairs
      << " to review (p ≥ " << c.review_low << "), " << sum.remembered_different
      << " already decided as different people\n";
  for (auto& st : sum.rules) {
    out << "  rule " << st.key << ": largest block " << st.largest_block << ", pairs " << st.new_pairs;
    if (st.capped_blocks) out << ", capped blocks " << st.capped_blocks << " (" << st.capped_records << " records)";
    if (st.shared_records) out << ", records without a key (shared values) " << st.shared_records;
    out << "\n";
    for (auto& [key, records] : st.capped_keys) out << "    capped: " << key << " (" << records << " records)\n";
  }
  if (!sum.shared_values.empty())
    out << "shared values taken as missing (" << sum.shared_values.size() << "):\n" << shared_values_text(sum.shared_values);
  out << "seconds:";
  for (auto& [k, v] : sum.seconds) out << " " << k << "=" << f2(v);
  out << "\nreview: /dedupe\n";
  if (!c.out.empty()) {
    std::ofstream f(c.out, std::ios::binary);
    if (!f) {
      err << "dangbo dedupe: không ghi được " << c.out << "\n";
      return 1;
    }
    f << "id_a,id_b,probability,match_weight,decision";
    for (int k = 0; k < kFields; ++k) f << "," << field_info(k).key;
    f << "\n";
    for (auto band : {"link", "review"}) {
      std::string after, next;
      do {
        auto rows = svc.queue(sys, band, 1000, after, &next);
        for (auto& p : rows) {
          f << p.member_a << "," << p.member_b << "," << p.probability << "," << f2(p.match_weight) << "," << p.band;
          boost::json::object lv;
          try {
            lv = boost::json::parse(p.levels).as_object();
          } catch (...) {
          }
          for (int k = 0; k < kFields; ++k) {
            f << ",";
            if (auto it = lv.find(field_info(k).key); it != lv.end() && it->value().is_string()) f << it->value().as_string();
          }
          f << "\n";
        }
        after = next;
      } while (!next.empty());
    }
  }
  return 0;
}

}  // namespace dangbo::linkage

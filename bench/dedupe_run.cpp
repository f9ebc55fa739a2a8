// bench/dedupe_run — the file pipeline of `dangbo dedupe` as a bench executable, for builds
// in which the program itself is not linked yet. Same options as the sub-command.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <unordered_map>

#include "base/rules.hpp"
#include "linkage/file_input.hpp"
#include "quality/standardizer.hpp"
#include "registry/refdata.hpp"

#include "linkage/file_job.hpp"

int main(int argc, char** argv) {
  CLI::App app{"dedupe_run"};
  std::string root = ".";
  dangbo::linkage::FileJobOptions o;
  app.add_option("inputs", o.inputs)->required()->expected(1, 2);
  app.add_option("--out", o.out)->required();
  app.add_option("--id-column", o.id_column);
  app.add_option("--summary", o.summary_json);
  app.add_option("--model", o.model_json);
  app.add_option("--threshold", o.engine.threshold);
  app.add_option("--review-low", o.engine.review_low);
  app.add_option("--threads", o.engine.threads);
  app.add_option("--block-cap", o.engine.block_cap);
  app.add_option("--u-sample", o.engine.u_sample_pairs);
  app.add_flag("--link-only", o.engine.link_only);
  app.add_flag("--em-u", o.engine.em_estimate_u);
  app.add_option("--rules", o.engine.rules);
  app.add_option("--store-limit", o.engine.store_pairs_limit, "above this many pairs: two passes");
  app.add_option("--root", root, "repository root (data/, config/)");
  std::string truth;
  app.add_option("--truth", truth, "with a truth file (stt,person): print each rule's blocking recall and stop");
  CLI11_PARSE(app, argc, argv);
  using namespace dangbo::linkage;
  o.data_dir = root + "/data";
  o.rules_path = root + "/config/rules.json";
  if (!truth.empty()) {
    // Blocking recall: for every true pair, which rules put it in one block.
    Dataset d;
    auto rd = dangbo::registry::RefData::load(o.data_dir);
    auto rules = dangbo::base::RuleSet::load(o.rules_path);
    dangbo::quality::CleanOptions co;
    co.tone = dangbo::vntext::ToneStyle::old_style;
    co.fill_member = false;
    dangbo::quality::Standardizer st(rd, rules, co);
    for (std::size_t k = 0; k < o.inputs.size(); ++k) read_people(o.inputs[k], uint16_t(k), st, o.id_column, 2, d);
    d.finalize();
    std::unordered_map<std::string, uint32_t> idx;
    for (uint32_t i = 0; i < d.size(); ++i) idx[d.ids[i]] = i;
    std::map<std::string, std::vector<uint32_t>> groups;
    std::ifstream t(truth);
    std::string line;
    std::getline(t, line);
    // Two formats: "stt,person" (dedupe_gen) or the quality module's
    // "stt,column,kind,expect,correct,dirty" with kind = duplicate lines.
    const bool quality_format = line.find("kind") != std::string::npos;
    while (std::getline(t, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      std::vector<std::string> f;
      for (std::size_t i = 0;;) {
        std::size_t j = line.find(',', i);
        f.push_back(line.substr(i, j == std::string::npos ? std::string::npos : j - i));
        if (j == std::string::npos) break;
        i = j + 1;
      }
      if (quality_format) {
        if (f.size() >= 5 && f[2] == "duplicate") groups[f[4]].push_back(idx.at(f[0]));
      } else if (f.size() >= 2) {
        groups[f[1]].push_back(idx.at(f[0]));
      }
    }
    uint64_t total = 0, any = 0;
    std::vector<uint64_t> per(kRules), only(kRules);
    for (auto& [p, v] : groups)
      for (std::size_t a = 0; a < v.size(); ++a)
        for (std::size_t b = a + 1; b < v.size(); ++b) {
          ++total;
          int hits = 0, last = -1;
          for (int r = 0; r < kRules; ++r) {
            uint64_t ka = block_key(d, r, v[a]);
            if (ka && ka == block_key(d, r, v[b])) ++per[std::size_t(r)], ++hits, last = r;
          }
          if (hits) ++any;
          else if (std::getenv("DEDUPE_SHOW_MISSED")) std::cout << "missed " << d.ids[v[a]] << " " << d.ids[v[b]] << "\n";
          if (hits == 1) ++only[std::size_t(last)];
        }
    std::cout << "true pairs " << total << ", found by the union of rules " << any << " (recall " << double(any) / total << ")\n";
    for (int r = 0; r < kRules; ++r)
      std::cout << "  " << rule_info(r).key << ": " << per[std::size_t(r)] << " (" << double(per[std::size_t(r)]) / total
                << "), only this rule " << only[std::size_t(r)] << "\n";
    return 0;
  }
  try {
    dangbo::linkage::run_file_job(o, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "dedupe_run: " << e.what() << std::endl;
    return 1;
  }
  return 0;
}

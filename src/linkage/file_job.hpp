// dangbo::linkage — `dangbo dedupe A.csv [B.csv] --out PAIRS.csv`: linkage over member lists.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "linkage/engine.hpp"

namespace dangbo::linkage {

struct FileJobOptions {
  std::vector<std::string> inputs;  // one file: duplicates inside it; two: inside and across
  std::string out;                  // PAIRS.csv
  std::string id_column;            // "" = automatic (see csv_input.hpp)
  std::string summary_json;         // optional: run figures as JSON (for bench/)
  std::string model_json;           // optional: the estimated model
  std::string data_dir = "data";    // reference data for the standardizers
  std::string rules_path = "config/rules.json";
  int read_threads = 2;             // threads standardizing the input
  Options engine;
};

// Reads the inputs, runs the pipeline and writes PAIRS.csv: one row per pair with probability
// ≥ review_low, most probable first, columns
//   [file_a,] id_a, [file_b,] id_b, probability, match_weight, decision (link | review),
//   cluster (id of the first record of the pair's cluster when linked), then one column per
//   field with its comparison level key (compare.hpp; empty when a side is missing).
// The file columns appear only with two inputs. A summary goes to `log`. Returns the result.
// Throws std::runtime_error on unreadable input or output.
Result run_file_job(const FileJobOptions& o, std::ostream& log);

// Peak resident memory of this process in MiB (VmHWM), 0 when unknown.
double peak_rss_mib();

}  // namespace dangbo::linkage

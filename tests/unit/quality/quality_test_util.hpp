// Shared fixtures for the quality tests: reference data and rules loaded once, a standardizer
// with a fixed "today", and small helpers. Expected values in the tests are written by hand or
// read from the reference files with registry::parse_csv, never produced by the code under test.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "base/rules.hpp"
#include "quality/finding.hpp"
#include "quality/standardizer.hpp"
#include "registry/refdata.hpp"

namespace quality_test {

using namespace dangbo;

inline std::string source_dir() { return DANGBO_SOURCE_DIR; }

inline const registry::RefData& refdata() {
  static const registry::RefData rd = registry::RefData::load(source_dir() + "/data");
  return rd;
}

inline const base::RuleSet& rules() {
  static const base::RuleSet rs = base::RuleSet::load(source_dir() + "/config/rules.json");
  return rs;
}

inline quality::CleanOptions options(std::optional<vntext::ToneStyle> tone = std::nullopt,
                                     quality::DateFormat fmt = quality::DateFormat::vn) {
  quality::CleanOptions o;
  o.today = base::make_date(2025, 7, 1);
  o.tone = tone;
  o.date_format = fmt;
  return o;
}

/// The standardizer used by most tests (today = 2025-07-01, dates dd/mm/yyyy, tone as written).
inline const quality::Standardizer& standardizer() {
  static const quality::Standardizer st(refdata(), rules(), options());
  return st;
}

inline std::string cell(quality::Field f, std::string_view raw, std::vector<quality::Finding>* out = nullptr) {
  std::vector<quality::Finding> tmp;
  std::string v = standardizer().standardize_cell(f, raw, out ? *out : tmp);
  return v;
}

inline bool has_code(const std::vector<quality::Finding>& fs, std::string_view code, int column = -2) {
  return std::any_of(fs.begin(), fs.end(),
                     [&](const quality::Finding& f) { return f.code == code && (column == -2 || f.column == column); });
}

inline const quality::Finding* find_code(const std::vector<quality::Finding>& fs, std::string_view code) {
  for (const auto& f : fs)
    if (f.code == code) return &f;
  return nullptr;
}

inline std::string codes(const std::vector<quality::Finding>& fs) {
  std::string r;
  for (const auto& f : fs) r += (r.empty() ? "" : ", ") + f.code + "@" + std::to_string(f.column);
  return r;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "dangbo_quality_" + std::to_string(::getpid()) + "_" + name;
}

}  // namespace quality_test

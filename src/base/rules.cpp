#include "base/rules.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace dangbo::base {

RuleSet RuleSet::load(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error("Không đọc được tệp quy định " + path +
                             " (chạy dangbo từ thư mục gốc của dự án, hoặc chỉ rõ bằng --root THƯ_MỤC)");
  std::stringstream ss;
  ss << f.rdbuf();
  RuleSet rs;
  try {
    auto root = boost::json::parse(ss.str()).as_object();
    for (auto& [id, versions] : root.at("rules").as_object()) {
      auto& vec = rs.rules_[std::string(id)];
      for (auto& v : versions.as_array()) {
        auto& o = v.as_object();
        RuleVersion rv;
        rv.value = o.at("value").is_int64() ? double(o.at("value").as_int64()) : o.at("value").as_double();
        auto d = parse_iso_date(std::string(o.at("effective_from").as_string()));
        if (!d) throw std::runtime_error("bad effective_from in rule " + std::string(id));
        rv.effective_from = *d;
        rv.source = std::string(o.at("source").as_string());
        vec.push_back(rv);
      }
      std::sort(vec.begin(), vec.end(), [](auto& a, auto& b) { return a.effective_from < b.effective_from; });
    }
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
  return rs;
}

const RuleVersion& RuleSet::at(const std::string& id, const CivilDate& on) const {
  auto it = rules_.find(id);
  if (it == rules_.end()) throw std::out_of_range("unknown rule " + id);
  const RuleVersion* best = nullptr;
  for (auto& v : it->second)
    if (!(on < v.effective_from)) best = &v;
  if (!best) throw std::out_of_range("rule " + id + " not in force on " + on.iso());
  return *best;
}

static RuleSet& global_ref() {
  static RuleSet r;
  return r;
}
const RuleSet& RuleSet::global() { return global_ref(); }
void RuleSet::set_global(RuleSet r) { global_ref() = std::move(r); }

}  // namespace dangbo::base

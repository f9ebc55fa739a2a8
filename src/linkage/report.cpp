#include "linkage/report.hpp"

#include <cstdio>

namespace dangbo::linkage {

namespace json = boost::json;

json::array shared_values_json(const std::vector<SharedValue>& v) {
  json::array a;
  for (const SharedValue& x : v)
    a.push_back(json::object{{"field", std::string(field_info(x.field).key)},
                             {"value", x.value},
                             {"records", x.records},
                             {"expected", x.expected}});
  return a;
}

json::array rules_json(const std::vector<RuleStats>& rules) {
  json::array a;
  for (const RuleStats& st : rules) {
    json::array capped;
    for (auto& [key, records] : st.capped_keys) capped.push_back(json::object{{"key", key}, {"records", records}});
    a.push_back(json::object{{"rule", st.key},
                             {"blocks", st.blocks},
                             {"largest_block", st.largest_block},
                             {"capped_blocks", st.capped_blocks},
                             {"capped_records", st.capped_records},
                             {"capped_keys", capped},
                             {"pairs", st.pairs},
                             {"new_pairs", st.new_pairs},
                             {"shared_records", st.shared_records},
                             {"shared_values", shared_values_json(st.shared_values)}});
  }
  return a;
}

std::string shared_values_text(const std::vector<SharedValue>& v, std::size_t limit) {
  std::string out;
  for (std::size_t k = 0; k < v.size() && k < limit; ++k) {
    char e[32];
    std::snprintf(e, sizeof e, "%.1f", v[k].expected);
    out += "  " + std::string(field_info(v[k].field).key) + " " + v[k].value + ": " + std::to_string(v[k].records) +
           " records (a peer value: " + e + ")\n";
  }
  if (v.size() > limit) out += "  … and " + std::to_string(v.size() - limit) + " more\n";
  return out;
}

}  // namespace dangbo::linkage

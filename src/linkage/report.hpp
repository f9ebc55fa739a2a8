// dangbo::linkage — what a run reports about its blocking: each rule's blocks, the blocks over
// the cap, and the values shared by so many records that they were taken as missing. One form
// for the file job's summary, the registry run's stored statistics and the command's output.
#pragma once

#include <boost/json.hpp>

#include <string>
#include <vector>

#include "linkage/engine.hpp"

namespace dangbo::linkage {

// [{field, value, records, expected}] (field: its key, "admitted_on").
boost::json::array shared_values_json(const std::vector<SharedValue>& v);
// [{rule, blocks, largest_block, capped_blocks, capped_records, capped_keys, pairs, new_pairs,
//   shared_records, shared_values}]
boost::json::array rules_json(const std::vector<RuleStats>& rules);
// One line per shared value, "  admitted_on 01/01/1900: 2000 records (a peer value: 0.3)", at
// most `limit` lines and one for the rest.
std::string shared_values_text(const std::vector<SharedValue>& v, std::size_t limit = 20);

}  // namespace dangbo::linkage

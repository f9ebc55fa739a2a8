// The structure of a 12-digit CCCD (registry/citizen_id.hpp): province prefix, century and
// gender, year of birth.
#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <string>

#include "registry/citizen_id.hpp"
#include "registry/refdata.hpp"

using namespace dangbo::registry;

TEST(CitizenId, StructureOfACccd) {
  EXPECT_TRUE(cccd_structure_valid("079084000999", 2025));   // HCMC, male, 1984
  EXPECT_TRUE(cccd_structure_valid("001190123456", 2025));   // Hà Nội, female, 1990
  EXPECT_TRUE(cccd_structure_valid("036203004512", 2025));   // Nam Định, female, 2003
  EXPECT_FALSE(cccd_structure_valid("003084000999", 2025));  // 003: no province had code 03
  EXPECT_FALSE(cccd_structure_valid("000000000000", 2025));
  EXPECT_FALSE(cccd_structure_valid("179084000999", 2025));  // prefix must start with 0
  EXPECT_FALSE(cccd_structure_valid("079484000999", 2025));  // century digit 4: born 2100s
  EXPECT_FALSE(cccd_structure_valid("079230000999", 2025));  // born 2030
  EXPECT_FALSE(cccd_structure_valid("07908400099", 2025));   // 11 digits
  EXPECT_FALSE(cccd_structure_valid("07908400099x", 2025));
  EXPECT_EQ(cccd_birth_year("079084000999"), 1984);
  EXPECT_EQ(cccd_birth_year("036203004512"), 2003);
}

TEST(CitizenId, ProvincePrefixesAreTheOldProvinces) {
  // The prefixes accepted are exactly "0" + the 63 codes of the reference file.
  auto rd = RefData::load(std::string(DANGBO_SOURCE_DIR) + "/data");
  std::set<int> codes;
  for (const auto& p : rd.old_provinces()) codes.insert(std::stoi(p.code));
  ASSERT_EQ(codes.size(), 63u);
  for (int c = 0; c < 100; ++c) {
    char id[13];
    std::snprintf(id, sizeof id, "0%02d084000999", c);
    EXPECT_EQ(cccd_structure_valid(id, 2025), codes.count(c) == 1) << id;
  }
}

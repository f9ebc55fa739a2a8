// The member table's value columns, computed from a Member in one place for every writer: the
// single-row store (insert/update), the bulk generator and the import (SQLite inserts and
// PostgreSQL COPY). The writers add id, org_id, org_path, synthetic, version and the times.
#pragma once
#include <array>
#include <string>

#include "registry/model.hpp"

namespace dangbo::registry {

inline constexpr int kMemberValueCount = 30;
/// The column names, in value order.
extern const std::array<const char*, kMemberValueCount> kMemberValueNames;
/// The same names joined with ", " (for INSERT and COPY column lists).
extern const char* const kMemberValueCols;
/// Positions of some columns in MemberValues.
inline constexpr int kMemberValueSortKey = 8, kMemberValueStatus = 24;

/// Text of each column: names NFC as stored, the four search keys (vntext::search_key of the
/// name written family-middle-given, given-family-middle, family-given-middle,
/// middle-given-family), the Vietnamese sort key (hex, vntext::person_sort_key), enums as their
/// codes, dates ISO 8601 ("" when unknown: written as NULL, see member_value_nullable).
using MemberValues = std::array<std::string, kMemberValueCount>;
void member_values(const Member& m, MemberValues& v);
/// True for the date columns, whose empty value is written as NULL.
bool member_value_nullable(int i);

}  // namespace dangbo::registry

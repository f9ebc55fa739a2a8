// Registry model: party organizations, members and memberships (plain structs, no I/O).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/date.hpp"

namespace dangbo::registry {

using base::CivilDate;

/// Kinds of party organization (GLOSSARY.md). Stored as the snake_case name.
enum class OrgKind {
  city,                  // Đảng bộ Thành phố (root)
  commune_committee,     // đảng bộ phường / xã / đặc khu
  upper_committee,       // đảng bộ cấp trên trực tiếp cơ sở
  grassroots_committee,  // đảng bộ cơ sở
  grassroots_cell,       // chi bộ cơ sở
  cell,                  // chi bộ trực thuộc
};
std::string_view to_string(OrgKind k);
std::optional<OrgKind> parse_org_kind(std::string_view s);
/// Vietnamese label, e.g. "Đảng bộ phường/xã/đặc khu".
std::string_view label_vi(OrgKind k);
std::string_view label_en(OrgKind k);

/// A party organization as it stood over [valid_from, valid_to) (valid_to empty = current).
struct Organization {
  int64_t id = 0;
  std::string code;  // unique among organizations valid at the same time
  std::string name;
  OrgKind kind = OrgKind::cell;
  std::optional<int64_t> parent_id;
  std::string parent_code;      // filled by queries that join the parent
  std::string admin_unit_code;  // official code of the administrative unit, if any
  CivilDate valid_from;
  std::optional<CivilDate> valid_to;
  std::string path;  // materialized path of ids: "/1/23/456/"
  bool synthetic = false;
};

/// Member status (GLOSSARY.md).
enum class MemberStatus { probationary, full, exempted, transferred_out, removed, expelled, deceased };
std::string_view to_string(MemberStatus s);
std::optional<MemberStatus> parse_member_status(std::string_view s);
std::string_view label_vi(MemberStatus s);
std::string_view label_en(MemberStatus s);
/// Statuses that count as being on the rolls (probationary, full, exempted).
bool is_active(MemberStatus s);

enum class Gender { male, female };
std::string_view to_string(Gender g);
std::optional<Gender> parse_gender(std::string_view s);

/// The full member record. Text is NFC UTF-8. Optional values are empty when unknown.
struct Member {
  int64_t id = 0;
  std::string family_name, middle_name, given_name;  // họ, tên đệm, tên
  std::string other_names;                           // bí danh / tên khác
  Gender gender = Gender::male;
  std::optional<CivilDate> birth_date;  // precision kept (day / month / year)
  std::string birth_place, home_town;   // nơi sinh, quê quán
  std::string ethnicity, religion;      // official names (data/ethnic_groups.csv, religions.csv)
  std::string citizen_id;               // 12-digit CCCD, or 9-digit old CMND
  std::string residence;                // nơi thường trú (text)
  std::string residence_unit_code;      // new (post-2025) commune-level code of the residence
  std::string phone, email;
  std::optional<CivilDate> admitted_on;      // ngày vào Đảng
  std::optional<CivilDate> full_member_on;   // ngày chính thức
  std::string card_number;                   // số thẻ đảng viên
  std::optional<CivilDate> card_issued_on;
  MemberStatus status = MemberStatus::probationary;
  std::string education;              // general education, e.g. "12/12"
  std::string professional_qualification;
  std::string theory_level;           // political theory: Sơ cấp, Trung cấp, Cao cấp, Cử nhân
  std::string occupation, position;
  bool synthetic = false;             // generated demo data
  // current organization (denormalized from the open membership)
  int64_t org_id = 0;
  std::string org_code, org_name, org_path;
  int64_t version = 1;  // optimistic concurrency for edits

  std::string full_name() const;  // "Nguyễn Văn An"
};

/// A member's membership of one organization over [valid_from, valid_to).
struct Membership {
  int64_t id = 0;
  int64_t member_id = 0;
  int64_t org_id = 0;
  std::string org_code, org_name;
  CivilDate valid_from;
  std::optional<CivilDate> valid_to;
  std::string reason;  // e.g. "kết nạp", "chuyển sinh hoạt", "sắp xếp 2025"
};

}  // namespace dangbo::registry

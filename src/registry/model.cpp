#include "registry/model.hpp"

namespace dangbo::registry {

namespace {
struct KindInfo {
  OrgKind k;
  std::string_view name, vi, en;
};
constexpr KindInfo kKinds[] = {
    {OrgKind::city, "city", "Đảng bộ Thành phố", "City party organization"},
    {OrgKind::commune_committee, "commune_committee", "Đảng bộ phường/xã/đặc khu", "Ward/commune party committee"},
    {OrgKind::upper_committee, "upper_committee", "Đảng bộ cấp trên cơ sở", "Committee above the grassroots"},
    {OrgKind::grassroots_committee, "grassroots_committee", "Đảng bộ cơ sở", "Grassroots party committee"},
    {OrgKind::grassroots_cell, "grassroots_cell", "Chi bộ cơ sở", "Grassroots party cell"},
    {OrgKind::cell, "cell", "Chi bộ", "Party cell"},
};
struct StatusInfo {
  MemberStatus s;
  std::string_view name, vi, en;
};
constexpr StatusInfo kStatuses[] = {
    {MemberStatus::probationary, "probationary", "Dự bị", "Probationary"},
    {MemberStatus::full, "full", "Chính thức", "Full"},
    {MemberStatus::exempted, "exempted", "Miễn công tác và sinh hoạt", "Exempted"},
    {MemberStatus::transferred_out, "transferred_out", "Đã chuyển đi", "Transferred out"},
    {MemberStatus::removed, "removed", "Đã xóa tên", "Removed from the rolls"},
    {MemberStatus::expelled, "expelled", "Đã khai trừ", "Expelled"},
    {MemberStatus::deceased, "deceased", "Đã từ trần", "Deceased"},
};
}  // namespace

std::string_view to_string(OrgKind k) {
  for (auto& i : kKinds)
    if (i.k == k) return i.name;
  return "cell";
}
std::optional<OrgKind> parse_org_kind(std::string_view s) {
  for (auto& i : kKinds)
    if (i.name == s) return i.k;
  return std::nullopt;
}
std::string_view label_vi(OrgKind k) {
  for (auto& i : kKinds)
    if (i.k == k) return i.vi;
  return "";
}
std::string_view label_en(OrgKind k) {
  for (auto& i : kKinds)
    if (i.k == k) return i.en;
  return "";
}

std::string_view to_string(MemberStatus s) {
  for (auto& i : kStatuses)
    if (i.s == s) return i.name;
  return "full";
}
std::optional<MemberStatus> parse_member_status(std::string_view s) {
  for (auto& i : kStatuses)
    if (i.name == s) return i.s;
  return std::nullopt;
}
std::string_view label_vi(MemberStatus s) {
  for (auto& i : kStatuses)
    if (i.s == s) return i.vi;
  return "";
}
std::string_view label_en(MemberStatus s) {
  for (auto& i : kStatuses)
    if (i.s == s) return i.en;
  return "";
}
bool is_active(MemberStatus s) {
  return s == MemberStatus::probationary || s == MemberStatus::full || s == MemberStatus::exempted;
}

std::string_view to_string(Gender g) { return g == Gender::female ? "female" : "male"; }
std::optional<Gender> parse_gender(std::string_view s) {
  if (s == "male") return Gender::male;
  if (s == "female") return Gender::female;
  return std::nullopt;
}

std::string Member::full_name() const {
  std::string s = family_name;
  if (!middle_name.empty()) s += (s.empty() ? "" : " ") + middle_name;
  if (!given_name.empty()) s += (s.empty() ? "" : " ") + given_name;
  return s;
}

}  // namespace dangbo::registry

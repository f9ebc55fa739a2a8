#include "registry/card_number.hpp"

#include <algorithm>

namespace dangbo::registry {

std::string normalize_card_number(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  std::string digits;
  for (char c : v) {
    if (c >= '0' && c <= '9') digits += c;
    else if (c != ' ' && c != '.' && c != '-') return std::string(v);
  }
  return digits;  // "-" or "---" (a placeholder for "none"): empty
}

std::string card_number_problem(std::string_view v) {
  if (v.empty()) return {};
  const bool allowed = std::all_of(v.begin(), v.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '-'; });
  const bool some = std::any_of(v.begin(), v.end(), [](char c) { return c != '-'; });
  if (allowed && some) return {};
  return "Số thẻ đảng viên chỉ gồm chữ số, chữ in hoa và dấu '-'";
}

}  // namespace dangbo::registry

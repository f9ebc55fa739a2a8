// Helpers shared by the vntext tests (independent of the code under test).
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace vntext_test {

// Splits UTF-8 into one string per code point (simple lead-byte rule; test data only).
inline std::vector<std::string> split_chars(const std::string& s) {
  std::vector<std::string> r;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const std::size_t n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    r.push_back(s.substr(i, n));
    i += n;
  }
  return r;
}

// The 12 vowels × 6 tones (ngang, huyền, hỏi, ngã, sắc, nặng) then đ, typed by hand.
inline const std::string kLower =
    "aàảãáạăằẳẵắặâầẩẫấậeèẻẽéẹêềểễếệiìỉĩíịoòỏõóọôồổỗốộơờởỡớợuùủũúụưừửữứựyỳỷỹýỵđ";
inline const std::string kUpper =
    "AÀẢÃÁẠĂẰẲẴẮẶÂẦẨẪẤẬEÈẺẼÉẸÊỀỂỄẾỆIÌỈĨÍỊOÒỎÕÓỌÔỒỔỖỐỘƠỜỞỠỚỢUÙỦŨÚỤƯỪỬỮỨỰYỲỶỸÝỴĐ";

inline std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size())
    s.replace(p, from.size(), to);
  return s;
}

// Given names from data/vntext/{boy,girl}.txt, with Ð (U+00D0) written as Đ (U+0110).
inline std::vector<std::string> given_names() {
  std::vector<std::string> r;
  for (const char* f : {"/data/vntext/boy.txt", "/data/vntext/girl.txt"}) {
    std::ifstream in(std::string(DANGBO_SOURCE_DIR) + f);
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) r.push_back(replace_all(line, "\xC3\x90", "\xC4\x90"));
    }
  }
  return r;
}

// Full names "Family Middle Given" built deterministically from the given-name lists.
inline std::vector<std::string> full_names() {
  static const char* kFamilies[] = {"Nguyễn", "Trần", "Lê",   "Phạm", "Hoàng", "Huỳnh",
                                    "Phan",   "Vũ",   "Võ",   "Đặng", "Bùi",   "Đỗ",
                                    "Hồ",     "Ngô",  "Dương", "Lý",  "Trương", "Đoàn"};
  static const char* kMiddles[] = {"Văn", "Thị", "Hữu", "Đức", "Ngọc", "Minh", "Thanh", "Xuân",
                                   "Quốc", "Thùy"};
  std::vector<std::string> r;
  const auto g = given_names();
  for (std::size_t i = 0; i < g.size(); ++i)
    r.push_back(std::string(kFamilies[i % 18]) + " " + kMiddles[(i / 18) % 10] + " " + g[i]);
  return r;
}

}  // namespace vntext_test

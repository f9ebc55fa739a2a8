#include "http/static_files.hpp"

#include <cstdio>
#include <system_error>

namespace dangbo::http {

namespace fs = std::filesystem;

std::optional<fs::path> resolve_static_path(const fs::path& root, std::string_view rel) {
  if (rel.empty() || rel.front() == '/') return std::nullopt;
  if (rel.find('\0') != std::string_view::npos || rel.find('\\') != std::string_view::npos)
    return std::nullopt;
  std::string_view rest = rel;
  while (true) {
    const auto slash = rest.find('/');
    const std::string_view seg = rest.substr(0, slash);
    if (seg.empty() || seg.front() == '.') return std::nullopt;  // "", ".", "..", ".hidden"
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  std::error_code ec;
  const fs::path base = fs::canonical(root, ec);
  if (ec) return std::nullopt;
  const fs::path file = fs::canonical(base / fs::path(std::string(rel)), ec);
  if (ec) return std::nullopt;
  // Inside base, component by component (so "/srv/static-evil" is not inside "/srv/static").
  auto b = base.begin(), f = file.begin();
  for (; b != base.end(); ++b, ++f) {
    if (f == file.end() || *b != *f) return std::nullopt;
  }
  if (f == file.end()) return std::nullopt;  // the root itself
  if (!fs::is_regular_file(file, ec) || ec) return std::nullopt;
  return file;
}

std::string_view content_type_for(std::string_view filename) {
  const auto dot = filename.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  std::string ext(filename.substr(dot + 1));
  for (auto& c : ext) c = static_cast<char>((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
  struct Kv {
    std::string_view ext, type;
  };
  static constexpr Kv kTypes[] = {
      {"css", "text/css; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"woff2", "font/woff2"},
      {"woff", "font/woff"},
      {"ttf", "font/ttf"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"ico", "image/x-icon"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"html", "text/html; charset=utf-8"},
      {"txt", "text/plain; charset=utf-8"},
      {"csv", "text/csv; charset=utf-8"},
      {"pdf", "application/pdf"},
      {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
      {"zip", "application/zip"},
  };
  for (const auto& kv : kTypes)
    if (kv.ext == ext) return kv.type;
  return "application/octet-stream";
}

std::string make_etag(std::uintmax_t size, std::int64_t mtime_ns) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "\"%jx-%llx\"", size, static_cast<unsigned long long>(mtime_ns));
  return buf;
}

bool etag_matches(std::string_view inm, std::string_view etag) {
  auto strip_weak = [](std::string_view t) {
    if (t.size() >= 2 && (t[0] == 'W' || t[0] == 'w') && t[1] == '/') t.remove_prefix(2);
    return t;
  };
  const std::string_view want = strip_weak(etag);
  while (!inm.empty()) {
    const auto comma = inm.find(',');
    std::string_view tag = inm.substr(0, comma);
    inm = comma == std::string_view::npos ? std::string_view{} : inm.substr(comma + 1);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag == "*") return true;
    if (!tag.empty() && strip_weak(tag) == want) return true;
  }
  return false;
}

std::string http_date(std::time_t t) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday % 7],
                tm.tm_mday, kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

}  // namespace dangbo::http

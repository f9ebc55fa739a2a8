// Request helpers, Response factories and the small text codecs of the HTTP tier.
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <stdexcept>

#include "http/http.hpp"

namespace dangbo::http {

namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// RFC 6265 cookie-name: a token (no separators, no controls).
bool valid_cookie_name(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (c <= 0x20 || c >= 0x7f) return false;
    if (std::string_view("()<>@,;:\\\"/[]?={}").find(static_cast<char>(c)) !=
        std::string_view::npos)
      return false;
  }
  return true;
}

// RFC 6265 cookie-octet: printable ASCII except space, '"', ',', ';' and '\'.
bool valid_cookie_value(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x21 || c > 0x7e || c == '"' || c == ',' || c == ';' || c == '\\') return false;
  }
  return true;
}

}  // namespace

bool CaseLess::operator()(const std::string& a, const std::string& b) const {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    const char x = lower(a[i]), y = lower(b[i]);
    if (x != y) return static_cast<unsigned char>(x) < static_cast<unsigned char>(y);
  }
  return a.size() < b.size();
}

// ---- Request -------------------------------------------------------------------------------

std::optional<std::string> Request::header(std::string_view name) const {
  auto it = headers.find(std::string(name));
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> Request::query_param(std::string_view name) const {
  auto it = query.find(std::string(name));
  if (it == query.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> Request::query_params(std::string_view name) const {
  std::vector<std::string> out;
  auto [b, e] = query.equal_range(std::string(name));
  for (auto it = b; it != e; ++it) out.push_back(it->second);
  return out;
}

std::optional<std::string> Request::cookie(std::string_view name) const {
  auto h = headers.find("Cookie");
  if (h == headers.end()) return std::nullopt;
  std::string_view rest = h->second;
  while (!rest.empty()) {
    const auto semi = rest.find(';');
    std::string_view pair = trim(rest.substr(0, semi));
    rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    if (trim(pair.substr(0, eq)) != name) continue;
    std::string_view value = trim(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    return std::string(value);
  }
  return std::nullopt;
}

std::map<std::string, std::string> Request::form() const {
  std::map<std::string, std::string> out;
  auto ct = headers.find("Content-Type");
  if (ct != headers.end() && istarts_with(trim(ct->second), "multipart/form-data")) {
    // a file upload: its text fields (a plain HTML form sends its CSRF token this way)
    if (auto parts = parse_multipart(body, ct->second))
      for (auto& p : *parts)
        if (p.filename.empty()) out.emplace(p.name, std::string(p.data));
    return out;
  }
  if (ct != headers.end() && !istarts_with(trim(ct->second), "application/x-www-form-urlencoded"))
    return out;
  for (auto& [k, v] : parse_query(body)) out.emplace(k, v);  // emplace keeps the first value
  return out;
}

bool Request::is_htmx() const {
  auto h = headers.find("HX-Request");
  return h != headers.end() && iequals(trim(h->second), "true");
}

// ---- Response ------------------------------------------------------------------------------

Response Response::html(std::string body, int status) {
  Response r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(body);
  return r;
}

Response Response::json(std::string body, int status) {
  Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

Response Response::problem(int status, std::string_view title, std::string_view detail) {
  boost::json::object o;
  o["type"] = "about:blank";
  o["title"] = title;
  o["status"] = status;
  o["detail"] = detail;
  Response r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = boost::json::serialize(o);
  return r;
}

Response Response::redirect(std::string_view location, int status) {
  Response r;
  r.status = status;
  r.set_header("Location", std::string(location));
  return r;
}

Response Response::text(std::string body, int status) {
  Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  return r;
}

void Response::set_header(std::string name, std::string value) {
  for (auto& [k, v] : headers) {
    if (iequals(k, name)) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

void Response::set_cookie(std::string_view name, std::string_view value, long max_age_s,
                          bool http_only, bool secure) {
  if (!valid_cookie_name(name))
    throw std::invalid_argument("set_cookie: invalid cookie name '" + std::string(name) + "'");
  if (!valid_cookie_value(value))
    throw std::invalid_argument("set_cookie: invalid characters in the value of cookie '" +
                                std::string(name) + "'");
  std::string c;
  c.reserve(name.size() + value.size() + 80);
  c.append(name).append("=").append(value).append("; Path=/; SameSite=Strict");
  if (max_age_s == 0) {
    c.append("; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
  } else if (max_age_s > 0) {
    c.append("; Max-Age=").append(std::to_string(max_age_s));
  }
  if (http_only) c.append("; HttpOnly");
  if (secure) c.append("; Secure");
  headers.emplace_back("Set-Cookie", std::move(c));
}

// ---- codecs --------------------------------------------------------------------------------

std::string url_decode(std::string_view s, bool form) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%' && i + 2 < s.size()) {
      const int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
      out.push_back(c);  // invalid escape: kept literally
    } else if (c == '+' && form) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string url_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::multimap<std::string, std::string> parse_query(std::string_view s) {
  std::multimap<std::string, std::string> out;
  if (!s.empty() && s.front() == '?') s.remove_prefix(1);
  while (!s.empty()) {
    const auto amp = s.find('&');
    std::string_view piece = s.substr(0, amp);
    s = amp == std::string_view::npos ? std::string_view{} : s.substr(amp + 1);
    if (piece.empty()) continue;
    const auto eq = piece.find('=');
    std::string name = url_decode(piece.substr(0, eq), true);
    if (name.empty()) continue;
    std::string value =
        eq == std::string_view::npos ? std::string{} : url_decode(piece.substr(eq + 1), true);
    out.emplace(std::move(name), std::move(value));
  }
  return out;
}

std::optional<std::vector<MultipartPart>> parse_multipart(std::string_view body, std::string_view content_type) {
  content_type = trim(content_type);
  const auto b = content_type.find("boundary=");
  if (!istarts_with(content_type, "multipart/form-data") || b == std::string_view::npos) return std::nullopt;
  std::string_view boundary = content_type.substr(b + 9);
  if (auto semi = boundary.find(';'); semi != std::string_view::npos) boundary = boundary.substr(0, semi);
  boundary = trim(boundary);
  if (boundary.size() >= 2 && boundary.front() == '"' && boundary.back() == '"') boundary = boundary.substr(1, boundary.size() - 2);
  if (boundary.empty() || boundary.size() > 200) return std::nullopt;
  const std::string delim = "--" + std::string(boundary), next_delim = "\r\n" + delim;
  std::vector<MultipartPart> parts;
  std::size_t pos = body.find(delim);
  if (pos == std::string_view::npos) return std::nullopt;
  for (;;) {
    pos += delim.size();
    if (body.substr(pos, 2) == "--") break;  // the closing delimiter
    if (body.substr(pos, 2) != "\r\n") return std::nullopt;
    pos += 2;
    const std::size_t head_end = body.find("\r\n\r\n", pos);
    if (head_end == std::string_view::npos) return std::nullopt;
    MultipartPart p;
    std::string_view head = body.substr(pos, head_end - pos);
    std::size_t ls = 0;
    while (ls < head.size()) {
      std::size_t le = head.find("\r\n", ls);
      if (le == std::string_view::npos) le = head.size();
      std::string_view line = head.substr(ls, le - ls);
      ls = le + 2;
      const auto colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      std::string_view key = trim(line.substr(0, colon)), val = trim(line.substr(colon + 1));
      // a parameter of the header value: name="x" or name=x
      auto param = [&](std::string_view name) -> std::string {
        const std::string needle = std::string(name) + "=";
        for (std::size_t i = 0; (i = val.find(needle, i)) != std::string_view::npos; i += needle.size()) {
          if (i > 0 && val[i - 1] != ' ' && val[i - 1] != ';') continue;
          const std::size_t s = i + needle.size();
          if (s < val.size() && val[s] == '"') {
            const std::size_t e = val.find('"', s + 1);
            return std::string(val.substr(s + 1, e == std::string_view::npos ? std::string_view::npos : e - s - 1));
          }
          const std::size_t e = val.find(';', s);
          return std::string(val.substr(s, e == std::string_view::npos ? std::string_view::npos : e - s));
        }
        return "";
      };
      if (iequals(key, "Content-Disposition")) {
        p.name = param("name");
        p.filename = param("filename");
      } else if (iequals(key, "Content-Type")) {
        p.content_type = std::string(val);
      }
    }
    const std::size_t data_start = head_end + 4;
    const std::size_t next = body.find(next_delim, data_start);
    if (next == std::string_view::npos) return std::nullopt;
    p.data = body.substr(data_start, next - data_start);
    parts.push_back(std::move(p));
    pos = next + 2;
  }
  return parts;
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace dangbo::http

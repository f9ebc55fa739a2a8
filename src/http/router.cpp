// Router: "METHOD /literal/{param}/*" patterns matched segment by segment.
#include <algorithm>
#include <stdexcept>

#include "http/http.hpp"

namespace dangbo::http {

namespace {

// "/a/b/" → {"a", "b", ""}; "/" → {""}. Segments stay raw (not decoded).
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    const auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

// The path to match, still percent-encoded, so that "%2F" inside a {param} does not split it.
std::string_view raw_path(const Request& req) {
  std::string_view t = req.target;
  if (t.empty() || t.front() != '/') return req.path;
  return t.substr(0, t.find_first_of("?#"));
}

bool is_param(std::string_view seg) {
  return seg.size() >= 3 && seg.front() == '{' && seg.back() == '}';
}

// Specificity per segment: literal 2, {param} 1, trailing * 0. Higher wins, compared left to right.
using Score = std::vector<int>;

bool match_segments(const std::vector<std::string>& pat, const std::vector<std::string_view>& segs,
                    std::map<std::string, std::string>* params, Score* score) {
  const bool wildcard = !pat.empty() && pat.back() == "*";
  const std::size_t fixed = wildcard ? pat.size() - 1 : pat.size();
  if (wildcard ? segs.size() < pat.size() : segs.size() != pat.size()) return false;
  std::map<std::string, std::string> found;
  Score sc;
  for (std::size_t i = 0; i < fixed; ++i) {
    const std::string& p = pat[i];
    if (is_param(p)) {
      if (segs[i].empty()) return false;
      found[p.substr(1, p.size() - 2)] = url_decode(segs[i]);
      sc.push_back(1);
    } else {
      if (url_decode(segs[i]) != p) return false;
      sc.push_back(2);
    }
  }
  if (wildcard) {
    std::string rest;
    for (std::size_t i = fixed; i < segs.size(); ++i) {
      if (i > fixed) rest.push_back('/');
      rest.append(segs[i]);
    }
    found["*"] = url_decode(rest);
    sc.push_back(0);
  }
  if (params) *params = std::move(found);
  if (score) *score = std::move(sc);
  return true;
}

}  // namespace

void Router::add(std::string method, std::string pattern, std::string rule, Handler h) {
  if (pattern.empty() || pattern.front() != '/')
    throw std::invalid_argument("Router::add: pattern must start with '/': " + pattern);
  if (!h) throw std::invalid_argument("Router::add: empty handler for " + pattern);
  Entry e;
  for (auto seg : split_path(pattern)) e.segments.emplace_back(seg);
  for (std::size_t i = 0; i < e.segments.size(); ++i) {
    const auto& s = e.segments[i];
    if (s == "*" && i + 1 != e.segments.size())
      throw std::invalid_argument("Router::add: '*' only as the last segment: " + pattern);
    if ((s.find('{') != std::string::npos || s.find('}') != std::string::npos) && !is_param(s))
      throw std::invalid_argument("Router::add: bad parameter segment '" + s + "' in " + pattern);
  }
  e.info = RouteInfo{method, pattern, rule};
  e.handler = std::move(h);
  infos_.push_back(e.info);
  entries_.push_back(std::move(e));
}

const Handler* Router::match(Request& req, bool* method_mismatch) const {
  if (method_mismatch) *method_mismatch = false;
  const auto segs = split_path(raw_path(req));

  auto best_for = [&](std::string_view method) -> const Entry* {
    const Entry* best = nullptr;
    Score best_score;
    for (const auto& e : entries_) {
      if (e.info.method != method) continue;
      Score sc;
      if (!match_segments(e.segments, segs, nullptr, &sc)) continue;
      if (!best || sc > best_score) {
        best = &e;
        best_score = std::move(sc);
      }
    }
    return best;
  };

  const Entry* found = best_for(req.method);
  if (!found && req.method == "HEAD") found = best_for("GET");
  if (found) {
    match_segments(found->segments, segs, &req.params, nullptr);
    return &found->handler;
  }
  req.params.clear();
  if (method_mismatch) {
    for (const auto& e : entries_) {
      if (match_segments(e.segments, segs, nullptr, nullptr)) {
        *method_mismatch = true;
        break;
      }
    }
  }
  return nullptr;
}

std::vector<std::string> Router::allowed_methods(const Request& req) const {
  const auto segs = split_path(raw_path(req));
  std::vector<std::string> out;
  for (const auto& e : entries_) {
    if (!match_segments(e.segments, segs, nullptr, nullptr)) continue;
    out.push_back(e.info.method);
    if (e.info.method == "GET") out.emplace_back("HEAD");
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace dangbo::http

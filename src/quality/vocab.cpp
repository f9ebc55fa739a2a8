// Controlled vocabularies.

#include "quality/vocab.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "quality/fields.hpp"
#include "vntext/text.hpp"

namespace dangbo::quality {

namespace {

std::string compact(std::string k) {
  k.erase(std::remove(k.begin(), k.end(), ' '), k.end());
  return k;
}

}  // namespace

int osa_distance(std::string_view a, std::string_view b, int limit) {
  const int n = int(a.size()), m = int(b.size());
  if (std::abs(n - m) > limit) return limit + 1;
  std::vector<int> prev2(std::size_t(m) + 1), prev(std::size_t(m) + 1), cur(std::size_t(m) + 1);
  for (int j = 0; j <= m; ++j) prev[std::size_t(j)] = j;
  for (int i = 1; i <= n; ++i) {
    cur[0] = i;
    int row_min = cur[0];
    for (int j = 1; j <= m; ++j) {
      const int cost = a[std::size_t(i - 1)] == b[std::size_t(j - 1)] ? 0 : 1;
      int v = std::min({prev[std::size_t(j)] + 1, cur[std::size_t(j - 1)] + 1, prev[std::size_t(j - 1)] + cost});
      if (i > 1 && j > 1 && a[std::size_t(i - 1)] == b[std::size_t(j - 2)] && a[std::size_t(i - 2)] == b[std::size_t(j - 1)])
        v = std::min(v, prev2[std::size_t(j - 2)] + 1);
      cur[std::size_t(j)] = v;
      row_min = std::min(row_min, v);
    }
    if (row_min > limit) return limit + 1;
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return std::min(prev[std::size_t(m)], limit + 1);
}

Vocabulary::Vocabulary(std::string label, const std::vector<registry::ControlledValue>& values,
                       std::vector<std::string> strip_prefixes)
    : label_(std::move(label)), strip_(std::move(strip_prefixes)) {
  auto add_key = [&](const std::string& k, int idx) {
    if (k.empty()) return;
    auto [it, fresh] = key_.emplace(k, idx);
    if (!fresh && it->second != idx) it->second = -1;  // the same key for two values: never used
  };
  for (const auto& v : values) {
    const int idx = int(names_.size());
    names_.push_back(v.name);
    exact_.emplace(v.name, idx);
    const std::string k = vntext::search_key(v.name);
    add_key(k, idx);
    add_key(compact(k), idx);
    fuzzy_.emplace_back(compact(k), idx);
  }
  // Variants after names, so that a variant never hides an official name's key.
  for (std::size_t i = 0; i < values.size(); ++i)
    for (const auto& var : values[i].variants) {
      const std::string k = vntext::search_key(var);
      if (auto it = key_.find(k); it != key_.end() && it->second >= 0 && it->second != int(i) &&
                                  vntext::search_key(names_[std::size_t(it->second)]) == k)
        continue;  // the key is another value's official name: the name wins
      add_key(k, int(i));
      add_key(compact(k), int(i));
      fuzzy_.emplace_back(compact(k), int(i));
    }
}

Vocabulary::Match Vocabulary::match(std::string_view text) const {
  Match m;
  if (text.empty()) return m;
  if (auto it = exact_.find(std::string(text)); it != exact_.end()) {
    m.kind = Match::exact;
    m.value = names_[std::size_t(it->second)];
    return m;
  }
  std::string k = vntext::search_key(text);
  if (k.empty()) {
    m.kind = Match::unknown;
    return m;
  }
  auto by_key = [&](const std::string& key) -> int {
    auto it = key_.find(key);
    return it == key_.end() ? -2 : it->second;
  };
  int idx = by_key(k);
  if (idx == -2) idx = by_key(compact(k));
  if (idx == -2)
    for (const auto& p : strip_)
      if (k.size() > p.size() + 1 && k.compare(0, p.size(), p) == 0 && k[p.size()] == ' ') {
        k = k.substr(p.size() + 1);
        idx = by_key(k);
        if (idx == -2) idx = by_key(compact(k));
        break;
      }
  if (idx >= 0) {
    m.value = names_[std::size_t(idx)];
    m.kind = vntext::search_key(m.value) == k || compact(vntext::search_key(m.value)) == compact(k) ? Match::normalized
                                                                                                  : Match::variant;
    return m;
  }
  // Edit distance on the compact key.
  const std::string ck = compact(k);
  if (ck.size() >= 4) {
    const int limit = ck.size() >= 8 ? 2 : 1;
    int best = limit + 1;
    std::vector<int> at_best;
    for (const auto& [fk, fi] : fuzzy_) {
      const int d = osa_distance(ck, fk, limit);
      if (d < best) best = d, at_best.assign(1, fi);
      else if (d == best && std::find(at_best.begin(), at_best.end(), fi) == at_best.end()) at_best.push_back(fi);
    }
    if (best <= limit) {
      if (at_best.size() == 1) {
        m.kind = Match::fuzzy;
        m.value = names_[std::size_t(at_best[0])];
      } else {
        m.kind = Match::ambiguous;
        for (int i : at_best) m.candidates.push_back(names_[std::size_t(i)]);
      }
      return m;
    }
  }
  m.kind = Match::unknown;
  return m;
}

std::string std_controlled(const Vocabulary& v, std::string_view raw, Sink& sink) {
  std::vector<Finding> tf;
  Sink ts(tf, sink.column());
  std::string text = std_text(raw, ts);
  Vocabulary::Match m = v.match(text);
  if (m.kind == Vocabulary::Match::unknown || m.kind == Vocabulary::Match::ambiguous ||
      m.kind == Vocabulary::Match::fuzzy) {
    // Second chance: another reading of the raw value that is in the list as it stands.
    for (auto& [enc, reading] : legacy_readings(raw)) {
      Vocabulary::Match m2 = v.match(reading);
      if (m2.kind != Vocabulary::Match::exact && m2.kind != Vocabulary::Match::normalized &&
          m2.kind != Vocabulary::Match::variant)
        continue;
      sink.add("text.encoding", Severity::info,
               fmt::format("Đã sửa: chuyển mã từ {} sang Unicode ({})", encoding_label_vi(enc), m2.value), raw,
               m2.value);
      return m2.value;
    }
  }
  switch (m.kind) {
    case Vocabulary::Match::empty:
      for (auto& f : tf) sink.add(f.code, f.severity, f.message, f.original, f.suggested);
      return text;
    case Vocabulary::Match::exact:
      if (m.value != raw)
        for (auto& f : tf) sink.add(f.code, f.severity, f.message, f.original, f.suggested);
      return m.value;
    case Vocabulary::Match::normalized:
    case Vocabulary::Match::variant:
      sink.add("controlled.variant", Severity::info,
               fmt::format("Chuẩn hóa theo danh mục {}: \"{}\" → \"{}\"", v.label(), text, m.value), raw, m.value);
      return m.value;
    case Vocabulary::Match::fuzzy:
      sink.add("controlled.misspelling", Severity::warning,
               fmt::format("Có thể viết sai: \"{}\" → \"{}\" (danh mục {}); đã sửa, cần xác nhận", text, m.value,
                           v.label()),
               raw, m.value);
      return m.value;
    case Vocabulary::Match::ambiguous: {
      std::string c;
      for (std::size_t i = 0; i < m.candidates.size(); ++i) c += (i ? " | " : "") + m.candidates[i];
      for (auto& f : tf) sink.add(f.code, f.severity, f.message, f.original, f.suggested);
      sink.add("controlled.ambiguous", Severity::warning,
               fmt::format("\"{}\" gần với nhiều giá trị trong danh mục {}: {}; cần chọn một", text, v.label(), c), raw,
               c);
      return text;
    }
    case Vocabulary::Match::unknown:
      for (auto& f : tf) sink.add(f.code, f.severity, f.message, f.original, f.suggested);
      sink.add("controlled.unknown", Severity::warning,
               fmt::format("\"{}\" không có trong danh mục {}", text, v.label()), raw, "");
      return text;
  }
  return text;
}

}  // namespace dangbo::quality

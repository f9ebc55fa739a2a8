#include "linkage/similarity.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "vntext/utf8.hpp"

namespace dangbo::linkage {

namespace {

bool ascii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

template <typename C>
double jaro_impl(const C* a, std::size_t la, const C* b, std::size_t lb) {
  if (la == 0 && lb == 0) return 1.0;
  if (la == 0 || lb == 0) return 0.0;
  if (la > lb) std::swap(a, b), std::swap(la, lb);
  const std::size_t window = lb / 2 > 0 ? lb / 2 - 1 : 0;
  // Flags: on the stack for short strings (names), on the heap otherwise.
  char fa_s[64], fb_s[64];
  std::vector<char> fa_h, fb_h;
  char* fa = fa_s;
  char* fb = fb_s;
  if (lb > 64) {
    fa_h.assign(la, 0);
    fb_h.assign(lb, 0);
    fa = fa_h.data();
    fb = fb_h.data();
  } else {
    std::fill(fa, fa + la, 0);
    std::fill(fb, fb + lb, 0);
  }
  std::size_t m = 0;
  for (std::size_t i = 0; i < la; ++i) {
    const std::size_t lo = i > window ? i - window : 0, hi = std::min(lb, i + window + 1);
    for (std::size_t j = lo; j < hi; ++j)
      if (!fb[j] && a[i] == b[j]) {
        fa[i] = fb[j] = 1;
        ++m;
        break;
      }
  }
  if (m == 0) return 0.0;
  std::size_t t = 0, k = 0;
  for (std::size_t i = 0; i < la; ++i) {
    if (!fa[i]) continue;
    while (!fb[k]) ++k;
    if (a[i] != b[k]) ++t;
    ++k;
  }
  const double md = double(m);
  return (md / double(la) + md / double(lb) + (md - double(t) / 2.0) / md) / 3.0;
}

// Bit-parallel Jaro for ASCII strings of at most 64 bytes (the same greedy matching as
// jaro_impl: each character of the shorter string takes the first free equal character of the
// longer one inside the window): one 64-bit mask per character of the longer string.
double jaro_bits(const char* a, std::size_t la, const char* b, std::size_t lb) {
  if (la == 0 && lb == 0) return 1.0;
  if (la == 0 || lb == 0) return 0.0;
  if (la > lb) std::swap(a, b), std::swap(la, lb);
  thread_local uint64_t pm[128] = {};
  for (std::size_t j = 0; j < lb; ++j) pm[static_cast<unsigned char>(b[j]) & 127] |= uint64_t(1) << j;
  const std::size_t window = lb / 2 > 0 ? lb / 2 - 1 : 0;
  const uint64_t all = lb == 64 ? ~uint64_t(0) : (uint64_t(1) << lb) - 1;
  uint64_t fa = 0, fb = 0;
  for (std::size_t i = 0; i < la; ++i) {
    const std::size_t lo = i > window ? i - window : 0, hi = std::min(lb - 1, i + window);
    uint64_t mask = (hi - lo + 1 == 64 ? ~uint64_t(0) : ((uint64_t(1) << (hi - lo + 1)) - 1) << lo) & all;
    uint64_t x = pm[static_cast<unsigned char>(a[i]) & 127] & mask & ~fb;
    if (x) {
      fa |= uint64_t(1) << i;
      fb |= x & (~x + 1);
    }
  }
  for (std::size_t j = 0; j < lb; ++j) pm[static_cast<unsigned char>(b[j]) & 127] = 0;
  const int m = __builtin_popcountll(fa);
  if (m == 0) return 0.0;
  int t = 0;
  uint64_t xa = fa, xb = fb;
  while (xa) {
    const int i = __builtin_ctzll(xa), j = __builtin_ctzll(xb);
    if (a[i] != b[j]) ++t;
    xa &= xa - 1;
    xb &= xb - 1;
  }
  const double md = double(m);
  return (md / double(la) + md / double(lb) + (md - double(t) / 2.0) / md) / 3.0;
}

template <typename C>
double jw_impl(const C* a, std::size_t la, const C* b, std::size_t lb, double thr) {
  double j = jaro_impl(a, la, b, lb);
  if (j <= thr) return j;
  std::size_t l = 0;
  const std::size_t lim = std::min<std::size_t>({4, la, lb});
  while (l < lim && a[l] == b[l]) ++l;
  return j + double(l) * 0.1 * (1.0 - j);
}

template <typename C>
int osa_impl(const C* a, int la, const C* b, int lb, int cap) {
  if (std::abs(la - lb) > cap) return cap + 1;
  std::vector<int> p2(lb + 1), p1(lb + 1), cur(lb + 1);
  for (int j = 0; j <= lb; ++j) p1[j] = j;
  for (int i = 1; i <= la; ++i) {
    cur[0] = i;
    int row_min = cur[0];
    for (int j = 1; j <= lb; ++j) {
      int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int v = std::min({p1[j] + 1, cur[j - 1] + 1, p1[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) v = std::min(v, p2[j - 2] + 1);
      cur[j] = v;
      row_min = std::min(row_min, v);
    }
    if (row_min > cap) return cap + 1;
    std::swap(p2, p1);
    std::swap(p1, cur);
  }
  return std::min(p1[lb], cap + 1);
}

}  // namespace

double jaro(std::string_view a, std::string_view b) {
  if (ascii(a) && ascii(b)) {
    if (a.size() <= 64 && b.size() <= 64) return jaro_bits(a.data(), a.size(), b.data(), b.size());
    return jaro_impl(a.data(), a.size(), b.data(), b.size());
  }
  auto ua = vntext::detail::to_u32(a), ub = vntext::detail::to_u32(b);
  return jaro_impl(ua.data(), ua.size(), ub.data(), ub.size());
}

double jaro_winkler(std::string_view a, std::string_view b, double boost_threshold) {
  if (ascii(a) && ascii(b)) {
    if (a.size() > 64 || b.size() > 64) return jw_impl(a.data(), a.size(), b.data(), b.size(), boost_threshold);
    double j = jaro_bits(a.data(), a.size(), b.data(), b.size());
    if (j <= boost_threshold) return j;
    std::size_t l = 0;
    const std::size_t lim = std::min<std::size_t>({4, a.size(), b.size()});
    while (l < lim && a[l] == b[l]) ++l;
    return j + double(l) * 0.1 * (1.0 - j);
  }
  auto ua = vntext::detail::to_u32(a), ub = vntext::detail::to_u32(b);
  return jw_impl(ua.data(), ua.size(), ub.data(), ub.size(), boost_threshold);
}

int osa_distance(std::string_view a, std::string_view b, int cap) {
  if (ascii(a) && ascii(b)) return osa_impl(a.data(), int(a.size()), b.data(), int(b.size()), cap);
  auto ua = vntext::detail::to_u32(a), ub = vntext::detail::to_u32(b);
  return osa_impl(ua.data(), int(ua.size()), ub.data(), int(ub.size()), cap);
}

bool one_digit_off(std::string_view a, std::string_view b) {
  if (a == b) return false;
  const std::size_t la = a.size(), lb = b.size();
  if (la == lb) {
    std::size_t first = la, diffs = 0;
    for (std::size_t i = 0; i < la; ++i)
      if (a[i] != b[i]) {
        if (first == la) first = i;
        ++diffs;
      }
    if (diffs == 1) return true;
    return diffs == 2 && first + 1 < la && a[first] == b[first + 1] && a[first + 1] == b[first];
  }
  if (la + 1 != lb && lb + 1 != la) return false;
  std::string_view s = la < lb ? a : b, l = la < lb ? b : a;
  std::size_t i = 0;
  while (i < s.size() && s[i] == l[i]) ++i;
  return s.substr(i) == l.substr(i + 1);
}

}  // namespace dangbo::linkage

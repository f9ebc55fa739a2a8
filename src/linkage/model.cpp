#include "linkage/model.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace dangbo::linkage {

namespace json = boost::json;

Model Model::initial() {
  Model md;
  for (int f = 0; f < kFields; ++f) {
    int L = field_levels(f);
    md.m[f].assign(std::size_t(L), 0);
    md.u[f].assign(std::size_t(L), 1.0 / L);
    // m: most matches agree exactly; the rest spread over the lower levels, decreasing.
    double rest = 0.2, sum = 0;
    md.m[f][0] = 0.8;
    for (int l = 1; l < L; ++l) md.m[f][std::size_t(l)] = rest / double(1 << l), sum += md.m[f][std::size_t(l)];
    for (int l = 1; l < L; ++l) md.m[f][std::size_t(l)] *= rest / sum;
    // A neutral level is not a share of either distribution: m = u = 1 marks it (weight 0), the
    // other levels share 1 between them.
    if (int nl = field_info(f).neutral_level; nl >= 0) {
      md.m[f][std::size_t(nl)] = md.u[f][std::size_t(nl)] = 1;
      double ms = 0;
      for (int l = 0; l < L; ++l)
        if (l != nl) ms += md.m[f][std::size_t(l)];
      for (int l = 0; l < L; ++l)
        if (l != nl) md.m[f][std::size_t(l)] /= ms, md.u[f][std::size_t(l)] = 1.0 / (L - 1);
    }
  }
  return md;
}

double Model::prior_weight() const { return std::log2(lambda / (1.0 - lambda)); }

double Model::field_weight(int f, uint8_t level) const {
  if (!weighed(f, level)) return 0;
  return std::log2(m[f][level] / u[f][level]);
}

double Model::weight(const Gamma& g) const {
  double w = prior_weight();
  for (int f = 0; f < kFields; ++f) w += field_weight(f, g.lv[f]);
  return w;
}

double Model::tf_adjust(int f, uint8_t level, double tf) const {
  if (level == kNull || int(level) > field_info(f).tf_level_max) return 0;
  return std::log2(u[f][level] / std::max(tf, tf_min));
}

double Model::tf_adjust_date(int f, uint8_t level, double holders, double others) const {
  if (level != 0 || holders <= 0) return 0;
  const double ue = u[f][0];
  const double s = (holders + 1.0) / (std::max(others, 0.0) + 1.0 / ue);
  return std::min(0.0, std::log2(ue / s));
}

std::string Model::to_json() const {
  json::object o;
  o["lambda"] = lambda;
  o["tf_min"] = tf_min;
  json::object fields;
  for (int f = 0; f < kFields; ++f) {
    json::object fo;
    json::array ma, ua, lv;
    for (std::size_t l = 0; l < m[f].size(); ++l) {
      ma.push_back(m[f][l]);
      ua.push_back(u[f][l]);
      lv.push_back(json::string(field_info(f).levels[l]));
    }
    fo["levels"] = lv;
    fo["m"] = ma;
    fo["u"] = ua;
    fields[field_info(f).key] = fo;
  }
  o["fields"] = fields;
  return json::serialize(o);
}

Model Model::from_json(const std::string& s) {
  Model md = initial();
  try {
    auto v = json::parse(s).as_object();
    md.lambda = v.at("lambda").to_number<double>();
    if (v.contains("tf_min")) md.tf_min = v.at("tf_min").to_number<double>();
    auto& fields = v.at("fields").as_object();
    for (int f = 0; f < kFields; ++f) {
      auto& fo = fields.at(field_info(f).key).as_object();
      auto& ma = fo.at("m").as_array();
      auto& ua = fo.at("u").as_array();
      if (ma.size() != md.m[f].size() || ua.size() != md.u[f].size()) throw std::runtime_error("levels");
      for (std::size_t l = 0; l < ma.size(); ++l) md.m[f][l] = ma[l].to_number<double>(), md.u[f][l] = ua[l].to_number<double>();
    }
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("linkage model: malformed JSON (") + e.what() + ")");
  }
  return md;
}

EmResult run_em(const std::vector<std::pair<uint32_t, double>>& counts, const Model& start, const EmOptions& opt) {
  EmResult r;
  r.model = start;
  Model& md = r.model;
  std::vector<Gamma> pats;
  pats.reserve(counts.size());
  double total = 0;
  for (auto& [code, n] : counts) pats.push_back(decode(code)), total += n;
  if (total <= 0) return r;
  constexpr double kFloor = 1e-9;
  for (int it = 0; it < opt.max_iterations; ++it) {
    std::array<std::vector<double>, kFields> sm, su;
    for (int f = 0; f < kFields; ++f) sm[f].assign(md.m[f].size(), 0), su[f].assign(md.u[f].size(), 0);
    double matches = 0;
    const double lm0 = std::log(md.lambda), lu0 = std::log(1 - md.lambda);
    for (std::size_t k = 0; k < pats.size(); ++k) {
      const Gamma& g = pats[k];
      double lm = lm0, lu = lu0;
      for (int f = 0; f < kFields; ++f) {
        if (opt.skip[f] || !weighed(f, g.lv[f])) continue;
        lm += std::log(md.m[f][g.lv[f]]);
        lu += std::log(md.u[f][g.lv[f]]);
      }
      const double p = 1.0 / (1.0 + std::exp(lu - lm));
      const double n = counts[k].second;
      matches += n * p;
      for (int f = 0; f < kFields; ++f) {
        if (!weighed(f, g.lv[f])) continue;
        sm[f][g.lv[f]] += n * p;
        su[f][g.lv[f]] += n * (1 - p);
      }
    }
    double delta = 0;
    auto update = [&](int f, std::vector<double>& param, const std::vector<double>& s) {
      double sum = 0;
      for (double x : s) sum += x;
      if (sum <= 0) return;
      for (std::size_t l = 0; l < param.size(); ++l) {
        if (!weighed(f, uint8_t(l))) continue;  // a neutral level keeps m = u = 1
        double v = std::max(s[l] / sum, kFloor);
        delta = std::max(delta, std::abs(v - param[l]));
        param[l] = v;
      }
    };
    for (int f = 0; f < kFields; ++f) {
      if (opt.skip[f]) continue;
      update(f, md.m[f], sm[f]);
      if (!opt.fix_u) update(f, md.u[f], su[f]);
    }
    double lam = std::clamp(matches / total, 1e-12, 1 - 1e-12);
    delta = std::max(delta, std::abs(lam - md.lambda));
    md.lambda = lam;
    r.iterations = it + 1;
    if (delta < opt.tolerance) {
      r.converged = true;
      break;
    }
  }
  return r;
}

void set_u_from_counts(Model& model, const std::array<std::vector<double>, kFields>& counts) {
  for (int f = 0; f < kFields; ++f) {
    double sum = 0;
    for (std::size_t l = 0; l < counts[f].size(); ++l)
      if (weighed(f, uint8_t(l))) sum += counts[f][l] + 0.5;
    for (std::size_t l = 0; l < model.u[f].size(); ++l)
      model.u[f][l] = weighed(f, uint8_t(l)) ? (counts[f][l] + 0.5) / sum : 1.0;
  }
}

}  // namespace dangbo::linkage

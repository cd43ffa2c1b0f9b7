#include "sim/engine/latency.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/base/assert.hpp"
#include "sim/engine/text.hpp"

namespace qm::sim {

std::string_view to_string(latency_model::kind k) {
  switch (k) {
    case latency_model::kind::constant: return "constant";
    case latency_model::kind::uniform: return "uniform";
    case latency_model::kind::normal: return "normal";
    case latency_model::kind::exponential: return "exponential";
  }
  return "unknown";
}

namespace {
// The largest latency we ever produce: a bound so a heavy tail cannot park a message forever.
constexpr double max_latency_us = 3600.0 * 1e6;

duration from_us(double us) {
  us = std::clamp(us, 0.0, max_latency_us);
  return duration(static_cast<std::int64_t>(std::llround(us)));
}
}  // namespace

duration sample_latency(const latency_model& m, prng& r) {
  switch (m.type) {
    case latency_model::kind::constant:
      return m.a.count() < 0 ? duration(0) : m.a;
    case latency_model::kind::uniform: {
      const std::int64_t lo = std::max<std::int64_t>(0, std::min(m.a.count(), m.b.count()));
      const std::int64_t hi = std::max<std::int64_t>(lo, std::max(m.a.count(), m.b.count()));
      return duration(lo + static_cast<std::int64_t>(r.uniform(static_cast<std::uint64_t>(hi - lo) + 1)));
    }
    case latency_model::kind::normal: {
      // Box-Muller with two draws; 1 - unit() lies in (0, 1], so the log is finite.
      const double u1 = 1.0 - r.unit();
      const double u2 = r.unit();
      const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
      return from_us(static_cast<double>(m.a.count()) + z * static_cast<double>(m.b.count()));
    }
    case latency_model::kind::exponential: {
      const double u = 1.0 - r.unit();
      return from_us(-std::log(u) * static_cast<double>(m.a.count()));
    }
  }
  QM_ASSERT_MSG(false, "unknown latency kind");
  return duration(0);
}

bool sample_drop(double drop_rate, prng& r) {
  if (drop_rate <= 0) {
    return false;
  }
  if (drop_rate >= 1) {
    return true;
  }
  return r.unit() < drop_rate;
}

std::string describe(const link_config& c) {
  std::string out(to_string(c.latency.type));
  out += '(';
  append_duration(out, c.latency.a);
  if (c.latency.type == latency_model::kind::uniform || c.latency.type == latency_model::kind::normal) {
    out += ',';
    append_duration(out, c.latency.b);
  }
  out += ") drop=";
  append_fraction(out, c.drop_rate);
  return out;
}

}  // namespace qm::sim

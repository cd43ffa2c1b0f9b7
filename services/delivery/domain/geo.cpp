#include "services/delivery/domain/geo.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/base/assert.hpp"

namespace qm::delivery {

namespace {

double radians(double degrees) { return degrees * std::numbers::pi / 180.0; }

}  // namespace

double distance_m(geo_point a, geo_point b) {
  const double dlat = radians(b.lat - a.lat);
  const double dlon = radians(b.lon - a.lon);
  const double s_lat = std::sin(dlat / 2);
  const double s_lon = std::sin(dlon / 2);
  double h = s_lat * s_lat + std::cos(radians(a.lat)) * std::cos(radians(b.lat)) * s_lon * s_lon;
  // Rounding can push h a hair past 1 for antipodal points; asin would then give NaN.
  h = std::clamp(h, 0.0, 1.0);
  return 2 * earth_radius_m * std::asin(std::sqrt(h));
}

std::int64_t eta_s(double distance, double speed_mps) {
  QM_ASSERT(distance >= 0);
  QM_ASSERT(speed_mps > 0);
  return static_cast<std::int64_t>(std::ceil(distance / speed_mps));
}

std::optional<std::int64_t> choose_partner(std::span<const partner_position> candidates,
                                           geo_point store) {
  std::optional<std::int64_t> best_id;
  double best_m = 0;
  for (const auto& p : candidates) {
    if (p.status != partner_status::available) {
      continue;
    }
    const double d = distance_m(p.at, store);
    if (!best_id || d < best_m || (d == best_m && p.id < *best_id)) {
      best_id = p.id;
      best_m = d;
    }
  }
  return best_id;
}

}  // namespace qm::delivery

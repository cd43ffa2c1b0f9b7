#pragma once
// Where partners are and how far they have to go: great-circle distance, travel time, and
// the choice of partner for an order. Pure functions, so the assignment rule can be tested
// (and reasoned about) without a database.

#include <cstdint>
#include <optional>
#include <span>

namespace qm::delivery {

// A point on the Earth in degrees.
struct geo_point {
  double lat = 0;
  double lon = 0;

  bool operator==(const geo_point&) const = default;
};

// The mean Earth radius; the spherical model is off by at most ~0.5%, well inside what
// a delivery ETA can promise.
inline constexpr double earth_radius_m = 6'371'008.8;

// Great-circle (haversine) distance between a and b in metres.
double distance_m(geo_point a, geo_point b);

// Whole seconds to travel distance at speed, rounded up (an ETA should not promise early).
// Preconditions: distance >= 0, speed > 0.
std::int64_t eta_s(double distance, double speed_mps);

enum class partner_status : std::uint8_t { available, busy, offline };

// What the assignment rule looks at of a partner.
struct partner_position {
  std::int64_t id = 0;
  partner_status status = partner_status::offline;
  geo_point at;
};

// The available partner nearest to store, ties broken by the lowest id; nothing when no
// partner is available. The answer does not depend on the order of candidates.
std::optional<std::int64_t> choose_partner(std::span<const partner_position> candidates,
                                           geo_point store);

}  // namespace qm::delivery

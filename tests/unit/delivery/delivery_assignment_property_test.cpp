// Properties of the assignment rule over random partner sets: the choice is available,
// nobody available is strictly nearer (and an equally near one has a higher id), and the
// order of the candidates does not matter.

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <vector>

#include "services/delivery/domain/geo.hpp"

namespace qm::delivery {
namespace {

const geo_point store{12.9716, 77.5946};

// Partners in a small area around the store, often on the same few spots (so ties happen),
// with distinct ids.
rc::Gen<std::vector<partner_position>> partners() {
  return rc::gen::map(
      rc::gen::container<std::vector<std::tuple<int, int, int>>>(rc::gen::tuple(
          rc::gen::inRange(0, 3), rc::gen::inRange(-20, 21), rc::gen::inRange(-20, 21))),
      [](const std::vector<std::tuple<int, int, int>>& raw) {
        std::vector<partner_position> out;
        std::int64_t id = 1;
        for (const auto& [status, dlat, dlon] : raw) {
          id += 1 + (dlat & 3);  // distinct, increasing, not dense
          out.push_back(partner_position{
              id, static_cast<partner_status>(status),
              geo_point{store.lat + dlat * 0.001, store.lon + dlon * 0.001}});
        }
        return out;
      });
}

RC_GTEST_PROP(delivery_assignment, the_choice_is_available_and_nearest, ()) {
  const auto candidates = *partners();
  const auto chosen = choose_partner(candidates, store);
  const bool any_available = std::any_of(candidates.begin(), candidates.end(), [](const auto& p) {
    return p.status == partner_status::available;
  });
  RC_ASSERT(chosen.has_value() == any_available);
  if (!chosen) {
    return;
  }
  const auto it = std::find_if(candidates.begin(), candidates.end(),
                               [&](const auto& p) { return p.id == *chosen; });
  RC_ASSERT(it != candidates.end());
  RC_ASSERT(it->status == partner_status::available);
  const double best = distance_m(it->at, store);
  for (const auto& p : candidates) {
    if (p.status != partner_status::available) {
      continue;
    }
    const double d = distance_m(p.at, store);
    RC_ASSERT(d >= best);
    if (d == best) {
      RC_ASSERT(p.id >= *chosen);
    }
  }
}

RC_GTEST_PROP(delivery_assignment, the_choice_ignores_input_order, ()) {
  const auto candidates = *partners();
  // A random permutation: the candidates sorted by random keys.
  const auto keys = *rc::gen::container<std::vector<int>>(candidates.size(), rc::gen::arbitrary<int>());
  std::vector<std::size_t> order(candidates.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
  std::vector<partner_position> shuffled;
  for (std::size_t i : order) {
    shuffled.push_back(candidates[i]);
  }
  RC_ASSERT(choose_partner(candidates, store) == choose_partner(shuffled, store));
}

RC_GTEST_PROP(delivery_assignment, distance_is_symmetric_and_non_negative, ()) {
  const double lat_a = *rc::gen::inRange(-90'000, 90'001) / 1000.0;
  const double lon_a = *rc::gen::inRange(-180'000, 180'001) / 1000.0;
  const double lat_b = *rc::gen::inRange(-90'000, 90'001) / 1000.0;
  const double lon_b = *rc::gen::inRange(-180'000, 180'001) / 1000.0;
  const double ab = distance_m({lat_a, lon_a}, {lat_b, lon_b});
  const double ba = distance_m({lat_b, lon_b}, {lat_a, lon_a});
  RC_ASSERT(ab >= 0);
  RC_ASSERT(ab <= 3.1415927 * earth_radius_m);
  RC_ASSERT(std::abs(ab - ba) < 1e-6);
}

}  // namespace
}  // namespace qm::delivery

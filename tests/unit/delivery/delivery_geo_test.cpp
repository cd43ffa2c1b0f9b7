// Known distances, ETAs and the assignment rule on hand-picked cases.

#include <gtest/gtest.h>

#include <vector>

#include "services/delivery/domain/geo.hpp"

namespace qm::delivery {
namespace {

TEST(delivery_geo, the_same_point_is_zero_metres_away) {
  const geo_point p{12.9716, 77.5946};
  EXPECT_DOUBLE_EQ(distance_m(p, p), 0.0);
}

TEST(delivery_geo, one_degree_of_latitude_is_about_111_km) {
  // 2 * pi * R / 360 on the mean radius.
  EXPECT_NEAR(distance_m({0, 0}, {1, 0}), 111'195.08, 0.5);
  EXPECT_NEAR(distance_m({12, 77}, {13, 77}), 111'195.08, 0.5);
}

TEST(delivery_geo, a_degree_of_longitude_shrinks_with_latitude) {
  EXPECT_NEAR(distance_m({0, 0}, {0, 1}), 111'195.08, 0.5);
  // cos(60 deg) = 0.5: about half, a little more on the great circle.
  EXPECT_NEAR(distance_m({60, 0}, {60, 1}), 55'597.5, 5);
}

TEST(delivery_geo, known_city_distances) {
  const geo_point bengaluru{12.9716, 77.5946};
  const geo_point mumbai{19.0760, 72.8777};
  const geo_point delhi{28.6139, 77.2090};
  // Great-circle figures on a 6371.0088 km sphere, to within a kilometre.
  EXPECT_NEAR(distance_m(bengaluru, mumbai), 845'000, 3'000);
  EXPECT_NEAR(distance_m(bengaluru, delhi), 1'740'000, 5'000);
  EXPECT_DOUBLE_EQ(distance_m(bengaluru, mumbai), distance_m(mumbai, bengaluru));
}

TEST(delivery_geo, antipodes_are_half_the_circumference_apart) {
  EXPECT_NEAR(distance_m({0, 0}, {0, 180}), 3.14159265358979 * earth_radius_m, 1);
  EXPECT_NEAR(distance_m({90, 0}, {-90, 0}), 3.14159265358979 * earth_radius_m, 1);
}

TEST(delivery_geo, eta_rounds_up_to_whole_seconds) {
  EXPECT_EQ(eta_s(0, 5), 0);
  EXPECT_EQ(eta_s(1000, 5), 200);
  EXPECT_EQ(eta_s(1001, 5), 201);
  EXPECT_EQ(eta_s(0.1, 5), 1);
}

TEST(delivery_geo, nobody_available_means_no_choice) {
  const geo_point store{12.9716, 77.5946};
  EXPECT_FALSE(choose_partner({}, store).has_value());
  const std::vector<partner_position> none = {
      {1, partner_status::busy, store},
      {2, partner_status::offline, store},
  };
  EXPECT_FALSE(choose_partner(none, store).has_value());
}

TEST(delivery_geo, the_nearest_available_partner_is_chosen) {
  const geo_point store{12.9716, 77.5946};
  const std::vector<partner_position> candidates = {
      {1, partner_status::available, {12.99, 77.60}},   // ~2 km
      {2, partner_status::busy, store},                 // nearest, but busy
      {3, partner_status::available, {12.975, 77.595}}, // ~400 m
      {4, partner_status::offline, {12.972, 77.595}},
  };
  EXPECT_EQ(choose_partner(candidates, store), 3);
}

TEST(delivery_geo, ties_go_to_the_lowest_id) {
  const geo_point store{12.9716, 77.5946};
  const geo_point spot{12.98, 77.60};
  const std::vector<partner_position> candidates = {
      {9, partner_status::available, spot},
      {4, partner_status::available, spot},
      {7, partner_status::available, spot},
  };
  EXPECT_EQ(choose_partner(candidates, store), 4);
}

}  // namespace
}  // namespace qm::delivery

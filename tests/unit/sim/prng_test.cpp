#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "sim/engine/prng.hpp"

namespace qm::sim {
namespace {

std::vector<std::uint64_t> draw(prng p, int n) {
  std::vector<std::uint64_t> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(p.next_u64());
  }
  return out;
}

TEST(prng, same_seed_same_stream) {
  EXPECT_EQ(draw(prng(42), 100), draw(prng(42), 100));
  EXPECT_NE(draw(prng(42), 100), draw(prng(43), 100));
}

TEST(prng, derived_streams_depend_on_name_and_root_only) {
  const auto a = draw(prng::derive(7, "node/auth"), 50);
  // Deriving other streams first (or in between) changes nothing for this one.
  prng noise = prng::derive(7, "node/gateway");
  (void)noise.next_u64();
  EXPECT_EQ(draw(prng::derive(7, "node/auth"), 50), a);
  EXPECT_NE(draw(prng::derive(7, "node/gateway"), 50), a);
  EXPECT_NE(draw(prng::derive(8, "node/auth"), 50), a);
}

TEST(prng, derived_streams_do_not_overlap) {
  std::set<std::uint64_t> seen;
  for (const char* name : {"a", "b", "link/a->b", "link/b->a", "node/x"}) {
    for (auto v : draw(prng::derive(1, name), 1000)) {
      EXPECT_TRUE(seen.insert(v).second) << name;
    }
  }
}

TEST(prng, uniform_stays_in_bounds_and_covers_them) {
  prng p(3);
  std::vector<int> hits(10, 0);
  for (int i = 0; i < 10'000; ++i) {
    const auto v = p.uniform(10);
    ASSERT_LT(v, 10u);
    ++hits[v];
  }
  for (int h : hits) {
    EXPECT_GT(h, 800);
    EXPECT_LT(h, 1200);
  }
  for (int i = 0; i < 1000; ++i) {
    const double u = p.unit();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
}

TEST(prng, bytes_has_the_length_asked_for_and_is_deterministic) {
  prng a(9);
  prng b(9);
  const auto x = a.bytes(13);
  EXPECT_EQ(x.size(), 13u);
  EXPECT_EQ(x, b.bytes(13));
  EXPECT_NE(a.bytes(13), x);
}

}  // namespace
}  // namespace qm::sim

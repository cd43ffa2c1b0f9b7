// Bulkhead: the bound, fail-fast rejection, and permits that give their slot back exactly
// once whether destroyed, moved, move-assigned or released early.

#include <gtest/gtest.h>

#include <optional>
#include <utility>
#include <vector>

#include "core/resilience/bulkhead.hpp"

namespace qm::resilience {
namespace {

TEST(bulkhead, admits_up_to_the_bound_then_rejects) {
  bulkhead b(2);
  auto first = b.try_enter();
  auto second = b.try_enter();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(b.in_use(), 2);
  EXPECT_FALSE(b.try_enter());
  EXPECT_FALSE(b.try_enter());
  EXPECT_EQ(b.rejected(), 2U);
  first.reset();
  EXPECT_EQ(b.in_use(), 1);
  EXPECT_TRUE(b.try_enter());  // a temporary: entered and left again
  EXPECT_EQ(b.in_use(), 1);
}

TEST(bulkhead, destroyed_permits_free_their_slots) {
  bulkhead b(3);
  {
    std::vector<bulkhead::permit> held;
    for (int i = 0; i < 3; ++i) {
      auto p = b.try_enter();
      ASSERT_TRUE(p);
      held.push_back(std::move(*p));
    }
    EXPECT_EQ(b.in_use(), 3);
  }
  EXPECT_EQ(b.in_use(), 0);
}

TEST(bulkhead, a_moved_permit_releases_once) {
  bulkhead b(1);
  auto p = b.try_enter();
  ASSERT_TRUE(p);
  bulkhead::permit moved(std::move(*p));
  EXPECT_FALSE(p->held());
  EXPECT_TRUE(moved.held());
  p.reset();  // the moved-from permit owns nothing
  EXPECT_EQ(b.in_use(), 1);
  {
    bulkhead::permit again(std::move(moved));
    EXPECT_EQ(b.in_use(), 1);
  }
  EXPECT_EQ(b.in_use(), 0);
}

TEST(bulkhead, move_assignment_releases_the_target_first) {
  bulkhead b(2);
  auto a = b.try_enter();
  auto c = b.try_enter();
  ASSERT_TRUE(a && c);
  *a = std::move(*c);
  EXPECT_EQ(b.in_use(), 1);
  EXPECT_TRUE(a->held());
  EXPECT_FALSE(c->held());
  *a = std::move(*a);  // self-assignment keeps the slot
  EXPECT_EQ(b.in_use(), 1);
  a.reset();
  c.reset();
  EXPECT_EQ(b.in_use(), 0);
}

TEST(bulkhead, release_is_early_and_idempotent) {
  bulkhead b(1);
  auto p = b.try_enter();
  ASSERT_TRUE(p);
  p->release();
  p->release();
  EXPECT_EQ(b.in_use(), 0);
  EXPECT_TRUE(b.try_enter());
}

TEST(bulkhead, permits_of_two_bulkheads_stay_apart) {
  bulkhead one(1);
  bulkhead two(1);
  auto p = one.try_enter();
  auto q = two.try_enter();
  ASSERT_TRUE(p && q);
  *p = std::move(*q);  // p now holds two's slot, one's slot is freed
  EXPECT_EQ(one.in_use(), 0);
  EXPECT_EQ(two.in_use(), 1);
  p.reset();
  EXPECT_EQ(two.in_use(), 0);
}

TEST(bulkhead_death, an_out_of_range_bound_is_a_bug) {
  EXPECT_DEATH(bulkhead(0), "max_concurrent");
  EXPECT_DEATH(bulkhead(max_bulkhead_concurrency + 1), "max_concurrent");
}

}  // namespace
}  // namespace qm::resilience

// The cart store's suite, run unchanged on SQLite and on PostgreSQL: same statements, same
// outcomes, same typed errors.

#include <string>

#include <gtest/gtest.h>

#include "runtime/migrations.hpp"
#include "services/cart/domain/limits.hpp"
#include "services/cart/store.hpp"
#include "tests/integration/storage/test_databases.hpp"

namespace qm::test {
namespace {

constexpr std::int64_t now_s = 1'800'000'000;

using cart::cart_line;
using lines = std::vector<cart_line>;

class cart_store_engines : public store_engines_fixture<cart::cart_store> {
 protected:
  cart_store_engines() : store_engines_fixture(cart::cart_migrations()) {}

  lines lines_of(std::int64_t user_id) {
    auto found = run(store().lines(user_id));
    EXPECT_TRUE(found.ok()) << found.error().message;
    return found.ok() ? *found : lines{};
  }

  cart::add_outcome add(std::int64_t user_id, std::int64_t product_id, std::int64_t quantity) {
    auto out = run(store().add(user_id, {product_id, quantity}, now_s));
    EXPECT_TRUE(out.ok()) << out.error().message;
    return out.ok() ? *out : cart::add_outcome{};
  }
};

TEST_P(cart_store_engines, adds_sum_into_lines_ordered_by_product) {
  EXPECT_TRUE(lines_of(42).empty());
  EXPECT_EQ(add(42, 9, 2).lines, (lines{{9, 2}}));
  EXPECT_EQ(add(42, 3, 1).lines, (lines{{3, 1}, {9, 2}}));
  const auto summed = add(42, 9, 5);
  EXPECT_EQ(summed.status, cart::add_status::added);
  EXPECT_EQ(summed.lines, (lines{{3, 1}, {9, 7}}));
  EXPECT_EQ(lines_of(42), (lines{{3, 1}, {9, 7}}));
  EXPECT_TRUE(lines_of(43).empty());
  // Large ids (below 2^53) survive both engines exactly.
  EXPECT_EQ(add(cart::max_id, cart::max_id, 1).lines, (lines{{cart::max_id, 1}}));
}

TEST_P(cart_store_engines, the_bounds_hold_and_a_refusal_changes_nothing) {
  add(42, 1, 50);
  const auto over = add(42, 1, 1);
  EXPECT_EQ(over.status, cart::add_status::quantity_limit);
  EXPECT_EQ(over.lines, (lines{{1, 50}}));
  for (std::int64_t id = 2; id <= static_cast<std::int64_t>(cart::max_lines); ++id) {
    ASSERT_EQ(add(42, id, 1).status, cart::add_status::added) << id;
  }
  const auto full = add(42, 1000, 1);
  EXPECT_EQ(full.status, cart::add_status::cart_full);
  EXPECT_EQ(full.lines.size(), cart::max_lines);
  EXPECT_EQ(lines_of(42).size(), cart::max_lines);
  EXPECT_EQ(add(42, 2, 3).status, cart::add_status::added);
}

TEST_P(cart_store_engines, the_schema_refuses_quantities_outside_one_to_fifty) {
  for (const std::int64_t q : {0, 51}) {
    auto bad = exec(
        "INSERT INTO cart_lines (user_id, product_id, quantity, added_at) VALUES ($1, $2, $3, $4)",
        {std::int64_t{1}, std::int64_t{2}, q, now_s});
    ASSERT_FALSE(bad.ok()) << q;
    EXPECT_EQ(bad.error().code, sql::errc::constraint_violation) << bad.error().message;
  }
}

TEST_P(cart_store_engines, set_quantity_changes_or_removes_an_existing_line_only) {
  add(42, 1, 2);
  add(42, 2, 2);
  auto changed = run(store().set_quantity(42, {1, 9}, now_s));
  ASSERT_TRUE(changed.ok()) << changed.error().message;
  ASSERT_TRUE(changed->has_value());
  EXPECT_EQ(**changed, (lines{{1, 9}, {2, 2}}));
  auto removed = run(store().set_quantity(42, {2, 0}, now_s));
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(**removed, (lines{{1, 9}}));
  auto absent = run(store().set_quantity(42, {2, 4}, now_s));
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());
  auto other_user = run(store().set_quantity(43, {1, 4}, now_s));
  ASSERT_TRUE(other_user.ok());
  EXPECT_FALSE(other_user->has_value());
  EXPECT_EQ(lines_of(42), (lines{{1, 9}}));
}

TEST_P(cart_store_engines, clear_removes_only_the_users_lines) {
  add(42, 1, 2);
  add(42, 2, 2);
  add(43, 1, 1);
  auto cleared = run(store().clear(42, now_s));
  ASSERT_TRUE(cleared.ok()) << cleared.error().message;
  EXPECT_EQ(*cleared, 2);
  EXPECT_TRUE(lines_of(42).empty());
  EXPECT_EQ(lines_of(43), (lines{{1, 1}}));
  auto again = run(store().clear(42, now_s));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
}

TEST_P(cart_store_engines, a_checkout_is_applied_once_per_order) {
  add(42, 1, 3);
  add(42, 2, 1);
  add(42, 3, 2);
  auto first = run(store().apply_checkout(42, 77, {{1, 2}, {2, 1}, {8, 1}}, now_s));
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(first->applied);
  EXPECT_EQ(first->lines, (lines{{1, 1}, {3, 2}}));
  EXPECT_EQ(lines_of(42), (lines{{1, 1}, {3, 2}}));

  add(42, 2, 4);
  auto repeat = run(store().apply_checkout(42, 77, {{1, 2}, {2, 1}, {8, 1}}, now_s));
  ASSERT_TRUE(repeat.ok()) << repeat.error().message;
  EXPECT_FALSE(repeat->applied);
  EXPECT_EQ(repeat->lines, (lines{{1, 1}, {2, 4}, {3, 2}}));
  EXPECT_EQ(lines_of(42), (lines{{1, 1}, {2, 4}, {3, 2}}));

  auto next = run(store().apply_checkout(42, 78, {{1, 50}, {2, 4}, {3, 2}}, now_s));
  ASSERT_TRUE(next.ok());
  EXPECT_TRUE(next->applied);
  EXPECT_TRUE(lines_of(42).empty());
}

INSTANTIATE_TEST_SUITE_P(engines, cart_store_engines, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace qm::test

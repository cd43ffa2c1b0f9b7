// router: literal routes before templated ones, 404 versus 405, {param} extraction.

#include "core/http/router.hpp"

#include <gtest/gtest.h>

#include <string>

#include "tests/unit/core/task_test_support.hpp"

namespace qm::http {
namespace {

// A handler that answers with its own name, so a test can see which one a match points to.
handler named(std::string name) {
  return [name](request_context) -> task<response> {
    response r;
    r.body = name;
    co_return r;
  };
}

std::string call(const router::match& m) {
  return test::run_now((*m.target)(request_context{})).body;
}

router auth_routes() {
  router r;
  r.add(method::get, "/auth/me", named("get me"));
  r.add(method::put, "/auth/me", named("put me"));
  r.add(method::get, "/auth/{user_id}", named("get user"));
  r.add(method::post, "/auth/login", named("login"));
  r.add(method::get, "/orders/{order_id}/items/{item_id}", named("order item"));
  r.add(method::get, "/", named("root"));
  return r;
}

TEST(router, finds_a_literal_route) {
  const router r = auth_routes();
  auto m = r.find(method::post, "/auth/login");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->route, "/auth/login");
  EXPECT_TRUE(m->params.empty());
  EXPECT_EQ(call(*m), "login");
}

TEST(router, literal_route_wins_over_a_template_registered_earlier_or_later) {
  router r;
  r.add(method::get, "/auth/{user_id}", named("template"));
  r.add(method::get, "/auth/me", named("literal"));
  auto m = r.find(method::get, "/auth/me");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->route, "/auth/me");
  EXPECT_EQ(call(*m), "literal");

  auto other = r.find(method::get, "/auth/u-42");
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(other->route, "/auth/{user_id}");
  EXPECT_EQ(call(*other), "template");
}

TEST(router, extracts_params_by_name) {
  const router r = auth_routes();
  auto m = r.find(method::get, "/orders/o-7/items/3");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->route, "/orders/{order_id}/items/{item_id}");
  ASSERT_EQ(m->params.size(), 2u);
  request_context ctx;
  ctx.params = m->params;
  EXPECT_EQ(ctx.param("order_id"), "o-7");
  EXPECT_EQ(ctx.param("item_id"), "3");
  EXPECT_EQ(ctx.param("missing"), "");
}

TEST(router, method_is_part_of_the_route) {
  const router r = auth_routes();
  auto get = r.find(method::get, "/auth/me");
  auto put = r.find(method::put, "/auth/me");
  ASSERT_TRUE(get && put);
  EXPECT_EQ(call(*get), "get me");
  EXPECT_EQ(call(*put), "put me");
}

TEST(router, unknown_path_is_a_404_not_a_405) {
  const router r = auth_routes();
  bool mismatch = false;
  EXPECT_FALSE(r.find(method::get, "/nothing/here/at/all").has_value());
  EXPECT_FALSE(r.find(method::get, "/nothing/here/at/all", &mismatch).has_value());
  EXPECT_FALSE(mismatch);
  EXPECT_FALSE(r.find(method::get, "/auth/me/extra", &mismatch).has_value());
  EXPECT_FALSE(mismatch);
}

TEST(router, known_path_with_the_wrong_method_is_a_405) {
  const router r = auth_routes();
  bool mismatch = false;
  EXPECT_FALSE(r.find(method::del, "/auth/login", &mismatch).has_value());
  EXPECT_TRUE(mismatch);
  mismatch = false;
  EXPECT_FALSE(r.find(method::post, "/orders/1/items/2", &mismatch).has_value());
  EXPECT_TRUE(mismatch);
}

TEST(router, wrong_method_on_a_literal_falls_back_to_a_matching_template) {
  // POST /auth/me has no literal route, and /auth/{user_id} answers only GET: 405.
  const router r = auth_routes();
  bool mismatch = false;
  EXPECT_FALSE(r.find(method::post, "/auth/me", &mismatch).has_value());
  EXPECT_TRUE(mismatch);
  // GET /auth/login has no literal GET route, but the GET template matches it.
  auto m = r.find(method::get, "/auth/login");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->route, "/auth/{user_id}");
  EXPECT_EQ(m->params.front().second, "login");
}

TEST(router, empty_segments_are_ignored) {
  const router r = auth_routes();
  auto m = r.find(method::get, "//auth///me/");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->route, "/auth/me");
  auto root = r.find(method::get, "/");
  ASSERT_TRUE(root.has_value());
  EXPECT_EQ(call(*root), "root");
}

TEST(router, a_param_never_matches_an_empty_segment) {
  const router r = auth_routes();
  EXPECT_FALSE(r.find(method::get, "/orders//items/3").has_value());
}

TEST(router, split_path_drops_empty_segments) {
  const auto segs = split_path("/a//b/c/");
  ASSERT_EQ(segs.size(), 3u);
  EXPECT_EQ(segs[0], "a");
  EXPECT_EQ(segs[1], "b");
  EXPECT_EQ(segs[2], "c");
  EXPECT_TRUE(split_path("").empty());
  EXPECT_TRUE(split_path("///").empty());
}

TEST(router_death, duplicate_route_is_a_bug) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  router r;
  r.add(method::get, "/x", named("one"));
  EXPECT_DEATH(r.add(method::get, "/x", named("two")), "duplicate route");
}

TEST(router_death, template_must_start_with_a_slash) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  router r;
  EXPECT_DEATH(r.add(method::get, "x", named("one")), "starts with '/'");
}

}  // namespace
}  // namespace qm::http

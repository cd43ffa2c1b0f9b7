#include <gtest/gtest.h>

#include "core/ratelimit/rate_class.hpp"

namespace qm::ratelimit {
namespace {

TEST(rate_class, defaults) {
  EXPECT_EQ(default_auth_class().limit, 20);
  EXPECT_EQ(default_admin_class().limit, 50);
  EXPECT_EQ(default_general_class().limit, 100);
  EXPECT_EQ(default_general_class().window, seconds(60));
  EXPECT_EQ(default_auth_class().name, "auth");
}

TEST(rate_class, parses_limit_and_window) {
  auto a = parse_rate_class("auth", "20/60s");
  ASSERT_TRUE(a.ok()) << a.error();
  EXPECT_EQ(a->name, "auth");
  EXPECT_EQ(a->limit, 20);
  EXPECT_EQ(a->window, seconds(60));
  EXPECT_EQ(parse_rate_class("g", "100/1m")->window, seconds(60));
  EXPECT_EQ(parse_rate_class("g", "5/250ms")->window, ms(250));
  EXPECT_EQ(parse_rate_class("g", "1000/2h")->window, seconds(7200));
  EXPECT_EQ(parse_rate_class("g", "10/s")->window, seconds(1));
  EXPECT_EQ(parse_rate_class("g", "100000/24h")->limit, 100000);
}

TEST(rate_class, refuses_bad_text_with_a_reason) {
  auto expect_error = [](std::string_view text, std::string_view words) {
    auto r = parse_rate_class("g", text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.error().find(words), std::string::npos) << r.error();
    EXPECT_NE(r.error().find(text), std::string::npos) << r.error();
  };
  expect_error("20", "expected <limit>/<window>");
  expect_error("", "expected <limit>/<window>");
  expect_error("0/1m", "from 1 to 100000");
  expect_error("-5/1m", "from 1 to 100000");
  expect_error("100001/1m", "from 1 to 100000");
  expect_error(" 20/1m", "from 1 to 100000");
  expect_error("x/1m", "from 1 to 100000");
  expect_error("20/60", "needs a unit");
  expect_error("20/", "needs a unit");
  expect_error("20/60x", "unknown window unit \"x\"");
  expect_error("20/1 m", "unknown window unit");
  expect_error("20/0s", "must be positive");
  expect_error("20/25h", "at most 24h");
  expect_error("20/99999999999999999999s", "too long");
}

TEST(rate_class, keys_and_subjects) {
  EXPECT_EQ(key_for("general", user_subject("42")), "rl:general:user:42");
  EXPECT_EQ(key_for("auth", ip_subject("10.0.0.7")), "rl:auth:ip:10.0.0.7");
  EXPECT_EQ(key_for("auth", ip_subject("2001:db8::1")), "rl:auth:ip:2001:db8::1");
}

}  // namespace
}  // namespace qm::ratelimit

// Parsing redis:// URLs: defaults, IPv6, database, credentials, and errors that never quote
// the password.

#include <gtest/gtest.h>

#include "runtime/redis/redis_url.hpp"

namespace qm::test {
namespace {

using rt::redis::parse_redis_url;

TEST(redis_url, host_port_and_defaults) {
  auto u = parse_redis_url("redis://127.0.0.1:6380");
  ASSERT_TRUE(u.ok()) << u.error();
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 6380);
  EXPECT_EQ(u->db, 0u);
  EXPECT_TRUE(u->password.empty());
  auto d = parse_redis_url("redis://redis");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->port, 6379);
  EXPECT_EQ(rt::redis::describe(*d), "redis:6379");
}

TEST(redis_url, database_ipv6_and_credentials) {
  auto u = parse_redis_url("redis://app:p%40ss:w@[::1]:7000/3");
  ASSERT_TRUE(u.ok()) << u.error();
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 7000);
  EXPECT_EQ(u->db, 3u);
  EXPECT_EQ(u->user, "app");
  EXPECT_EQ(u->password, "p@ss:w");
  EXPECT_EQ(rt::redis::describe(*u), "[::1]:7000/3");
  auto p = parse_redis_url("redis://:secret@h:1/");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->user, "");
  EXPECT_EQ(p->password, "secret");
  auto lone = parse_redis_url("redis://secret@h");
  ASSERT_TRUE(lone.ok());
  EXPECT_EQ(lone->password, "secret");
}

TEST(redis_url, errors) {
  for (const char* bad : {"http://h:1", "redis://", "redis://h:0", "redis://h:99999", "redis://h:1/x",
                          "redis://[::1", "redis://:secret%zz@h"}) {
    auto u = parse_redis_url(bad);
    ASSERT_FALSE(u.ok()) << bad;
    EXPECT_EQ(u.error().find("secret"), std::string::npos) << u.error();
  }
}

}  // namespace
}  // namespace qm::test

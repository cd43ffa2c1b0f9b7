#include "runtime/asio/client/base_url.hpp"

#include <gtest/gtest.h>

namespace qm::rt {
namespace {

TEST(base_url, host_and_port) {
  auto url = parse_base_url("http://127.0.0.1:8001");
  ASSERT_TRUE(url.ok()) << url.error();
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 8001);
  EXPECT_EQ(url->path_prefix, "");
  EXPECT_EQ(url->host_header, "127.0.0.1:8001");
}

TEST(base_url, default_port_and_trailing_slash) {
  auto url = parse_base_url("http://auth/");
  ASSERT_TRUE(url.ok()) << url.error();
  EXPECT_EQ(url->host, "auth");
  EXPECT_EQ(url->port, 80);
  EXPECT_EQ(url->path_prefix, "");
  EXPECT_EQ(url->host_header, "auth");
}

TEST(base_url, path_prefix_and_ipv6) {
  auto url = parse_base_url("http://[::1]:9000/api/v1/");
  ASSERT_TRUE(url.ok()) << url.error();
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 9000);
  EXPECT_EQ(url->path_prefix, "/api/v1");
  EXPECT_EQ(url->host_header, "[::1]:9000");
}

TEST(base_url, rejects_what_it_cannot_serve) {
  for (const char* bad : {"https://auth:443", "auth:8001", "http://", "http://:80", "http://auth:0",
                          "http://auth:65536", "http://auth:80x", "http://auth:", "http://a b:1",
                          "http://u@auth:1", "http://auth:1/x?y=1", "http://[::1", "http://[::1]x"}) {
    auto url = parse_base_url(bad);
    EXPECT_FALSE(url.ok()) << bad;
    if (!url.ok()) {
      EXPECT_NE(url.error().find(bad), std::string::npos) << url.error();
    }
  }
}

}  // namespace
}  // namespace qm::rt

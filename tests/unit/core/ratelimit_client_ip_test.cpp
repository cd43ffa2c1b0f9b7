#include <gtest/gtest.h>

#include "core/ratelimit/client_ip.hpp"

namespace qm::ratelimit {
namespace {

trusted_proxies proxies(std::string_view text) {
  auto p = trusted_proxies::parse(text);
  EXPECT_TRUE(p.ok()) << p.error();
  return std::move(p).value();
}

TEST(ip_address, parses_and_prints_canonically) {
  EXPECT_EQ(ip_address::parse("10.0.0.7")->to_string(), "10.0.0.7");
  EXPECT_EQ(ip_address::parse("10.0.0.7:8080")->to_string(), "10.0.0.7");
  EXPECT_EQ(ip_address::parse("2001:DB8:0:0::1")->to_string(), "2001:db8::1");
  EXPECT_EQ(ip_address::parse("[2001:db8::1]:443")->to_string(), "2001:db8::1");
  EXPECT_EQ(ip_address::parse("[::1]")->to_string(), "::1");
  EXPECT_EQ(ip_address::parse("::ffff:192.0.2.1")->to_string(), "192.0.2.1");
  EXPECT_EQ(*ip_address::parse("::ffff:192.0.2.1"), *ip_address::parse("192.0.2.1"));
  EXPECT_EQ(ip_address::parse("0.0.0.0")->to_string(), "0.0.0.0");
  EXPECT_EQ(ip_address::parse("255.255.255.255")->to_string(), "255.255.255.255");
  for (std::string_view bad : {"", "unknown", "10.0.0", "10.0.0.256", "10.0.0.7:", "10.0.0.7:99999",
                               "[10.0.0.7]", "[::1", "::1]:80", "fe80::1%eth0", "1:2:3:4:5:6:7:8:9",
                               "10.0.0.7 ", "_hidden", "010.0.0.7", "10.0.0.0007", "10..0.7",
                               "10.0.0.7.", ".10.0.0.7", "1000.0.0.7", "10.0.0.-7", "10.0.0.7.8"}) {
    EXPECT_FALSE(ip_address::parse(bad).has_value()) << bad;
  }
}

TEST(trusted_proxies, parses_addresses_and_cidrs) {
  const trusted_proxies p = proxies("10.0.0.0/8, ::1,192.168.1.7 ,2001:db8::/32");
  EXPECT_EQ(p.size(), 4u);
  EXPECT_TRUE(p.contains(*ip_address::parse("10.255.3.4")));
  EXPECT_FALSE(p.contains(*ip_address::parse("11.0.0.1")));
  EXPECT_TRUE(p.contains(*ip_address::parse("::1")));
  EXPECT_FALSE(p.contains(*ip_address::parse("::2")));
  EXPECT_TRUE(p.contains(*ip_address::parse("192.168.1.7")));
  EXPECT_FALSE(p.contains(*ip_address::parse("192.168.1.8")));
  EXPECT_TRUE(p.contains(*ip_address::parse("2001:db8:ffff::9")));
  EXPECT_FALSE(p.contains(*ip_address::parse("2001:db9::9")));
  EXPECT_TRUE(p.contains(*ip_address::parse("::ffff:10.1.1.1")));
  EXPECT_EQ(proxies("").size(), 0u);
  EXPECT_EQ(proxies("  ").size(), 0u);
  EXPECT_TRUE(proxies("0.0.0.0/0").contains(*ip_address::parse("8.8.8.8")));
  EXPECT_TRUE(proxies("::ffff:10.0.0.0/104").contains(*ip_address::parse("10.9.9.9")));
  EXPECT_TRUE(proxies("10.0.0.0/9").contains(*ip_address::parse("10.127.0.1")));
  EXPECT_FALSE(proxies("10.0.0.0/9").contains(*ip_address::parse("10.128.0.1")));
}

TEST(trusted_proxies, refuses_bad_entries_by_name) {
  auto expect_error = [](std::string_view text, std::string_view words) {
    auto r = trusted_proxies::parse(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.error().find(words), std::string::npos) << r.error();
  };
  expect_error("10.0.0.0/8,proxy.local", "\"proxy.local\": not an IPv4 or IPv6 address");
  expect_error("10.0.0.0/33", "prefix length must be 0 to 32");
  expect_error("::1/129", "prefix length must be 0 to 128");
  expect_error("10.0.0.0/", "prefix length");
  expect_error("10.0.0.0/x", "prefix length");
  expect_error("10.0.0.1/8", "host bits are set; the range starts at 10.0.0.0/8");
  expect_error("10.0.0.1,,10.0.0.2", "empty entry");
  expect_error("::ffff:10.0.0.0/64", "at least 96");
  expect_error("10.0.0.1:80", "not an IPv4 or IPv6 address");
}

TEST(client_ip, an_untrusted_peer_is_the_client_whatever_it_forwards) {
  const trusted_proxies p = proxies("10.0.0.0/8");
  EXPECT_EQ(client_ip("203.0.113.5", "1.2.3.4", p), "203.0.113.5");
  EXPECT_EQ(client_ip("203.0.113.5:5555", "", p), "203.0.113.5");
  EXPECT_EQ(client_ip("10.0.0.1", "1.2.3.4", trusted_proxies()), "10.0.0.1");
}

TEST(client_ip, walks_from_the_right_past_trusted_proxies) {
  const trusted_proxies p = proxies("10.0.0.0/8,2001:db8::/32");
  // The client forged "6.6.6.6"; our proxies appended what they saw.
  EXPECT_EQ(client_ip("10.0.0.1", "6.6.6.6, 198.51.100.9, 10.0.0.2", p), "198.51.100.9");
  EXPECT_EQ(client_ip("10.0.0.1", "198.51.100.9", p), "198.51.100.9");
  EXPECT_EQ(client_ip("[2001:db8::5]:443", "2001:DB8:1::7 , 2001:0db9::1", p), "2001:db9::1");
  EXPECT_EQ(client_ip("10.0.0.1", "198.51.100.9:1234", p), "198.51.100.9");
}

TEST(client_ip, garbage_ends_the_walk_at_the_last_trusted_hop) {
  const trusted_proxies p = proxies("10.0.0.0/8");
  EXPECT_EQ(client_ip("10.0.0.1", "198.51.100.9, unknown, 10.0.0.3", p), "10.0.0.3");
  EXPECT_EQ(client_ip("10.0.0.1", "198.51.100.9, garbage", p), "10.0.0.1");
  EXPECT_EQ(client_ip("10.0.0.1", "198.51.100.9,,10.0.0.3", p), "10.0.0.3");
  // Every hop trusted: the leftmost is as far as we can see.
  EXPECT_EQ(client_ip("10.0.0.1", "10.0.0.9, 10.0.0.3", p), "10.0.0.9");
  EXPECT_EQ(client_ip("10.0.0.1", "", p), "10.0.0.1");
  EXPECT_EQ(client_ip("10.0.0.1", "  ", p), "10.0.0.1");
}

TEST(client_ip, a_long_chain_is_cut) {
  const trusted_proxies p = proxies("10.0.0.0/8");
  std::string chain = "198.51.100.9";
  for (int i = 0; i < 40; ++i) {
    chain += ", 10.0.0.5";
  }
  EXPECT_EQ(client_ip("10.0.0.1", chain, p), "10.0.0.5");
}

TEST(client_ip, an_unparseable_peer_is_returned_as_given) {
  EXPECT_EQ(client_ip("sim-node-3", "1.2.3.4", proxies("10.0.0.0/8")), "sim-node-3");
}

}  // namespace
}  // namespace qm::ratelimit

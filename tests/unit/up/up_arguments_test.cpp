#include <gtest/gtest.h>

#include "app/up/arguments.hpp"
#include "app/up/cluster_names.hpp"

namespace qm::up {
namespace {

using args = std::vector<std::string>;

TEST(up_arguments, defaults) {
  auto o = parse_up_arguments({}, {});
  ASSERT_TRUE(o) << o.error();
  EXPECT_FALSE(o->embedded);
  EXPECT_FALSE(o->with_prometheus);
  EXPECT_EQ(o->base_port, 8000);
  EXPECT_EQ(o->data_dir, "./quickmart-data");
  EXPECT_EQ(o->pg_bin, "/usr/lib/postgresql/15/bin");
}

TEST(up_arguments, every_option_in_both_spellings) {
  auto o = parse_up_arguments({"--embedded", "--with-prometheus", "--base-port", "9100", "--data=/tmp/x", "--pg-bin",
                               "/opt/pg", "--share-dir=/src"},
                              {});
  ASSERT_TRUE(o) << o.error();
  EXPECT_TRUE(o->embedded);
  EXPECT_TRUE(o->with_prometheus);
  EXPECT_EQ(o->base_port, 9100);
  EXPECT_EQ(o->data_dir, "/tmp/x");
  EXPECT_EQ(o->pg_bin, "/opt/pg");
  EXPECT_EQ(o->share_dir, "/src");
}

TEST(up_arguments, environment_sets_pg_bin_and_share_dir_a_flag_wins) {
  const std::map<std::string, std::string> env = {{"QUICKMART_PG_BIN", "/env/pg"}, {"QUICKMART_SHARE_DIR", "/env/share"}};
  auto o = parse_up_arguments({}, env);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->pg_bin, "/env/pg");
  EXPECT_EQ(o->share_dir, "/env/share");
  o = parse_up_arguments({"--pg-bin", "/flag/pg"}, env);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->pg_bin, "/flag/pg");
}

TEST(up_arguments, usage_errors_say_what_is_wrong) {
  const std::vector<std::pair<args, std::string>> cases = {
      {{"--base-port"}, "--base-port needs a value"},
      {{"--base-port", "80"}, "from 1024 to 65505"},
      {{"--base-port", "65506"}, "from 1024 to 65505"},
      {{"--base-port", "8k"}, "not '8k'"},
      {{"--data", ""}, "not an empty string"},
      {{"--embedded=1"}, "--embedded takes no value"},
      {{"--frobnicate"}, "unknown option '--frobnicate'"},
      {{"stray"}, "unexpected argument 'stray'"},
  };
  for (const auto& [a, want] : cases) {
    auto o = parse_up_arguments(a, {});
    ASSERT_FALSE(o) << a.front();
    EXPECT_NE(o.error().find(want), std::string::npos) << o.error();
  }
}

TEST(up_arguments, cluster_commands) {
  auto o = parse_cluster_arguments({"status", "--data", "/d"});
  ASSERT_TRUE(o) << o.error();
  EXPECT_EQ(o->action, cluster_action::status);
  EXPECT_EQ(o->data_dir, "/d");
  o = parse_cluster_arguments({"stop", "product-db", "--timeout-s", "5"});
  ASSERT_TRUE(o) << o.error();
  EXPECT_EQ(o->action, cluster_action::stop);
  EXPECT_EQ(o->name, "product-db");
  EXPECT_EQ(o->timeout_s, 5);
  o = parse_cluster_arguments({"start", "cart"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->action, cluster_action::start);
  EXPECT_EQ(o->timeout_s, 30);
}

TEST(up_arguments, cluster_usage_errors) {
  const std::vector<std::pair<args, std::string>> cases = {
      {{}, "which cluster command?"},
      {{"restart", "cart"}, "unknown cluster command 'restart'"},
      {{"stop"}, "stop: which child?"},
      {{"start", "payments"}, "unknown name 'payments'"},
      {{"status", "cart"}, "unexpected argument 'cart'"},
      {{"stop", "cart", "order"}, "unexpected argument 'order'"},
      {{"stop", "cart", "--timeout-s", "0"}, "from 1 to 3600"},
  };
  for (const auto& [a, want] : cases) {
    auto o = parse_cluster_arguments(a);
    ASSERT_FALSE(o);
    EXPECT_NE(o.error().find(want), std::string::npos) << o.error();
  }
}

TEST(up_names, the_contracts_ports) {
  const std::map<std::string, int> want = {
      {"gateway", 0},     {"auth", 1},         {"product", 2},  {"cart", 3},     {"order", 4},
      {"delivery", 5},    {"notification", 6}, {"auth-db", 10}, {"product-db", 11}, {"cart-db", 12},
      {"order-db", 13},   {"delivery-db", 14}, {"redis", 20},   {"prometheus", 30}};
  std::map<std::string, int> got;
  for (const auto& n : all_child_names()) {
    got[std::string(n.name)] = n.port_offset;
  }
  EXPECT_EQ(got, want);
  EXPECT_FALSE(find_child_name("payments"));
  EXPECT_EQ(database_name_of("order"), "order-db");
}

}  // namespace
}  // namespace qm::up

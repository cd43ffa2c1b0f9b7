#include <gtest/gtest.h>

#include <algorithm>

#include "app/up/topology.hpp"

namespace qm::up {
namespace {

topology_inputs inputs(bool embedded) {
  topology_inputs in;
  in.embedded = embedded;
  in.base_port = 9000;
  in.data_dir = "/data";
  in.quickmart = "/bin/quickmart";
  in.pg_bin = "/pg/bin";
  in.redis_server = "/usr/bin/redis-server";
  in.prometheus = "/usr/bin/prometheus";
  in.path_env = "/usr/bin:/bin";
  for (const auto& key : required_secret_keys()) {
    in.keys[key] = secret_value_for(key, "s-" + key);
  }
  return in;
}

const child_spec& find(const std::vector<child_spec>& all, const std::string& name) {
  auto it = std::find_if(all.begin(), all.end(), [&](const child_spec& c) { return c.name == name; });
  EXPECT_NE(it, all.end()) << name;
  return *it;
}

bool has_env(const child_spec& c, const std::string& line) {
  return std::find(c.env.begin(), c.env.end(), line) != c.env.end();
}

bool has_env_key(const child_spec& c, const std::string& key) {
  return std::any_of(c.env.begin(), c.env.end(), [&](const std::string& l) { return l.starts_with(key + "="); });
}

std::vector<std::string> names(const std::vector<child_spec>& all) {
  std::vector<std::string> out;
  for (const auto& c : all) {
    out.push_back(c.name);
  }
  return out;
}

TEST(up_topology, embedded_runs_the_seven_on_sqlite_without_redis) {
  const auto all = plan_children(inputs(true));
  EXPECT_EQ(names(all), (std::vector<std::string>{"gateway", "auth", "product", "cart", "order", "delivery", "notification"}));
  EXPECT_TRUE(has_env(find(all, "cart"), "QUICKMART_DATABASE_URL=sqlite:/data/sqlite/cart.db"));
  EXPECT_FALSE(has_env_key(find(all, "gateway"), "QUICKMART_REDIS_URL"));
  EXPECT_FALSE(has_env_key(find(all, "notification"), "QUICKMART_DATABASE_URL"));
}

TEST(up_topology, postgres_mode_runs_fourteen_minus_prometheus_unless_asked) {
  auto in = inputs(false);
  EXPECT_EQ(plan_children(in).size(), 13u);
  in.with_prometheus = true;
  const auto all = plan_children(in);
  EXPECT_EQ(all.size(), 14u);
  const auto& prom = find(all, "prometheus");
  EXPECT_EQ(prom.port, 9030);
  EXPECT_NE(std::find(prom.argv.begin(), prom.argv.end(), "--web.listen-address=127.0.0.1:9030"), prom.argv.end());
  EXPECT_EQ(prom.ready_path, "/-/ready");
}

TEST(up_topology, services_get_their_listen_address_database_and_upstreams_only) {
  const auto all = plan_children(inputs(false));
  const auto& order = find(all, "order");
  EXPECT_EQ(order.argv, (std::vector<std::string>{"/bin/quickmart", "serve", "order"}));
  EXPECT_TRUE(has_env(order, "QUICKMART_LISTEN=127.0.0.1:9004"));
  EXPECT_TRUE(has_env(order, "QUICKMART_DATABASE_URL=postgresql://order:s-QUICKMART_ORDER_DB_PASSWORD@127.0.0.1:9013/order_db"));
  EXPECT_TRUE(has_env(order, "QUICKMART_PRODUCT_URL=http://127.0.0.1:9002"));
  EXPECT_TRUE(has_env(order, "QUICKMART_CART_URL=http://127.0.0.1:9003"));
  EXPECT_TRUE(has_env(order, "QUICKMART_DELIVERY_URL=http://127.0.0.1:9005"));
  EXPECT_TRUE(has_env(order, "QUICKMART_NOTIFICATION_URL=http://127.0.0.1:9006"));
  EXPECT_TRUE(has_env(order, "QUICKMART_CONTEXT_SECRET=s-QUICKMART_CONTEXT_SECRET"));
  EXPECT_FALSE(has_env_key(order, "QUICKMART_AUTH_URL"));
  EXPECT_FALSE(has_env_key(order, "QUICKMART_TOKEN_SECRET"));
  EXPECT_FALSE(has_env_key(order, "QUICKMART_ADMIN_PASSWORD"));
  EXPECT_FALSE(has_env_key(order, "PATH"));
  EXPECT_EQ(order.ready_path, "/health/ready");
  EXPECT_EQ(order.stop_phase, 1);

  const auto& auth = find(all, "auth");
  EXPECT_TRUE(has_env(auth, "QUICKMART_TOKEN_SECRET=s-QUICKMART_TOKEN_SECRET"));
  EXPECT_TRUE(has_env(auth, "QUICKMART_ADMIN_EMAIL=admin@example.com"));
  EXPECT_TRUE(has_env(auth, "QUICKMART_ADMIN_PASSWORD=s-QUICKMART_ADMIN_PASSWORD"));

  const auto& gateway = find(all, "gateway");
  EXPECT_TRUE(has_env(gateway, "QUICKMART_LISTEN=127.0.0.1:9000"));
  EXPECT_TRUE(has_env(gateway, "QUICKMART_REDIS_URL=redis://127.0.0.1:9020"));
  EXPECT_TRUE(has_env(gateway, "QUICKMART_NOTIFICATION_URL=http://127.0.0.1:9006"));
  EXPECT_TRUE(has_env(gateway, "QUICKMART_TOKEN_SECRET=s-QUICKMART_TOKEN_SECRET"));
  EXPECT_EQ(gateway.stop_phase, 0);
  EXPECT_TRUE(std::is_sorted(gateway.env.begin(), gateway.env.end()));
}

TEST(up_topology, postgres_runs_in_the_foreground_on_its_port_and_socket_as_the_database_user) {
  const auto all = plan_children(inputs(false));
  const auto& db = find(all, "product-db");
  EXPECT_EQ(db.argv.front(), "/pg/bin/postgres");
  const std::string line = [&] {
    std::string s;
    for (const auto& a : db.argv) s += a + " ";
    return s;
  }();
  EXPECT_NE(line.find("-D /data/pg/product -p 9011 "), std::string::npos) << line;
  EXPECT_NE(line.find("listen_addresses=127.0.0.1 "), std::string::npos) << line;
  EXPECT_NE(line.find("unix_socket_directories=/data/run/product-db "), std::string::npos) << line;
  EXPECT_TRUE(db.as_database_user);
  EXPECT_EQ(db.stop_signal, 2);  // SIGINT: fast shutdown
  EXPECT_EQ(db.start_phase, 0);
  EXPECT_EQ(db.stop_phase, 4);
  EXPECT_EQ(db.ready, readiness::postgres_accepts);

  const auto& redis = find(all, "redis");
  EXPECT_EQ(redis.port, 9020);
  EXPECT_EQ(redis.ready, readiness::redis_pong);
  EXPECT_EQ(redis.stop_phase, 3);
}

TEST(up_topology, the_users_own_options_pass_through_never_what_the_launcher_sets) {
  auto in = inputs(false);
  in.user_environment = {{"QUICKMART_LOG_LEVEL", "debug"},
                         {"QUICKMART_SCRYPT_N", "1024"},
                         {"QUICKMART_PAYMENT_FAILURE_PERMILLE", "100"},
                         {"QUICKMART_LISTEN", "0.0.0.0:1"},
                         {"QUICKMART_TOKEN_SECRET", "from-the-user-environment-000000000"},
                         {"QUICKMART_DATABASE_URL", "sqlite:/elsewhere"},
                         {"QUICKMART_PRODUCT_URL", "http://elsewhere"},
                         {"QUICKMART_REDIS_URL", "redis://elsewhere"},
                         {"QUICKMART_TEST_PG_URL", "postgresql://x"}};
  const auto all = plan_children(in);
  const auto& auth = find(all, "auth");
  EXPECT_TRUE(has_env(auth, "QUICKMART_LOG_LEVEL=debug"));
  EXPECT_TRUE(has_env(auth, "QUICKMART_SCRYPT_N=1024"));
  EXPECT_TRUE(has_env(auth, "QUICKMART_TOKEN_SECRET=s-QUICKMART_TOKEN_SECRET"));
  EXPECT_TRUE(has_env(auth, "QUICKMART_LISTEN=127.0.0.1:9001"));
  EXPECT_FALSE(has_env_key(auth, "QUICKMART_PAYMENT_FAILURE_PERMILLE"));  // not auth's option
  EXPECT_FALSE(has_env_key(auth, "QUICKMART_TEST_PG_URL"));
  const auto& order = find(all, "order");
  EXPECT_TRUE(has_env(order, "QUICKMART_PAYMENT_FAILURE_PERMILLE=100"));
  EXPECT_TRUE(has_env(order, "QUICKMART_PRODUCT_URL=http://127.0.0.1:9002"));
  EXPECT_FALSE(has_env_key(order, "QUICKMART_SCRYPT_N"));
  in.embedded = true;
  EXPECT_FALSE(has_env_key(find(plan_children(in), "gateway"), "QUICKMART_REDIS_URL"));
}

TEST(up_topology, database_tools_run_on_the_clusters_socket_as_the_superuser) {
  const auto in = inputs(false);
  EXPECT_EQ(initdb_argv(in, "/data/pg/order.initdb"),
            (std::vector<std::string>{"/pg/bin/initdb", "-D", "/data/pg/order.initdb", "-U", "quickmart_admin", "-E",
                                      "UTF8", "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256",
                                      "--no-sync"}));
  EXPECT_EQ(provision_argv(in, "order", "/data/run/order-db/provision.sql"),
            (std::vector<std::string>{"/pg/bin/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "/data/run/order-db",
                                      "-p", "9013", "-U", "quickmart_admin", "-d", "postgres", "-f",
                                      "/data/run/order-db/provision.sql"}));
  EXPECT_EQ(database_tool_env(in), (std::vector<std::string>{"LC_ALL=C", "PATH=/usr/bin:/bin"}));
}

TEST(up_topology, provisioning_is_idempotent_and_quotes_the_keyword_order) {
  const auto sql = provisioning_sql("order", "0a1b2c");
  // Created only when missing (psql's \gexec runs the generated statement), %I quotes "order".
  EXPECT_NE(sql.find("SELECT format('CREATE ROLE %I LOGIN', 'order') WHERE NOT EXISTS (SELECT 1 FROM pg_roles "
                     "WHERE rolname = 'order')\\gexec\n"),
            std::string::npos)
      << sql;
  EXPECT_NE(sql.find("ALTER ROLE \"order\" LOGIN PASSWORD '0a1b2c';\n"), std::string::npos) << sql;
  EXPECT_NE(sql.find("SELECT format('CREATE DATABASE %I OWNER %I', 'order_db', 'order') WHERE NOT EXISTS"),
            std::string::npos)
      << sql;
  EXPECT_NE(sql.find("REVOKE CONNECT, TEMPORARY ON DATABASE \"order_db\" FROM PUBLIC;"), std::string::npos) << sql;
  EXPECT_NE(sql.find("REVOKE CONNECT ON DATABASE postgres FROM PUBLIC;"), std::string::npos) << sql;
  EXPECT_NE(sql.find("REVOKE CONNECT ON DATABASE template1 FROM PUBLIC;"), std::string::npos) << sql;
}

TEST(up_topology, prometheus_scrapes_the_seven_loopback_ports_with_their_names) {
  const auto yml = prometheus_config(9000);
  EXPECT_NE(yml.find("rule_files:\n  - alerts.yml"), std::string::npos);
  EXPECT_NE(yml.find("metrics_path: /metrics/prometheus"), std::string::npos);
  EXPECT_NE(yml.find("\"127.0.0.1:9000\"]\n        labels: {instance: gateway, service: gateway}"), std::string::npos);
  EXPECT_NE(yml.find("\"127.0.0.1:9006\"]\n        labels: {instance: notification, service: notification}"),
            std::string::npos);
  EXPECT_EQ(yml.find("9010"), std::string::npos);  // databases are not scraped
}

}  // namespace
}  // namespace qm::up

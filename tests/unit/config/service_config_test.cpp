// Service configuration: environment and flags, flags winning, strict validation, secrets
// refused while missing or placeholders, and never echoed in messages.
#include <gtest/gtest.h>

#include <cctype>

#include "core/config/service_config.hpp"

namespace qm::config {
namespace {

const std::string good_secret = "s3cr3t-0123456789abcdef0123456789abcdef";

std::map<std::string, std::string> auth_env() {
  return {{"QUICKMART_TOKEN_SECRET", good_secret},
          {"QUICKMART_CONTEXT_SECRET", good_secret + "-context"},
          {"QUICKMART_DATABASE_URL", "postgresql://auth:pw@127.0.0.1:5433/auth_db"}};
}

// The gateway's required settings: the context secret and its six upstreams on 8001..8006.
std::map<std::string, std::string> gateway_env() {
  std::map<std::string, std::string> env = {{"QUICKMART_CONTEXT_SECRET", good_secret}};
  std::uint16_t port = 8001;
  for (const char* upstream : {"AUTH", "PRODUCT", "CART", "ORDER", "DELIVERY", "NOTIFICATION"}) {
    env[std::string("QUICKMART_") + upstream + "_URL"] = "http://127.0.0.1:" + std::to_string(port++);
  }
  return env;
}

TEST(service_config, resolves_auth_from_the_environment_with_defaults) {
  auto r = resolve("auth", auth_env(), {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->listen.host, "0.0.0.0");
  EXPECT_EQ(r->listen.port, 8001);
  EXPECT_EQ(r->storage.kind, storage_kind::postgres);
  EXPECT_EQ(r->storage.location, "postgresql://auth:pw@127.0.0.1:5433/auth_db");
  EXPECT_EQ(r->settings.at("token_secret"), good_secret);
  EXPECT_EQ(r->settings.at("scrypt_n"), "16384");
  EXPECT_EQ(r->max_body_bytes, 1024u * 1024u);
}

TEST(service_config, flags_win_over_the_environment) {
  auto r = resolve("auth", auth_env(),
                   {"--listen", "127.0.0.1:9001", "--storage=sqlite:/tmp/auth.db", "--scrypt-n", "1024"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->listen.port, 9001);
  EXPECT_EQ(r->storage.kind, storage_kind::sqlite);
  EXPECT_EQ(r->storage.location, "/tmp/auth.db");
  EXPECT_EQ(r->settings.at("scrypt_n"), "1024");
}

TEST(service_config, the_access_log_and_request_metrics_are_on_unless_turned_off) {
  auto r = resolve("auth", auth_env(), {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->access_log);
  EXPECT_TRUE(r->request_metrics);
  auto env = auth_env();
  env["QUICKMART_ACCESS_LOG"] = "0";
  r = resolve("auth", env, {"--request-metrics", "0"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->access_log);
  EXPECT_FALSE(r->request_metrics);
  r = resolve("auth", auth_env(), {"--access-log", "yes"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("QUICKMART_ACCESS_LOG"), std::string::npos) << r.error().message;
}

TEST(service_config, a_missing_or_placeholder_secret_refuses_and_names_the_variable) {
  auto env = auth_env();
  env.erase("QUICKMART_TOKEN_SECRET");
  auto r = resolve("auth", env, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "--token-secret / QUICKMART_TOKEN_SECRET: is required");

  env["QUICKMART_TOKEN_SECRET"] = "change-me-change-me-change-me-change-me";
  r = resolve("auth", env, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("QUICKMART_TOKEN_SECRET: is still a placeholder"), std::string::npos);
  EXPECT_EQ(r.error().message.find("change-me"), std::string::npos) << "a secret's value is never echoed";

  env["QUICKMART_TOKEN_SECRET"] = "short";
  r = resolve("auth", env, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("shorter than 32"), std::string::npos);
}

TEST(service_config, storage_is_required_and_checked_without_echoing_it) {
  auto env = auth_env();
  env["QUICKMART_DATABASE_URL"] = "mysql://root:hunter2@db/auth";
  auto r = resolve("auth", env, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("QUICKMART_DATABASE_URL: must be postgres:URL"), std::string::npos);
  EXPECT_EQ(r.error().message.find("hunter2"), std::string::npos);
  env.erase("QUICKMART_DATABASE_URL");
  r = resolve("auth", env, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "--storage / QUICKMART_DATABASE_URL: is required");
}

// A copied .env.template puts its placeholder passwords into QUICKMART_DATABASE_URL (and the
// gateway's Redis URL): the start is refused, naming the variable, never echoing the URL.
TEST(service_config, a_placeholder_password_in_a_connection_url_refuses_without_echoing_it) {
  auto env = auth_env();
  env["QUICKMART_DATABASE_URL"] = "postgresql://auth:change-me-auth-db-password@auth-db:5432/auth_db";
  auto r = resolve("auth", env, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "--storage / QUICKMART_DATABASE_URL: its password is still a placeholder; set a real one");
  r = resolve("auth", auth_env(), {"--storage", "postgres:host=db user=auth password=<db-password> dbname=auth_db"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("QUICKMART_DATABASE_URL: its password is still a placeholder"), std::string::npos);

  // A short password or none is a local database's business, and a placeholder-looking host is
  // not a password.
  for (const char* url : {"postgresql://auth:pw@127.0.0.1:5433/auth_db", "postgresql://auth@db.example.com/auth_db",
                          "sqlite:/tmp/example.db"}) {
    env["QUICKMART_DATABASE_URL"] = url;
    EXPECT_TRUE(resolve("auth", env, {}).ok()) << url;
  }

  auto gateway = gateway_env();
  gateway["QUICKMART_REDIS_URL"] = "redis://:REPLACE_ME_redis_password@redis:6379/0";
  r = resolve("gateway", gateway, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "--redis-url / QUICKMART_REDIS_URL: its password is still a placeholder; set a real one");
  gateway["QUICKMART_REDIS_URL"] = "redis://:" + good_secret + "@redis:6379/0";
  EXPECT_TRUE(resolve("gateway", gateway, {}).ok());
}

TEST(service_config, password_in_finds_the_password_of_urls_and_keyword_strings) {
  EXPECT_EQ(password_in("postgresql://auth:s3cret@db:5432/auth_db"), "s3cret");
  EXPECT_EQ(password_in("postgresql://auth:p@ss@db:5432/auth_db?sslmode=disable"), "p@ss");
  EXPECT_EQ(password_in("postgresql://auth@db/auth_db"), "");
  EXPECT_EQ(password_in("postgresql://db/auth_db?user=x@y"), "");
  EXPECT_EQ(password_in("redis://:pw@redis:6379/0"), "pw");
  EXPECT_EQ(password_in("redis://redis:6379"), "");
  EXPECT_EQ(password_in("host=db user=auth password=pw dbname=auth_db"), "pw");
  EXPECT_EQ(password_in("host=db old_password=x"), "");
  EXPECT_EQ(password_in("sqlite:/tmp/auth.db"), "");
}

TEST(service_config, gateway_needs_every_upstream_and_the_context_secret) {
  auto r = resolve("gateway", {}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "--auth-url / QUICKMART_AUTH_URL: is required");
  std::map<std::string, std::string> env = {{"QUICKMART_CONTEXT_SECRET", good_secret}};
  std::uint16_t port = 8001;
  for (const char* upstream : {"AUTH", "PRODUCT", "CART", "ORDER", "DELIVERY", "NOTIFICATION"}) {
    env[std::string("QUICKMART_") + upstream + "_URL"] = "http://127.0.0.1:" + std::to_string(port++) + "/";
  }
  r = resolve("gateway", env, {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->upstreams.at("auth"), "http://127.0.0.1:8001");
  EXPECT_EQ(r->upstreams.at("notification"), "http://127.0.0.1:8006");
  EXPECT_EQ(r->upstreams.size(), 6U);
  EXPECT_EQ(r->settings.at("context_secret"), good_secret);
  EXPECT_EQ(r->listen.port, 8000);
  auto without_secret = env;
  without_secret.erase("QUICKMART_CONTEXT_SECRET");
  EXPECT_EQ(resolve("gateway", without_secret, {}).error().message,
            "--context-secret / QUICKMART_CONTEXT_SECRET: is required");
  env["QUICKMART_AUTH_URL"] = "https://auth";
  EXPECT_FALSE(resolve("gateway", env, {}).ok());
}

TEST(service_config, gateway_redis_url_is_optional_and_never_echoed) {
  auto env = gateway_env();
  auto r = resolve("gateway", env, {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->redis_url, "");
  EXPECT_EQ(r->upstreams.count("redis"), 0U);
  env["QUICKMART_REDIS_URL"] = "redis://:pw@127.0.0.1:6379/1";
  r = resolve("gateway", env, {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->redis_url, "redis://:pw@127.0.0.1:6379/1");
  env["QUICKMART_REDIS_URL"] = "http://:hunter2@redis:6379";
  r = resolve("gateway", env, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("QUICKMART_REDIS_URL: must be redis://"), std::string::npos);
  EXPECT_EQ(r.error().message.find("hunter2"), std::string::npos);
}

TEST(service_config, every_service_has_its_port_database_and_upstreams) {
  struct shape {
    const char* service;
    std::uint16_t port;
    bool database;
    std::vector<std::string> upstreams;
  };
  const std::vector<shape> shapes = {
      {"auth", 8001, true, {}},
      {"product", 8002, true, {}},
      {"cart", 8003, true, {"product"}},
      {"order", 8004, true, {"cart", "delivery", "notification", "product"}},
      {"delivery", 8005, true, {"notification", "order"}},
      {"notification", 8006, false, {}},
  };
  for (const auto& s : shapes) {
    std::map<std::string, std::string> env = {{"QUICKMART_TOKEN_SECRET", good_secret},
                                              {"QUICKMART_CONTEXT_SECRET", good_secret}};
    if (s.database) {
      env["QUICKMART_DATABASE_URL"] = "sqlite:/tmp/x.db";
    }
    for (const auto& u : s.upstreams) {
      std::string var = "QUICKMART_";
      for (const char ch : u) {
        var += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      }
      env[var + "_URL"] = "http://127.0.0.1:9999";
    }
    auto r = resolve(s.service, env, {});
    ASSERT_TRUE(r.ok()) << s.service << ": " << r.error().message;
    EXPECT_EQ(r->listen.port, s.port) << s.service;
    EXPECT_EQ(r->storage.kind != storage_kind::none, s.database) << s.service;
    std::vector<std::string> upstreams;
    for (const auto& [name, url] : r->upstreams) {
      upstreams.push_back(name);
    }
    EXPECT_EQ(upstreams, s.upstreams) << s.service;
    EXPECT_EQ(r->settings.at("context_secret"), good_secret) << s.service;
  }
}

TEST(service_config, bad_flags_and_values_are_clear_errors) {
  EXPECT_NE(resolve("auth", auth_env(), {"--listn", "x"}).error().message.find("unknown option --listn"),
            std::string::npos);
  EXPECT_NE(resolve("auth", auth_env(), {"--listen"}).error().message.find("needs a value"), std::string::npos);
  EXPECT_NE(resolve("auth", auth_env(), {"--listen", "nohost"}).error().message.find("must be HOST:PORT"),
            std::string::npos);
  EXPECT_NE(resolve("auth", auth_env(), {"--listen", "h:70000"}).error().message.find("port must be"),
            std::string::npos);
  EXPECT_NE(resolve("auth", auth_env(), {"--max-body-bytes", "0"}).error().message.find("whole number"),
            std::string::npos);
  EXPECT_NE(resolve("auth", auth_env(), {"stray"}).error().message.find("unexpected argument"), std::string::npos);
  EXPECT_NE(resolve("billing", {}, {}).error().message.find("unknown service"), std::string::npos);
}

TEST(service_config, help_lists_every_option_with_its_variable) {
  const auto help = help_text("auth");
  for (const auto& o : options_for("auth")) {
    EXPECT_NE(help.find("--" + o.name), std::string::npos) << o.name;
    EXPECT_NE(help.find(env_name(o)), std::string::npos) << o.name;
  }
  EXPECT_NE(help.find("QUICKMART_DATABASE_URL"), std::string::npos);
}

TEST(service_config, health_and_metrics_settings) {
  // The gateway declares who may read its metrics, with the private ranges by default.
  const auto help = help_text("gateway");
  EXPECT_NE(help.find("--metrics-allowed-cidrs"), std::string::npos);
  EXPECT_NE(help.find("QUICKMART_METRICS_ALLOWED_CIDRS"), std::string::npos);
  std::map<std::string, std::string> env = {{"QUICKMART_CONTEXT_SECRET", good_secret}};
  for (const char* upstream : {"AUTH", "PRODUCT", "CART", "ORDER", "DELIVERY", "NOTIFICATION"}) {
    env[std::string("QUICKMART_") + upstream + "_URL"] = "http://127.0.0.1:9000";
  }
  auto r = resolve("gateway", env, {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->settings.at("metrics_allowed_cidrs"), default_metrics_allowed_cidrs);
  r = resolve("gateway", env, {"--metrics-allowed-cidrs", "10.1.0.0/16", "--ready-upstreams", "none"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->settings.at("metrics_allowed_cidrs"), "10.1.0.0/16");
  EXPECT_EQ(r->settings.at("ready_upstreams"), "none");
  EXPECT_EQ(r->settings.count("ready_upstreams"), 1U);
  // Readiness upstreams are declared by the services that call others; each keeps its own
  // default (so none is set unless asked).
  EXPECT_EQ(resolve("gateway", env, {})->settings.count("ready_upstreams"), 0U);
  EXPECT_EQ(help_text("auth").find("--ready-upstreams"), std::string::npos);
  EXPECT_EQ(help_text("auth").find("--metrics-allowed-cidrs"), std::string::npos);
  EXPECT_EQ(upstreams_of("cart"), std::vector<std::string>{"product"});
  EXPECT_EQ(upstreams_of("order"), (std::vector<std::string>{"product", "cart", "delivery", "notification"}));
  EXPECT_TRUE(upstreams_of("auth").empty());
  EXPECT_TRUE(upstreams_of("nobody").empty());
}

TEST(service_config, placeholder_detection) {
  EXPECT_TRUE(is_placeholder_secret(""));
  EXPECT_TRUE(is_placeholder_secret("<your-token-secret-of-32-characters>"));
  EXPECT_TRUE(is_placeholder_secret("REPLACE_ME_REPLACE_ME_REPLACE_ME_123"));
  EXPECT_FALSE(is_placeholder_secret(good_secret));
  EXPECT_TRUE(has_placeholder_marker("change-me"));
  EXPECT_FALSE(has_placeholder_marker("pw"));
}

}  // namespace
}  // namespace qm::config

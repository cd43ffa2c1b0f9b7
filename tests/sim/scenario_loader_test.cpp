// The scenario loader must reject every malformed file with a message naming file, line and
// field, and accept the shipped scenarios.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "sim/scenario/loader.hpp"

namespace qm::sim {
namespace {

const std::string minimal = R"(name: t
duration_s: 10
services: [gateway, auth]
workload:
  flows: [{name: login_me}]
checks:
  - kind: no_server_errors
)";

std::string load_error_of(const std::string& text) {
  auto r = load_scenario_text(text, "t.yaml");
  EXPECT_FALSE(r.ok()) << "expected a load error for:\n" << text;
  return r.ok() ? std::string() : r.error().message;
}

TEST(scenario_loader, accepts_a_minimal_scenario_with_defaults) {
  auto r = load_scenario_text(minimal, "t.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->name, "t");
  EXPECT_EQ(r->length, seconds(10));
  EXPECT_EQ(r->seed, 1u);
  ASSERT_EQ(r->services.size(), 2u);
  EXPECT_EQ(r->workload.flows.at(0).name, "login_me");
  EXPECT_EQ(r->checks.at(0).kind, check_kind::no_server_errors);
}

TEST(scenario_loader, loads_every_shipped_scenario) {
  for (const char* f : {"auth_smoke.yaml", "auth_db_outage.yaml", "auth_crash_restart.yaml",
                        "auth_partition.yaml", "auth_rough_network.yaml", "checkout_rush.yaml",
                        "checkout_faults.yaml", "cart_db_outage.yaml", "auth_outage.yaml",
                        "product_down.yaml", "retry_storm.yaml", "rate_limit_abuse.yaml",
                        "spoofed_identity.yaml"}) {
    auto r = load_scenario_file(std::string(QM_SOURCE_DIR) + "/scenarios/" + f);
    EXPECT_TRUE(r.ok()) << f << ": " << (r.ok() ? "" : r.error().message);
  }
}

TEST(scenario_loader, unknown_top_level_field_names_line_and_field) {
  const auto msg = load_error_of(minimal + "sede: 3\n");
  EXPECT_NE(msg.find("t.yaml:8: sede: unknown field"), std::string::npos) << msg;
}

TEST(scenario_loader, unknown_nested_field_names_its_path) {
  auto text = minimal;
  text.replace(text.find("  flows:"), 0, "  clientz: 4\n");
  const auto msg = load_error_of(text);
  EXPECT_NE(msg.find("workload.clientz: unknown field"), std::string::npos) << msg;
  EXPECT_NE(msg.find("t.yaml:5:"), std::string::npos) << msg;
}

TEST(scenario_loader, wrong_types_and_ranges_are_refused) {
  EXPECT_NE(load_error_of("name: t\nduration_s: ten\n").find("duration_s: must be a number"), std::string::npos);
  auto text = minimal;
  text.replace(text.find("  flows:"), 0, "  clients: 0\n");
  EXPECT_NE(load_error_of(text).find("workload.clients: must be between 1 and 100000"), std::string::npos);
  text = minimal;
  text.replace(text.find("duration_s: 10"), 14, "duration_s: -1");
  EXPECT_NE(load_error_of(text).find("duration_s: must be between"), std::string::npos);
}

TEST(scenario_loader, missing_required_fields_are_named) {
  EXPECT_NE(load_error_of("name: t\n").find("duration_s: is required"), std::string::npos);
  EXPECT_NE(load_error_of("duration_s: 3\n").find("name: is required"), std::string::npos);
}

const std::string shop_minimal = R"(name: s
duration_s: 10
services: [gateway, auth, product, cart, order, delivery, notification]
workload:
  flows: [{name: flash_sale}]
shop:
  products: 12
  stock: {min: 2, max: 4}
  hot_products: 3
  partners: 2
  delivery_s: 5
  restocks: [{at_s: 5, units: 7}]
  settle_s: 3
checks:
  - kind: no_oversell
)";

TEST(scenario_loader, reads_a_shop_section) {
  auto r = load_scenario_text(shop_minimal, "s.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->shop.enabled);
  EXPECT_EQ(r->shop.products, 12u);
  EXPECT_EQ(r->shop.stock_min, 2);
  EXPECT_EQ(r->shop.stock_max, 4);
  EXPECT_EQ(r->shop.hot_products, 3u);
  EXPECT_EQ(r->shop.partners, 2u);
  EXPECT_EQ(r->shop.delivery_time, seconds(5));
  EXPECT_EQ(r->shop.settle, seconds(3));
  ASSERT_EQ(r->shop.restocks.size(), 1u);
  EXPECT_EQ(r->shop.restocks[0].at, seconds(5));
  EXPECT_EQ(r->shop.restocks[0].units, 7);
  EXPECT_EQ(r->checks.at(0).kind, check_kind::no_oversell);
}

TEST(scenario_loader, shop_flows_checks_and_bounds_need_a_sound_shop) {
  // A shop flow or check without a shop section.
  auto text = minimal;
  text.replace(text.find("login_me"), 8, "flash_sale");
  EXPECT_NE(load_error_of(text).find("needs a shop section"), std::string::npos);
  text = minimal;
  text.replace(text.find("no_server_errors"), 16, "no_oversell");
  EXPECT_NE(load_error_of(text).find("needs a shop section"), std::string::npos);
  // A shop without all of its services.
  text = shop_minimal;
  text.replace(text.find(", notification]"), 15, "]");
  EXPECT_NE(load_error_of(text).find("missing notification"), std::string::npos);
  // Ranges and bounds.
  text = shop_minimal;
  text.replace(text.find("{min: 2, max: 4}"), 16, "{min: 5, max: 4}");
  EXPECT_NE(load_error_of(text).find("shop.stock: max must not be below min"), std::string::npos);
  text = shop_minimal;
  text.replace(text.find("hot_products: 3"), 15, "hot_products: 30");
  EXPECT_NE(load_error_of(text).find("hot_products: cannot exceed products"), std::string::npos);
  text = shop_minimal;
  text.replace(text.find("partners: 2"), 11, "partnres: 2");
  EXPECT_NE(load_error_of(text).find("shop.partnres: unknown field"), std::string::npos);
}

TEST(scenario_loader, unknown_service_flow_fault_and_check_kinds_are_refused) {
  auto text = minimal;
  text.replace(text.find("[gateway, auth]"), 15, "[gateway, billing]");
  EXPECT_NE(load_error_of(text).find("unknown service 'billing'"), std::string::npos);

  text = minimal;
  text.replace(text.find("login_me"), 8, "teleport");
  EXPECT_NE(load_error_of(text).find("unknown flow 'teleport'"), std::string::npos);

  EXPECT_NE(load_error_of(minimal + "faults:\n  - {kind: meteor, at_s: 1}\n").find("unknown fault kind 'meteor'"),
            std::string::npos);

  text = minimal;
  text.replace(text.find("no_server_errors"), 16, "all_good");
  EXPECT_NE(load_error_of(text).find("unknown check kind 'all_good'"), std::string::npos);
}

TEST(scenario_loader, fault_targets_must_be_scenario_services_with_a_database) {
  EXPECT_NE(load_error_of(minimal + "faults:\n  - {kind: db_unavailable, target: gateway, at_s: 1}\n")
                .find("service 'gateway' has no database"),
            std::string::npos);
  EXPECT_NE(load_error_of(minimal + "faults:\n  - {kind: crash, target: product, at_s: 1}\n")
                .find("'product' is not among this scenario's services"),
            std::string::npos);
  EXPECT_NE(load_error_of(minimal + "faults:\n  - {kind: crash, target: auth, at_s: 11}\n")
                .find("lies after the end of the run"),
            std::string::npos);
}

TEST(scenario_loader, checks_must_refer_to_existing_faults) {
  auto text = minimal + "  - {kind: recovers_after_fault, fault: 0, within_s: 1, min: 0.9}\n";
  EXPECT_NE(load_error_of(text).find("refers to faults[0], which does not exist"), std::string::npos);
}

TEST(scenario_loader, malformed_yaml_and_missing_file_are_clear_errors) {
  EXPECT_NE(load_error_of("name: [unclosed\n").find("t.yaml:"), std::string::npos);
  auto r = load_scenario_file("/nonexistent/dir/none.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("/nonexistent/dir/none.yaml: cannot open"), std::string::npos);
  EXPECT_NE(load_error_of("").find("the file is empty"), std::string::npos);
  EXPECT_NE(load_error_of("- a\n- b\n").find("must be a mapping"), std::string::npos);
}

// --- the resilience checks and the kv faults ---------------------------------------------

std::string with_checks(const std::string& checks, const std::string& extra = "") {
  return "name: t\nduration_s: 10\nservices: [gateway, auth, product]\nworkload:\n  flows: [{name: login_me}]\n" +
         extra + "checks:\n" + checks;
}

TEST(scenario_loader, reads_the_resilience_checks) {
  const std::string checks =
      "  - {kind: never_outcomes, outcomes: [\"429\", \"5xx\"], except_step: abuse, fault: 0}\n"
      "  - {kind: only_outcomes, step: spoof, allowed: [\"401\", \"404\"]}\n"
      "  - {kind: success_rate_during_fault, fault: 0, min: 0.9, step: notifications}\n"
      "  - {kind: breaker_opens, node: gateway, upstream: product, fault: 0, within_s: 2}\n"
      "  - {kind: breaker_blocks_calls, node: gateway, upstream: product, half_open_probes: 2}\n"
      "  - {kind: breaker_closes, node: gateway, upstream: product, fault: 0, within_s: 6}\n"
      "  - {kind: stale_served, fault: 0, min: 0.5, step: browse}\n"
      "  - {kind: retry_amplification, node: gateway, upstream: auth, ratio: 0.1, floor_per_s: 2, window_s: 5}\n"
      "  - {kind: no_attempt_past_deadline, node: gateway}\n"
      "  - {kind: rate_limit_holds}\n"
      "  - {kind: rate_limit_headers}\n"
      "  - {kind: metric_at_least, node: gateway, metric: auth_decisions_total, labels: {source: fallback}, min: 1}\n"
      "  - {kind: breaker_stays_closed, node: gateway, upstream: auth, fault: 1}\n";
  const std::string faults = "faults:\n  - {kind: kv_unavailable, at_s: 2, duration_s: 3}\n"
                             "  - {kind: kv_slow, at_s: 6, latency: {kind: constant, value_ms: 700}}\n";
  auto r = load_scenario_text(with_checks(checks, faults), "t.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->checks.size(), 13u);
  EXPECT_EQ(r->checks[0].kind, check_kind::never_outcomes);
  EXPECT_EQ(r->checks[0].except_step, "abuse");
  EXPECT_EQ(r->checks[0].fault, std::optional<std::size_t>(0));
  EXPECT_EQ(r->checks[4].max_probes, 2);
  EXPECT_EQ(r->checks[7].window, seconds(5));
  EXPECT_DOUBLE_EQ(r->checks[7].ratio, 0.1);
  EXPECT_EQ(r->checks[11].labels.at("source"), "fallback");
  EXPECT_EQ(r->checks[12].kind, check_kind::breaker_stays_closed);
  EXPECT_EQ(r->checks[12].upstream, "auth");
  EXPECT_EQ(r->checks[12].fault_index, 1u);
  ASSERT_EQ(r->faults.size(), 2u);
  EXPECT_EQ(r->faults[0].kind, fault_kind::kv_unavailable);
  EXPECT_EQ(r->faults[1].kind, fault_kind::kv_slow);
  EXPECT_EQ(r->faults[1].slow.a, ms(700));
}

TEST(scenario_loader, resilience_checks_refuse_bad_fields) {
  const std::string kv = "faults:\n  - {kind: kv_unavailable, at_s: 2, duration_s: 3}\n";
  EXPECT_NE(load_error_of(with_checks("  - {kind: never_outcomes, outcomes: [\"42\"]}\n"))
                .find("checks[0].outcomes: '42' is no outcome"),
            std::string::npos);
  EXPECT_NE(load_error_of(with_checks("  - {kind: never_outcomes, outcomes: []}\n")).find("at least one outcome"),
            std::string::npos);
  EXPECT_NE(load_error_of(with_checks("  - {kind: never_outcomes, outcomes: [\"429\"], step: me, except_step: login}\n"))
                .find("cannot be combined with step"),
            std::string::npos);
  EXPECT_NE(load_error_of(with_checks("  - {kind: only_outcomes, allowed: [\"401\"]}\n")).find("checks[0].step: is required"),
            std::string::npos);
  EXPECT_NE(load_error_of(with_checks("  - {kind: breaker_opens, node: gateway, upstream: cart, fault: 0, within_s: 1}\n", kv))
                .find("checks[0].upstream: 'cart' is not among this scenario's services"),
            std::string::npos);
  EXPECT_NE(load_error_of(with_checks("  - {kind: breaker_closes, node: gateway, upstream: auth, fault: 3, within_s: 1}\n", kv))
                .find("refers to faults[3]"),
            std::string::npos);
  EXPECT_NE(load_error_of(with_checks("  - {kind: breaker_blocks_calls, node: gateway, upstream: auth, half_open_probes: 0}\n"))
                .find("half_open_probes: must be between 1 and 100"),
            std::string::npos);
  EXPECT_NE(load_error_of(with_checks("  - {kind: retry_amplification, node: gateway, upstream: auth, ratio: 2}\n"))
                .find("ratio: must be between 0 and 1"),
            std::string::npos);
  EXPECT_NE(load_error_of(with_checks("  - {kind: metric_at_least, node: gateway, min: 1}\n")).find("metric: is required"),
            std::string::npos);
  EXPECT_NE(load_error_of(with_checks("  - {kind: no_forged_writes}\n")).find("needs a shop section"),
            std::string::npos);
  EXPECT_NE(load_error_of(with_checks("  - {kind: stale_served, fault: 0}\n", kv)).find("min: is required"),
            std::string::npos);
  EXPECT_NE(load_error_of(with_checks("  - {kind: no_server_errors}\n",
                                      "faults:\n  - {kind: kv_slow, at_s: 1, latency: {kind: uniform, min_ms: 1, max_ms: 2}}\n"))
                .find("must be constant for kv_slow"),
            std::string::npos);
  EXPECT_NE(load_error_of(with_checks("  - {kind: rate_limit_holds}\n").replace(
                              std::string("name: t\n").size() + std::string("duration_s: 10\n").size(),
                              std::string("services: [gateway, auth, product]").size(), "services: [auth]"))
                .find("judges the gateway"),
            std::string::npos);
}

}  // namespace
}  // namespace qm::sim

// One checkout followed through the simulated shop by its log lines alone (the "log" lines of
// the trace, "<t_us> <node> log <json>"): the gateway's access line for POST /orders/checkout
// names the trace, and the same trace_id is on the access lines of order, cart, product and,
// through order's outbox, delivery and notification, whose spans form one tree rooted at the
// gateway's span. No log line of the run holds a password, a token or a secret the run used.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/loader.hpp"
#include "sim/scenario/runner.hpp"

namespace qm::sim {
namespace {

// The run's secrets are the test's own, so it can look for them in the logs.
const std::string token_secret = "trace-test-token-secret-5f0c2a9e7d41b3c8e6a0";
const std::string context_secret = "trace-test-context-secret-91d7e3b5a2c4f608";

// A small shop: customers sign up, fill carts and check out; staff pack, partners deliver.
std::string scenario_text() {
  std::string settings;
  for (const char* service : {"gateway", "auth", "product", "cart", "order", "delivery",
                              "notification"}) {
    settings += "  " + std::string(service) + ": {context_secret: \"" + context_secret + "\"";
    if (std::string_view(service) == "gateway" || std::string_view(service) == "auth") {
      settings += ", token_secret: \"" + token_secret + "\"";
    }
    if (std::string_view(service) == "gateway") {
      settings += ", rate_limit_admin: \"5000/1m\"";
    }
    settings += "}\n";
  }
  return R"(name: checkout_trace
description: a few customers check out; the test follows their checkouts through the logs
seed: 606
duration_s: 20
services: [gateway, auth, product, cart, order, delivery, notification]
settings:
)" + settings +
         R"(network:
  latency: {kind: uniform, min_ms: 0.2, max_ms: 2}
workload:
  clients: 10
  arrival_rate_per_s: 4
  request_timeout_ms: 3000
  start_after_s: 3
  flows:
    - {name: shop, weight: 1}
shop:
  categories: 2
  products: 8
  stock: {min: 50, max: 60}
  price_paise: {min: 1500, max: 25000}
  hot_products: 2
  partners: 3
  pack_interval_ms: 500
  partner_poll_ms: 1000
  delivery_s: 5
  settle_s: 10
checks:
  - kind: no_server_errors
  - kind: acknowledged_orders_exist
)";
}

struct log_line {
  std::string node;
  std::string raw;  // the JSON as logged
  std::string msg;
  std::string trace_id;
  std::string span_id;
  std::string parent_span_id;  // empty for a root span
  std::string method;
  std::string route;
  std::int64_t status = 0;

  bool is_access() const { return msg == "request"; }
};

std::string text_of(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

// The services' log lines out of the trace.
std::vector<log_line> log_lines(const std::vector<std::string>& trace) {
  std::vector<log_line> out;
  for (const std::string& line : trace) {
    const std::size_t node_at = line.find(' ');
    const std::size_t kind_at = line.find(' ', node_at + 1);
    if (node_at == std::string::npos || kind_at == std::string::npos ||
        line.compare(kind_at + 1, 4, "log ") != 0) {
      continue;
    }
    log_line l;
    l.node = line.substr(node_at + 1, kind_at - node_at - 1);
    l.raw = line.substr(kind_at + 5);
    boost::system::error_code ec;
    const auto parsed = boost::json::parse(l.raw, ec);
    EXPECT_FALSE(ec) << "not JSON: " << l.raw;
    if (ec || !parsed.is_object()) {
      continue;
    }
    const auto& o = parsed.as_object();
    l.msg = text_of(o, "msg");
    l.trace_id = text_of(o, "trace_id");
    l.span_id = text_of(o, "span_id");
    l.parent_span_id = text_of(o, "parent_span_id");
    l.method = text_of(o, "method");
    l.route = text_of(o, "route");
    const auto* status = o.if_contains("status");
    l.status = status != nullptr && status->is_int64() ? status->as_int64() : 0;
    out.push_back(std::move(l));
  }
  return out;
}

// What is wrong with the trace of one checkout (empty when nothing): its lines must include
// an access line of each of `expected` nodes, every access line but the gateway's must be
// the child of an access line of another node in the trace, all reaching the gateway's span,
// and every other line must belong to a span of its own node. Delivery's assignment must be
// a child of order's checkout span: it was sent from order's outbox after the reply.
std::string trace_problems(const std::vector<log_line>& lines, const std::string& trace_id,
                           const std::vector<std::string>& expected) {
  std::vector<const log_line*> in_trace;
  std::map<std::string, const log_line*> access_by_span;
  for (const auto& l : lines) {
    if (l.trace_id != trace_id) {
      continue;
    }
    in_trace.push_back(&l);
    if (l.is_access()) {
      if (!access_by_span.emplace(l.span_id, &l).second) {
        return "span " + l.span_id + " logged by two access lines";
      }
    }
  }
  std::string problems;
  const log_line* root = nullptr;
  const log_line* order_checkout = nullptr;
  std::set<std::string> nodes;
  for (const auto& [span, l] : access_by_span) {
    nodes.insert(l->node);
    if (l->node == "gateway") {
      if (root != nullptr) {
        problems += "two gateway access lines; ";
      }
      root = l;
    }
    if (l->node == "order" && l->route == "/orders/checkout") {
      order_checkout = l;
    }
  }
  for (const auto& node : expected) {
    if (nodes.count(node) == 0) {
      problems += "no access line of " + node + "; ";
    }
  }
  if (root == nullptr || order_checkout == nullptr) {
    return problems + "no gateway or order checkout line";
  }
  for (const auto& [span, l] : access_by_span) {
    if (l == root) {
      continue;
    }
    const auto parent = access_by_span.find(l->parent_span_id);
    if (parent == access_by_span.end() || parent->second->node == l->node) {
      problems += l->node + " " + l->route + ": parent " + l->parent_span_id +
                  " is no span of another node; ";
      continue;
    }
    // Up the tree to the gateway; a chain is at most a few hops long.
    const log_line* at = l;
    for (int hop = 0; hop < 8 && at != root; ++hop) {
      const auto up = access_by_span.find(at->parent_span_id);
      at = up == access_by_span.end() ? root : up->second;
    }
    if (at != root) {
      problems += l->node + " " + l->route + ": not under the gateway's span; ";
    }
    if (l->node == "delivery" && l->route == "/internal/assignments" &&
        l->parent_span_id != order_checkout->span_id) {
      problems += "the delivery assignment is not a child of order's checkout span; ";
    }
  }
  for (const log_line* l : in_trace) {
    if (l->is_access()) {
      continue;
    }
    const auto owner = access_by_span.find(l->span_id);
    if (owner == access_by_span.end() || owner->second->node != l->node) {
      problems += l->node + " \"" + l->msg + "\": in no span of its node; ";
    }
  }
  return problems;
}

const std::vector<std::string> every_hop = {"gateway", "order", "cart", "product", "delivery",
                                            "notification"};

struct shop_run {
  run_report report;
  std::vector<log_line> lines;
};

// The one run every case reads (about a second of wall time).
const shop_run& the_run() {
  static const shop_run run = [] {
    shop_run r;
    auto s = load_scenario_text(scenario_text(), "checkout_trace (inline)");
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    if (s.ok()) {
      run_options options;
      options.keep_trace_lines = true;
      r.report = run_scenario(*s, options);
      r.lines = log_lines(r.report.trace_lines);
    }
    return r;
  }();
  return run;
}

// The trace ids of the checkouts the gateway answered 201.
std::vector<std::string> created_checkouts() {
  std::vector<std::string> out;
  for (const auto& l : the_run().lines) {
    if (l.node == "gateway" && l.is_access() && l.method == "POST" &&
        l.route == "/orders/checkout" && l.status == 201) {
      out.push_back(l.trace_id);
    }
  }
  return out;
}

TEST(checkout_trace, the_run_passes_and_keeps_its_log_lines) {
  ASSERT_FALSE(the_run().report.checks.empty());
  for (const auto& c : the_run().report.checks) {
    EXPECT_TRUE(c.passed) << c.name << ": " << c.detail;
  }
  EXPECT_GT(the_run().lines.size(), 100u);
  EXPECT_GE(created_checkouts().size(), 10u);
}

TEST(checkout_trace, every_checkout_is_one_tree_from_the_gateway_to_delivery_and_notification) {
  const auto created = created_checkouts();
  ASSERT_FALSE(created.empty());
  for (const auto& trace_id : created) {
    EXPECT_EQ(trace_problems(the_run().lines, trace_id, every_hop), "") << "trace " << trace_id;
  }
}

TEST(checkout_trace, the_check_sees_a_hop_that_starts_its_own_trace) {
  const auto created = created_checkouts();
  ASSERT_FALSE(created.empty());
  const std::string& trace_id = created.front();
  ASSERT_EQ(trace_problems(the_run().lines, trace_id, every_hop), "");
  // The outbox as it was before it remembered its messages' origin: delivery and
  // notification log another trace.
  std::vector<log_line> detached = the_run().lines;
  for (auto& l : detached) {
    if (l.trace_id == trace_id && (l.node == "delivery" || l.node == "notification")) {
      l.trace_id = "0af7651916cd43dd8448eb211c80319c";
    }
  }
  const std::string problems = trace_problems(detached, trace_id, every_hop);
  EXPECT_NE(problems.find("no access line of delivery"), std::string::npos) << problems;
  EXPECT_NE(problems.find("no access line of notification"), std::string::npos) << problems;
  // A hop whose parent is unknown breaks the tree.
  std::vector<log_line> orphaned = the_run().lines;
  for (auto& l : orphaned) {
    if (l.trace_id == trace_id && l.node == "cart" && l.is_access()) {
      l.parent_span_id = "00f067aa0ba902b7";
    }
  }
  EXPECT_NE(trace_problems(orphaned, trace_id, every_hop).find("cart"), std::string::npos);
}

TEST(checkout_trace, no_log_line_holds_a_password_token_or_secret) {
  // Every customer's and partner's password ends in "-correct-horse" and the admin's starts
  // with "sim-admin-" (sim/scenario); every access and refresh token is a JWT, whose header
  // encodes as "eyJ"; clients send them as "Bearer ...".
  const std::vector<std::string> forbidden = {
      "correct-horse", "sim-admin-", "eyJ", "Bearer ", token_secret, context_secret};
  std::size_t logins = 0;
  for (const auto& l : the_run().lines) {
    for (const auto& f : forbidden) {
      EXPECT_EQ(l.raw.find(f), std::string::npos) << f << " in " << l.node << ": " << l.raw;
    }
    if (l.node == "auth" && l.is_access() && l.route == "/auth/login" && l.status == 200) {
      ++logins;
    }
  }
  // The run did sign people in, so the passwords and tokens were there to leak.
  EXPECT_GT(logins, 10u);
}

}  // namespace
}  // namespace qm::sim

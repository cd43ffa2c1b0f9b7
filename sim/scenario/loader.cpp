#include "sim/scenario/loader.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "core/base/assert.hpp"
#include "services/registry.hpp"
#include "sim/scenario/steps.hpp"
#include "sim/scenario/workload.hpp"

namespace qm::sim {

namespace {

// Thrown inside the loader only; load_scenario_* turns it into a load_error.
struct bad_field {
  int line;
  std::string field;
  std::string message;
};

constexpr std::int64_t max_duration_s = 30 * 24 * 3600;

int line_of(const YAML::Node& n) { return n.Mark().line >= 0 ? n.Mark().line + 1 : 0; }

[[noreturn]] void fail(const YAML::Node& n, const std::string& field, const std::string& msg) {
  throw bad_field{line_of(n), field, msg};
}

// A mapping whose keys are checked against the set that was read from it.
class mapping {
 public:
  mapping(YAML::Node node, std::string path) : node_(std::move(node)), path_(std::move(path)) {
    if (!node_.IsMap()) {
      fail(node_, path_.empty() ? "(top level)" : path_, "must be a mapping of fields");
    }
  }

  std::string field(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }

  std::optional<YAML::Node> optional(std::string_view key) {
    known_.insert(std::string(key));
    YAML::Node v = node_[std::string(key)];
    if (!v.IsDefined() || v.IsNull()) {
      return std::nullopt;
    }
    return v;
  }

  YAML::Node required(std::string_view key) {
    auto v = optional(key);
    if (!v) {
      fail(node_, field(key), "is required");
    }
    return *v;
  }

  // Every key not read is unknown: report the first, with the allowed set.
  void reject_unknown() const {
    for (const auto& kv : node_) {
      const auto key = kv.first.as<std::string>();
      if (!known_.contains(key)) {
        std::string allowed;
        for (const auto& k : known_) {
          allowed += (allowed.empty() ? "" : ", ") + k;
        }
        fail(kv.first, field(key), "unknown field (allowed here: " + allowed + ")");
      }
    }
  }

  const YAML::Node& node() const { return node_; }

 private:
  YAML::Node node_;
  std::string path_;
  std::set<std::string> known_;
};

std::string as_string(const YAML::Node& n, const std::string& field, std::size_t max_len = 200) {
  if (!n.IsScalar()) {
    fail(n, field, "must be a string");
  }
  auto s = n.as<std::string>();
  if (s.size() > max_len) {
    fail(n, field, "must be at most " + std::to_string(max_len) + " characters");
  }
  return s;
}

double as_number(const YAML::Node& n, const std::string& field, double lo, double hi) {
  double v = 0;
  if (!n.IsScalar() || !YAML::convert<double>::decode(n, v) || !std::isfinite(v)) {
    fail(n, field, "must be a number");
  }
  if (v < lo || v > hi) {
    std::ostringstream os;
    os << "must be between " << lo << " and " << hi;
    fail(n, field, os.str());
  }
  return v;
}

std::int64_t as_int(const YAML::Node& n, const std::string& field, std::int64_t lo, std::int64_t hi) {
  std::int64_t v = 0;
  if (!n.IsScalar() || !YAML::convert<std::int64_t>::decode(n, v)) {
    fail(n, field, "must be an integer");
  }
  if (v < lo || v > hi) {
    fail(n, field, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  }
  return v;
}

bool as_bool(const YAML::Node& n, const std::string& field) {
  bool v = false;
  if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v)) {
    fail(n, field, "must be true or false");
  }
  return v;
}

duration seconds_field(const YAML::Node& n, const std::string& field, double lo_s = 0) {
  const double s = as_number(n, field, lo_s, static_cast<double>(max_duration_s));
  return duration(static_cast<std::int64_t>(std::llround(s * 1e6)));
}

duration millis_field(const YAML::Node& n, const std::string& field, double lo_ms = 0,
                      double hi_ms = 3'600'000) {
  const double v = as_number(n, field, lo_ms, hi_ms);
  return duration(static_cast<std::int64_t>(std::llround(v * 1e3)));
}

latency_spec read_latency(const YAML::Node& n, const std::string& path) {
  mapping m(n, path);
  latency_spec l;
  l.kind = as_string(m.required("kind"), m.field("kind"));
  if (l.kind == "constant") {
    l.a = millis_field(m.required("value_ms"), m.field("value_ms"));
  } else if (l.kind == "uniform") {
    l.a = millis_field(m.required("min_ms"), m.field("min_ms"));
    l.b = millis_field(m.required("max_ms"), m.field("max_ms"));
    if (l.b < l.a) {
      fail(n, m.field("max_ms"), "must not be below min_ms");
    }
  } else if (l.kind == "normal") {
    l.a = millis_field(m.required("mean_ms"), m.field("mean_ms"));
    l.b = millis_field(m.required("stddev_ms"), m.field("stddev_ms"));
  } else if (l.kind == "exponential") {
    l.a = millis_field(m.required("mean_ms"), m.field("mean_ms"));
  } else {
    fail(n, m.field("kind"), "must be one of constant, uniform, normal, exponential (got '" + l.kind + "')");
  }
  m.reject_unknown();
  return l;
}

std::vector<std::string> string_list(const YAML::Node& n, const std::string& field,
                                     std::size_t max_items) {
  if (!n.IsSequence()) {
    fail(n, field, "must be a list");
  }
  if (n.size() > max_items) {
    fail(n, field, "must have at most " + std::to_string(max_items) + " items");
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n.size(); ++i) {
    out.push_back(as_string(n[i], field + "[" + std::to_string(i) + "]"));
  }
  return out;
}

void read_services(mapping& top, scenario& s) {
  const auto node = top.required("services");
  s.services = string_list(node, "services", 16);
  if (s.services.empty()) {
    fail(node, "services", "must name at least one service");
  }
  std::set<std::string> seen;
  for (const auto& name : s.services) {
    const auto names = services::service_names();
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      std::string known;
      for (auto k : services::service_names()) {
        known += (known.empty() ? "" : ", ") + std::string(k);
      }
      fail(node, "services", "unknown service '" + name + "' (known: " + known + ")");
    }
    if (!seen.insert(name).second) {
      fail(node, "services", "service '" + name + "' is listed twice");
    }
  }
}

void read_settings(mapping& top, scenario& s) {
  auto node = top.optional("settings");
  if (!node) {
    return;
  }
  mapping m(*node, "settings");
  for (const auto& name : s.services) {
    if (auto svc = m.optional(name)) {
      mapping sm(*svc, m.field(name));
      for (const auto& kv : sm.node()) {
        const auto key = kv.first.as<std::string>();
        s.settings[name][key] = as_string(kv.second, sm.field(key), 4096);
      }
    }
  }
  m.reject_unknown();
}

void read_network(mapping& top, scenario& s) {
  auto node = top.optional("network");
  if (!node) {
    return;
  }
  mapping m(*node, "network");
  if (auto l = m.optional("latency")) {
    s.network.latency = read_latency(*l, "network.latency");
  }
  if (auto d = m.optional("drop_rate")) {
    s.network.drop_rate = as_number(*d, "network.drop_rate", 0, 1);
  }
  m.reject_unknown();
}

void read_workload(mapping& top, scenario& s, const std::vector<std::string>& known_flows) {
  mapping m(top.required("workload"), "workload");
  auto& w = s.workload;
  if (auto v = m.optional("clients")) {
    w.clients = static_cast<std::uint32_t>(as_int(*v, m.field("clients"), 1, 100'000));
  }
  if (auto v = m.optional("arrival_rate_per_s")) {
    w.arrival_rate_per_s = as_number(*v, m.field("arrival_rate_per_s"), 0.001, 1'000'000);
  }
  if (auto v = m.optional("request_timeout_ms")) {
    w.request_timeout = millis_field(*v, m.field("request_timeout_ms"), 1, 600'000);
  }
  if (auto v = m.optional("start_after_s")) {
    w.start_after = seconds_field(*v, m.field("start_after_s"));
  }
  const auto flows = m.required("flows");
  if (!flows.IsSequence() || flows.size() == 0 || flows.size() > 32) {
    fail(flows, m.field("flows"), "must be a list of 1 to 32 flows");
  }
  for (std::size_t i = 0; i < flows.size(); ++i) {
    const std::string path = m.field("flows") + "[" + std::to_string(i) + "]";
    mapping fm(flows[i], path);
    flow_spec f;
    f.name = as_string(fm.required("name"), fm.field("name"));
    if (std::find(known_flows.begin(), known_flows.end(), f.name) == known_flows.end()) {
      std::string known;
      for (const auto& k : known_flows) {
        known += (known.empty() ? "" : ", ") + k;
      }
      fail(flows[i], fm.field("name"), "unknown flow '" + f.name + "' (known: " + known + ")");
    }
    if (auto wt = fm.optional("weight")) {
      f.weight = static_cast<std::uint32_t>(as_int(*wt, fm.field("weight"), 1, 1000));
    }
    fm.reject_unknown();
    w.flows.push_back(std::move(f));
  }
  m.reject_unknown();
}

fault_kind fault_kind_from(const YAML::Node& n, const std::string& field) {
  const auto k = as_string(n, field);
  static const std::pair<std::string_view, fault_kind> kinds[] = {
      {"partition", fault_kind::partition},     {"crash", fault_kind::crash},
      {"db_unavailable", fault_kind::db_unavailable}, {"db_slow", fault_kind::db_slow},
      {"db_errors", fault_kind::db_errors},     {"clock_skew", fault_kind::clock_skew},
      {"latency", fault_kind::latency},         {"kv_unavailable", fault_kind::kv_unavailable},
      {"kv_slow", fault_kind::kv_slow}};
  for (const auto& [name, kind] : kinds) {
    if (k == name) {
      return kind;
    }
  }
  fail(n, field,
       "unknown fault kind '" + k +
           "' (known: partition, crash, db_unavailable, db_slow, db_errors, clock_skew, latency, "
           "kv_unavailable, kv_slow)");
}

std::string service_field(mapping& m, std::string_view key, const scenario& s) {
  const auto node = m.required(key);
  auto name = as_string(node, m.field(key));
  if (std::find(s.services.begin(), s.services.end(), name) == s.services.end()) {
    fail(node, m.field(key), "'" + name + "' is not among this scenario's services");
  }
  return name;
}

void read_between(mapping& m, const scenario& s, fault_spec& f) {
  const auto node = m.required("between");
  auto pair = string_list(node, m.field("between"), 2);
  if (pair.size() != 2 || pair[0] == pair[1]) {
    fail(node, m.field("between"), "must name two different nodes");
  }
  for (const auto& n : pair) {
    if (n != "client" && std::find(s.services.begin(), s.services.end(), n) == s.services.end()) {
      fail(node, m.field("between"), "'" + n + "' is neither a service of this scenario nor 'client'");
    }
  }
  f.target = pair[0];
  f.peer = pair[1];
}

void require_database(const YAML::Node& n, const std::string& field, const std::string& svc) {
  if (services::database_of(svc).empty()) {
    fail(n, field, "service '" + svc + "' has no database");
  }
}

void read_faults(mapping& top, scenario& s) {
  auto node = top.optional("faults");
  if (!node) {
    return;
  }
  if (!node->IsSequence() || node->size() > 1000) {
    fail(*node, "faults", "must be a list of at most 1000 faults");
  }
  for (std::size_t i = 0; i < node->size(); ++i) {
    const YAML::Node item = (*node)[i];
    const std::string path = "faults[" + std::to_string(i) + "]";
    mapping m(item, path);
    fault_spec f;
    f.line = line_of(item);
    f.kind = fault_kind_from(m.required("kind"), m.field("kind"));
    f.at = seconds_field(m.required("at_s"), m.field("at_s"));
    if (f.at > s.length) {
      fail(item, m.field("at_s"), "lies after the end of the run (duration_s)");
    }
    if (auto d = m.optional("duration_s")) {
      f.length = seconds_field(*d, m.field("duration_s"), 0.000001);
    }
    switch (f.kind) {
      case fault_kind::partition:
        read_between(m, s, f);
        if (auto o = m.optional("one_way")) {
          f.one_way = as_bool(*o, m.field("one_way"));
        }
        break;
      case fault_kind::crash:
        f.target = service_field(m, "target", s);
        if (auto r = m.optional("restart_after_s")) {
          f.restart_after = seconds_field(*r, m.field("restart_after_s"), 0.000001);
        }
        if (f.length) {
          fail(item, m.field("duration_s"), "does not apply to crash; use restart_after_s");
        }
        break;
      case fault_kind::db_unavailable:
        f.target = service_field(m, "target", s);
        require_database(item, m.field("target"), f.target);
        break;
      case fault_kind::db_slow:
        f.target = service_field(m, "target", s);
        require_database(item, m.field("target"), f.target);
        f.slow = read_latency(m.required("latency"), m.field("latency"));
        if (f.slow.kind != "constant" && f.slow.kind != "uniform") {
          fail(item, m.field("latency.kind"), "must be constant or uniform for db_slow");
        }
        break;
      case fault_kind::db_errors:
        f.target = service_field(m, "target", s);
        require_database(item, m.field("target"), f.target);
        f.rate = as_number(m.required("rate"), m.field("rate"), 0, 1);
        break;
      case fault_kind::clock_skew: {
        f.target = service_field(m, "target", s);
        const double ms = as_number(m.required("skew_ms"), m.field("skew_ms"), -86'400'000, 86'400'000);
        f.skew = duration(static_cast<std::int64_t>(std::llround(ms * 1e3)));
        break;
      }
      case fault_kind::latency:
        read_between(m, s, f);
        f.slow = read_latency(m.required("latency"), m.field("latency"));
        if (auto d = m.optional("drop_rate")) {
          f.rate = as_number(*d, m.field("drop_rate"), 0, 1);
        }
        break;
      case fault_kind::kv_unavailable:
        f.target = "kv";
        break;
      case fault_kind::kv_slow:
        f.target = "kv";
        f.slow = read_latency(m.required("latency"), m.field("latency"));
        if (f.slow.kind != "constant") {
          fail(item, m.field("latency.kind"), "must be constant for kv_slow");
        }
        break;
    }
    m.reject_unknown();
    s.faults.push_back(std::move(f));
  }
}

check_kind check_kind_from(const YAML::Node& n, const std::string& field) {
  const auto k = as_string(n, field);
  static const std::pair<std::string_view, check_kind> kinds[] = {
      {"no_server_errors", check_kind::no_server_errors},
      {"success_rate", check_kind::success_rate},
      {"status_during_fault", check_kind::status_during_fault},
      {"recovers_after_fault", check_kind::recovers_after_fault},
      {"latency_p99_below", check_kind::latency_p99_below},
      {"database_isolation", check_kind::database_isolation},
      {"no_handler_exceptions", check_kind::no_handler_exceptions},
      {"no_oversell", check_kind::no_oversell},
      {"no_duplicate_orders", check_kind::no_duplicate_orders},
      {"acknowledged_orders_exist", check_kind::acknowledged_orders_exist},
      {"money_adds_up", check_kind::money_adds_up},
      {"carts_cleared", check_kind::carts_cleared},
      {"no_dangling_reservations", check_kind::no_dangling_reservations},
      {"never_outcomes", check_kind::never_outcomes},
      {"only_outcomes", check_kind::only_outcomes},
      {"success_rate_during_fault", check_kind::success_rate_during_fault},
      {"breaker_opens", check_kind::breaker_opens},
      {"breaker_blocks_calls", check_kind::breaker_blocks_calls},
      {"breaker_closes", check_kind::breaker_closes},
      {"breaker_stays_closed", check_kind::breaker_stays_closed},
      {"stale_served", check_kind::stale_served},
      {"retry_amplification", check_kind::retry_amplification},
      {"no_attempt_past_deadline", check_kind::no_attempt_past_deadline},
      {"rate_limit_holds", check_kind::rate_limit_holds},
      {"rate_limit_headers", check_kind::rate_limit_headers},
      {"no_forged_writes", check_kind::no_forged_writes},
      {"metric_at_least", check_kind::metric_at_least}};
  std::string known;
  for (const auto& [name, kind] : kinds) {
    if (k == name) {
      return kind;
    }
    known += (known.empty() ? "" : ", ") + std::string(name);
  }
  fail(n, field, "unknown check kind '" + k + "' (known: " + known + ")");
}

std::size_t fault_ref(mapping& m, const scenario& s) {
  const auto node = m.required("fault");
  const auto idx = as_int(node, m.field("fault"), 0, 999);
  if (static_cast<std::size_t>(idx) >= s.faults.size()) {
    fail(node, m.field("fault"), "refers to faults[" + std::to_string(idx) + "], which does not exist");
  }
  return static_cast<std::size_t>(idx);
}

void read_step(mapping& m, const std::vector<std::string>& known_steps, check_spec& c) {
  if (auto st = m.optional("step")) {
    c.step = as_string(*st, m.field("step"));
    if (std::find(known_steps.begin(), known_steps.end(), c.step) == known_steps.end()) {
      std::string known;
      for (const auto& k : known_steps) {
        known += (known.empty() ? "" : ", ") + k;
      }
      fail(*st, m.field("step"), "unknown step '" + c.step + "' (known: " + known + ")");
    }
  }
}

std::pair<std::int64_t, std::int64_t> int_range(const YAML::Node& n, const std::string& path,
                                               std::int64_t lo, std::int64_t hi) {
  mapping m(n, path);
  const std::int64_t min = as_int(m.required("min"), m.field("min"), lo, hi);
  const std::int64_t max = as_int(m.required("max"), m.field("max"), lo, hi);
  m.reject_unknown();
  if (max < min) {
    fail(n, path, "max must not be below min");
  }
  return {min, max};
}

void read_shop(mapping& top, scenario& s) {
  const auto node = top.optional("shop");
  if (!node) {
    return;
  }
  for (const char* needed : {"gateway", "auth", "product", "cart", "order", "delivery", "notification"}) {
    if (std::find(s.services.begin(), s.services.end(), needed) == s.services.end()) {
      fail(*node, "shop", std::string("needs every shop service in services (missing ") + needed + ")");
    }
  }
  mapping m(*node, "shop");
  auto& shop = s.shop;
  shop.enabled = true;
  if (auto v = m.optional("categories")) {
    shop.categories = static_cast<std::uint32_t>(as_int(*v, m.field("categories"), 1, 100));
  }
  if (auto v = m.optional("products")) {
    shop.products = static_cast<std::uint32_t>(as_int(*v, m.field("products"), 1, 5'000));
  }
  if (auto v = m.optional("stock")) {
    std::tie(shop.stock_min, shop.stock_max) = int_range(*v, m.field("stock"), 0, 1'000'000);
  }
  if (auto v = m.optional("price_paise")) {
    std::tie(shop.price_min_paise, shop.price_max_paise) =
        int_range(*v, m.field("price_paise"), 1, 10'000'000);
  }
  if (auto v = m.optional("hot_products")) {
    shop.hot_products = static_cast<std::uint32_t>(as_int(*v, m.field("hot_products"), 1, 1'000));
  }
  if (shop.hot_products > shop.products) {
    fail(*node, m.field("hot_products"), "cannot exceed products");
  }
  if (auto v = m.optional("partners")) {
    shop.partners = static_cast<std::uint32_t>(as_int(*v, m.field("partners"), 0, 1'000));
  }
  if (auto v = m.optional("pack_interval_ms")) {
    shop.pack_interval = millis_field(*v, m.field("pack_interval_ms"), 1, 600'000);
  }
  if (auto v = m.optional("partner_poll_ms")) {
    shop.partner_poll = millis_field(*v, m.field("partner_poll_ms"), 1, 600'000);
  }
  if (auto v = m.optional("delivery_s")) {
    shop.delivery_time = seconds_field(*v, m.field("delivery_s"));
  }
  if (auto v = m.optional("settle_s")) {
    shop.settle = seconds_field(*v, m.field("settle_s"));
  }
  if (auto v = m.optional("restocks")) {
    if (!v->IsSequence() || v->size() > 100) {
      fail(*v, m.field("restocks"), "must be a list of at most 100 restocks");
    }
    for (std::size_t i = 0; i < v->size(); ++i) {
      mapping rm((*v)[i], m.field("restocks") + "[" + std::to_string(i) + "]");
      shop_restock r;
      r.at = seconds_field(rm.required("at_s"), rm.field("at_s"));
      r.units = as_int(rm.required("units"), rm.field("units"), 1, 1'000'000);
      rm.reject_unknown();
      shop.restocks.push_back(r);
    }
  }
  m.reject_unknown();
}

std::string node_field(mapping& m, std::string_view key, const scenario& s) {
  return service_field(m, key, s);
}

// The outcome words a check may name: a status, a class, timeout, connect_failed, error.
std::vector<std::string> outcome_list(const YAML::Node& n, const std::string& field) {
  auto words = string_list(n, field, 20);
  if (words.empty()) {
    fail(n, field, "must list at least one outcome");
  }
  for (const auto& w : words) {
    const bool status = w.size() == 3 && w[0] >= '1' && w[0] <= '5' &&
                        ((w[1] == 'x' && w[2] == 'x') || (std::isdigit(static_cast<unsigned char>(w[1])) &&
                                                          std::isdigit(static_cast<unsigned char>(w[2]))));
    if (!status && w != "timeout" && w != "connect_failed" && w != "error") {
      fail(n, field, "'" + w + "' is no outcome (a status like \"429\", a class like \"5xx\", timeout, connect_failed or error)");
    }
  }
  return words;
}

void read_resilience_check(mapping& m, const YAML::Node& item, const scenario& s,
                           const std::vector<std::string>& known_steps, check_spec& c) {
  switch (c.kind) {
    case check_kind::never_outcomes: {
      c.outcomes = outcome_list(m.required("outcomes"), m.field("outcomes"));
      read_step(m, known_steps, c);
      if (auto ex = m.optional("except_step")) {
        c.except_step = as_string(*ex, m.field("except_step"));
        if (std::find(known_steps.begin(), known_steps.end(), c.except_step) == known_steps.end()) {
          fail(*ex, m.field("except_step"), "unknown step '" + c.except_step + "'");
        }
        if (!c.step.empty()) {
          fail(*ex, m.field("except_step"), "cannot be combined with step");
        }
      }
      if (m.optional("fault")) {
        c.fault = fault_ref(m, s);
      }
      break;
    }
    case check_kind::only_outcomes:
      c.allowed = outcome_list(m.required("allowed"), m.field("allowed"));
      read_step(m, known_steps, c);
      if (c.step.empty()) {
        fail(item, m.field("step"), "is required: only_outcomes judges one step");
      }
      break;
    case check_kind::success_rate_during_fault:
    case check_kind::stale_served:
      c.fault_index = fault_ref(m, s);
      c.min_rate = as_number(m.required("min"), m.field("min"), 0, 1);
      read_step(m, known_steps, c);
      break;
    case check_kind::breaker_opens:
    case check_kind::breaker_closes:
      c.node = node_field(m, "node", s);
      c.upstream = node_field(m, "upstream", s);
      c.fault_index = fault_ref(m, s);
      c.within = seconds_field(m.required("within_s"), m.field("within_s"));
      break;
    case check_kind::breaker_stays_closed:
      c.node = node_field(m, "node", s);
      c.upstream = node_field(m, "upstream", s);
      c.fault_index = fault_ref(m, s);
      break;
    case check_kind::breaker_blocks_calls:
      c.node = node_field(m, "node", s);
      c.upstream = node_field(m, "upstream", s);
      if (auto p = m.optional("half_open_probes")) {
        c.max_probes = static_cast<std::int32_t>(as_int(*p, m.field("half_open_probes"), 1, 100));
      }
      break;
    case check_kind::retry_amplification:
      c.node = node_field(m, "node", s);
      c.upstream = node_field(m, "upstream", s);
      if (auto v = m.optional("ratio")) {
        c.ratio = as_number(*v, m.field("ratio"), 0, 1);
      }
      if (auto v = m.optional("floor_per_s")) {
        c.floor_per_s = as_number(*v, m.field("floor_per_s"), 0, 10'000);
      }
      if (auto v = m.optional("window_s")) {
        c.window = seconds_field(*v, m.field("window_s"), 1);
      }
      break;
    case check_kind::no_attempt_past_deadline:
      c.node = node_field(m, "node", s);
      break;
    case check_kind::rate_limit_holds:
    case check_kind::rate_limit_headers:
      if (std::find(s.services.begin(), s.services.end(), "gateway") == s.services.end()) {
        fail(item, m.field("kind"), "'" + c.name + "' judges the gateway: the scenario needs it");
      }
      break;
    case check_kind::no_forged_writes:
      if (!s.shop.enabled) {
        fail(item, m.field("kind"), "'" + c.name + "' reads the shop's databases: the scenario needs a shop section");
      }
      break;
    case check_kind::metric_at_least: {
      c.node = node_field(m, "node", s);
      c.metric = as_string(m.required("metric"), m.field("metric"));
      c.min_rate = as_number(m.required("min"), m.field("min"), 0, 1e15);
      if (auto l = m.optional("labels")) {
        mapping lm(*l, m.field("labels"));
        for (const auto& kv : lm.node()) {
          const auto key = kv.first.as<std::string>();
          c.labels[key] = as_string(kv.second, lm.field(key));
        }
      }
      break;
    }
    default:
      QM_ASSERT_MSG(false, "not a resilience check");
  }
}

void read_checks(mapping& top, scenario& s, const std::vector<std::string>& known_steps) {
  const auto node = top.required("checks");
  if (!node.IsSequence() || node.size() == 0 || node.size() > 100) {
    fail(node, "checks", "must be a list of 1 to 100 checks");
  }
  for (std::size_t i = 0; i < node.size(); ++i) {
    const YAML::Node item = node[i];
    mapping m(item, "checks[" + std::to_string(i) + "]");
    check_spec c;
    c.line = line_of(item);
    c.name = as_string(m.required("kind"), m.field("kind"));
    c.kind = check_kind_from(m.required("kind"), m.field("kind"));
    switch (c.kind) {
      case check_kind::no_server_errors:
      case check_kind::database_isolation:
      case check_kind::no_handler_exceptions:
        break;
      case check_kind::no_oversell:
      case check_kind::no_duplicate_orders:
      case check_kind::acknowledged_orders_exist:
      case check_kind::money_adds_up:
      case check_kind::carts_cleared:
      case check_kind::no_dangling_reservations:
        if (!s.shop.enabled) {
          fail(item, m.field("kind"), "'" + c.name + "' checks the shop: the scenario needs a shop section");
        }
        break;
      case check_kind::success_rate:
        c.min_rate = as_number(m.required("min"), m.field("min"), 0, 1);
        if (auto o = m.optional("outside_faults")) {
          c.outside_faults = as_bool(*o, m.field("outside_faults"));
        }
        read_step(m, known_steps, c);
        break;
      case check_kind::status_during_fault: {
        c.fault_index = fault_ref(m, s);
        read_step(m, known_steps, c);
        const auto allowed = m.required("allowed");
        c.allowed = string_list(allowed, m.field("allowed"), 20);
        if (c.allowed.empty()) {
          fail(allowed, m.field("allowed"), "must list at least one outcome");
        }
        break;
      }
      case check_kind::recovers_after_fault:
        c.fault_index = fault_ref(m, s);
        read_step(m, known_steps, c);
        c.within = seconds_field(m.required("within_s"), m.field("within_s"));
        c.min_rate = as_number(m.required("min"), m.field("min"), 0, 1);
        break;
      case check_kind::latency_p99_below:
        c.bound = millis_field(m.required("ms"), m.field("ms"), 0.001);
        read_step(m, known_steps, c);
        break;
      default:
        read_resilience_check(m, item, s, known_steps, c);
        break;
    }
    m.reject_unknown();
    s.checks.push_back(std::move(c));
  }
}

scenario parse(const YAML::Node& root, const std::string& file) {
  if (!root.IsDefined() || root.IsNull()) {
    throw bad_field{1, "(top level)", "the file is empty"};
  }
  mapping top(root, "");
  scenario s;
  s.file = file;
  s.name = as_string(top.required("name"), "name", 100);
  if (auto d = top.optional("description")) {
    s.description = as_string(*d, "description", 2000);
  }
  if (auto v = top.optional("seed")) {
    std::uint64_t seed = 0;
    if (!v->IsScalar() || !YAML::convert<std::uint64_t>::decode(*v, seed)) {
      fail(*v, "seed", "must be a non-negative integer");
    }
    s.seed = seed;
  }
  s.length = seconds_field(top.required("duration_s"), "duration_s", 0.001);
  read_services(top, s);
  read_settings(top, s);
  read_network(top, s);
  read_workload(top, s, known_flow_names());
  read_shop(top, s);
  for (const auto& f : s.workload.flows) {
    if (is_shop_flow(f.name) && !s.shop.enabled) {
      fail(root["workload"], "workload.flows", "flow '" + f.name + "' needs a shop section");
    }
  }
  read_faults(top, s);
  read_checks(top, s, known_step_names());
  top.reject_unknown();
  return s;
}

}  // namespace

result<scenario, load_error> load_scenario_text(std::string_view text, const std::string& file_name) {
  try {
    return parse(YAML::Load(std::string(text)), file_name);
  } catch (const bad_field& e) {
    return make_unexpected(load_error{file_name + ":" + std::to_string(e.line) + ": " + e.field + ": " + e.message});
  } catch (const YAML::Exception& e) {
    return make_unexpected(load_error{file_name + ":" + std::to_string(e.mark.line + 1) +
                                      ": invalid YAML: " + e.msg});
  }
}

result<scenario, load_error> load_scenario_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_unexpected(load_error{path + ": cannot open the scenario file"});
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > 1'000'000) {
    return make_unexpected(load_error{path + ": the scenario file is larger than 1 MB"});
  }
  return load_scenario_text(text.str(), path);
}

}  // namespace qm::sim

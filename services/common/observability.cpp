#include "services/common/observability.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>

#include "core/config/service_config.hpp"
#include "core/metrics/registry.hpp"
#include "services/common/build_info.hpp"
#include "services/common/metrics_report.hpp"

namespace qm::services {

namespace {

constexpr std::string_view database_target = "database";
constexpr std::size_t max_ready_upstreams = 16;

double as_ms(duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

std::string trimmed(std::string_view s) {
  while (!s.empty() && s.front() == ' ') {
    s.remove_prefix(1);
  }
  while (!s.empty() && s.back() == ' ') {
    s.remove_suffix(1);
  }
  return std::string(s);
}

// ready_upstreams: a comma list, "none" for none, absent for the service's default. Every
// name must be an upstream the service is configured with (a typo would keep it unready).
result<std::vector<std::string>, std::string> read_ready_upstreams(const rt::runtime& rt) {
  const std::string text = rt.config.get("ready_upstreams");
  if (text.empty()) {
    return default_ready_upstreams(rt.service_name);
  }
  std::vector<std::string> out;
  if (trimmed(text) == "none") {
    return out;
  }
  const auto known = config::upstreams_of(rt.service_name);
  // A service config does not know (a test's own) is not checked.
  const bool checkable = !config::options_for(rt.service_name).empty();
  std::string_view rest = text;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string name = trimmed(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    const bool is_known = std::find(known.begin(), known.end(), name) != known.end();
    if (name.empty() || (checkable && !is_known)) {
      return make_unexpected("ready_upstreams: '" + name + "' is not an upstream of " +
                             rt.service_name + " (a comma list of them, or none)");
    }
    if (std::find(out.begin(), out.end(), name) == out.end()) {
      out.push_back(std::move(name));
    }
    if (out.size() > max_ready_upstreams) {
      return make_unexpected(std::string("ready_upstreams: too many names"));
    }
  }
  return out;
}

task<check_result> check_database(rt::storage& db) {
  rt::transaction_body body = [](sql::transaction& tx) { tx.exec("SELECT 1"); };
  const rt::db_status status = co_await db.transact(std::move(body), check_timeout);
  if (!status) {
    co_return check_result{false, std::string(sql::to_string(status.error().code)), {}, {}};
  }
  co_return check_result{true, {}, {}, {}};
}

// GET /health on the upstream through the runtime's client itself: never the service's
// upstream_client, so a probe neither moves a breaker nor spends a retry budget.
task<check_result> check_upstream(rt::runtime& rt, std::string upstream) {
  http::request req;
  req.verb = http::method::get;
  req.target = "/health";
  const time_point deadline = rt.clock.now() + check_timeout;
  const rt::call_result reply = co_await rt.http.request(upstream, std::move(req), deadline);
  if (!reply) {
    co_return check_result{false, std::string(rt::to_string(reply.error().code)), {}, {}};
  }
  if (reply->status != 200) {
    co_return check_result{false, "status " + std::to_string(reply->status), {}, {}};
  }
  co_return check_result{true, {}, {}, {}};
}

json::object describe(const check_result& r) {
  json::object o;
  o["ok"] = r.ok;
  o["latency_ms"] = as_ms(r.latency);
  if (!r.ok) {
    o["error"] = r.error;
  }
  return o;
}

std::string joined_forwarded_for(const http::headers& h) {
  std::string out;
  for (const auto& [name, value] : h.fields()) {
    if (http::iequals(name, "X-Forwarded-For")) {
      out += (out.empty() ? "" : ", ") + value;
    }
  }
  return out;
}

}  // namespace

struct observability::state {
  state(rt::runtime& r, observability_hooks h, std::vector<std::string> req, std::vector<std::string> ups,
        ratelimit::trusted_proxies allowed)
      : rt(r),
        hooks(std::move(h)),
        required(std::move(req)),
        upstreams(std::move(ups)),
        metrics_allowed(std::move(allowed)),
        started_at(r.clock.now()),
        checks(r.clock, r.log, check_cache_ttl) {}

  rt::runtime& rt;
  observability_hooks hooks;
  std::vector<std::string> required;
  std::vector<std::string> upstreams;  // every upstream the report names, in name order
  ratelimit::trusted_proxies metrics_allowed;
  time_point started_at;
  health_checks checks;

  // The targets readiness needs: the database (when the service has one), the required
  // upstreams.
  std::vector<std::string> ready_targets() const {
    std::vector<std::string> out;
    if (rt.storage != nullptr) {
      out.emplace_back(database_target);
    }
    out.insert(out.end(), required.begin(), required.end());
    return out;
  }

  // A public-facing service answers its internal reports only to allowed clients; anyone
  // else gets the 404 of a route that does not exist.
  std::optional<http::response> refuse(const http::request_context& rc) const {
    if (hooks.public_facing == nullptr) {
      return std::nullopt;
    }
    const std::string client =
        ratelimit::client_ip(rc.peer, joined_forwarded_for(rc.request.headers), *hooks.public_facing);
    const auto address = ratelimit::ip_address::parse(client);
    if (address && metrics_allowed.contains(*address)) {
      return std::nullopt;
    }
    const auto request_id = rc.request.headers.get("X-Request-ID").value_or("");
    return http::error_response(404, "not_found", "no such route", request_id);
  }
};

observability::observability(std::unique_ptr<state> s) : state_(std::move(s)) {}
observability::~observability() = default;

const std::vector<std::string>& observability::required_upstreams() const { return state_->required; }

std::vector<std::string> default_ready_upstreams(std::string_view service) {
  if (service == "gateway") {
    return {"auth"};
  }
  if (service == "cart") {
    return {"product"};
  }
  if (service == "order") {
    return {"product", "cart"};
  }
  if (service == "delivery") {
    return {"order"};
  }
  return {};
}

namespace {

using state = observability::state;

task<http::response> handle_live(http::request_context) {
  co_return http::json_response(200, R"({"status":"ok"})");
}

task<http::response> handle_ready(state* s, http::request_context) {
  const std::vector<std::string> targets = s->ready_targets();
  const std::vector<check_result> results = co_await s->checks.results(targets);
  json::object checks;
  json::array failed;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    checks[targets[i]] = describe(results[i]);
    if (!results[i].ok) {
      failed.emplace_back(targets[i]);
    }
  }
  const bool ready = failed.empty();
  json::object body;
  body["status"] = ready ? "ready" : "unready";
  if (!ready) {
    body["failed"] = std::move(failed);
  }
  body["checks"] = std::move(checks);
  co_return http::json_response(ready ? 200 : 503, json::serialize(body));
}

task<http::response> handle_detailed(state* s, http::request_context rc) {
  if (auto refused = s->refuse(rc)) {
    co_return std::move(*refused);
  }
  std::vector<std::string> targets = s->upstreams;
  if (s->rt.storage != nullptr) {
    targets.emplace_back(database_target);
  }
  const std::vector<check_result> results = co_await s->checks.results(targets);
  json::object body;
  body["service"] = s->rt.service_name;
  body["version"] = build_version();
  body["commit"] = build_commit();
  body["uptime_s"] = std::chrono::duration_cast<std::chrono::seconds>(s->rt.clock.now() - s->started_at).count();
  bool ready = true;
  json::object storage;
  if (s->rt.storage != nullptr) {
    storage = describe(results.back());
    ready = results.back().ok;
  }
  storage["engine"] = s->rt.storage != nullptr ? s->rt.storage->engine() : std::string_view("none");
  body["storage"] = std::move(storage);
  const std::vector<std::string> known = s->hooks.calls != nullptr ? s->hooks.calls->upstreams()
                                                                   : std::vector<std::string>{};
  json::object upstreams;
  for (std::size_t i = 0; i < s->upstreams.size(); ++i) {
    const std::string& name = s->upstreams[i];
    json::object u = describe(results[i]);
    const bool required = std::find(s->required.begin(), s->required.end(), name) != s->required.end();
    u["required"] = required;
    ready = ready && (results[i].ok || !required);
    // An upstream the service has not called yet has no breaker: it is closed by definition,
    // and reading it must not create one.
    const bool has_breaker = std::find(known.begin(), known.end(), name) != known.end();
    if (has_breaker) {
      const auto& b = s->hooks.calls->breaker(name);
      u["breaker"] = resilience::to_string(b.state());
      u["breaker_mode"] = resilience::to_string(b.mode());
    } else {
      u["breaker"] = "closed";
      u["breaker_mode"] = "normal";
    }
    upstreams[name] = std::move(u);
  }
  body["upstreams"] = std::move(upstreams);
  body["status"] = ready ? "ready" : "unready";
  if (s->hooks.details) {
    s->hooks.details(body);
  }
  co_return http::json_response(200, json::serialize(body));
}

task<http::response> handle_metrics_json(state* s, http::request_context rc) {
  if (auto refused = s->refuse(rc)) {
    co_return std::move(*refused);
  }
  json::object body = metrics_report(s->rt.metrics);
  body["service"] = s->rt.service_name;
  co_return http::json_response(200, json::serialize(body));
}

task<http::response> handle_metrics_text(state* s, http::request_context rc) {
  if (auto refused = s->refuse(rc)) {
    co_return std::move(*refused);
  }
  http::response r;
  r.status = 200;
  r.headers.set("Content-Type", std::string(metrics::text_content_type));
  r.body = s->rt.metrics.expose_text();
  co_return r;
}

std::vector<std::string> report_upstreams(const rt::runtime& rt, const observability_hooks& hooks,
                                          const std::vector<std::string>& required) {
  std::set<std::string> names(required.begin(), required.end());
  for (const auto& u : config::upstreams_of(rt.service_name)) {
    names.insert(u);
  }
  if (hooks.calls != nullptr) {
    for (const auto& u : hooks.calls->upstreams()) {
      names.insert(u);
    }
  }
  return {names.begin(), names.end()};
}

}  // namespace

std::unique_ptr<observability> install_observability(rt::runtime& rt, observability_hooks hooks) {
  auto required = read_ready_upstreams(rt);
  ratelimit::trusted_proxies allowed;
  if (required && hooks.public_facing != nullptr) {
    const std::string text = rt.config.get("metrics_allowed_cidrs");
    auto parsed = ratelimit::trusted_proxies::parse(text.empty() ? config::default_metrics_allowed_cidrs : text);
    if (!parsed) {
      required = make_unexpected("metrics_allowed_cidrs: " + parsed.error());
    } else {
      allowed = std::move(*parsed);
    }
  }
  if (!required) {
    rt.log.error(rt.service_name + " refuses to start: bad settings", {{"reason", required.error()}});
    return nullptr;
  }
  std::vector<std::string> upstreams = report_upstreams(rt, hooks, *required);
  auto s = std::make_unique<state>(rt, std::move(hooks), std::move(*required), std::move(upstreams),
                                   std::move(allowed));
  if (rt.storage != nullptr) {
    rt::storage* db = rt.storage;
    s->checks.add(std::string(database_target), [db] { return check_database(*db); });
  }
  for (const auto& name : s->upstreams) {
    rt::runtime* r = &rt;
    s->checks.add(name, [r, name] { return check_upstream(*r, name); });
  }
  rt.metrics
      .get_gauge("quickmart_build_info", "The running build: always 1, labelled with its version and commit.",
                 {{"version", std::string(build_version())}, {"commit", std::string(build_commit())}})
      .set(1);

  state* p = s.get();
  rt.routes.add(http::method::get, "/health", handle_live);
  rt.routes.add(http::method::get, "/health/ready",
                [p](http::request_context rc) { return handle_ready(p, std::move(rc)); });
  rt.routes.add(http::method::get, "/health/detailed",
                [p](http::request_context rc) { return handle_detailed(p, std::move(rc)); });
  rt.routes.add(http::method::get, "/metrics",
                [p](http::request_context rc) { return handle_metrics_json(p, std::move(rc)); });
  rt.routes.add(http::method::get, "/metrics/prometheus",
                [p](http::request_context rc) { return handle_metrics_text(p, std::move(rc)); });
  return std::unique_ptr<observability>(new observability(std::move(s)));
}

}  // namespace qm::services

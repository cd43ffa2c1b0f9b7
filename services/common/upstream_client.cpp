#include "services/common/upstream_client.hpp"

#include <algorithm>

#include "core/resilience/backoff.hpp"
#include "core/identity/user_context.hpp"
#include "core/resilience/deadline.hpp"
#include "core/resilience/dependency_down.hpp"
#include "services/common/settings.hpp"

namespace qm::services {

namespace {

constexpr std::string_view internal_prefix = "/internal/";
// Less time than this left: an attempt could not finish, so none is started.
constexpr duration min_attempt_time = ms(1);

unexpected<rt::call_error> failed(rt::call_errc code, std::string message) {
  return make_unexpected(rt::call_error{code, std::move(message)});
}

// Every attempt writes the deadline, X-Request-ID, traceparent and (to an /internal/ route)
// the signed context itself, replacing whatever the caller put there.
constexpr std::size_t attempt_field_count = 4;

bool is_attempt_field(std::string_view name, bool internal) {
  return http::iequals(name, resilience::deadline_header) ||
         http::iequals(name, observe::request_id_header) ||
         http::iequals(name, observe::traceparent_header) ||
         (internal && http::iequals(name, identity::context_header));
}

// The request for an attempt that is not the last there can be: a copy, with room for the
// fields the attempt adds (a plain copy's field vector would grow again to take them).
http::request copy_for_attempt(const http::request& req) {
  http::request out;
  out.verb = req.verb;
  out.target = req.target;
  out.headers.reserve(req.headers.size() + attempt_field_count);
  for (const auto& [name, value] : req.headers.fields()) {
    out.headers.add(name, value);
  }
  out.body = req.body;
  return out;
}

}  // namespace

bool is_upstream_failure(const rt::call_result& r) {
  if (!r) {
    // The client's own refusals (bulkhead, open breaker, no address) say nothing new about the
    // upstream; everything else is the upstream or the path to it failing.
    return r.error().code != rt::call_errc::overloaded &&
           r.error().code != rt::call_errc::circuit_open &&
           r.error().code != rt::call_errc::unknown_upstream;
  }
  // 501 and 505 are answers about the request, not the upstream's health; a 503 marked with
  // the dependency it waits on is about that dependency, not this upstream.
  if (r->status == 503 && r->headers.get(resilience::dependency_down_header)) {
    return false;
  }
  return r->status >= 500 && r->status != 501 && r->status != 505;
}

struct upstream_client::guard {
  guard(const upstream_policy& p, rt::runtime& rt, std::string upstream)
      : breaker(p.breaker), budget(p.budget), bulkhead(p.max_concurrent) {
    metrics::labels labels{{"upstream", upstream}};
    state_gauge = &rt.metrics.get_gauge(
        "circuit_breaker_state", "Circuit breaker state per upstream: 0 closed, 1 open, 2 half-open.",
        labels);
    retries = &rt.metrics.get_counter("upstream_retries_total",
                                      "Retries of calls to an upstream (attempts after the first).",
                                      labels);
    budget_exhausted = &rt.metrics.get_counter(
        "retry_budget_exhausted_total", "Retries refused because the upstream's retry budget was spent.",
        labels);
    rejected_open = &rt.metrics.get_counter(
        "circuit_breaker_rejected_total", "Calls refused at once because the breaker was open.", labels);
    rejected_bulkhead = &rt.metrics.get_counter(
        "bulkhead_rejected_total", "Calls refused at once because the upstream's bulkhead was full.",
        labels);
    rt::runtime* runtime = &rt;
    breaker.set_listener([runtime, upstream, this](resilience::transition t, time_point) {
      state_gauge->set(static_cast<double>(static_cast<int>(t.to)));
      runtime->metrics
          .get_counter("circuit_breaker_transitions_total", "Circuit breaker state changes.",
                       {{"upstream", upstream},
                        {"from", std::string(resilience::to_string(t.from))},
                        {"to", std::string(resilience::to_string(t.to))}})
          .inc();
      runtime->log.warn("circuit breaker changed state",
                        {{"upstream", upstream},
                         {"from", std::string(resilience::to_string(t.from))},
                         {"to", std::string(resilience::to_string(t.to))}});
    });
  }

  resilience::circuit_breaker breaker;
  resilience::retry_budget budget;
  resilience::bulkhead bulkhead;
  metrics::gauge* state_gauge = nullptr;
  metrics::counter* retries = nullptr;
  metrics::counter* budget_exhausted = nullptr;
  metrics::counter* rejected_open = nullptr;
  metrics::counter* rejected_bulkhead = nullptr;
};

upstream_client::upstream_client(rt::runtime& rt, std::string context_secret,
                                 upstream_policy policy)
    : rt_(rt), signature_(std::move(context_secret)), policy_(std::move(policy)) {}

upstream_client::~upstream_client() = default;
upstream_client::upstream_client(upstream_client&&) noexcept = default;

upstream_client::guard& upstream_client::guard_for(std::string_view upstream) {
  for (const named_guard& g : guards_) {
    if (g.upstream == upstream) {
      return *g.state;
    }
  }
  guards_.push_back(named_guard{std::string(upstream),
                                std::make_unique<guard>(policy_, rt_, std::string(upstream))});
  return *guards_.back().state;
}

resilience::circuit_breaker& upstream_client::breaker(std::string_view upstream) {
  return guard_for(upstream).breaker;
}

std::vector<std::string> upstream_client::upstreams() const {
  std::vector<std::string> out;
  out.reserve(guards_.size());
  for (const named_guard& g : guards_) {
    out.push_back(g.upstream);
  }
  std::sort(out.begin(), out.end());
  return out;
}

upstream_client::call_identity upstream_client::identity_for(const observe::request_scope* origin) {
  call_identity id;
  if (origin != nullptr) {
    id.origin = origin;
    id.traceparent = origin->span.child_traceparent_text();
    return id;
  }
  const std::uint64_t a = rt_.random.next_u64();
  const std::uint64_t b = rt_.random.next_u64();
  const std::uint64_t c = rt_.random.next_u64();
  const observe::span root = observe::open_span(std::nullopt, a, b, c);
  id.own_request_id = observe::new_request_id(b, a);
  id.traceparent = root.child_traceparent_text();
  return id;
}

task<rt::call_result> upstream_client::attempt(guard& g, std::string_view upstream,
                                               http::request out, time_point deadline,
                                               const call_identity& id, bool internal) {
  auto slot = g.bulkhead.try_enter();
  if (!slot) {
    g.rejected_bulkhead->inc();
    co_return failed(rt::call_errc::overloaded,
                     std::string(upstream) + ": too many calls in flight");
  }
  const time_point start = rt_.clock.now();
  // An attempt that could not even start in time is not sent: it would only be a timeout,
  // and one that says nothing about the upstream's health (the breaker never sees it).
  if (deadline - start < min_attempt_time) {
    co_return failed(rt::call_errc::timeout,
                     std::string(upstream) + ": no time left for an attempt");
  }
  const resilience::permit permit = g.breaker.try_acquire(start);
  if (!permit.admitted) {
    g.rejected_open->inc();
    co_return failed(rt::call_errc::circuit_open, std::string(upstream) + ": circuit open");
  }
  const time_point attempt_deadline = std::min(deadline, start + policy_.attempt_timeout);
  out.headers.reserve(out.headers.size() + attempt_field_count);
  out.headers.add(std::string(resilience::deadline_header),
                  resilience::format_remaining(attempt_deadline - start));
  out.headers.add(std::string(observe::request_id_header), std::string(id.request_id()));
  out.headers.add(std::string(observe::traceparent_header),
                  std::string(id.traceparent.data(), id.traceparent.size()));
  if (internal) {
    out.headers.add(std::string(identity::context_header), signature_.header_value(start));
  }
  auto reply = co_await rt_.http.request(upstream, std::move(out), attempt_deadline);
  const time_point end = rt_.clock.now();
  if (is_upstream_failure(reply)) {
    g.breaker.on_failure(permit, end, end - start);
  } else {
    g.breaker.on_success(permit, end, end - start);
  }
  co_return reply;
}

task<rt::call_result> upstream_client::call(std::string_view upstream, http::request req,
                                            call_options opts) {
  guard& g = guard_for(upstream);
  const time_point now = rt_.clock.now();
  const time_point deadline =
      opts.deadline == time_point{} ? now + policy_.attempt_timeout : opts.deadline;
  const bool repeatable = opts.idempotent || resilience::method_is_idempotent(http::to_string(req.verb));
  g.budget.on_request(now);
  resilience::backoff delays(policy_.retry.backoff);
  const call_identity id = identity_for(opts.origin);
  const bool internal = req.path().starts_with(internal_prefix);
  req.headers.remove_if(
      [internal](std::string_view name, std::string_view) { return is_attempt_field(name, internal); });
  std::int32_t attempts = 0;
  while (true) {
    // The last attempt there can be (the only one of a call that cannot be repeated) takes the
    // request itself; an earlier one takes a copy, keeping the original for the next.
    const bool last_possible = !repeatable || attempts + 1 >= policy_.retry.max_attempts;
    http::request this_try = last_possible ? std::move(req) : copy_for_attempt(req);
    auto reply = co_await attempt(g, upstream, std::move(this_try), deadline, id, internal);
    ++attempts;
    resilience::attempt_report report;
    report.attempts_made = attempts;
    report.retryable = repeatable && is_upstream_failure(reply);
    report.breaker_open = !reply && reply.error().code == rt::call_errc::circuit_open;
    if (reply) {
      if (const auto value = reply->headers.get("Retry-After")) {
        report.retry_after = resilience::parse_retry_after(*value, rt_.clock.now());
      }
    }
    const time_point decided_at = rt_.clock.now();
    const resilience::retry_decision next = resilience::decide_retry(
        policy_.retry, report, decided_at, deadline, delays, g.budget, rt_.random.next_u64());
    if (next.reason != resilience::give_up::none) {
      if (next.reason == resilience::give_up::budget_exhausted) {
        g.budget_exhausted->inc();
      }
      co_return reply;
    }
    g.retries->inc();
    co_await rt_.clock.sleep(next.delay);
  }
}

result<upstream_policy, std::string> upstream_policy_settings(const rt::settings& config,
                                                              duration default_timeout) {
  upstream_policy p;
  p.attempt_timeout = default_timeout;
  struct int_key {
    std::string_view key;
    std::int64_t fallback;
    std::int64_t min;
    std::int64_t max;
  };
  // Read in one place so every service names and bounds them the same way.
  const int_key keys[] = {
      {"breaker_failures", 5, 0, 1000},
      {"breaker_failure_rate_percent", 50, 1, 101},
      {"breaker_window_calls", 50, 1, 10'000},
      {"breaker_min_calls", 20, 1, 10'000},
      {"breaker_open_ms", 5000, 1, 600'000},
      {"breaker_half_open_probes", 3, 1, 100},
      {"retry_max_attempts", 3, 1, 10},
      {"retry_base_ms", 25, 1, 10'000},
      {"retry_cap_ms", 1000, 1, 60'000},
      {"retry_budget_percent", 20, 0, 100},
      {"retry_budget_min_per_s", 3, 0, 10'000},
      {"bulkhead_max_concurrent", 256, 1, 100'000},
  };
  std::int64_t v[std::size(keys)];
  for (std::size_t i = 0; i < std::size(keys); ++i) {
    auto got = int_setting(config, keys[i].key, keys[i].fallback, keys[i].min, keys[i].max);
    if (!got) {
      return make_unexpected(got.error());
    }
    v[i] = *got;
  }
  p.breaker.consecutive_failure_threshold = static_cast<std::int32_t>(v[0]);
  p.breaker.failure_rate_threshold = static_cast<double>(v[1]) / 100.0;
  p.breaker.window = resilience::window_kind::count;
  p.breaker.window_size = static_cast<std::int32_t>(v[2]);
  p.breaker.minimum_calls = static_cast<std::int32_t>(std::min(v[3], v[2]));
  p.breaker.open_wait = ms(v[4]);
  p.breaker.half_open_max_probes = static_cast<std::int32_t>(v[5]);
  p.breaker.half_open_successes_to_close = static_cast<std::int32_t>(v[5]);
  p.retry.max_attempts = static_cast<std::int32_t>(v[6]);
  p.retry.backoff.base = ms(v[7]);
  p.retry.backoff.cap = ms(std::max(v[7], v[8]));
  p.budget.ratio = static_cast<double>(v[9]) / 100.0;
  p.budget.min_retries_per_s = static_cast<std::int32_t>(v[10]);
  p.max_concurrent = static_cast<std::int32_t>(v[11]);
  if (auto bad = resilience::validate(p.breaker)) {
    return make_unexpected("breaker settings: " + *bad);
  }
  if (auto bad = resilience::validate(p.retry.backoff)) {
    return make_unexpected("retry settings: " + *bad);
  }
  return p;
}

}  // namespace qm::services

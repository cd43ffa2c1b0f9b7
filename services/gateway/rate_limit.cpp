#include "services/gateway/rate_limit.hpp"

#include "core/ratelimit/headers.hpp"
#include "services/common/settings.hpp"

namespace qm::gateway {

namespace {

// The kv's breaker: a few failures in a row and decisions go to memory for a while; one probe
// at a time finds out whether Redis is back. Rates are off: a limiter backend that fails even
// now and then is treated by the consecutive rule alone, which answers fastest.
resilience::breaker_config kv_breaker_config() {
  resilience::breaker_config c;
  c.consecutive_failure_threshold = 3;
  c.window_size = 10;
  c.minimum_calls = 10;
  c.failure_rate_threshold = 1.5;
  c.open_wait = seconds(2);
  c.half_open_max_probes = 1;
  c.half_open_successes_to_close = 1;
  return c;
}

result<ratelimit::rate_class, std::string> class_setting(const rt::settings& config,
                                                         std::string_view key,
                                                         ratelimit::rate_class fallback) {
  const std::string text = config.get(key);
  if (text.empty()) {
    return fallback;
  }
  auto parsed = ratelimit::parse_rate_class(fallback.name, text);
  if (!parsed) {
    return make_unexpected(std::string(key) + ": " + parsed.error());
  }
  return std::move(*parsed);
}

}  // namespace

result<rate_limit_settings, std::string> read_rate_limit_settings(const rt::settings& config) {
  rate_limit_settings s;
  auto enabled = services::int_setting(config, "rate_limit_enabled", 1, 0, 1);
  if (!enabled) {
    return make_unexpected(enabled.error());
  }
  s.enabled = *enabled == 1;
  auto auth = class_setting(config, "rate_limit_auth", ratelimit::default_auth_class());
  auto admin = class_setting(config, "rate_limit_admin", ratelimit::default_admin_class());
  auto general = class_setting(config, "rate_limit_general", ratelimit::default_general_class());
  for (const auto* r : {&auth, &admin, &general}) {
    if (!*r) {
      return make_unexpected(r->error());
    }
  }
  s.auth = std::move(*auth);
  s.admin = std::move(*admin);
  s.general = std::move(*general);
  auto proxies = ratelimit::trusted_proxies::parse(config.get("trusted_proxies"));
  if (!proxies) {
    return make_unexpected("trusted_proxies: " + proxies.error());
  }
  s.proxies = std::move(*proxies);
  auto keys = services::int_setting(config, "rate_limit_memory_keys",
                                    static_cast<std::int64_t>(s.memory_keys), 1, 10'000'000);
  if (!keys) {
    return make_unexpected(keys.error());
  }
  s.memory_keys = static_cast<std::size_t>(*keys);
  return s;
}

limit_class class_of(std::string_view path) {
  // The credential endpoints, which guessing and credential stuffing go for; /auth/me is an
  // ordinary signed-in read and falls in the general class.
  if (path == "/auth/login" || path == "/auth/register" || path == "/auth/refresh" ||
      path == "/auth/logout") {
    return limit_class::auth;
  }
  if (path.starts_with("/admin/") || path == "/admin") {
    return limit_class::admin;
  }
  return limit_class::general;
}

struct rate_limiter::state {
  explicit state(std::size_t keys) : memory(keys), kv_breaker(kv_breaker_config()) {}
  ratelimit::memory_limiter memory;
  resilience::circuit_breaker kv_breaker;
  metrics::gauge* backend_redis = nullptr;
  metrics::gauge* backend_memory = nullptr;
  metrics::counter* fallbacks = nullptr;
  // rate_limit_decisions_total by [class][limited][memory], looked up once.
  metrics::counter* decisions[3][2][2] = {};
};

rate_limiter::rate_limiter(rt::runtime& rt, rate_limit_settings settings)
    : rt_(rt), settings_(std::move(settings)), state_(std::make_unique<state>(settings_.memory_keys)) {
  constexpr std::string_view backend_help =
      "1 for the backend rate-limit decisions go to now (redis or memory), else 0.";
  state_->backend_redis = &rt_.metrics.get_gauge("rate_limit_backend", backend_help, {{"backend", "redis"}});
  state_->backend_memory =
      &rt_.metrics.get_gauge("rate_limit_backend", backend_help, {{"backend", "memory"}});
  state_->fallbacks = &rt_.metrics.get_counter(
      "rate_limit_fallbacks_total", "Decisions made in memory because the kv (Redis) failed or its breaker was open.");
  const ratelimit::rate_class* classes[3] = {&settings_.auth, &settings_.admin, &settings_.general};
  for (int c = 0; c < 3; ++c) {
    for (int limited = 0; limited < 2; ++limited) {
      for (int memory = 0; memory < 2; ++memory) {
        state_->decisions[c][limited][memory] = &rt_.metrics.get_counter(
            "rate_limit_decisions_total", "Rate-limit decisions by class, outcome and backend.",
            {{"class", classes[c]->name},
             {"outcome", limited == 1 ? "limited" : "allowed"},
             {"backend", memory == 1 ? "memory" : "redis"}});
      }
    }
  }
  const bool redis = rt_.kv != nullptr;
  state_->backend_redis->set(redis ? 1 : 0);
  state_->backend_memory->set(redis ? 0 : 1);
  rt::runtime* runtime = &rt_;
  state* st = state_.get();
  state_->kv_breaker.set_listener([runtime, st](resilience::transition t, time_point) {
    const bool to_memory = t.to == resilience::breaker_state::open;
    if (to_memory || t.to == resilience::breaker_state::closed) {
      st->backend_redis->set(to_memory ? 0 : 1);
      st->backend_memory->set(to_memory ? 1 : 0);
      runtime->log.warn(to_memory ? "rate limiting falls back to memory: the kv is failing"
                                  : "rate limiting is back on the kv",
                        {{"from", std::string(resilience::to_string(t.from))},
                         {"to", std::string(resilience::to_string(t.to))}});
    }
  });
}

rate_limiter::rate_limiter(rate_limiter&&) noexcept = default;
rate_limiter::~rate_limiter() = default;

std::string rate_limiter::anonymous_subject(std::string_view peer, const http::headers& h) const {
  std::string forwarded;
  for (const auto& [name, value] : h.fields()) {
    if (http::iequals(name, "X-Forwarded-For")) {
      if (!forwarded.empty()) {
        forwarded += ", ";
      }
      forwarded += value;
    }
  }
  return ratelimit::ip_subject(ratelimit::client_ip(peer, forwarded, settings_.proxies));
}

std::string_view rate_limiter::backend() const {
  if (rt_.kv == nullptr || state_->kv_breaker.state() == resilience::breaker_state::open) {
    return "memory";
  }
  return "redis";
}

task<limit_decision> rate_limiter::admit(limit_class c, std::string subject) {
  const ratelimit::rate_class& cls = c == limit_class::auth    ? settings_.auth
                                     : c == limit_class::admin ? settings_.admin
                                                               : settings_.general;
  ratelimit::window_hit hit;
  hit.key = ratelimit::key_for(cls.name, subject);
  hit.limit = cls.limit;
  hit.window = cls.window;
  hit.now = rt_.clock.now();
  // The shadow: this gateway's own history, ready for the moment the kv fails.
  const ratelimit::verdict local = state_->memory.admit(hit);
  limit_decision d{local, &cls, "memory"};
  if (rt_.kv != nullptr) {
    const resilience::permit p = state_->kv_breaker.try_acquire(hit.now);
    if (p.admitted) {
      const time_point start = rt_.clock.now();
      auto remote = co_await rt_.kv->admit(hit);
      const time_point end = rt_.clock.now();
      if (remote) {
        state_->kv_breaker.on_success(p, end, end - start);
        d.verdict = *remote;
        d.backend = "redis";
      } else {
        state_->kv_breaker.on_failure(p, end, end - start);
      }
    }
    if (d.backend == "memory") {
      state_->fallbacks->inc();
    }
  }
  state_->decisions[static_cast<int>(c)][d.verdict.allowed ? 0 : 1][d.backend == "memory" ? 1 : 0]->inc();
  co_return d;
}

http::response too_many_requests(const limit_decision& d, const std::string& request_id) {
  auto r = http::error_response(429, "rate_limited", "too many requests; slow down", request_id);
  add_limit_headers(r, d);
  return r;
}

void add_limit_headers(http::response& r, const limit_decision& d) {
  ratelimit::set_rate_limit_headers(r.headers, *d.cls, d.verdict);
}

}  // namespace qm::gateway

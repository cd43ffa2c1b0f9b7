#include "services/gateway/service.hpp"

#include "core/config/service_config.hpp"
#include "core/token/jwt.hpp"
#include "services/common/settings.hpp"
#include "services/gateway/routes.hpp"

namespace qm::gateway {

result<gateway_settings, std::string> read_settings(const rt::settings& config) {
  gateway_settings s;
  auto timeout_ms = services::int_setting(config, "upstream_timeout_ms", 2000, 1, 60'000);
  if (!timeout_ms) {
    return make_unexpected(timeout_ms.error());
  }
  s.upstream_timeout = ms(*timeout_ms);
  auto secret = services::context_secret_setting(config);
  if (!secret) {
    return make_unexpected(secret.error());
  }
  s.context_secret = std::move(*secret);
  auto ttl = services::int_setting(config, "auth_cache_ttl_s", 30, 0, 300);
  if (!ttl) {
    return make_unexpected(ttl.error());
  }
  s.auth_cache_ttl_s = *ttl;
  auto entries = services::int_setting(config, "auth_cache_entries", 100'000, 1, 10'000'000);
  if (!entries) {
    return make_unexpected(entries.error());
  }
  s.auth_cache_entries = *entries;
  auto negative_ttl = services::int_setting(config, "auth_negative_cache_ttl_s", 5, 0, 60);
  if (!negative_ttl) {
    return make_unexpected(negative_ttl.error());
  }
  s.auth_negative_cache_ttl_s = *negative_ttl;
  s.token_secret = config.get("token_secret");
  if (!s.token_secret.empty() && (s.token_secret.size() < token::min_secret_bytes ||
                                   config::is_placeholder_secret(s.token_secret))) {
    return make_unexpected(
        "token_secret (for the gateway's auth fallback) must be auth's real secret, at least " +
        std::to_string(token::min_secret_bytes) + " characters");
  }
  auto policy = services::upstream_policy_settings(config, s.upstream_timeout);
  if (!policy) {
    return make_unexpected(policy.error());
  }
  s.upstreams = std::move(*policy);
  auto limits = read_rate_limit_settings(config);
  if (!limits) {
    return make_unexpected(limits.error());
  }
  s.limits = std::move(*limits);
  auto cache_entries = services::int_setting(config, "stale_cache_entries", 1000, 0, 1'000'000);
  auto cache_age = services::int_setting(config, "stale_cache_max_age_s", 300, 1, 86'400);
  for (const auto* r : {&cache_entries, &cache_age}) {
    if (!*r) {
      return make_unexpected(r->error());
    }
  }
  s.catalogue.max_entries = static_cast<std::size_t>(*cache_entries);
  s.catalogue.max_stale = seconds(*cache_age);
  return s;
}

task<bool> gateway_service::start() {
  if (ctx_) {
    co_return true;
  }
  auto settings = read_settings(rt_.config);
  if (!settings) {
    rt_.log.error("gateway refuses to start: bad settings", {{"reason", settings.error()}});
    co_return false;
  }
  ctx_.emplace(gateway_context{
      rt_, *settings,
      token_cache(static_cast<std::size_t>(settings->auth_cache_entries), settings->auth_cache_ttl_s,
                  settings->auth_negative_cache_ttl_s),
      services::upstream_client(rt_, settings->context_secret, settings->upstreams),
      rate_limiter(rt_, settings->limits), stale_cache(settings->catalogue),
      metrics::counter_pairs(rt_.metrics, "gateway_upstream_requests_total",
                             "Requests forwarded, by upstream and outcome.", "upstream", "outcome"),
      metrics::counter_pairs(rt_.metrics, "auth_decisions_total",
                             "Authentication decisions at the gateway, by source.", "source", "outcome")});
  gateway_context* c = &*ctx_;
  observability_ = services::install_observability(
      rt_, {.calls = &ctx_->calls,
            .details = [c](json::object& o) {
              o["rate_limit_enabled"] = c->settings.limits.enabled;
              o["rate_limit_backend"] = c->limits.backend();
            },
            .public_facing = &ctx_->settings.limits.proxies});
  if (!observability_) {
    ctx_.reset();
    co_return false;
  }
  register_routes(rt_.routes, *ctx_);
  rt_.log.info("gateway started");
  co_return true;
}

}  // namespace qm::gateway

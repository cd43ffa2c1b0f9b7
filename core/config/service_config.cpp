#include "core/config/service_config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace qm::config {

namespace {

constexpr std::size_t min_secret_len = 32;

struct service_shape {
  std::string_view name;
  std::uint16_t port;
  bool has_database;
  std::vector<std::string_view> upstreams;
};

const std::vector<service_shape>& shapes() {
  static const std::vector<service_shape> all = {
      {"gateway", 8000, false, {"auth", "product", "cart", "order", "delivery", "notification"}},
      {"auth", 8001, true, {}},
      {"product", 8002, true, {}},
      {"cart", 8003, true, {"product"}},
      {"order", 8004, true, {"product", "cart", "delivery", "notification"}},
      {"delivery", 8005, true, {"order", "notification"}},
      {"notification", 8006, false, {}},
  };
  return all;
}

const service_shape* shape_of(std::string_view service) {
  for (const auto& s : shapes()) {
    if (s.name == service) {
      return &s;
    }
  }
  return nullptr;
}

option_spec context_secret_option() {
  return {"context-secret", "context_secret",
          "HMAC key the gateway signs the caller's identity with and services verify it with "
          "(at least 32 characters, the same for every service)",
          "", true, true, ""};
}

option_spec db_timeout_option() {
  return {"db-timeout-ms", "db_timeout_ms", "deadline of each database transaction", "2000", false, false, ""};
}

option_spec upstream_timeout_option() {
  return {"upstream-timeout-ms", "upstream_timeout_ms", "deadline of each call to another service", "2000", false, false, ""};
}

// Every service that calls another: its breaker, retries and bulkhead per upstream
// (services/common/upstream_client.hpp, docs/resilience.md).
std::vector<option_spec> resilience_options() {
  return {
      {"breaker-failures", "breaker_failures", "consecutive failures that open an upstream's breaker (0: rule off)", "5", false, false, ""},
      {"breaker-failure-rate-percent", "breaker_failure_rate_percent", "failure rate over the window that opens the breaker (101: rule off)", "50", false, false, ""},
      {"breaker-window-calls", "breaker_window_calls", "calls in the breaker's sliding window", "50", false, false, ""},
      {"breaker-min-calls", "breaker_min_calls", "calls in the window before the rate is judged", "20", false, false, ""},
      {"breaker-open-ms", "breaker_open_ms", "how long an open breaker refuses before probing", "5000", false, false, ""},
      {"breaker-half-open-probes", "breaker_half_open_probes", "probe calls a half-open breaker admits at once (and successes that close it)", "3", false, false, ""},
      {"retry-max-attempts", "retry_max_attempts", "attempts of a call that is safe to repeat (1: no retries)", "3", false, false, ""},
      {"retry-base-ms", "retry_base_ms", "backoff base before the first retry (full jitter, doubling)", "25", false, false, ""},
      {"retry-cap-ms", "retry_cap_ms", "longest backoff between attempts", "1000", false, false, ""},
      {"retry-budget-percent", "retry_budget_percent", "retries allowed per upstream, as a share of its requests over 10 s", "20", false, false, ""},
      {"retry-budget-min-per-s", "retry_budget_min_per_s", "retries per second always allowed, however few the requests", "3", false, false, ""},
      {"bulkhead-max-concurrent", "bulkhead_max_concurrent", "calls in flight per upstream; more fail at once with 503", "256", false, false, ""},
  };
}

std::vector<option_spec> with_resilience(std::vector<option_spec> options) {
  for (auto& o : resilience_options()) {
    options.push_back(std::move(o));
  }
  return options;
}

std::vector<option_spec> service_options(std::string_view service) {
  if (service == "auth") {
    return {
        {"token-secret", "token_secret", "HMAC key for access and refresh tokens (at least 32 characters)", "", true, true, ""},
        context_secret_option(),
        {"admin-email", "admin_email", "email of the bootstrap administrator, created at start if missing", "", false, false, ""},
        {"admin-password", "admin_password", "password of the bootstrap administrator (at least 32 characters; set only when it is created)", "", false, true, ""},
        {"scrypt-n", "scrypt_n", "scrypt cost N for password hashes (a power of two)", "16384", false, false, ""},
        {"access-ttl-s", "access_ttl_s", "access token lifetime in seconds", "900", false, false, ""},
        {"refresh-ttl-s", "refresh_ttl_s", "refresh token lifetime in seconds", "2592000", false, false, ""},
        {"token-leeway-s", "token_leeway_s", "clock leeway when checking token times, in seconds", "30", false, false, ""},
        db_timeout_option(),
    };
  }
  if (service == "gateway") {
    return with_resilience({
        context_secret_option(),
        upstream_timeout_option(),
        {"auth-cache-ttl-s", "auth_cache_ttl_s", "how long an introspected token is trusted without asking auth again (0: always ask)", "30", false, false, ""},
        {"auth-cache-entries", "auth_cache_entries", "introspected tokens remembered at most", "100000", false, false, ""},
        {"auth-negative-cache-ttl-s", "auth_negative_cache_ttl_s", "how long a token auth called inactive is refused without asking again (0: always ask)", "5", false, false, ""},
        {"token-secret", "token_secret", "auth's token secret; with it the gateway verifies tokens itself while auth is unreachable (revocation unseen then); empty: 503 instead", "", false, true, ""},
        // secret: the URL may carry a password. Empty: rate limits are kept in this process.
        {"redis-url", "", "Redis for rate limits shared by gateway replicas (redis://[:PASSWORD@]HOST:PORT[/DB]; empty: in-memory limits)", "", false, true, ""},
        {"rate-limit-enabled", "rate_limit_enabled", "1: limit requests per user or client address; 0: off", "1", false, false, ""},
        {"rate-limit-auth", "rate_limit_auth", "limit of /auth/login, register, refresh and logout (LIMIT/WINDOW, e.g. 20/1m)", "20/1m", false, false, ""},
        {"rate-limit-admin", "rate_limit_admin", "limit of /admin/* routes", "50/1m", false, false, ""},
        {"rate-limit-general", "rate_limit_general", "limit of every other route (health and metrics are not limited)", "100/1m", false, false, ""},
        {"rate-limit-memory-keys", "rate_limit_memory_keys", "keys the in-memory limiter (and Redis fallback) keeps at most", "100000", false, false, ""},
        {"stale-cache-entries", "stale_cache_entries", "catalogue answers kept to serve while product is down (0: off)", "1000", false, false, ""},
        {"stale-cache-max-age-s", "stale_cache_max_age_s", "oldest catalogue answer served while product is down", "300", false, false, ""},
        {"trusted-proxies", "trusted_proxies", "addresses and CIDRs of proxies whose X-Forwarded-For is believed (comma list)", "", false, false, ""},
        {"metrics-allowed-cidrs", "metrics_allowed_cidrs", "client addresses and CIDRs that may read /metrics, /metrics/prometheus and /health/detailed (others get 404)", std::string(default_metrics_allowed_cidrs), false, false, ""},
    });
  }
  if (service == "product") {
    return {
        context_secret_option(),
        db_timeout_option(),
        {"reservation-ttl-s", "reservation_ttl_s", "how long unconfirmed stock reservations are held", "600", false, false, ""},
        {"reservation-sweep-ms", "reservation_sweep_ms", "interval of the sweep that releases expired reservations", "1000", false, false, ""},
    };
  }
  if (service == "cart") {
    return with_resilience({context_secret_option(), db_timeout_option(), upstream_timeout_option()});
  }
  if (service == "order") {
    return with_resilience({
        context_secret_option(),
        db_timeout_option(),
        upstream_timeout_option(),
        {"payment-failure-permille", "payment_failure_permille", "simulated payment: declines per thousand payments", "0", false, false, ""},
        {"payment-latency-ms", "payment_latency_ms", "simulated payment: time a payment takes", "0", false, false, ""},
        {"checkout-lease-s", "checkout_lease_s", "age after which an unfinished checkout is compensated", "30", false, false, ""},
        {"outbox-interval-ms", "outbox_interval_ms", "interval of the outbox dispatcher (0: off)", "250", false, false, ""},
        {"outbox-batch", "outbox_batch", "outbox messages sent per dispatcher round", "50", false, false, ""},
        {"outbox-max-attempts", "outbox_max_attempts", "attempts before an outbox message is given up (and logged)", "10", false, false, ""},
    });
  }
  if (service == "delivery") {
    return with_resilience({
        context_secret_option(),
        db_timeout_option(),
        upstream_timeout_option(),
        {"store-lat", "store_lat", "latitude of the store orders are picked up from", "12.9716", false, false, ""},
        {"store-lon", "store_lon", "longitude of the store orders are picked up from", "77.5946", false, false, ""},
        {"partner-speed-mps", "partner_speed_mps", "partner travel speed for ETAs, metres per second", "5", false, false, ""},
        {"waiting-sweep-ms", "waiting_sweep_ms", "interval of the sweep that gives waiting orders to free partners (0: off)", "2000", false, false, ""},
    });
  }
  if (service == "notification") {
    return {
        context_secret_option(),
        {"outbox-capacity", "outbox_capacity", "notifications waiting to be sent (more are refused)", "10000", false, false, ""},
        {"drain-interval-ms", "drain_interval_ms", "interval between outbox sends", "100", false, false, ""},
        {"drain-batch", "drain_batch", "notifications sent per round", "1000", false, false, ""},
        {"max-users", "max_users", "users whose settings and delivery log are kept in memory", "100000", false, false, ""},
    };
  }
  return {};
}

bool parse_u64(std::string_view text, std::uint64_t& out) {
  if (text.empty()) {
    return false;
  }
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::string env_name(std::string_view option_name) {
  std::string out = "QUICKMART_";
  for (char c : option_name) {
    out.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

std::string env_name(const option_spec& o) { return o.env.empty() ? env_name(o.name) : o.env; }

std::vector<std::string> upstreams_of(std::string_view service) {
  const auto* shape = shape_of(service);
  if (shape == nullptr) {
    return {};
  }
  return {shape->upstreams.begin(), shape->upstreams.end()};
}

std::vector<option_spec> options_for(std::string_view service) {
  const auto* shape = shape_of(service);
  if (shape == nullptr) {
    return {};
  }
  std::vector<option_spec> out;
  out.push_back({"listen", "", "HOST:PORT to listen on", "0.0.0.0:" + std::to_string(shape->port), false, false, ""});
  if (shape->has_database) {
    out.push_back({"storage", "", "the service's own database: postgres:URL (or a postgresql:// URL) or sqlite:PATH",
                   "", true, true, "QUICKMART_DATABASE_URL"});
    out.push_back({"db-pool-size", "", "PostgreSQL connections in the pool", "4", false, false, ""});
  }
  for (auto upstream : shape->upstreams) {
    out.push_back({std::string(upstream) + "-url", "", "base URL of the " + std::string(upstream) + " service (http://HOST:PORT)",
                   "", true, false, ""});
  }
  for (auto& o : service_options(service)) {
    out.push_back(std::move(o));
  }
  if (!shape->upstreams.empty()) {
    // No default shown: each service has its own (services/common/observability.hpp).
    out.push_back({"ready-upstreams", "ready_upstreams",
                   "upstreams /health/ready requires to answer (comma list, or none; default: the service's hard dependencies)",
                   "", false, false, ""});
  }
  out.push_back({"max-body-bytes", "", "largest request body accepted (413 beyond)", "1048576", false, false, ""});
  out.push_back({"max-connections", "", "concurrent client connections (more are refused)", "1024", false, false, ""});
  out.push_back({"header-timeout-ms", "", "time a client has to send a request's headers", "10000", false, false, ""});
  out.push_back({"request-timeout-ms", "", "deadline of a request's handling", "10000", false, false, ""});
  out.push_back({"shutdown-timeout-ms", "", "time in-flight requests get to finish on SIGTERM", "10000", false, false, ""});
  out.push_back({"log-level", "", "debug, info, warn or error", "info", false, false, ""});
  out.push_back({"access-log", "", "1: one info line per request answered (status, duration, ids); 0: off", "1", false, false, ""});
  out.push_back({"request-metrics", "", "1: http_requests_total and the other per-request series; 0: off", "1", false, false, ""});
  return out;
}

std::string help_text(std::string_view service) {
  std::string out = "usage: quickmart serve " + std::string(service) + " [--OPTION VALUE]...\n\n";
  out += "Every option is also read from its environment variable; a flag wins over the environment.\n";
  out += "Secrets belong in the environment (flags show up in process listings).\n\n";
  for (const auto& o : options_for(service)) {
    std::string line = "  --" + o.name;
    line.resize(std::max<std::size_t>(line.size() + 1, 26), ' ');
    line += env_name(o);
    out += line + "\n      " + o.help;
    if (o.required) {
      out += " (required)";
    } else if (!o.default_value.empty()) {
      out += " (default: " + o.default_value + ")";
    }
    out += "\n";
  }
  return out;
}

bool has_placeholder_marker(std::string_view value) {
  const std::string v = lower(value);
  for (std::string_view marker : {"change", "placeholder", "replace", "example", "<", ">", "xxxx", "todo", "your-", "your_"}) {
    if (v.find(marker) != std::string::npos) {
      return true;
    }
  }
  return false;
}

bool is_placeholder_secret(std::string_view value) {
  return value.size() < min_secret_len || has_placeholder_marker(value);
}

std::string_view password_in(std::string_view connection) {
  if (const auto scheme_end = connection.find("://"); scheme_end != std::string_view::npos) {
    const auto start = scheme_end + 3;
    const auto authority_end = connection.find_first_of("/?#", start);
    const auto authority = connection.substr(start, authority_end == std::string_view::npos ? std::string_view::npos
                                                                                           : authority_end - start);
    const auto at = authority.rfind('@');  // the last '@': an unescaped '@' in a password stays in it
    if (at == std::string_view::npos) {
      return {};
    }
    const auto userinfo = authority.substr(0, at);
    const auto colon = userinfo.find(':');
    return colon == std::string_view::npos ? std::string_view() : userinfo.substr(colon + 1);
  }
  constexpr std::string_view key = "password=";
  for (auto at = connection.find(key); at != std::string_view::npos; at = connection.find(key, at + 1)) {
    if (at == 0 || connection[at - 1] == ' ') {
      const auto start = at + key.size();
      const auto end = connection.find(' ', start);
      return connection.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    }
  }
  return {};
}

result<storage_target, std::string> parse_storage(std::string_view text) {
  if (text.starts_with("sqlite:")) {
    auto path = text.substr(7);
    if (path.empty()) {
      return make_unexpected(std::string("sqlite: needs a file path (sqlite:/var/lib/quickmart/auth.db)"));
    }
    return storage_target{storage_kind::sqlite, std::string(path)};
  }
  if (text.starts_with("postgresql://") || text.starts_with("postgres://")) {
    return storage_target{storage_kind::postgres, std::string(text)};
  }
  if (text.starts_with("postgres:")) {
    auto url = text.substr(9);
    if (url.empty()) {
      return make_unexpected(std::string("postgres: needs a connection URL"));
    }
    return storage_target{storage_kind::postgres, std::string(url)};
  }
  return make_unexpected(std::string("must be postgres:URL, a postgresql:// URL or sqlite:PATH"));
}

result<listen_address, std::string> parse_listen(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return make_unexpected(std::string("must be HOST:PORT"));
  }
  std::uint64_t port = 0;
  if (!parse_u64(text.substr(colon + 1), port) || port > 65535) {
    return make_unexpected(std::string("port must be a number from 0 to 65535"));
  }
  std::string host(text.substr(0, colon));
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);  // [::1]:8000
  }
  return listen_address{host, static_cast<std::uint16_t>(port)};
}

namespace {

unexpected<config_error> fail(const option_spec& o, const std::string& why) {
  return make_unexpected(config_error{"--" + o.name + " / " + env_name(o) + ": " + why});
}

result<std::uint32_t, config_error> bounded(const option_spec& o, const std::string& v, std::uint64_t lo,
                                            std::uint64_t hi) {
  std::uint64_t n = 0;
  if (!parse_u64(v, n) || n < lo || n > hi) {
    return fail(o, "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
  }
  return static_cast<std::uint32_t>(n);
}

bool valid_upstream_url(std::string_view url) {
  if (!url.starts_with("http://")) {
    return false;
  }
  auto rest = url.substr(7);
  while (!rest.empty() && rest.back() == '/') {
    rest.remove_suffix(1);
  }
  return rest.find('/') == std::string_view::npos && parse_listen(rest).ok();
}

}  // namespace

result<service_config, config_error> resolve(std::string_view service,
                                             const std::map<std::string, std::string>& environment,
                                             const std::vector<std::string>& args) {
  if (shape_of(service) == nullptr) {
    return make_unexpected(config_error{"unknown service '" + std::string(service) + "'"});
  }
  const auto options = options_for(service);
  std::map<std::string, std::string> values;  // option name -> value
  for (const auto& o : options) {
    if (auto it = environment.find(env_name(o)); it != environment.end()) {
      values[o.name] = it->second;
    }
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (!a.starts_with("--")) {
      return make_unexpected(config_error{"unexpected argument '" + std::string(a) + "'"});
    }
    std::string name(a.substr(2));
    std::string value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
      has_value = true;
    }
    const auto o = std::find_if(options.begin(), options.end(), [&](const option_spec& s) { return s.name == name; });
    if (o == options.end()) {
      return make_unexpected(config_error{"unknown option --" + name + " for " + std::string(service) +
                                         " (see quickmart serve " + std::string(service) + " --help)"});
    }
    if (!has_value) {
      if (i + 1 >= args.size()) {
        return fail(*o, "needs a value");
      }
      value = args[++i];
    }
    values[name] = value;
  }

  service_config cfg;
  cfg.service = std::string(service);
  for (const auto& o : options) {
    auto it = values.find(o.name);
    if (it == values.end() || it->second.empty()) {
      if (o.required) {
        return fail(o, "is required");
      }
      if (o.default_value.empty()) {
        continue;
      }
      it = values.emplace(o.name, o.default_value).first;
    }
    const std::string& v = it->second;
    // A connection URL is a secret because of its password, which is judged alone (and never
    // echoed): a copied template's database or Redis password must not reach production.
    const bool connection_url = o.name == "storage" || o.name == "redis-url";
    if (o.secret && connection_url && has_placeholder_marker(password_in(v))) {
      return fail(o, "its password is still a placeholder; set a real one");
    }
    if (o.secret && !connection_url && is_placeholder_secret(v)) {
      return fail(o, v.size() < min_secret_len ? "is shorter than " + std::to_string(min_secret_len) + " characters"
                                               : "is still a placeholder; set a real secret");
    }
    if (o.name == "listen") {
      auto l = parse_listen(v);
      if (!l) {
        return fail(o, l.error());
      }
      cfg.listen = *l;
    } else if (o.name == "storage") {
      auto s = parse_storage(v);
      if (!s) {
        return fail(o, s.error());  // the message never repeats the value: it may hold a password
      }
      cfg.storage = *s;
    } else if (o.name == "redis-url") {
      if (!v.starts_with("redis://")) {
        return fail(o, "must be redis://[:PASSWORD@]HOST:PORT[/DB]");  // the value may hold a password
      }
      cfg.redis_url = v;
    } else if (o.name.ends_with("-url")) {
      if (!valid_upstream_url(v)) {
        return fail(o, "must be http://HOST:PORT (got '" + v + "')");
      }
      std::string url = v;
      while (url.back() == '/') {
        url.pop_back();
      }
      cfg.upstreams[o.name.substr(0, o.name.size() - 4)] = url;
    } else if (o.name == "max-body-bytes") {
      auto n = bounded(o, v, 1, 64ULL * 1024 * 1024);
      if (!n) return make_unexpected(n.error());
      cfg.max_body_bytes = *n;
    } else if (o.name == "max-connections") {
      auto n = bounded(o, v, 1, 100'000);
      if (!n) return make_unexpected(n.error());
      cfg.max_connections = *n;
    } else if (o.name == "header-timeout-ms" || o.name == "request-timeout-ms" || o.name == "shutdown-timeout-ms") {
      auto n = bounded(o, v, 1, 3'600'000);
      if (!n) return make_unexpected(n.error());
      (o.name == "header-timeout-ms" ? cfg.header_timeout_ms
       : o.name == "request-timeout-ms" ? cfg.request_timeout_ms
                                         : cfg.shutdown_timeout_ms) = *n;
    } else if (o.name == "db-pool-size") {
      auto n = bounded(o, v, 1, 256);
      if (!n) return make_unexpected(n.error());
      cfg.db_pool_size = *n;
    } else if (o.name == "log-level") {
      if (v != "debug" && v != "info" && v != "warn" && v != "error") {
        return fail(o, "must be debug, info, warn or error");
      }
      cfg.log_level = v;
    } else if (o.name == "access-log" || o.name == "request-metrics") {
      if (v != "0" && v != "1") {
        return fail(o, "must be 0 or 1");
      }
      (o.name == "access-log" ? cfg.access_log : cfg.request_metrics) = v == "1";
    } else if (!o.setting.empty()) {
      cfg.settings[o.setting] = v;  // the service validates its own settings at start
    }
  }
  return cfg;
}

}  // namespace qm::config

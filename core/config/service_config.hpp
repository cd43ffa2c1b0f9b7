#pragma once
// Configuration of one production service process (12-factor): every option is an environment
// variable QUICKMART_<NAME> mirrored by a flag --<name>, and a flag wins over the environment.
// Pure logic: the caller hands in the environment and the arguments, so this parses and
// validates without touching the process (and tests can feed it anything).

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.hpp"

namespace qm::config {

// One option as a user sees it in --help.
struct option_spec {
  std::string name;     // "token-secret": flag --token-secret, variable QUICKMART_TOKEN_SECRET
  std::string setting;  // key handed to the service through rt::settings ("token_secret"), "" if none
  std::string help;
  std::string default_value;  // "" = no default
  bool required = false;
  bool secret = false;  // never printed, refused while still a placeholder
  std::string env;      // the variable, when it is not QUICKMART_<NAME> (e.g. QUICKMART_DATABASE_URL)
};

std::string env_name(std::string_view option_name);  // "token-secret" -> "QUICKMART_TOKEN_SECRET"
std::string env_name(const option_spec& o);          // o.env when set, else env_name(o.name)

enum class storage_kind { none, postgres, sqlite };

struct storage_target {
  storage_kind kind = storage_kind::none;
  std::string location;  // postgres: the connection URL; sqlite: the file path
};

struct listen_address {
  std::string host;
  std::uint16_t port = 0;
};

// What a service process runs with, fully validated.
struct service_config {
  std::string service;
  listen_address listen;
  storage_target storage;
  std::map<std::string, std::string> upstreams;  // "auth" -> "http://127.0.0.1:8001"
  std::string redis_url;  // gateway: Redis for rate limits ("" = in-memory); may hold a password
  std::map<std::string, std::string> settings;   // handed to the service as rt::settings
  // Server and runtime limits.
  std::uint64_t max_body_bytes = 1024 * 1024;
  std::uint32_t max_connections = 1024;
  std::uint32_t header_timeout_ms = 10'000;
  std::uint32_t request_timeout_ms = 10'000;
  std::uint32_t shutdown_timeout_ms = 10'000;
  std::uint32_t db_pool_size = 4;
  std::string log_level = "info";
  bool access_log = true;       // an info line per request answered
  bool request_metrics = true;  // the http_request* series
};

// Who may read the gateway's metrics and detailed health unless metrics_allowed_cidrs says
// otherwise: loopback and the private ranges (RFC 1918, IPv6 unique-local).
inline constexpr std::string_view default_metrics_allowed_cidrs =
    "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7";

// The services a service calls, by name, in a fixed order ({} for an unknown service).
std::vector<std::string> upstreams_of(std::string_view service);

// The options a service accepts, in --help order.
std::vector<option_spec> options_for(std::string_view service);
// The --help text for `quickmart serve <service>`.
std::string help_text(std::string_view service);

struct config_error {
  std::string message;  // names the flag and the variable, never a secret's value
};

// Resolves the configuration from the environment and the arguments after the service name.
result<service_config, config_error> resolve(std::string_view service,
                                             const std::map<std::string, std::string>& environment,
                                             const std::vector<std::string>& args);

// True for values that are evidently not a real secret: empty, short, or a template's
// placeholder ("change-me", "<secret>", "REPLACE_ME", ...). Services refuse to start with one.
bool is_placeholder_secret(std::string_view value);
// True when value carries a template's placeholder marker, whatever its length. A connection
// URL's password is judged by this alone: a short password on a local database is legitimate,
// a copied .env.template's "change-me" never is.
bool has_placeholder_marker(std::string_view value);
// The password of a connection string: the user information of a URL
// ("postgresql://user:PASS@host/db", "redis://:PASS@host:6379") or the password= of a
// keyword/value string ("host=db password=PASS"); "" when there is none.
std::string_view password_in(std::string_view connection);

// Parses "postgres:URL", "postgresql://...", "postgres://..." or "sqlite:PATH".
result<storage_target, std::string> parse_storage(std::string_view text);
result<listen_address, std::string> parse_listen(std::string_view text);

}  // namespace qm::config

#include "runtime/postgres/connection_url.hpp"

#include <algorithm>
#include <chrono>

#include "core/config/service_config.hpp"

namespace qm::rt::postgres {

namespace {

bool is_uri(std::string_view url) {
  return url.starts_with("postgres://") || url.starts_with("postgresql://");
}

}  // namespace

std::string with_connect_timeout(std::string_view url, duration timeout) {
  std::string out(url);
  if (out.find("connect_timeout") != std::string::npos) {
    return out;
  }
  // libpq counts whole seconds and treats values below 2 as 2.
  const auto timeout_s =
      std::max<std::int64_t>(2, std::chrono::ceil<std::chrono::seconds>(timeout).count());
  if (is_uri(url)) {
    out += out.find('?') == std::string::npos ? '?' : '&';
  } else if (!out.empty()) {
    out += ' ';
  }
  out += "connect_timeout=" + std::to_string(timeout_s);
  return out;
}

std::string password_of(std::string_view url) {
  // One reading of a connection string's password for the whole project: configuration refuses
  // a placeholder with it, and errors are redacted with it here.
  return std::string(config::password_in(url));
}

std::string redact(std::string message, std::string_view secret) {
  if (secret.empty()) {
    return message;
  }
  std::size_t at = message.find(secret);
  // Each replacement moves past the stars, so the loop ends within message.size() steps.
  while (at != std::string::npos) {
    message.replace(at, secret.size(), "***");
    at = message.find(secret, at + 3);
  }
  return message;
}

}  // namespace qm::rt::postgres

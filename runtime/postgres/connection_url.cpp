#include "runtime/postgres/connection_url.hpp"

#include <algorithm>
#include <chrono>

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
  if (is_uri(url)) {
    const std::size_t start = url.find("://") + 3;
    const std::size_t at = url.find('@', start);
    if (at == std::string_view::npos) {
      return {};
    }
    const std::string_view userinfo = url.substr(start, at - start);
    const std::size_t colon = userinfo.find(':');
    return colon == std::string_view::npos ? std::string() : std::string(userinfo.substr(colon + 1));
  }
  const std::size_t key = url.find("password=");
  if (key == std::string_view::npos) {
    return {};
  }
  const std::size_t start = key + 9;
  const std::size_t end = url.find(' ', start);
  return std::string(url.substr(start, end == std::string_view::npos ? url.size() - start : end - start));
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

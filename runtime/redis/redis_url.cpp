#include "runtime/redis/redis_url.hpp"

#include <charconv>

#include "core/crypto/encoding.hpp"

namespace qm::rt::redis {

namespace {

constexpr std::uint32_t max_db = 1'000'000;  // Redis' default is 16 databases; anything near this is a typo

bool parse_uint(std::string_view text, std::uint64_t max, std::uint64_t& out) {
  if (text.empty()) {
    return false;
  }
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && out <= max;
}

// Decodes %XX escapes; false on a malformed escape.
bool percent_decode(std::string_view in, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    const auto byte = i + 2 < in.size() ? crypto::hex_decode(in.substr(i + 1, 2)) : std::nullopt;
    if (!byte) {
      return false;
    }
    out += *byte;
    i += 2;
  }
  return true;
}

}  // namespace

result<redis_url, std::string> parse_redis_url(std::string_view text) {
  constexpr std::string_view scheme = "redis://";
  if (!text.starts_with(scheme)) {
    return make_unexpected(std::string("must start with redis:// (redis://HOST:PORT[/DB])"));
  }
  std::string_view rest = text.substr(scheme.size());
  redis_url url;
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const auto colon = userinfo.find(':');
    const std::string_view user = userinfo.substr(0, colon);
    const std::string_view password = colon == std::string_view::npos ? std::string_view() : userinfo.substr(colon + 1);
    if (!percent_decode(user, url.user) || !percent_decode(password, url.password)) {
      return make_unexpected(std::string("bad %-escape in the user or password"));
    }
    if (url.password.empty() && !url.user.empty()) {
      // redis://secret@host: a lone userinfo is the password, as redis-cli reads it.
      url.password = std::move(url.user);
      url.user.clear();
    }
  }
  std::string_view hostport = rest;
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    hostport = rest.substr(0, slash);
    std::string_view db = rest.substr(slash + 1);
    while (!db.empty() && db.back() == '/') {
      db.remove_suffix(1);
    }
    std::uint64_t n = 0;
    if (!db.empty() && !parse_uint(db, max_db, n)) {
      return make_unexpected(std::string("the database after / must be a number"));
    }
    url.db = static_cast<std::uint32_t>(n);
  }
  std::string_view port_text;
  if (hostport.starts_with('[')) {
    const auto close = hostport.find(']');
    if (close == std::string_view::npos) {
      return make_unexpected(std::string("unclosed [ in the host"));
    }
    url.host = std::string(hostport.substr(1, close - 1));
    const std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        return make_unexpected(std::string("expected :PORT after the host"));
      }
      port_text = after.substr(1);
    }
  } else {
    const auto colon = hostport.rfind(':');
    url.host = std::string(hostport.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = hostport.substr(colon + 1);
    }
  }
  if (url.host.empty()) {
    return make_unexpected(std::string("needs a host"));
  }
  if (!port_text.empty()) {
    std::uint64_t port = 0;
    if (!parse_uint(port_text, 65535, port) || port == 0) {
      return make_unexpected(std::string("port must be a number from 1 to 65535"));
    }
    url.port = static_cast<std::uint16_t>(port);
  }
  return url;
}

std::string describe(const redis_url& url) {
  std::string out = url.host.find(':') == std::string::npos ? url.host : "[" + url.host + "]";
  out += ":" + std::to_string(url.port);
  if (url.db != 0) {
    out += "/" + std::to_string(url.db);
  }
  return out;
}

}  // namespace qm::rt::redis

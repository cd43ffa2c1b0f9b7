#include "runtime/asio/client/base_url.hpp"

#include <charconv>

namespace qm::rt {

namespace {

result<base_url, std::string> fail(std::string_view text, std::string_view why) {
  std::string message = "bad upstream URL '";
  message += text;
  message += "': ";
  message += why;
  return make_unexpected(std::move(message));
}

bool valid_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}

}  // namespace

result<base_url, std::string> parse_base_url(std::string_view text) {
  constexpr std::string_view scheme = "http://";
  if (text.substr(0, scheme.size()) != scheme) {
    return fail(text, "only http:// is supported");
  }
  std::string_view rest = text.substr(scheme.size());
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
  if (path.find_first_of("?#") != std::string_view::npos) {
    return fail(text, "a base URL has no query or fragment");
  }
  while (!path.empty() && path.back() == '/') {
    path.remove_suffix(1);
  }

  base_url out;
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return fail(text, "unclosed '[' in the host");
    }
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        return fail(text, "junk after the IPv6 address");
      }
      port_text = after.substr(1);
    }
    if (out.host.empty()) {
      return fail(text, "empty host");
    }
  } else {
    const std::size_t colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
    }
    if (out.host.empty()) {
      return fail(text, "empty host");
    }
    for (const char c : out.host) {
      if (!valid_host_char(c)) {
        return fail(text, "invalid character in the host");
      }
    }
  }
  if (authority.find('@') != std::string_view::npos) {
    return fail(text, "credentials in the URL are not supported");
  }
  if (!port_text.empty() || authority.ends_with(':')) {
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
      return fail(text, "the port must be a number from 1 to 65535");
    }
    out.port = static_cast<std::uint16_t>(port);
  }
  out.path_prefix = std::string(path);
  const bool ipv6 = out.host.find(':') != std::string::npos;
  out.host_header = ipv6 ? "[" + out.host + "]" : out.host;
  if (out.port != 80) {
    out.host_header += ':';
    out.host_header += std::to_string(out.port);
  }
  return out;
}

}  // namespace qm::rt

#pragma once
// base_url: where an upstream lives, parsed once from configuration ("http://host:port" with an
// optional path prefix). Only plain HTTP: TLS ends at the edge, not between services.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/result.hpp"

namespace qm::rt {

struct base_url {
  std::string host;         // as written, without IPv6 brackets: "127.0.0.1", "::1", "auth"
  std::uint16_t port = 80;  // 80 when the URL names none
  std::string path_prefix;  // "" or "/api" (no trailing slash), prepended to every target
  std::string host_header;  // the Host field value: "auth:8001", "[::1]:8001"
};

// Parses "http://host[:port][/prefix][/]". Returns a message naming what is wrong otherwise.
result<base_url, std::string> parse_base_url(std::string_view text);

}  // namespace qm::rt

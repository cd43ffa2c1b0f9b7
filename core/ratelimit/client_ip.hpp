#pragma once
// The client address an anonymous request is limited by. X-Forwarded-For is written by
// whoever sent the request, so it is believed only as far as a chain of configured proxies
// vouches for it: each proxy appends the address it received from, so walking the list from
// the right through trusted proxies ends at the first address no proxy of ours invented.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.hpp"

namespace qm::ratelimit {

// An IPv4 or IPv6 address. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is read as IPv4, so
// one client has one key whichever way a proxy wrote it.
struct ip_address {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4

  // Parses "a.b.c.d", an IPv6 address, "[v6]", "a.b.c.d:port" or "[v6]:port" (a port is
  // dropped); nullopt for anything else.
  static std::optional<ip_address> parse(std::string_view text);
  // Canonical text: dotted quad, or RFC 5952 IPv6 (lowercase, longest zero run as "::").
  std::string to_string() const;
  friend bool operator==(const ip_address&, const ip_address&) = default;
};

class trusted_proxies {
 public:
  // A bound on the configured list, so a setting cannot make every lookup slow.
  static constexpr std::size_t max_entries = 256;

  trusted_proxies() = default;  // trusts nobody: X-Forwarded-For is ignored
  // Parses a comma list of addresses and CIDRs: "10.0.0.0/8,::1, 192.168.1.7". Spaces around
  // entries are ignored; an empty text trusts nobody. The error names the bad entry.
  static result<trusted_proxies, std::string> parse(std::string_view text);

  bool contains(const ip_address& a) const;
  std::size_t size() const { return ranges_.size(); }

 private:
  struct range {
    ip_address base;  // host bits cleared
    int prefix_bits = 0;
  };
  std::vector<range> ranges_;
};

// The address to limit by: the peer, unless the peer is a trusted proxy; then the rightmost
// X-Forwarded-For entry that is not a trusted proxy. A malformed entry ends the walk at the
// last trusted hop (an entry past garbage cannot be vouched for). x_forwarded_for is every
// X-Forwarded-For field joined with ", " in order (as RFC 9110 combines repeated fields). The
// result is canonical text, or peer_addr as given when even that does not parse.
std::string client_ip(std::string_view peer_addr, std::string_view x_forwarded_for,
                      const trusted_proxies& proxies);

}  // namespace qm::ratelimit

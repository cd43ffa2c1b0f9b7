#include "core/ratelimit/client_ip.hpp"

#include <arpa/inet.h>  // inet_pton/inet_ntop: pure text conversion, no socket is opened

#include <algorithm>
#include <charconv>

#include "core/base/assert.hpp"

namespace qm::ratelimit {

namespace {

// At most this many X-Forwarded-For entries are examined: a longer chain than any deployment
// of ours has is treated like garbage (the walk ends at the last trusted hop).
constexpr int max_hops = 32;
// Longer than any address with brackets and port; longer text is garbage.
constexpr std::size_t max_address_chars = 64;
// ::ffff:0:0/96, where IPv6 writes IPv4 addresses.
constexpr std::array<std::uint8_t, 12> mapped_prefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

bool is_port(std::string_view s) {
  int port = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), port);
  return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size() && port >= 0 && port <= 65535;
}

// A plain dotted quad ("10.0.0.7": four decimals 0..255 without leading zeros), read without
// inet_pton's copy and call: every anonymous request's peer is one. False for anything else,
// which parse_bare leaves to inet_pton.
bool parse_dotted_quad(std::string_view text, ip_address& out) {
  std::size_t at = 0;
  for (std::size_t part = 0; part < 4; ++part) {
    if (part > 0) {
      if (at == text.size() || text[at] != '.') {
        return false;
      }
      ++at;
    }
    const std::size_t first = at;
    unsigned value = 0;
    while (at < text.size() && at - first < 3 && text[at] >= '0' && text[at] <= '9') {
      value = value * 10 + static_cast<unsigned>(text[at] - '0');
      ++at;
    }
    if (at == first || value > 255 || (text[first] == '0' && at - first > 1)) {
      return false;
    }
    out.bytes[part] = static_cast<std::uint8_t>(value);
  }
  return at == text.size();
}

// A bare address, no brackets or port.
std::optional<ip_address> parse_bare(std::string_view text) {
  if (text.empty() || text.size() >= max_address_chars) {
    return std::nullopt;
  }
  if (ip_address quad; parse_dotted_quad(text, quad)) {
    return quad;
  }
  char buf[max_address_chars];
  text.copy(buf, text.size());
  buf[text.size()] = '\0';
  ip_address a;
  if (inet_pton(AF_INET, buf, a.bytes.data()) == 1) {
    return a;
  }
  if (inet_pton(AF_INET6, buf, a.bytes.data()) != 1) {
    return std::nullopt;
  }
  a.v6 = true;
  if (std::equal(mapped_prefix.begin(), mapped_prefix.end(), a.bytes.begin())) {
    ip_address v4;
    std::copy(a.bytes.begin() + 12, a.bytes.end(), v4.bytes.begin());
    return v4;
  }
  return a;
}

// True when the first prefix_bits bits of a and b agree.
bool same_prefix(const ip_address& a, const ip_address& b, int prefix_bits) {
  int bits = prefix_bits;
  for (std::size_t i = 0; bits > 0; ++i) {
    const int take = std::min(bits, 8);
    const auto mask = static_cast<std::uint8_t>(0xff << (8 - take));
    if ((a.bytes[i] & mask) != (b.bytes[i] & mask)) {
      return false;
    }
    bits -= take;
  }
  return true;
}

}  // namespace

std::optional<ip_address> ip_address::parse(std::string_view text) {
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty() && (rest.front() != ':' || !is_port(rest.substr(1)))) {
      return std::nullopt;
    }
    auto a = parse_bare(text.substr(1, close - 1));
    if (!a || !a->v6) {
      return std::nullopt;  // brackets are for IPv6 only
    }
    return a;
  }
  const auto colon = text.find(':');
  if (colon != std::string_view::npos && text.find(':', colon + 1) == std::string_view::npos) {
    // One colon: IPv4 with a port (an IPv6 address has at least two).
    if (!is_port(text.substr(colon + 1))) {
      return std::nullopt;
    }
    auto a = parse_bare(text.substr(0, colon));
    if (!a || a->v6) {
      return std::nullopt;
    }
    return a;
  }
  return parse_bare(text);
}

std::string ip_address::to_string() const {
  if (!v6) {
    // inet_ntop formats IPv4 through a printf (~1,800 instructions); every anonymous request's
    // rate-limit subject is one of these, so the same four decimals are written here.
    // Four bytes of at most three digits each, and three dots: 15 characters. One more byte
    // of room, because GCC's link-time optimiser cannot see that bound and warns of a read past
    // 15 bytes.
    char quad[16];
    char* end = quad;
    for (std::size_t i = 0; i < 4; ++i) {
      if (i > 0) {
        *end++ = '.';
      }
      const auto written = std::to_chars(end, end + 3, bytes[i]);
      QM_ASSERT(written.ec == std::errc{});
      end = written.ptr;
    }
    return std::string(quad, end);
  }
  char buf[INET6_ADDRSTRLEN];
  const char* text = inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf);
  QM_ASSERT(text != nullptr);
  return std::string(text);
}

result<trusted_proxies, std::string> trusted_proxies::parse(std::string_view text) {
  trusted_proxies out;
  std::string_view rest = text;
  while (!trim(rest).empty()) {
    const auto comma = rest.find(',');
    const std::string_view entry = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    const std::string quoted = "trusted proxy \"" + std::string(entry) + "\"";
    if (entry.empty()) {
      return make_unexpected(std::string("trusted proxies: an empty entry between commas"));
    }
    if (out.ranges_.size() == max_entries) {
      return make_unexpected(std::string("trusted proxies: more than 256 entries; use CIDR ranges"));
    }
    const auto slash = entry.find('/');
    const auto address = parse_bare(entry.substr(0, slash));
    if (!address) {
      return make_unexpected(quoted + ": not an IPv4 or IPv6 address");
    }
    // An IPv4-mapped address (::ffff:a.b.c.d) reads as IPv4, but its prefix counts IPv6 bits.
    const bool written_v6 = entry.substr(0, slash).find(':') != std::string_view::npos;
    const int max_bits = written_v6 ? 128 : 32;
    int bits = max_bits;
    if (slash != std::string_view::npos) {
      const std::string_view len = entry.substr(slash + 1);
      const auto r = std::from_chars(len.data(), len.data() + len.size(), bits);
      if (len.empty() || r.ec != std::errc() || r.ptr != len.data() + len.size() || bits < 0 ||
          bits > max_bits) {
        return make_unexpected(quoted + ": the prefix length must be 0 to " + std::to_string(max_bits));
      }
    }
    range rg{*address, bits};
    if (written_v6 && !address->v6) {
      if (bits < 96) {
        return make_unexpected(quoted + ": an IPv4-mapped range needs a prefix of at least 96");
      }
      rg.prefix_bits = bits - 96;
    }
    ip_address cleared;
    cleared.v6 = rg.base.v6;
    for (int i = 0; i < rg.prefix_bits; ++i) {
      const auto byte = static_cast<std::size_t>(i / 8);
      cleared.bytes[byte] = static_cast<std::uint8_t>(cleared.bytes[byte] | (rg.base.bytes[byte] & (0x80 >> (i % 8))));
    }
    if (cleared != rg.base) {
      return make_unexpected(quoted + ": host bits are set; the range starts at " + cleared.to_string() +
                             "/" + std::to_string(rg.prefix_bits));
    }
    out.ranges_.push_back(rg);
  }
  return out;
}

bool trusted_proxies::contains(const ip_address& a) const {
  return std::any_of(ranges_.begin(), ranges_.end(), [&a](const range& rg) {
    return rg.base.v6 == a.v6 && same_prefix(rg.base, a, rg.prefix_bits);
  });
}

std::string client_ip(std::string_view peer_addr, std::string_view x_forwarded_for,
                      const trusted_proxies& proxies) {
  const auto peer = ip_address::parse(trim(peer_addr));
  if (!peer) {
    return std::string(peer_addr);
  }
  ip_address last_trusted = *peer;
  if (!proxies.contains(last_trusted)) {
    return last_trusted.to_string();
  }
  std::string_view rest = x_forwarded_for;
  for (int hop = 0; hop < max_hops && !trim(rest).empty(); ++hop) {
    const auto comma = rest.rfind(',');
    const std::string_view entry = trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    const auto hop_address = ip_address::parse(entry);
    if (!hop_address) {
      break;
    }
    if (!proxies.contains(*hop_address)) {
      return hop_address->to_string();
    }
    last_trusted = *hop_address;
  }
  return last_trusted.to_string();
}

}  // namespace qm::ratelimit

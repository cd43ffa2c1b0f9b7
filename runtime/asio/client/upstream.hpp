#pragma once
// upstream: what the client knows about one named upstream: its address, its pool, the
// resolved endpoints (numeric hosts at construction, names on first use, then cached) and its
// counters. Internal to the HTTP client.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "runtime/asio/client/base_url.hpp"
#include "runtime/asio/client/connection_pool.hpp"

namespace qm::rt::client_detail {

using endpoint_list = std::vector<boost::asio::ip::tcp::endpoint>;

struct call_counters {
  std::uint64_t calls = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t abandoned = 0;
  std::size_t live_calls = 0;
};

struct upstream {
  std::string name;
  base_url url;
  std::size_t max_header_bytes = 0;
  std::size_t max_body_bytes = 0;
  std::shared_ptr<connection_pool> pool;
  // Set once (numeric host at construction, or the first successful resolution), then only
  // read: connect operations in flight keep their own reference.
  std::shared_ptr<const endpoint_list> endpoints;
  // A name (not a numeric address) is resolved again after a failed connect: the service
  // behind it may have moved.
  bool numeric_host = false;
  call_counters counters;
};

}  // namespace qm::rt::client_detail

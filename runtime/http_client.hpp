#pragma once
// The runtime's HTTP client: one request to a named upstream ("auth", "product") with a
// deadline. Where the upstream lives is the runtime's business (a node in simulation, a
// configured base URL in production). A reply that arrives after the deadline is dropped.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/result.hpp"
#include "core/base/time.hpp"
#include "core/http/message.hpp"
#include "core/task/task.hpp"

namespace qm::rt {

enum class call_errc : std::uint8_t {
  timeout,           // no complete reply before the deadline
  connect_failed,    // nobody listening, partitioned, or the connection was refused
  connection_reset,  // the connection broke mid-request
  unknown_upstream,  // a name the runtime has no address for (a configuration bug)
  overloaded,        // the client's own bounded pool or queue is full, or a bulkhead's
  circuit_open,      // the caller's circuit breaker for the upstream is open: not even tried
};

std::string_view to_string(call_errc e);

struct call_error {
  call_errc code = call_errc::timeout;
  std::string message;
};

using call_result = result<http::response, call_error>;

class http_client {
 public:
  virtual ~http_client() = default;
  virtual task<call_result> request(std::string_view upstream, http::request req,
                                    time_point deadline) = 0;
};

}  // namespace qm::rt

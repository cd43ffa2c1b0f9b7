#include "runtime/http_client.hpp"
#include "runtime/logger.hpp"

namespace qm::rt {

std::string_view to_string(call_errc e) {
  switch (e) {
    case call_errc::timeout: return "timeout";
    case call_errc::connect_failed: return "connect_failed";
    case call_errc::connection_reset: return "connection_reset";
    case call_errc::unknown_upstream: return "unknown_upstream";
    case call_errc::overloaded: return "overloaded";
    case call_errc::circuit_open: return "circuit_open";
  }
  return "unknown";
}


}  // namespace qm::rt

#pragma once
// The runtime's key-value store (Redis in production, an in-memory store on virtual time in
// simulation), used for rate limiting. Every key has a TTL so nothing grows without bound.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/result.hpp"
#include "core/base/time.hpp"
#include "core/ratelimit/verdict.hpp"
#include "core/task/task.hpp"

namespace qm::rt {

enum class kv_errc : std::uint8_t { unavailable, timeout };

struct kv_error {
  kv_errc code = kv_errc::unavailable;
  std::string message;
};

template <typename T>
using kv_result = result<T, kv_error>;

class kv {
 public:
  virtual ~kv() = default;
  virtual task<kv_result<std::optional<std::string>>> get(std::string key) = 0;
  virtual task<kv_result<void>> set(std::string key, std::string value, duration ttl) = 0;
  // Adds delta to the integer at key (0 when absent) and returns the new value; a new key
  // gets ttl, an existing one keeps its expiry.
  virtual task<kv_result<std::int64_t>> incr(std::string key, std::int64_t delta, duration ttl) = 0;
  virtual task<kv_result<void>> del(std::string key) = 0;
  // One atomic sliding-window decision (see core/ratelimit/verdict.hpp): a Lua script run by
  // EVALSHA in Redis, the same algorithm on the in-memory map in the simulator.
  virtual task<kv_result<ratelimit::verdict>> admit(ratelimit::window_hit hit) = 0;
};

}  // namespace qm::rt

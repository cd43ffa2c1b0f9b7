#pragma once
// The in-memory sliding-window limiter: the embedded mode's limiter and the gateway's fallback
// while Redis is down. One sliding_log per key, the same decision the kv's admit makes.
//
// Keys are bounded (max_keys). A log whose newest entry has left its window is dropped lazily
// (the least recently used log is checked on every decision); when the map is full, the least
// recently used key is evicted. Eviction forgets that key's admitted timestamps, so its next
// request starts an empty log: eviction can only make the limiter more permissive for that key,
// never refuse a request the exact log would admit. The bound is still needed because keys are
// chosen by clients (an anonymous key per address, a user key per account): without it a flood
// of distinct keys would grow memory without limit. Memory is at most
// max_keys * (limit * 8 bytes + a node), and an active key is only evicted when more than
// max_keys keys were seen since it was last used, which is itself a flood.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/base/text_hash.hpp"
#include "core/base/time.hpp"
#include "core/ratelimit/sliding_log.hpp"
#include "core/ratelimit/verdict.hpp"

namespace qm::ratelimit {

struct memory_limiter_stats {
  std::uint64_t admitted = 0;
  std::uint64_t refused = 0;
  std::uint64_t expired = 0;  // logs dropped because every entry had left the window
  std::uint64_t evicted = 0;  // live logs dropped to make room (each made the limiter laxer)
};

class memory_limiter {
 public:
  static constexpr std::size_t default_max_keys = 100'000;

  explicit memory_limiter(std::size_t max_keys = default_max_keys);
  memory_limiter(const memory_limiter&) = delete;
  memory_limiter& operator=(const memory_limiter&) = delete;

  // Decides for hit.key at hit.now; no allocation when the key already has a log.
  verdict admit(const window_hit& hit);

  std::size_t size() const { return logs_.size(); }
  std::size_t max_keys() const { return max_keys_; }
  const memory_limiter_stats& stats() const { return stats_; }

 private:
  struct node {
    explicit node(std::int64_t limit) : log(limit) {}
    sliding_log log;
    time_point expires{};           // when the newest entry leaves the window
    const std::string* key = nullptr;  // the map's own key, for eviction
    node* newer = nullptr;          // recency list: head is the most recently used
    node* older = nullptr;
  };
  using map = std::unordered_map<std::string, node, text_hash, std::equal_to<>>;

  node& log_for(const window_hit& hit);
  void unlink(node& n);
  void push_front(node& n);
  void erase(node& n);
  void drop_oldest_if_expired(time_point now, const node* keep);

  std::size_t max_keys_;
  // Never iterated: eviction follows the recency list, so hash order cannot change a decision.
  map logs_;
  node* newest_ = nullptr;
  node* oldest_ = nullptr;
  memory_limiter_stats stats_;
};

}  // namespace qm::ratelimit

#pragma once
// How long `quickmart up` waits before restarting a child that exited on its own: doubling
// from first_ms to cap_ms, back to first_ms once a run lasted reset_after_ms (a child that
// crashes in a loop is restarted ever more slowly, one that crashed once after a long run is
// restarted at once). There is no give-up: like compose's `unless-stopped`, only an operator
// stops a child for good.

#include <cstdint>

namespace qm::up {

struct backoff_policy {
  std::int64_t first_ms = 250;
  std::int64_t cap_ms = 8'000;
  std::int64_t reset_after_ms = 30'000;
};

class restart_backoff {
 public:
  explicit restart_backoff(backoff_policy p = {}) : policy_(p) {}

  // The delay before the next start of a child whose last run lasted ran_for_ms.
  std::int64_t next_delay_ms(std::int64_t ran_for_ms);

 private:
  backoff_policy policy_;
  int doublings_ = 0;  // consecutive short runs so far, capped where the delay reaches cap_ms
};

}  // namespace qm::up

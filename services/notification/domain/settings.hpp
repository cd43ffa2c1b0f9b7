#pragma once
// The notification service's settings, read once at start.

#include <cstddef>
#include <string>

#include "core/base/result.hpp"
#include "core/base/time.hpp"
#include "runtime/runtime.hpp"

namespace qm::notification {

struct notification_settings {
  std::string context_secret;          // verifies the gateway's signed caller context
  std::size_t outbox_capacity = 10'000;  // events waiting to be sent, at most
  duration drain_interval = ms(100);   // pause between two drain batches
  std::size_t drain_batch = 1'000;     // events sent per batch, at most
  std::size_t max_users = 100'000;     // users whose preferences and log are stored
};

result<notification_settings, std::string> read_settings(const rt::settings& config);

}  // namespace qm::notification

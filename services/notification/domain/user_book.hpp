#pragma once
// What the service remembers per user, in memory only: channel preferences and the delivery
// log (the newest max_log_entries deliveries). Both are bounded: at most max_users users are
// stored. Beyond that bound a new user is served with the default preferences and nothing
// of theirs is stored (a PUT of settings is refused, deliveries are sent but not logged);
// users already stored keep working. Ordered maps keep every walk deterministic.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "services/notification/domain/events.hpp"
#include "services/notification/domain/preferences.hpp"

namespace qm::notification {

inline constexpr std::size_t max_log_entries = 100;

// One event as it was delivered to its user.
struct delivery {
  event what;
  std::vector<std::string> channels;  // where it was sent; empty when every channel is off
  std::string status;                 // "sent", or "skipped" when no channel is enabled
};

class user_book {
 public:
  explicit user_book(std::size_t max_users);

  // The user's preferences, or the defaults for a user not stored.
  preferences preferences_of(std::int64_t user_id) const;
  // Stores the user's preferences; false when the user is new and the bound is reached.
  bool set_preferences(std::int64_t user_id, preferences p);
  // Appends to the user's log, dropping the oldest entry past max_log_entries; false when
  // the user is new and the bound is reached (the delivery is not logged).
  bool record(delivery d);
  // The user's log, newest first.
  std::vector<delivery> newest_first(std::int64_t user_id) const;

  std::size_t users() const { return users_.size(); }
  std::size_t max_users() const { return max_users_; }

 private:
  struct user_state {
    preferences prefs;
    std::deque<delivery> log;  // oldest first
  };
  // The user's state, created if there is room; nullptr when the bound is reached.
  user_state* admit(std::int64_t user_id);

  std::map<std::int64_t, user_state> users_;
  std::size_t max_users_;
};

}  // namespace qm::notification

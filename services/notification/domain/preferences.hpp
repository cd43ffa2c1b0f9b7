#pragma once
// A user's notification channels: the defaults, the names of the enabled ones, and the body
// of PUT /notifications/settings.

#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.hpp"
#include "core/json/json.hpp"

namespace qm::notification {

// Which channels a user receives notifications on. New users get push only: the app is
// where an order is followed, and text messages and mail are opt-in.
struct preferences {
  bool push = true;
  bool sms = false;
  bool email = false;

  bool operator==(const preferences&) const = default;
};

// The enabled channels by name, in the fixed order push, sms, email.
std::vector<std::string> enabled_channels(const preferences& p);

// {"push":bool,"sms":bool,"email":bool}: all three, nothing else (a PUT replaces them all).
result<preferences, json::input_error> parse_preferences(std::string_view body);

// {"push","sms","email"}, written straight into its text (json::writer).
std::string preferences_body(const preferences& p);

}  // namespace qm::notification

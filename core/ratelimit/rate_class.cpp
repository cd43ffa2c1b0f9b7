#include "core/ratelimit/rate_class.hpp"

#include <charconv>

#include "core/ratelimit/sliding_log.hpp"

namespace qm::ratelimit {

rate_class default_auth_class() { return rate_class{"auth", 20, seconds(60)}; }
rate_class default_admin_class() { return rate_class{"admin", 50, seconds(60)}; }
rate_class default_general_class() { return rate_class{"general", 100, seconds(60)}; }

namespace {

std::string quoted(std::string_view text) {
  std::string out = "rate \"";
  out += text;
  out += "\"";
  return out;
}

// Parses a whole decimal number; false on anything else (sign, spaces, overflow, empty).
bool parse_count(std::string_view text, std::int64_t& out) {
  if (text.empty()) {
    return false;
  }
  const auto r = std::from_chars(text.data(), text.data() + text.size(), out);
  return r.ec == std::errc() && r.ptr == text.data() + text.size();
}

// The duration of one unit, or zero for an unknown unit.
duration unit_length(std::string_view unit) {
  if (unit == "ms") {
    return ms(1);
  }
  if (unit == "s") {
    return seconds(1);
  }
  if (unit == "m") {
    return seconds(60);
  }
  if (unit == "h") {
    return seconds(3600);
  }
  return duration(0);
}

}  // namespace

result<rate_class, std::string> parse_rate_class(std::string_view name, std::string_view text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    return make_unexpected(quoted(text) + ": expected <limit>/<window>, e.g. \"20/60s\" or \"100/1m\"");
  }
  std::int64_t limit = 0;
  if (!parse_count(text.substr(0, slash), limit) || limit < 1 || limit > max_limit) {
    return make_unexpected(quoted(text) + ": the limit must be a whole number from 1 to 100000");
  }
  const std::string_view window_text = text.substr(slash + 1);
  const std::size_t unit_at = window_text.find_first_not_of("0123456789");
  if (unit_at == std::string_view::npos) {
    return make_unexpected(quoted(text) + ": the window needs a unit (ms, s, m or h)");
  }
  const std::string_view unit = window_text.substr(unit_at);
  const duration one = unit_length(unit);
  if (one.count() == 0) {
    return make_unexpected(quoted(text) + ": unknown window unit \"" + std::string(unit) +
                           "\" (use ms, s, m or h)");
  }
  std::int64_t count = 1;
  if (unit_at > 0 && !parse_count(window_text.substr(0, unit_at), count)) {
    return make_unexpected(quoted(text) + ": the window is too long");
  }
  if (count < 1) {
    return make_unexpected(quoted(text) + ": the window must be positive");
  }
  if (count > max_window / one) {
    return make_unexpected(quoted(text) + ": the window must be at most 24h");
  }
  return rate_class{std::string(name), limit, one * count};
}

std::string user_subject(std::string_view user_id) {
  std::string out = "user:";
  out += user_id;
  return out;
}

std::string ip_subject(std::string_view address) {
  std::string out = "ip:";
  out += address;
  return out;
}

std::string key_for(std::string_view class_name, std::string_view subject) {
  std::string out;
  out.reserve(4 + class_name.size() + subject.size());
  out += "rl:";
  out += class_name;
  out += ':';
  out += subject;
  return out;
}

}  // namespace qm::ratelimit

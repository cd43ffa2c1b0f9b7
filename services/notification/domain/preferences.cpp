#include "services/notification/domain/preferences.hpp"

#include "core/json/writer.hpp"

namespace qm::notification {

namespace {

constexpr std::size_t max_body_bytes = 4 * 1024;

result<bool, json::input_error> required_bool(const json::object& o, std::string_view field) {
  const json::value* v = o.if_contains(field);
  if (v == nullptr || v->is_null()) {
    return make_unexpected(json::input_error{std::string(field), "is required"});
  }
  if (!v->is_bool()) {
    return make_unexpected(json::input_error{std::string(field), "must be true or false"});
  }
  return v->as_bool();
}

}  // namespace

std::vector<std::string> enabled_channels(const preferences& p) {
  std::vector<std::string> out;
  if (p.push) {
    out.emplace_back("push");
  }
  if (p.sms) {
    out.emplace_back("sms");
  }
  if (p.email) {
    out.emplace_back("email");
  }
  return out;
}

result<preferences, json::input_error> parse_preferences(std::string_view body) {
  auto o = json::parse_object(body, max_body_bytes);
  if (!o) {
    return make_unexpected(o.error());
  }
  if (auto known = json::only_fields(*o, {"push", "sms", "email"}); !known) {
    return make_unexpected(known.error());
  }
  auto push = required_bool(*o, "push");
  if (!push) {
    return make_unexpected(push.error());
  }
  auto sms = required_bool(*o, "sms");
  if (!sms) {
    return make_unexpected(sms.error());
  }
  auto email = required_bool(*o, "email");
  if (!email) {
    return make_unexpected(email.error());
  }
  return preferences{*push, *sms, *email};
}

std::string preferences_body(const preferences& p) {
  json::writer w;
  w.begin_object().member("push", p.push).member("sms", p.sms).member("email", p.email);
  w.end_object();
  return w.finish();
}

}  // namespace qm::notification

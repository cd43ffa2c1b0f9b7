#include "services/auth/domain/validation.hpp"

#include <algorithm>
#include <cctype>

#include "core/token/jwt.hpp"

namespace qm::auth {

namespace {

unexpected<input_error> fail(std::string_view field, std::string message) {
  return make_unexpected(input_error{std::string(field), std::move(message)});
}

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7F; }

bool valid_domain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253 || domain.find('.') == std::string_view::npos) {
    return false;
  }
  if (domain.front() == '.' || domain.back() == '.' || domain.find("..") != std::string_view::npos) {
    return false;
  }
  return std::all_of(domain.begin(), domain.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
  });
}

bool valid_local_part(std::string_view local) {
  static constexpr std::string_view specials = ".!#$%&'*+/=?^_`{|}~-";
  return !local.empty() && local.size() <= 64 && local.front() != '.' && local.back() != '.' &&
         std::all_of(local.begin(), local.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) ||
                  specials.find(c) != std::string_view::npos;
         });
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

result<std::string, input_error> normalize_email(std::string_view email) {
  const auto at = email.find('@');
  if (email.size() > max_email_len || at == std::string_view::npos ||
      email.find('@', at + 1) != std::string_view::npos ||
      !valid_local_part(email.substr(0, at)) || !valid_domain(email.substr(at + 1))) {
    return fail("email", "must be an email address like name@example.com");
  }
  return lowercase(email);
}

result<std::string, input_error> normalize_phone(std::string_view phone) {
  std::string_view digits = phone;
  if (!digits.empty() && digits.front() == '+') {
    digits.remove_prefix(1);
  }
  const bool ok = digits.size() >= 7 && digits.size() <= 15 &&
                  std::all_of(digits.begin(), digits.end(),
                              [](char c) { return c >= '0' && c <= '9'; });
  if (!ok) {
    return fail("phone", "must be 7 to 15 digits with an optional leading '+'");
  }
  return std::string(phone);
}

result<std::string, input_error> check_name(std::string_view name) {
  if (std::any_of(name.begin(), name.end(), [](char c) { return is_control(static_cast<unsigned char>(c)); })) {
    return fail("name", "must not contain control characters");
  }
  if (std::all_of(name.begin(), name.end(), [](char c) { return c == ' '; })) {
    return fail("name", "must not be blank");
  }
  return std::string(name);
}

result<register_input, input_error> parse_register(std::string_view body) {
  auto doc = json::parse_object(body, max_body_bytes);
  if (!doc) {
    return make_unexpected(doc.error());
  }
  if (auto known = json::only_fields(*doc, {"email", "phone", "password", "name"}); !known) {
    return make_unexpected(known.error());
  }
  auto email = json::optional_string(*doc, "email", 1, max_email_len);
  auto phone = json::optional_string(*doc, "phone", 1, max_phone_len);
  auto password = json::required_string(*doc, "password", min_password_len, max_password_len);
  auto name = json::required_string(*doc, "name", 1, max_name_len);
  for (const auto* r : {&email, &phone}) {
    if (!*r) {
      return make_unexpected(r->error());
    }
  }
  if (!password) {
    return make_unexpected(password.error());
  }
  if (!name) {
    return make_unexpected(name.error());
  }
  register_input in;
  if (!email->has_value() && !phone->has_value()) {
    return fail("email", "an email or a phone is required");
  }
  if (email->has_value()) {
    auto e = normalize_email(**email);
    if (!e) {
      return make_unexpected(e.error());
    }
    in.email = std::move(*e);
  }
  if (phone->has_value()) {
    auto p = normalize_phone(**phone);
    if (!p) {
      return make_unexpected(p.error());
    }
    in.phone = std::move(*p);
  }
  auto checked_name = check_name(*name);
  if (!checked_name) {
    return make_unexpected(checked_name.error());
  }
  in.password = std::move(*password);
  in.name = std::move(*checked_name);
  return in;
}

result<login_input, input_error> parse_login(std::string_view body) {
  auto doc = json::parse_object(body, max_body_bytes);
  if (!doc) {
    return make_unexpected(doc.error());
  }
  if (auto known = json::only_fields(*doc, {"email", "phone", "password"}); !known) {
    return make_unexpected(known.error());
  }
  auto email = json::optional_string(*doc, "email", 1, max_email_len);
  if (!email) {
    return make_unexpected(email.error());
  }
  auto phone = json::optional_string(*doc, "phone", 1, max_phone_len);
  if (!phone) {
    return make_unexpected(phone.error());
  }
  // Lengths only: a wrong password must cost the same scrypt work as a right one, so the
  // password policy is not checked here.
  auto password = json::required_string(*doc, "password", 1, max_password_len);
  if (!password) {
    return make_unexpected(password.error());
  }
  if (email->has_value() == phone->has_value()) {
    return fail("email", "give exactly one of email or phone");
  }
  login_input in;
  if (email->has_value()) {
    in.email = lowercase(**email);
  }
  in.phone = std::move(*phone);
  in.password = std::move(*password);
  return in;
}

result<profile_update, input_error> parse_profile_update(std::string_view body) {
  auto doc = json::parse_object(body, max_body_bytes);
  if (!doc) {
    return make_unexpected(doc.error());
  }
  if (auto known = json::only_fields(*doc, {"name", "phone"}); !known) {
    return make_unexpected(known.error());
  }
  auto name = json::optional_string(*doc, "name", 1, max_name_len);
  if (!name) {
    return make_unexpected(name.error());
  }
  auto phone = json::optional_string(*doc, "phone", 1, max_phone_len);
  if (!phone) {
    return make_unexpected(phone.error());
  }
  if (!name->has_value() && !phone->has_value()) {
    return fail("", "nothing to update: give name or phone");
  }
  profile_update up;
  if (name->has_value()) {
    auto n = check_name(**name);
    if (!n) {
      return make_unexpected(n.error());
    }
    up.name = std::move(*n);
  }
  if (phone->has_value()) {
    auto p = normalize_phone(**phone);
    if (!p) {
      return make_unexpected(p.error());
    }
    up.phone = std::move(*p);
  }
  return up;
}

result<std::string, input_error> parse_token_body(std::string_view body, std::string_view field) {
  auto doc = json::parse_object(body, max_body_bytes);
  if (!doc) {
    return make_unexpected(doc.error());
  }
  if (auto known = json::only_fields(*doc, {field}); !known) {
    return make_unexpected(known.error());
  }
  return json::required_string(*doc, field, 1, token::max_token_bytes);
}

std::string describe(const input_error& e) {
  return e.field.empty() ? e.message : e.field + ": " + e.message;
}

}  // namespace qm::auth

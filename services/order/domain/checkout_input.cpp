#include "services/order/domain/checkout_input.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <charconv>
#include <system_error>

#include "core/base/append_int.hpp"
#include "core/base/assert.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"

namespace qm::order {

namespace {

unexpected<json::input_error> bad(std::string_view field, std::string message) {
  return make_unexpected(json::input_error{std::string(field), std::move(message)});
}

std::optional<double> number_of(const json::value& v) {
  if (v.is_double()) {
    return v.get_double();
  }
  if (v.is_int64()) {
    return static_cast<double>(v.get_int64());
  }
  if (v.is_uint64()) {
    return static_cast<double>(v.get_uint64());
  }
  return std::nullopt;
}

result<double, json::input_error> bounded_number(const json::object& o, std::string_view field,
                                                 std::string_view name, double limit) {
  const json::value* v = o.if_contains(field);
  if (v == nullptr) {
    return bad(name, "is required");
  }
  const auto n = number_of(*v);
  if (!n || !std::isfinite(*n) || *n < -limit || *n > limit) {
    return bad(name, "must be a number between " + std::to_string(static_cast<int>(-limit)) +
                         " and " + std::to_string(static_cast<int>(limit)));
  }
  return *n;
}

}  // namespace

result<std::string, json::input_error> parse_idempotency_key(
    std::optional<std::string_view> header) {
  if (!header || header->empty()) {
    return bad("Idempotency-Key", "header is required");
  }
  const bool ok = header->size() <= max_key_length &&
                  std::all_of(header->begin(), header->end(), [](char c) {
                    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
                  });
  if (!ok) {
    return bad("Idempotency-Key", "must be 1 to 64 characters of A-Z, a-z, 0-9, '_' and '-'");
  }
  return std::string(*header);
}

result<order::location, json::input_error> parse_location(const json::object& o,
                                                          std::string_view field) {
  const json::value* v = o.if_contains(field);
  if (v == nullptr || !v->is_object()) {
    return bad(field, "must be an object {\"lat\",\"lon\"}");
  }
  const std::string prefix(field);
  auto lat = bounded_number(v->as_object(), "lat", prefix + ".lat", 90);
  if (!lat) {
    return make_unexpected(lat.error());
  }
  auto lon = bounded_number(v->as_object(), "lon", prefix + ".lon", 180);
  if (!lon) {
    return make_unexpected(lon.error());
  }
  return order::location{*lat, *lon};
}

result<checkout_input, json::input_error> parse_checkout_body(std::string_view body) {
  auto o = json::parse_object(body);
  if (!o) {
    return make_unexpected(o.error());
  }
  if (auto known = json::only_fields(*o, {"address", "location"}); !known) {
    return make_unexpected(known.error());
  }
  auto address = json::required_string(*o, "address", 1, max_address_length);
  if (!address) {
    return make_unexpected(address.error());
  }
  auto where = parse_location(*o, "location");
  if (!where) {
    return make_unexpected(where.error());
  }
  return checkout_input{std::move(*address), *where};
}

std::string request_digest(const checkout_input& in) {
  // Coordinates are printed exactly (17 significant digits), so two requests digest alike
  // only when they parse to the same values; the address's length keeps the fields apart.
  // The text is printf's "%.17g,%.17g", which to_chars with a precision is specified to
  // match, without printf's cost (a test pins the digests).
  std::string material = "checkout-request:";
  material.reserve(material.size() + in.address.size() + 64);
  append_int(material, in.address.size());
  material += ':';
  material += in.address;
  material += ':';
  char digits[32];
  for (const double coordinate : {in.location.lat, in.location.lon}) {
    const auto written = std::to_chars(digits, digits + sizeof digits, coordinate,
                                       std::chars_format::general, 17);
    QM_ASSERT(written.ec == std::errc());
    material.append(digits, written.ptr);
    material += ',';
  }
  material.pop_back();
  return crypto::hex_encode(crypto::sha256(material));
}

std::string reservation_id_for(std::int64_t user_id, std::string_view key, std::int64_t attempt) {
  const std::string material =
      "checkout:" + std::to_string(user_id) + ":" + std::to_string(attempt) + ":" + std::string(key);
  return crypto::hex_encode(crypto::sha256(material)).substr(0, 32);
}

}  // namespace qm::order

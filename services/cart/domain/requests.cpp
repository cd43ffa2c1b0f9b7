#include "services/cart/domain/requests.hpp"

#include "services/cart/domain/limits.hpp"
#include "services/common/params.hpp"

namespace qm::cart {

namespace {

// Bodies are small: a checkout of 100 lines is a few kilobytes.
constexpr std::size_t max_body_bytes = 64 * 1024;

json::input_error bad(std::string field, std::string message) {
  return json::input_error{std::move(field), std::move(message)};
}

result<cart_line, json::input_error> read_line(const json::value& v, std::size_t index) {
  const std::string where = "lines[" + std::to_string(index) + "]";
  if (!v.is_object()) {
    return make_unexpected(bad(where, "must be an object"));
  }
  const auto& o = v.as_object();
  if (auto known = json::only_fields(o, {"product_id", "quantity"}); !known) {
    return make_unexpected(bad(where + "." + known.error().field, known.error().message));
  }
  auto product_id = json::required_int(o, "product_id", 1, max_id);
  if (!product_id) {
    return make_unexpected(bad(where + ".product_id", product_id.error().message));
  }
  auto quantity = json::required_int(o, "quantity", min_line_quantity, max_line_quantity);
  if (!quantity) {
    return make_unexpected(bad(where + ".quantity", quantity.error().message));
  }
  return cart_line{*product_id, *quantity};
}

}  // namespace

result<cart_line, json::input_error> parse_add_item(std::string_view body) {
  auto o = json::parse_object(body, max_body_bytes);
  if (!o) {
    return make_unexpected(o.error());
  }
  if (auto known = json::only_fields(*o, {"product_id", "quantity"}); !known) {
    return make_unexpected(known.error());
  }
  auto product_id = json::required_int(*o, "product_id", 1, max_id);
  if (!product_id) {
    return make_unexpected(product_id.error());
  }
  auto quantity = json::required_int(*o, "quantity", min_line_quantity, max_line_quantity);
  if (!quantity) {
    return make_unexpected(quantity.error());
  }
  return cart_line{*product_id, *quantity};
}

result<std::int64_t, json::input_error> parse_set_quantity(std::string_view body) {
  auto o = json::parse_object(body, max_body_bytes);
  if (!o) {
    return make_unexpected(o.error());
  }
  if (auto known = json::only_fields(*o, {"quantity"}); !known) {
    return make_unexpected(known.error());
  }
  return json::required_int(*o, "quantity", 0, max_line_quantity);
}

result<checkout_request, json::input_error> parse_checkout(std::string_view body) {
  auto o = json::parse_object(body, max_body_bytes);
  if (!o) {
    return make_unexpected(o.error());
  }
  if (auto known = json::only_fields(*o, {"order_id", "lines"}); !known) {
    return make_unexpected(known.error());
  }
  auto order_id = json::required_int(*o, "order_id", 1, max_id);
  if (!order_id) {
    return make_unexpected(order_id.error());
  }
  const json::value* lines = o->if_contains("lines");
  if (lines == nullptr || !lines->is_array()) {
    return make_unexpected(bad("lines", "must be an array"));
  }
  if (lines->as_array().size() > max_lines) {
    return make_unexpected(bad("lines", "must hold at most " + std::to_string(max_lines) +
                                            " lines"));
  }
  checkout_request out;
  out.order_id = *order_id;
  std::size_t index = 0;
  for (const auto& v : lines->as_array()) {
    auto line = read_line(v, index);
    if (!line) {
      return make_unexpected(line.error());
    }
    out.lines.push_back(*line);
    ++index;
  }
  return out;
}

std::optional<std::int64_t> parse_id(std::string_view text) {
  // max_id has 16 digits: a longer segment (zero-padded) is refused before it is read.
  if (text.size() > 16) {
    return std::nullopt;
  }
  return services::parse_positive_id(text, max_id);
}

}  // namespace qm::cart

#include "services/product/domain/requests.hpp"

#include <algorithm>
#include <set>

#include "core/http/message.hpp"

namespace qm::product {

namespace {

json::input_error bad(std::string_view field, std::string message) {
  return json::input_error{std::string(field), std::move(message)};
}

// A JSON integer read from field of o, or nothing when the field is absent.
input_result<std::optional<std::int64_t>> optional_int(const json::object& o, std::string_view field,
                                                       std::int64_t min, std::int64_t max) {
  const json::value* v = o.if_contains(field);
  if (v == nullptr || v->is_null()) {
    return std::optional<std::int64_t>{};
  }
  auto n = json::required_int(o, field, min, max);
  if (!n) {
    return make_unexpected(n.error());
  }
  return std::optional<std::int64_t>(*n);
}

input_result<std::optional<bool>> optional_bool(const json::object& o, std::string_view field) {
  const json::value* v = o.if_contains(field);
  if (v == nullptr || v->is_null()) {
    return std::optional<bool>{};
  }
  if (!v->is_bool()) {
    return make_unexpected(bad(field, "must be true or false"));
  }
  return std::optional<bool>(v->get_bool());
}

input_result<line_request> parse_line(const json::value& v) {
  if (!v.is_object()) {
    return make_unexpected(bad("lines", "each line must be an object"));
  }
  const auto& o = v.as_object();
  if (auto known = json::only_fields(o, {"product_id", "quantity"}); !known) {
    return make_unexpected(bad("lines", known.error().field + " " + known.error().message));
  }
  auto product_id = json::required_int(o, "product_id", 1, INT64_MAX);
  if (!product_id) {
    return make_unexpected(bad("lines", "product_id " + product_id.error().message));
  }
  auto quantity = json::required_int(o, "quantity", 1, max_line_quantity);
  if (!quantity) {
    return make_unexpected(bad("lines", "quantity " + quantity.error().message));
  }
  return line_request{*product_id, *quantity};
}

}  // namespace

input_result<reserve_input> parse_reserve(std::string_view body) {
  auto o = json::parse_object(body);
  if (!o) {
    return make_unexpected(o.error());
  }
  if (auto known = json::only_fields(*o, {"reservation_id", "lines"}); !known) {
    return make_unexpected(known.error());
  }
  auto id = json::required_string(*o, "reservation_id", 1, max_reservation_id_bytes);
  if (!id) {
    return make_unexpected(id.error());
  }
  if (!valid_reservation_id(*id)) {
    return make_unexpected(bad("reservation_id", "must be 1 to 64 of [A-Za-z0-9_-]"));
  }
  const json::value* lines = o->if_contains("lines");
  if (lines == nullptr || !lines->is_array()) {
    return make_unexpected(bad("lines", "must be an array"));
  }
  if (lines->as_array().size() > max_reservation_lines) {
    return make_unexpected(
        bad("lines", "must hold 1 to " + std::to_string(max_reservation_lines) + " lines"));
  }
  std::vector<line_request> parsed;
  parsed.reserve(lines->as_array().size());
  for (const auto& v : lines->as_array()) {
    auto line = parse_line(v);
    if (!line) {
      return make_unexpected(line.error());
    }
    parsed.push_back(*line);
  }
  auto normalized = normalize_lines(std::move(parsed));
  if (!normalized) {
    return make_unexpected(normalized.error());
  }
  return reserve_input{std::move(*id), std::move(*normalized)};
}

input_result<std::vector<std::int64_t>> parse_ids_query(std::string_view query) {
  const auto text = http::query_param(query, "ids");
  const auto refuse = [] {
    return make_unexpected(bad("ids", "must be 1 to " + std::to_string(max_batch_ids) +
                                          " distinct positive integers separated by commas"));
  };
  if (!text || text->empty()) {
    return refuse();
  }
  std::vector<std::int64_t> ids;
  std::set<std::int64_t> seen;
  std::string_view rest = *text;
  // One pass over the list; each piece is one id, and the count is checked as it grows.
  while (true) {
    const auto comma = rest.find(',');
    const auto id = parse_id(rest.substr(0, comma));
    if (!id || !seen.insert(*id).second || ids.size() == max_batch_ids) {
      return refuse();
    }
    ids.push_back(*id);
    if (comma == std::string_view::npos) {
      break;
    }
    rest.remove_prefix(comma + 1);
  }
  return ids;
}

input_result<std::string> parse_new_category(std::string_view body) {
  auto o = json::parse_object(body);
  if (!o) {
    return make_unexpected(o.error());
  }
  if (auto known = json::only_fields(*o, {"name"}); !known) {
    return make_unexpected(known.error());
  }
  return json::required_string(*o, "name", 1, max_name_chars);
}

input_result<new_product_input> parse_new_product(std::string_view body) {
  auto o = json::parse_object(body);
  if (!o) {
    return make_unexpected(o.error());
  }
  if (auto known =
          json::only_fields(*o, {"category_id", "name", "description", "price_paise", "stock"});
      !known) {
    return make_unexpected(known.error());
  }
  new_product_input in;
  auto category = json::required_int(*o, "category_id", 1, INT64_MAX);
  if (!category) {
    return make_unexpected(category.error());
  }
  auto name = json::required_string(*o, "name", 1, max_name_chars);
  if (!name) {
    return make_unexpected(name.error());
  }
  auto description = json::optional_string(*o, "description", 0, max_description_chars);
  if (!description) {
    return make_unexpected(description.error());
  }
  auto price = json::required_int(*o, "price_paise", 0, max_price_paise);
  if (!price) {
    return make_unexpected(price.error());
  }
  auto stock = optional_int(*o, "stock", 0, max_stock_units);
  if (!stock) {
    return make_unexpected(stock.error());
  }
  in.category_id = *category;
  in.name = std::move(*name);
  in.description = description->value_or("");
  in.price_paise = *price;
  in.stock = stock->value_or(0);
  return in;
}

input_result<product_patch> parse_product_patch(std::string_view body) {
  auto o = json::parse_object(body);
  if (!o) {
    return make_unexpected(o.error());
  }
  if (auto known =
          json::only_fields(*o, {"name", "description", "price_paise", "category_id", "active"});
      !known) {
    return make_unexpected(known.error());
  }
  product_patch p;
  auto name = json::optional_string(*o, "name", 1, max_name_chars);
  if (!name) {
    return make_unexpected(name.error());
  }
  auto description = json::optional_string(*o, "description", 0, max_description_chars);
  if (!description) {
    return make_unexpected(description.error());
  }
  auto price = optional_int(*o, "price_paise", 0, max_price_paise);
  if (!price) {
    return make_unexpected(price.error());
  }
  auto category = optional_int(*o, "category_id", 1, INT64_MAX);
  if (!category) {
    return make_unexpected(category.error());
  }
  auto active = optional_bool(*o, "active");
  if (!active) {
    return make_unexpected(active.error());
  }
  p.name = std::move(*name);
  p.description = std::move(*description);
  p.price_paise = *price;
  p.category_id = *category;
  p.active = *active;
  return p;
}

input_result<std::int64_t> parse_restock(std::string_view body) {
  auto o = json::parse_object(body);
  if (!o) {
    return make_unexpected(o.error());
  }
  if (auto known = json::only_fields(*o, {"quantity"}); !known) {
    return make_unexpected(known.error());
  }
  return json::required_int(*o, "quantity", 1, max_restock_units);
}

input_result<admin_listing_query> parse_admin_listing(std::string_view query) {
  auto listing = parse_listing_query(query);
  if (!listing) {
    return make_unexpected(listing.error());
  }
  admin_listing_query out{std::move(*listing), false};
  if (const auto flag = http::query_param(query, "include_inactive")) {
    if (*flag == "true") {
      out.include_inactive = true;
    } else if (*flag != "false") {
      return make_unexpected(bad("include_inactive", "must be true or false"));
    }
  }
  return out;
}

}  // namespace qm::product

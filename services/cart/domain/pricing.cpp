#include "services/cart/domain/pricing.hpp"

#include <cstdint>
#include <optional>

#include "core/json/json.hpp"
#include "services/cart/domain/limits.hpp"
#include "services/common/pricing.hpp"

namespace qm::cart {

namespace {

// A reply holds at most max_lines products; a generous byte bound still refuses a runaway.
constexpr std::size_t max_reply_bytes = 1024 * 1024;
constexpr std::size_t max_name_bytes = 1000;
constexpr std::int64_t max_available = 1'000'000'000'000;

// The integer at key when it is present and within [min, max].
std::optional<std::int64_t> int_field(const json::object& o, std::string_view key,
                                      std::int64_t min, std::int64_t max) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) {
    return std::nullopt;
  }
  std::int64_t n = 0;
  if (v->is_int64()) {
    n = v->get_int64();
  } else if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    n = static_cast<std::int64_t>(v->get_uint64());
  } else {
    return std::nullopt;
  }
  if (n < min || n > max) {
    return std::nullopt;
  }
  return n;
}

result<product_info, std::string> read_item(const json::value& v) {
  if (!v.is_object()) {
    return make_unexpected(std::string("an item is not an object"));
  }
  const auto& o = v.as_object();
  product_info p;
  const auto id = int_field(o, "id", 1, max_id);
  const auto price = int_field(o, "price_paise", 0, max_price_paise);
  const auto available = int_field(o, "available", 0, max_available);
  const json::value* name = o.if_contains("name");
  const json::value* active = o.if_contains("active");
  if (!id || !price || !available) {
    return make_unexpected(std::string("an item has a missing or out-of-range number"));
  }
  if (name == nullptr || !name->is_string() || name->as_string().size() > max_name_bytes) {
    return make_unexpected(std::string("an item has no usable name"));
  }
  if (active == nullptr || !active->is_bool()) {
    return make_unexpected(std::string("an item has no active flag"));
  }
  p.id = *id;
  p.name = std::string(name->as_string());
  p.price_paise = *price;
  p.active = active->as_bool();
  p.available = *available;
  return p;
}

}  // namespace

result<catalogue, std::string> parse_catalogue(std::string_view body) {
  auto doc = json::parse_object(body, max_reply_bytes);
  if (!doc) {
    return make_unexpected("malformed reply: " + doc.error().message);
  }
  const json::value* items = doc->if_contains("items");
  if (items == nullptr || !items->is_array()) {
    return make_unexpected(std::string("the reply has no items array"));
  }
  if (items->as_array().size() > max_lines) {
    return make_unexpected(std::string("the reply has more items than were asked for"));
  }
  catalogue out;
  for (const auto& v : items->as_array()) {
    auto item = read_item(v);
    if (!item) {
      return make_unexpected(item.error());
    }
    const std::int64_t id = item->id;
    out.insert_or_assign(id, std::move(*item));
  }
  return out;
}

std::string ids_parameter(const std::vector<cart_line>& lines) {
  std::string out;
  for (const auto& l : lines) {
    if (!out.empty()) {
      out += ',';
    }
    out += std::to_string(l.product_id);
  }
  return out;
}

priced_cart price_cart(const std::vector<cart_line>& lines, const catalogue& products) {
  QM_ASSERT(lines.size() <= max_lines);
  priced_cart out;
  out.items.reserve(lines.size());
  for (const auto& l : lines) {
    QM_ASSERT(l.quantity >= min_line_quantity && l.quantity <= max_line_quantity);
    priced_line p;
    p.line = l;
    const auto it = products.find(l.product_id);
    if (it != products.end()) {
      p.name = it->second.name;
      p.unit_price_paise = it->second.price_paise;
      p.line_total_paise = it->second.price_paise * l.quantity;
      p.available = it->second.available;
      p.active = it->second.active;
    }
    if (p.active) {
      out.item_count += l.quantity;
      out.subtotal_paise += p.line_total_paise;
    } else {
      out.unavailable_product_ids.push_back(l.product_id);
    }
    out.items.push_back(std::move(p));
  }
  out.delivery_fee_paise =
      out.item_count == 0 ? 0 : services::delivery_fee_for(out.subtotal_paise);
  out.total_paise = out.subtotal_paise + out.delivery_fee_paise;
  return out;
}

}  // namespace qm::cart

#include "services/product/responses.hpp"

namespace qm::product {

namespace {

// Room for a listing's text without regrowing: a product is about 150 bytes of JSON.
constexpr std::size_t bytes_per_item = 192;

void write_category(json::writer& w, const category& c) {
  w.begin_object().member("id", c.id).member("name", c.name).end_object();
}

// A product's members, in an object the caller opened (detail and admin add theirs after).
void write_product_members(json::writer& w, const product& p) {
  w.member("id", p.id).member("category_id", p.category_id).member("name", p.name);
  w.member("description", p.description).member("price_paise", p.price_paise);
}

void write_product(json::writer& w, const product& p) {
  w.begin_object();
  write_product_members(w, p);
  w.end_object();
}

void write_admin_product(json::writer& w, const admin_product& p) {
  w.begin_object();
  write_product_members(w, p.item);
  w.member("active", p.active).member("available", p.available).end_object();
}

void write_summary(json::writer& w, const product_summary& p) {
  w.begin_object().member("id", p.id).member("name", p.name);
  w.member("price_paise", p.price_paise).member("active", p.active);
  w.member("available", p.available).end_object();
}

// error_response's body with one more member, written by write_extra, next to "error".
template <typename WriteExtra>
http::response error_with(int status, const http::request_context& rc, std::string_view code,
                          std::string_view message, std::string_view key,
                          WriteExtra write_extra) {
  json::writer w;
  w.begin_object();
  services::write_error_member(w, code, message, request_id(rc));
  w.key(key);
  write_extra(w);
  w.end_object();
  return http::json_response(status, w.finish());
}

}  // namespace

std::string categories_body(const std::vector<category>& categories) {
  return services::items_body(categories, 48, write_category);
}

std::string category_body(const category& c) {
  json::writer w;
  write_category(w, c);
  return w.finish();
}

std::string listing_body(const std::vector<product>& items, std::int64_t limit,
                         std::int64_t offset) {
  return services::page_body(items, limit, offset, bytes_per_item, write_product);
}

std::string detail_body(const product_detail& d) {
  json::writer w(bytes_per_item);
  w.begin_object();
  write_product_members(w, d.item);
  w.member("available", d.available).end_object();
  return w.finish();
}

std::string admin_product_body(const admin_product& p) {
  return services::item_body(p, bytes_per_item, write_admin_product);
}

std::string admin_listing_body(const std::vector<admin_product>& items, std::int64_t limit,
                               std::int64_t offset) {
  return services::page_body(items, limit, offset, bytes_per_item, write_admin_product);
}

std::string summaries_body(const std::vector<product_summary>& items) {
  return services::items_body(items, bytes_per_item / 2, write_summary);
}

std::string reservation_body(const reservation& r) {
  json::writer w(96 + r.lines.size() * bytes_per_item / 2);
  w.begin_object().member("reservation_id", r.id).member("status", to_string(r.status));
  w.member("expires_at", r.expires_at).key("lines").begin_array();
  for (const auto& l : r.lines) {
    w.begin_object().member("product_id", l.product_id).member("name", l.name);
    w.member("quantity", l.quantity).member("price_paise", l.price_paise).end_object();
  }
  w.end_array().member("subtotal_paise", r.subtotal_paise()).end_object();
  return w.finish();
}

std::string status_body(std::string_view reservation_id, reservation_status s) {
  json::writer w;
  w.begin_object().member("reservation_id", reservation_id).member("status", to_string(s));
  w.end_object();
  return w.finish();
}

std::string stats_body(const product_stats& s) {
  json::writer w;
  w.begin_object().member("products_active", s.products_active);
  w.member("products_out_of_stock", s.products_out_of_stock);
  w.member("reservations_held", s.reservations_held);
  w.member("units_available", s.units_available).end_object();
  return w.finish();
}

http::response bad_parameter(const http::request_context& rc, const json::input_error& e) {
  const std::string message = e.field.empty() ? e.message : e.field + ": " + e.message;
  return http::error_response(400, "invalid_parameter", message, request_id(rc));
}

http::response not_found(const http::request_context& rc, std::string_view message) {
  return http::error_response(404, "not_found", message, request_id(rc));
}

http::response conflict(const http::request_context& rc, std::string_view code,
                        std::string_view message) {
  return http::error_response(409, code, message, request_id(rc));
}

http::response insufficient_stock(const http::request_context& rc,
                                  const std::vector<shortage>& shortages) {
  return error_with(409, rc, "insufficient_stock", "not enough stock for every line", "shortages",
                    [&shortages](json::writer& w) {
                      w.begin_array();
                      for (const auto& s : shortages) {
                        w.begin_object().member("product_id", s.product_id);
                        w.member("requested", s.requested).member("available", s.available);
                        w.end_object();
                      }
                      w.end_array();
                    });
}

http::response product_unavailable(const http::request_context& rc,
                                   const std::vector<std::int64_t>& product_ids) {
  return error_with(409, rc, "product_unavailable", "some products are unknown or inactive",
                    "product_ids", [&product_ids](json::writer& w) {
                      w.begin_array();
                      for (const auto id : product_ids) {
                        w.value(id);
                      }
                      w.end_array();
                    });
}

}  // namespace qm::product

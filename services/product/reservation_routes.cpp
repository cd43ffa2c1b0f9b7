// The internal routes: batch lookup for carts, and reservations for checkouts.

#include "services/product/domain/requests.hpp"
#include "services/product/responses.hpp"
#include "services/product/routes.hpp"

namespace qm::product {

namespace {

using http::request_context;
using http::response;

void count(product_context& c, std::string_view op, std::string_view outcome) {
  c.reservations.at(op, outcome).inc();
}

// The {id} of a reservation route, or nothing when it is not a valid reservation id.
std::optional<std::string> reservation_id_param(const request_context& rc) {
  const std::string_view id = rc.param("id");
  if (!valid_reservation_id(id)) {
    return std::nullopt;
  }
  return std::string(id);
}

response bad_reservation_id(const request_context& rc) {
  return bad_parameter(rc, {"id", "must be 1 to 64 of [A-Za-z0-9_-]"});
}

task<response> handle_batch(product_context& c, request_context rc) {
  auto ids = parse_ids_query(rc.request.query());
  if (!ids) {
    co_return bad_parameter(rc, ids.error());
  }
  auto found = co_await c.store.find_many(std::move(*ids));
  if (!found) {
    co_return db_failure(rc, c.rt.log, "find_products", found.error());
  }
  co_return http::json_response(200, summaries_body(*found));
}

task<response> handle_reserve(product_context& c, request_context rc) {
  auto in = parse_reserve(rc.request.body);
  if (!in) {
    count(c, "reserve", "bad_input");
    co_return bad_parameter(rc, in.error());
  }
  const std::int64_t now_s = to_unix_seconds(c.rt.clock.now());
  const std::int64_t expires_at_s = now_s + c.settings.reservation_ttl_s;
  auto done = co_await c.store.reserve(std::move(*in), now_s, expires_at_s);
  if (!done) {
    count(c, "reserve", "unavailable");
    co_return db_failure(rc, c.rt.log, "reserve", done.error());
  }
  switch (done->outcome) {
    case reserve_outcome::created:
      count(c, "reserve", "created");
      co_return http::json_response(201, reservation_body(done->stored));
    case reserve_outcome::existing:
      count(c, "reserve", "existing");
      co_return http::json_response(200, reservation_body(done->stored));
    case reserve_outcome::conflict:
      count(c, "reserve", "conflict");
      co_return conflict(rc, "reservation_conflict",
                         "this reservation id was used with other lines");
    case reserve_outcome::released:
      count(c, "reserve", "released");
      co_return conflict(rc, "reservation_released", "this reservation id was released");
    case reserve_outcome::insufficient_stock:
      count(c, "reserve", "insufficient_stock");
      co_return insufficient_stock(rc, done->shortages);
    case reserve_outcome::product_unavailable:
      count(c, "reserve", "product_unavailable");
      co_return product_unavailable(rc, done->unavailable_product_ids);
  }
  co_return db_failure(rc, c.rt.log, "reserve", {sql::errc::query_error, "unknown outcome"});
}

task<response> handle_confirm(product_context& c, request_context rc) {
  auto id = reservation_id_param(rc);
  if (!id) {
    co_return bad_reservation_id(rc);
  }
  auto done = co_await c.store.confirm(*id, to_unix_seconds(c.rt.clock.now()));
  if (!done) {
    count(c, "confirm", "unavailable");
    co_return db_failure(rc, c.rt.log, "confirm", done.error());
  }
  if (!done->has_value()) {
    count(c, "confirm", "not_found");
    co_return not_found(rc, "no such reservation");
  }
  switch (**done) {
    case reservation_status::confirmed:
      count(c, "confirm", "confirmed");
      co_return http::json_response(200, status_body(*id, **done));
    case reservation_status::expired:
      count(c, "confirm", "expired");
      co_return conflict(rc, "reservation_expired", "this reservation has expired");
    case reservation_status::released:
    case reservation_status::held:
      break;
  }
  count(c, "confirm", "released");
  co_return conflict(rc, "reservation_released", "this reservation was released");
}

task<response> handle_release(product_context& c, request_context rc) {
  auto id = reservation_id_param(rc);
  if (!id) {
    co_return bad_reservation_id(rc);
  }
  auto done = co_await c.store.release(*id, to_unix_seconds(c.rt.clock.now()));
  if (!done) {
    count(c, "release", "unavailable");
    co_return db_failure(rc, c.rt.log, "release", done.error());
  }
  count(c, "release", to_string(*done));
  co_return http::json_response(200, status_body(*id, *done));
}

task<response> handle_get(product_context& c, request_context rc) {
  auto id = reservation_id_param(rc);
  if (!id) {
    co_return bad_reservation_id(rc);
  }
  auto found = co_await c.store.find_reservation(*id);
  if (!found) {
    co_return db_failure(rc, c.rt.log, "get_reservation", found.error());
  }
  if (!found->has_value()) {
    co_return not_found(rc, "no such reservation");
  }
  co_return http::json_response(200, reservation_body(**found));
}

}  // namespace

void register_reservation_routes(http::router& routes, product_context& ctx) {
  routes.add(http::method::get, "/internal/products", bind_internal(ctx, handle_batch));
  routes.add(http::method::post, "/internal/reservations", bind_internal(ctx, handle_reserve));
  routes.add(http::method::post, "/internal/reservations/{id}/confirm", bind_internal(ctx, handle_confirm));
  routes.add(http::method::post, "/internal/reservations/{id}/release", bind_internal(ctx, handle_release));
  routes.add(http::method::get, "/internal/reservations/{id}", bind_internal(ctx, handle_get));
}

}  // namespace qm::product

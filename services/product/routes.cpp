#include "services/product/routes.hpp"

#include "services/product/domain/listing.hpp"
#include "services/product/responses.hpp"

namespace qm::product {

namespace {

using http::request_context;
using http::response;

task<response> handle_categories(product_context& c, request_context rc) {
  auto found = co_await c.store.list_categories();
  if (!found) {
    co_return db_failure(rc, c.rt.log, "list_categories", found.error());
  }
  co_return http::json_response(200, categories_body(*found));
}

void count_page(product_context& c, std::string_view source) { c.listing_pages.at(source).inc(); }

task<response> handle_list(product_context& c, request_context rc) {
  auto q = parse_listing_query(rc.request.query());
  if (!q) {
    co_return bad_parameter(rc, q.error());
  }
  const std::optional<listing_cache::page> kept = c.listings.find(*q);
  std::optional<std::int64_t> known_version;
  if (kept) {
    known_version = kept->catalogue_version;
  }
  auto found = co_await c.store.list_products(*q, known_version);
  if (!found) {
    co_return db_failure(rc, c.rt.log, "list_products", found.error());
  }
  if (!found->items) {
    count_page(c, "cache");
    co_return http::json_response(200, *kept->body);
  }
  count_page(c, "database");
  std::string body = listing_body(*found->items, q->limit, q->offset);
  c.listings.keep(*q, found->catalogue_version, body);
  co_return http::json_response(200, std::move(body));
}

task<response> handle_detail(product_context& c, request_context rc) {
  const auto id = parse_id(rc.param("id"));
  if (!id) {
    co_return bad_parameter(rc, {"id", "must be a positive integer"});
  }
  auto found = co_await c.store.find_active(*id);
  if (!found) {
    co_return db_failure(rc, c.rt.log, "get_product", found.error());
  }
  if (!found->has_value()) {
    co_return not_found(rc, "no such product");
  }
  co_return http::json_response(200, detail_body(**found));
}

}  // namespace

void register_routes(http::router& routes, product_context& ctx) {
  routes.add(http::method::get, "/categories", bind(ctx, handle_categories));
  routes.add(http::method::get, "/products", bind(ctx, handle_list));
  routes.add(http::method::get, "/products/{id}", bind(ctx, handle_detail));
  register_reservation_routes(routes, ctx);
  register_admin_routes(routes, ctx);
}

}  // namespace qm::product

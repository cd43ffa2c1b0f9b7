// The admin routes: catalogue management, stock and the dashboard's counts. Every handler
// checks the caller first, so an unauthenticated request learns nothing about its input.

#include "services/common/caller.hpp"
#include "services/product/domain/requests.hpp"
#include "services/product/responses.hpp"
#include "services/product/routes.hpp"

namespace qm::product {

namespace {

using http::request_context;
using http::response;

// Ids below 2^53 so JSON clients keep them exact.
constexpr std::uint64_t max_id = (std::uint64_t{1} << 53) - 1;
// A random id collides with an existing one astronomically rarely, but it is handled.
constexpr int max_id_attempts = 3;

std::int64_t new_id(rt::random& random) {
  return static_cast<std::int64_t>(random.uniform(max_id)) + 1;
}

services::caller_result admin(product_context& c, const request_context& rc) {
  return services::authenticate_role(rc, c.settings.context_secret, c.rt.clock.now(),
                                     identity::role_admin);
}

response product_reply(int status, const admin_product& p) {
  return http::json_response(status, admin_product_body(p));
}

response no_such_category(const request_context& rc) {
  return bad_parameter(rc, {"category_id", "no such category"});
}

task<response> handle_create_category(product_context& c, request_context rc) {
  if (auto caller = admin(c, rc); !caller) {
    co_return std::move(caller.error());
  }
  auto name = parse_new_category(rc.request.body);
  if (!name) {
    co_return bad_parameter(rc, name.error());
  }
  for (int attempt = 0; attempt < max_id_attempts; ++attempt) {
    category made{new_id(c.rt.random), *name};
    auto done = co_await c.store.create_category(made);
    if (!done) {
      co_return db_failure(rc, c.rt.log, "create_category", done.error());
    }
    switch (*done) {
      case create_outcome::created:
        co_return http::json_response(201, category_body(made));
      case create_outcome::name_taken:
        co_return conflict(rc, "category_exists", "name: a category has this name already");
      case create_outcome::id_taken:
      case create_outcome::no_such_category:
        break;
    }
  }
  co_return db_failure(rc, c.rt.log, "create_category",
                       {sql::errc::unique_violation, "no free category id after retries"});
}

task<response> handle_create_product(product_context& c, request_context rc) {
  if (auto caller = admin(c, rc); !caller) {
    co_return std::move(caller.error());
  }
  auto in = parse_new_product(rc.request.body);
  if (!in) {
    co_return bad_parameter(rc, in.error());
  }
  const std::int64_t now_s = to_unix_seconds(c.rt.clock.now());
  for (int attempt = 0; attempt < max_id_attempts; ++attempt) {
    const std::int64_t id = new_id(c.rt.random);
    const std::int64_t movement_id = new_id(c.rt.random);
    auto done = co_await c.store.create_product(id, *in, movement_id, now_s);
    if (!done) {
      co_return db_failure(rc, c.rt.log, "create_product", done.error());
    }
    switch (done->first) {
      case create_outcome::created:
        co_return product_reply(201, *done->second);
      case create_outcome::no_such_category:
        co_return no_such_category(rc);
      case create_outcome::id_taken:
      case create_outcome::name_taken:
        break;
    }
  }
  co_return db_failure(rc, c.rt.log, "create_product",
                       {sql::errc::unique_violation, "no free product id after retries"});
}

task<response> handle_list(product_context& c, request_context rc) {
  if (auto caller = admin(c, rc); !caller) {
    co_return std::move(caller.error());
  }
  auto q = parse_admin_listing(rc.request.query());
  if (!q) {
    co_return bad_parameter(rc, q.error());
  }
  const std::int64_t limit = q->listing.limit;
  const std::int64_t offset = q->listing.offset;
  auto found = co_await c.store.list_admin(std::move(*q));
  if (!found) {
    co_return db_failure(rc, c.rt.log, "list_admin", found.error());
  }
  co_return http::json_response(200, admin_listing_body(*found, limit, offset));
}

task<response> handle_update(product_context& c, request_context rc) {
  if (auto caller = admin(c, rc); !caller) {
    co_return std::move(caller.error());
  }
  const auto id = parse_id(rc.param("id"));
  if (!id) {
    co_return bad_parameter(rc, {"id", "must be a positive integer"});
  }
  auto patch = parse_product_patch(rc.request.body);
  if (!patch) {
    co_return bad_parameter(rc, patch.error());
  }
  auto done = co_await c.store.update_product(*id, std::move(*patch));
  if (!done) {
    co_return db_failure(rc, c.rt.log, "update_product", done.error());
  }
  switch (done->outcome) {
    case update_outcome::updated:
      co_return product_reply(200, *done->item);
    case update_outcome::no_such_category:
      co_return no_such_category(rc);
    case update_outcome::not_found:
      break;
  }
  co_return not_found(rc, "no such product");
}

task<response> handle_deactivate(product_context& c, request_context rc) {
  if (auto caller = admin(c, rc); !caller) {
    co_return std::move(caller.error());
  }
  const auto id = parse_id(rc.param("id"));
  if (!id) {
    co_return bad_parameter(rc, {"id", "must be a positive integer"});
  }
  auto done = co_await c.store.deactivate(*id);
  if (!done) {
    co_return db_failure(rc, c.rt.log, "deactivate_product", done.error());
  }
  if (!done->has_value()) {
    co_return not_found(rc, "no such product");
  }
  co_return product_reply(200, **done);
}

task<response> handle_restock(product_context& c, request_context rc) {
  if (auto caller = admin(c, rc); !caller) {
    co_return std::move(caller.error());
  }
  const auto id = parse_id(rc.param("id"));
  if (!id) {
    co_return bad_parameter(rc, {"id", "must be a positive integer"});
  }
  auto quantity = parse_restock(rc.request.body);
  if (!quantity) {
    co_return bad_parameter(rc, quantity.error());
  }
  const std::int64_t movement_id = new_id(c.rt.random);
  const std::int64_t now_s = to_unix_seconds(c.rt.clock.now());
  auto done = co_await c.store.restock(*id, *quantity, movement_id, now_s);
  if (!done) {
    co_return db_failure(rc, c.rt.log, "restock", done.error());
  }
  if (!done->has_value()) {
    co_return not_found(rc, "no such product");
  }
  json::writer w;
  w.begin_object().member("product_id", *id).member("available", **done).end_object();
  co_return http::json_response(200, w.finish());
}

task<response> handle_stats(product_context& c, request_context rc) {
  if (auto caller = admin(c, rc); !caller) {
    co_return std::move(caller.error());
  }
  auto found = co_await c.store.stats();
  if (!found) {
    co_return db_failure(rc, c.rt.log, "stats", found.error());
  }
  co_return http::json_response(200, stats_body(*found));
}

}  // namespace

void register_admin_routes(http::router& routes, product_context& ctx) {
  routes.add(http::method::post, "/admin/categories", bind(ctx, handle_create_category));
  routes.add(http::method::post, "/admin/products", bind(ctx, handle_create_product));
  routes.add(http::method::get, "/admin/products", bind(ctx, handle_list));
  routes.add(http::method::patch, "/admin/products/{id}", bind(ctx, handle_update));
  routes.add(http::method::del, "/admin/products/{id}", bind(ctx, handle_deactivate));
  routes.add(http::method::post, "/admin/products/{id}/restock", bind(ctx, handle_restock));
  routes.add(http::method::get, "/admin/stats", bind(ctx, handle_stats));
}

}  // namespace qm::product

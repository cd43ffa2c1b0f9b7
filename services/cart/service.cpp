#include "services/cart/service.hpp"

#include "runtime/migrations.hpp"

namespace qm::cart {

task<bool> cart_service::start() {
  if (ctx_) {
    co_return true;
  }
  auto settings = read_settings(rt_.config);
  if (!settings) {
    rt_.log.error("cart refuses to start: bad settings", {{"reason", settings.error()}});
    co_return false;
  }
  if (rt_.storage == nullptr) {
    rt_.log.error("cart refuses to start: no storage is attached (it needs cart_db)");
    co_return false;
  }
  auto migrated = co_await rt::apply_migrations(*rt_.storage, cart_migrations());
  if (!migrated) {
    rt_.log.warn("cart start: migrations failed",
                 {{"code", std::string(sql::to_string(migrated.error().code))},
                  {"message", migrated.error().message}});
    co_return false;
  }
  ctx_.emplace(cart_context{rt_, *settings, cart_store(*rt_.storage, settings->db_timeout),
                            services::upstream_client(rt_, settings->context_secret,
                                                      settings->upstreams),
                            price_memory(),
                            metrics::counter_pairs(rt_.metrics, "cart_operations_total",
                                                   "Cart operations by outcome.", "op",
                                                   "outcome")});
  observability_ = services::install_observability(rt_, {.calls = &ctx_->calls});
  if (!observability_) {
    ctx_.reset();
    co_return false;
  }
  register_routes(rt_.routes, *ctx_);
  rt_.log.info("cart started", {{"engine", std::string(rt_.storage->engine())}});
  co_return true;
}

}  // namespace qm::cart

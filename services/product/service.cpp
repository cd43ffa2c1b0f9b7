#include "services/product/service.hpp"

#include "runtime/migrations.hpp"

namespace qm::product {

task<bool> product_service::start() {
  if (ctx_) {
    co_return true;
  }
  auto settings = read_settings(rt_.config);
  if (!settings) {
    rt_.log.error("product refuses to start: bad settings", {{"reason", settings.error()}});
    co_return false;
  }
  if (rt_.storage == nullptr) {
    rt_.log.error("product refuses to start: no storage is attached (it needs product_db)");
    co_return false;
  }
  auto migrated = co_await rt::apply_migrations(*rt_.storage, product_migrations());
  if (!migrated) {
    rt_.log.warn("product start: migrations failed",
                 {{"code", std::string(sql::to_string(migrated.error().code))},
                  {"message", migrated.error().message}});
    co_return false;
  }
  ctx_.emplace(product_context{rt_, *settings, product_store(*rt_.storage, settings->db_timeout),
                               listing_cache{},
                               metrics::counter_pairs(
                                   rt_.metrics, "product_listing_pages_total",
                                   "Public listing pages served, by where the page came from.",
                                   "source"),
                               metrics::counter_pairs(rt_.metrics, "product_reservations_total",
                                                      "Reservation requests by outcome.", "op",
                                                      "outcome")});
  observability_ = services::install_observability(rt_, {});
  if (!observability_) {
    ctx_.reset();
    co_return false;
  }
  register_routes(rt_.routes, *ctx_);
  const bool spawned = background_.spawn(sweep_loop());
  QM_ASSERT_MSG(spawned, "the sweep is the only background task");
  sweep_spawned_ = true;
  rt_.log.info("product started", {{"engine", std::string(rt_.storage->engine())}});
  co_return true;
}

task<void> product_service::sweep_loop() {
  // Yield once before the first pass. Both runtimes' clocks suspend here and hand control
  // back to start(); a clock whose sleep completes inline (a test's manual clock) never
  // would, and a loop on it would spin forever inside start(), so the sweep does not run
  // there: such tests call product_store::sweep_expired themselves.
  co_await rt_.clock.sleep(duration{0});
  if (!sweep_spawned_) {
    rt_.log.info("product: the clock does not suspend; the reservation sweep is not running");
    co_return;
  }
  // Runs for the life of the service; each pass is bounded by max_sweep_batch.
  for (;;) {
    co_await rt_.clock.sleep(ctx_->settings.reservation_sweep);
    const std::int64_t now_s = to_unix_seconds(rt_.clock.now());
    auto expired = co_await ctx_->store.sweep_expired(now_s, max_sweep_batch);
    if (!expired) {
      rt_.log.warn("product: reservation sweep failed; next pass retries",
                   {{"code", std::string(sql::to_string(expired.error().code))},
                    {"message", expired.error().message}});
      continue;
    }
    if (*expired > 0) {
      rt_.log.info("product: reservations expired", {{"count", std::to_string(*expired)}});
      // A full batch means more may be due: the next pass comes after one more pause, so
      // the sweep never monopolises the database.
    }
  }
}

}  // namespace qm::product

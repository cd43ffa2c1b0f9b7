#include "services/order/service.hpp"

#include "runtime/migrations.hpp"
#include "services/order/checkout.hpp"

namespace qm::order {

order_service::order_service(rt::runtime& rt)
    : rt_(rt), loops_(1, [&rt](const std::string& failure) {
        rt.log.error("order background loop failed", {{"failure", failure}});
      }) {}

task<bool> order_service::start() {
  if (ctx_) {
    co_return true;
  }
  auto settings = read_settings(rt_.config);
  if (!settings) {
    rt_.log.error("order refuses to start: bad settings", {{"reason", settings.error()}});
    co_return false;
  }
  if (rt_.storage == nullptr) {
    rt_.log.error("order refuses to start: no storage is attached (it needs order_db)");
    co_return false;
  }
  auto migrated = co_await rt::apply_migrations(*rt_.storage, order_migrations());
  if (!migrated) {
    rt_.log.warn("order start: migrations failed",
                 {{"code", std::string(sql::to_string(migrated.error().code))},
                  {"message", migrated.error().message}});
    co_return false;
  }
  ctx_.emplace(rt_, std::move(*settings));
  observability_ = services::install_observability(rt_, {.calls = &ctx_->calls});
  if (!observability_) {
    ctx_.reset();
    co_return false;
  }
  register_routes(rt_.routes, *ctx_);
  if (ctx_->settings.outbox_interval > duration{0}) {
    const bool spawned = loops_.spawn(background_loop());
    QM_ASSERT(spawned);
  }
  rt_.log.info("order started", {{"engine", std::string(rt_.storage->engine())}});
  co_return true;
}

task<dispatch_report> order_service::dispatch_once() {
  QM_ASSERT_MSG(ctx_.has_value(), "dispatch_once before start");
  co_return co_await ctx_->outbox.dispatch_once();
}

task<std::int64_t> order_service::recover_stale_checkouts() {
  QM_ASSERT_MSG(ctx_.has_value(), "recover_stale_checkouts before start");
  co_return co_await order::recover_stale_checkouts(*ctx_);
}

task<void> order_service::background_loop() {
  // Runs as long as the service; every round is one bounded batch of each kind of work.
  for (;;) {
    co_await rt_.clock.sleep(ctx_->settings.outbox_interval);
    co_await order::recover_stale_checkouts(*ctx_);
    co_await ctx_->outbox.dispatch_once();
  }
}

}  // namespace qm::order

#include "services/delivery/service.hpp"

#include "runtime/migrations.hpp"
#include "services/delivery/assignment_flow.hpp"
#include "services/delivery/routes.hpp"

namespace qm::delivery {

task<bool> delivery_service::start() {
  if (ctx_) {
    co_return true;
  }
  auto settings = read_settings(rt_.config);
  if (!settings) {
    rt_.log.error("delivery refuses to start: bad settings", {{"reason", settings.error()}});
    co_return false;
  }
  if (rt_.storage == nullptr) {
    rt_.log.error("delivery refuses to start: no storage is attached (it needs delivery_db)");
    co_return false;
  }
  auto migrated = co_await rt::apply_migrations(*rt_.storage, delivery_migrations());
  if (!migrated) {
    rt_.log.warn("delivery start: migrations failed",
                 {{"code", std::string(sql::to_string(migrated.error().code))},
                  {"message", migrated.error().message}});
    co_return false;
  }
  const duration db_timeout = settings->db_timeout;
  const duration upstream_timeout = settings->upstream_timeout;
  services::upstream_client client(rt_, settings->context_secret, settings->upstreams);
  ctx_.emplace(delivery_context{rt_, std::move(*settings), delivery_store(*rt_.storage, db_timeout),
                                upstreams(rt_, upstream_timeout, std::move(client))});
  observability_ = services::install_observability(rt_, {.calls = &ctx_->calls.client()});
  if (!observability_) {
    ctx_.reset();
    co_return false;
  }
  register_routes(rt_.routes, *ctx_);
  if (ctx_->settings.waiting_sweep > duration{0}) {
    const bool spawned = background_.spawn(sweep_waiting());
    QM_ASSERT_MSG(spawned, "the sweep is the only background task");
    sweep_spawned_ = true;
  }
  rt_.log.info("delivery started",
               {{"engine", std::string(rt_.storage->engine())},
                {"waiting_sweep_ms",
                 std::to_string(ctx_->settings.waiting_sweep.count() / 1000)}});
  co_return true;
}

task<void> delivery_service::sweep_waiting() {
  QM_ASSERT(ctx_.has_value());
  // On a clock whose sleep completes inline (an in-process test host) this loop would spin
  // inside start(); a first zero sleep tells them apart, since on such a clock it returns
  // before spawn() has. There the sweep does not run.
  co_await rt_.clock.sleep(duration{0});
  if (!sweep_spawned_) {
    rt_.log.info("delivery: the clock does not suspend; the waiting sweep is not running");
    co_return;
  }
  // Runs for the life of the service; each round is one drain of at most max_drain_batch.
  for (;;) {
    co_await rt_.clock.sleep(ctx_->settings.waiting_sweep);
    const int assigned = co_await drain_waiting(*ctx_, nullptr);
    if (assigned > 0) {
      rt_.log.info("waiting orders assigned by the sweep", {{"count", std::to_string(assigned)}});
    }
  }
}

}  // namespace qm::delivery

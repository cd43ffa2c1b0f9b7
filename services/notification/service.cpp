#include "services/notification/service.hpp"

namespace qm::notification {

task<bool> notification_service::start() {
  if (ctx_) {
    co_return true;
  }
  auto settings = read_settings(rt_.config);
  if (!settings) {
    rt_.log.error("notification refuses to start: bad settings", {{"reason", settings.error()}});
    co_return false;
  }
  ctx_.emplace(notification_context{rt_, *settings, outbox(settings->outbox_capacity),
                                    user_book(settings->max_users)});
  notification_context* c = &*ctx_;
  observability_ = services::install_observability(
      rt_, {.details = [c](json::object& o) { o["outbox_depth"] = c->outbox.size(); }});
  if (!observability_) {
    ctx_.reset();
    co_return false;
  }
  register_routes(rt_.routes, *ctx_);
  if (mode_ == drain_mode::background) {
    const bool spawned = loops_.spawn(drain_loop());
    QM_ASSERT_MSG(spawned, "the drain loop is spawned once");
    loop_spawned_ = true;
  }
  rt_.log.info("notification started",
               {{"outbox_capacity", std::to_string(settings->outbox_capacity)},
                {"drain_interval_ms", std::to_string(settings->drain_interval.count() / 1000)}});
  co_return true;
}

drain_counts notification_service::drain_once() {
  if (!ctx_) {
    return {};
  }
  const drain_counts counts = dispatch(ctx_->outbox, ctx_->users, ctx_->settings.drain_batch);
  auto& m = rt_.metrics;
  const char* help = "Notifications taken from the outbox, by status.";
  if (counts.sent > 0) {
    m.get_counter("notification_deliveries_total", help, {{"status", "sent"}})
        .inc(static_cast<double>(counts.sent));
  }
  if (counts.skipped > 0) {
    m.get_counter("notification_deliveries_total", help, {{"status", "skipped"}})
        .inc(static_cast<double>(counts.skipped));
  }
  if (counts.unlogged > 0) {
    m.get_counter("notification_unlogged_total",
                  "Deliveries kept out of the log because the user bound was reached.")
        .inc(static_cast<double>(counts.unlogged));
  }
  m.get_gauge("notification_outbox_depth", "Events waiting in the outbox.")
      .set(static_cast<double>(ctx_->outbox.size()));
  return counts;
}

task<void> notification_service::drain_loop() {
  // Yield once before the first round. Both runtimes' clocks suspend here and hand control
  // back to start(); a clock whose sleep completes inline (a test's manual clock) never
  // would, and the loop would spin forever inside start(). There the loop ends at once and
  // the outbox drains only through drain_once().
  co_await rt_.clock.sleep(duration{0});
  if (!loop_spawned_) {
    rt_.log.info("notification: the clock does not suspend; the drain loop is not running");
    co_return;
  }
  // Runs for the life of the service; each round is bounded (one batch of at most
  // drain_batch events) and follows a pause on the runtime's clock, so the loop never
  // starves the node.
  const duration pause = ctx_->settings.drain_interval;
  for (;;) {
    co_await rt_.clock.sleep(pause);
    drain_once();
  }
}

}  // namespace qm::notification

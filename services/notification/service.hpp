#pragma once
// The notification service: order and delivery events in, notifications out, per-user
// channel settings. No database: a bounded outbox and bounded per-user state in memory
// (lost on restart, which a notification may be; a notification failure never fails an
// order). start() reads the settings, registers the routes and, in background mode, spawns
// the drain loop, which lives exactly as long as the service object.

#include <memory>
#include <optional>

#include "core/task/task_scope.hpp"
#include "runtime/service.hpp"
#include "services/common/observability.hpp"
#include "services/notification/domain/dispatch.hpp"
#include "services/notification/routes.hpp"

namespace qm::notification {

// background: the service drains its outbox every drain_interval on its own (not on a
// clock whose sleep never suspends, such as a test's manual clock: see drain_loop).
// manual: nothing drains until drain_once() is called (tests that need the outbox to fill,
// or to step the drain themselves).
enum class drain_mode : std::uint8_t { background, manual };

class notification_service final : public rt::service {
 public:
  explicit notification_service(rt::runtime& rt, drain_mode mode = drain_mode::background)
      : rt_(rt), mode_(mode) {}
  task<bool> start() override;

  // Sends one bounded batch (at most drain_batch events) from the outbox; what the drain
  // loop runs every drain_interval. Nothing happens before start() has succeeded.
  drain_counts drain_once();
  // Events waiting in the outbox (0 before start).
  std::size_t outbox_size() const { return ctx_ ? ctx_->outbox.size() : 0; }

 private:
  task<void> drain_loop();

  rt::runtime& rt_;
  drain_mode mode_;
  std::optional<notification_context> ctx_;  // set once start() has succeeded
  std::unique_ptr<services::observability> observability_;  // its routes; after ctx_, which it refers to
  bool loop_spawned_ = false;                // start() got control back from the loop's spawn
  // Declared last, so it is destroyed first: the loop never outlives the state it drains.
  task_scope loops_{1};
};

}  // namespace qm::notification

#pragma once
// The outbox dispatcher: delivers the calls an order owes other services (cart clear,
// delivery assignment and cancel, reservation release, notifications) after the transaction
// that made them owed has committed. A delivery that fails transiently (no reply, a 5xx, a
// 429) is retried with capped exponential backoff; after outbox_max_attempts, or on a 4xx
// that no retry can change, the row is marked dead and logged. A failing notification
// therefore costs a checkout nothing: the checkout committed before anything was sent.

#include <cstdint>
#include <optional>

#include "core/observe/request_scope.hpp"
#include "core/task/task.hpp"
#include "runtime/runtime.hpp"
#include "services/order/domain/settings.hpp"
#include "services/order/store.hpp"

namespace qm::order {

// What a message written while serving `scope` records about it (the request id and the
// traceparent of a call made in its span); empty when scope is null (background work).
message_origin origin_of(const observe::request_scope* scope);

// The scope a delivery of a message from `origin` runs in: the origin's request id and the
// span its traceparent names, so the call carries the stored traceparent and the upstream's
// span is a child of the request that wrote the message. None when the origin is empty or
// not well formed: the delivery then starts a trace of its own.
std::optional<observe::request_scope> delivery_scope(const message_origin& origin);

enum class delivery_outcome : std::uint8_t { delivered, retry_later, dead, db_failed };

struct dispatch_report {
  std::int64_t delivered = 0;
  std::int64_t retried = 0;
  std::int64_t dead = 0;
  bool db_failed = false;  // the batch stopped on a database error
};

class outbox_dispatcher {
 public:
  outbox_dispatcher(rt::runtime& rt, services::upstream_client& client, order_store& store,
                    const order_settings& settings)
      : rt_(rt), client_(client), store_(store), settings_(settings) {}

  // How long a delivered row is kept before pruning.
  static constexpr std::int64_t done_retention_s = 3600;
  // Pruning looks at old rows only, so once a minute keeps the table bounded without paying
  // for a delete on every round.
  static constexpr std::int64_t prune_interval_s = 60;

  // One bounded batch: every due row (at most outbox_batch), one attempt each; then, at most
  // once per prune_interval_s, a batch of delivered rows older than done_retention_s is
  // pruned.
  task<dispatch_report> dispatch_once();
  // One attempt of row, its outcome recorded in the outbox. The call continues the trace of
  // the request that wrote the row, when it has one.
  task<delivery_outcome> deliver(outbox_row row);

 private:
  rt::runtime& rt_;
  services::upstream_client& client_;
  order_store& store_;
  const order_settings& settings_;
  std::int64_t next_prune_s_ = 0;  // unix seconds; 0: prune on the first round
};

}  // namespace qm::order

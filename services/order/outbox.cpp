#include "services/order/outbox.hpp"

#include <algorithm>

namespace qm::order {

namespace {

// A 4xx other than 408 and 429 says the request itself is wrong: sending it again cannot help.
bool is_permanent_refusal(int status) {
  return status >= 400 && status < 500 && status != 408 && status != 429;
}

}  // namespace

message_origin origin_of(const observe::request_scope* scope) {
  if (scope == nullptr) {
    return {};
  }
  return message_origin{scope->request_id, scope->span.child_traceparent()};
}

std::optional<observe::request_scope> delivery_scope(const message_origin& origin) {
  const auto parent = observe::parse_traceparent(origin.traceparent);
  if (!parent || !observe::is_well_formed_request_id(origin.request_id)) {
    return std::nullopt;
  }
  observe::request_scope scope;
  scope.request_id = origin.request_id;
  scope.span = observe::span_named_by(*parent);
  return scope;
}

task<delivery_outcome> outbox_dispatcher::deliver(outbox_row row) {
  http::request req;
  req.verb = http::method::post;
  req.target = row.message.target;
  req.body = row.message.body;
  req.headers.set("Content-Type", "application/json");
  // The outbox is the retry loop for its messages (bounded attempts, capped backoff), so the
  // client makes one attempt; its breaker still keeps a sick upstream from being hammered.
  services::call_options opts;
  opts.deadline = rt_.clock.now() + settings_.upstream_timeout;
  const std::optional<observe::request_scope> scope = delivery_scope(row.origin);
  const observe::request_scope* origin = scope ? &*scope : nullptr;
  opts.origin = origin;
  auto reply = co_await client_.call(row.message.upstream, std::move(req), opts);
  // A call the client refused without sending (breaker open, bulkhead full) is no attempt:
  // the message waits for the upstream's recovery instead of running out of attempts.
  const bool not_sent = !reply && (reply.error().code == rt::call_errc::circuit_open ||
                                   reply.error().code == rt::call_errc::overloaded);
  const std::int64_t attempts = not_sent ? row.attempts : row.attempts + 1;
  std::string error;
  bool permanent = false;
  if (!reply) {
    error = std::string(rt::to_string(reply.error().code));
  } else if (reply->status >= 200 && reply->status < 300) {
    auto done = co_await store_.outbox_done(row.id, attempts);
    co_return done ? delivery_outcome::delivered : delivery_outcome::db_failed;
  } else {
    error = "status " + std::to_string(reply->status);
    permanent = is_permanent_refusal(reply->status);
  }
  if (permanent || attempts >= settings_.outbox_max_attempts) {
    rt_.log.error(origin, "outbox message dead", {{"id", std::to_string(row.id)},
                                                 {"upstream", row.message.upstream},
                                                 {"target", row.message.target},
                                                 {"attempts", std::to_string(attempts)},
                                                 {"error", error}});
    auto dead = co_await store_.outbox_dead(row.id, attempts, error);
    co_return dead ? delivery_outcome::dead : delivery_outcome::db_failed;
  }
  const std::int64_t next_at = to_unix_seconds(rt_.clock.now()) + retry_delay_s(std::max<std::int64_t>(attempts, 1));
  rt_.log.debug(origin, "outbox delivery failed; will retry",
                {{"id", std::to_string(row.id)},
                 {"upstream", row.message.upstream},
                 {"error", error}});
  auto retry = co_await store_.outbox_retry(row.id, attempts, next_at, error);
  co_return retry ? delivery_outcome::retry_later : delivery_outcome::db_failed;
}

task<dispatch_report> outbox_dispatcher::dispatch_once() {
  dispatch_report report;
  auto due = co_await store_.due_outbox(to_unix_seconds(rt_.clock.now()), settings_.outbox_batch);
  if (!due) {
    report.db_failed = true;
    co_return report;
  }
  for (auto& row : *due) {
    switch (co_await deliver(std::move(row))) {
      case delivery_outcome::delivered:
        ++report.delivered;
        break;
      case delivery_outcome::retry_later:
        ++report.retried;
        break;
      case delivery_outcome::dead:
        ++report.dead;
        break;
      case delivery_outcome::db_failed:
        // The row stays pending and is sent again next time: deliveries are idempotent.
        report.db_failed = true;
        co_return report;
    }
  }
  const std::int64_t now_s = to_unix_seconds(rt_.clock.now());
  if (now_s < next_prune_s_) {
    co_return report;
  }
  auto pruned = co_await store_.prune_outbox(now_s - done_retention_s, settings_.outbox_batch);
  report.db_failed = !pruned.ok();
  // A full batch means more may be waiting: the next round prunes again.
  const bool caught_up = pruned.ok() && *pruned < settings_.outbox_batch;
  next_prune_s_ = caught_up ? now_s + prune_interval_s : now_s;
  co_return report;
}

}  // namespace qm::order

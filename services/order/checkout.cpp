#include "services/order/checkout.hpp"

#include <optional>
#include <utility>

#include "services/common/caller.hpp"
#include "services/order/domain/checkout_input.hpp"
#include "services/order/responses.hpp"
#include "services/order/upstreams.hpp"

namespace qm::order {

namespace {

using http::request_context;
using http::response;

// A random order id colliding with an existing one is astronomically rare, but handled.
constexpr int max_id_attempts = 3;

enum class payment_outcome : std::uint8_t { captured, declined, unavailable };

void count(order_context& c, std::string_view outcome) { c.checkouts.at(outcome).inc(); }

// What an ended attempt owes product for its reservation.
enum class release_plan : std::uint8_t {
  none,    // nothing can be held: the reserve was never sent, or product refused it (all or none)
  queued,  // owed; left to the dispatcher, since product has just failed to answer
  now,     // owed, and tried once right away
};

// Ends the attempt without an order: failed with final_reply (replayed for the key), or
// retryable when unset. An owed release is queued in the same transaction, so it survives a
// crash; the dispatcher retries it as needed. When the attempt cannot be ended (database
// down), the recovery sweep does it after the lease.
task<void> end_attempt(order_context& c, const request_context& rc, const checkout_ref& ref,
                       release_plan plan, attempt_payment paid,
                       std::optional<failure_reply> final_reply) {
  std::optional<outbox_row> release;
  if (plan != release_plan::none) {
    release = outbox_row{new_id(c.rt.random), release_message(ref.reservation_id), 0,
                         origin_of(rc.scope.get())};
  }
  const std::int64_t now_s = to_unix_seconds(c.rt.clock.now());
  auto ended = co_await c.store.end_attempt(ref, std::move(final_reply), release, paid, now_s);
  if (!ended) {
    c.rt.log.warn(rc.scope.get(), "checkout compensation deferred to the recovery sweep",
                  {{"reservation_id", ref.reservation_id},
                   {"code", std::string(sql::to_string(ended.error().code))}});
    co_return;
  }
  if (!*ended) {
    // Someone else ended it (the recovery sweep) or it committed after all (an unknown
    // commit outcome): either way, whoever holds it owns any compensation.
    co_return;
  }
  if (release && plan == release_plan::now) {
    co_await c.outbox.deliver(std::move(*release));
  }
}

// Refuses the checkout for good: the reply is recorded and replayed for the key.
task<response> refuse(order_context& c, const request_context& rc, const checkout_ref& ref,
                      release_plan plan, attempt_payment paid, response reply,
                      std::string_view outcome) {
  count(c, outcome);
  failure_reply recorded{reply.status, reply.body};
  co_await end_attempt(c, rc, ref, plan, paid, std::move(recorded));
  co_return reply;
}

// Gives the attempt up; the same key may try again.
task<response> give_up(order_context& c, const request_context& rc, const checkout_ref& ref,
                       release_plan plan, attempt_payment paid, response reply,
                       std::string reason) {
  count(c, "transient");
  c.rt.log.info(rc.scope.get(), "checkout attempt abandoned",
                {{"attempt", std::to_string(ref.attempt)}, {"reason", reason}});
  co_await end_attempt(c, rc, ref, plan, paid, std::nullopt);
  co_return reply;
}

// Charges the attempt's total once: a payment already recorded for the attempt is reused.
task<payment_outcome> pay(order_context& c, const checkout_ref& ref, std::int64_t total_paise) {
  auto existing = co_await c.store.find_payment(ref);
  if (!existing) {
    co_return payment_outcome::unavailable;
  }
  if (existing->has_value()) {
    const payment_record& p = **existing;
    if (p.status == payment_status::captured && p.amount_paise == total_paise) {
      co_return payment_outcome::captured;
    }
    co_return p.status == payment_status::declined ? payment_outcome::declined
                                                   : payment_outcome::unavailable;
  }
  const bool captured = co_await c.payments.charge(total_paise);
  payment_record record{new_id(c.rt.random), total_paise,
                        captured ? payment_status::captured : payment_status::declined};
  auto stored = co_await c.store.record_payment(ref, record, to_unix_seconds(c.rt.clock.now()));
  if (!stored) {
    // The charge is not on record, so the attempt cannot go on: it is given up (and, the
    // provider being simulated, nothing outside order_db has to be refunded).
    co_return payment_outcome::unavailable;
  }
  co_return captured ? payment_outcome::captured : payment_outcome::declined;
}

// The saga's calls (cart read, reserve, confirm) share one deadline: the request's own when
// it came with one, else three upstream timeouts from now.
time_point saga_deadline(const order_context& c, const request_context& rc) {
  const time_point own = c.rt.clock.now() + 3 * c.settings.upstream_timeout;
  return rc.deadline != time_point{} && rc.deadline < own ? rc.deadline : own;
}

// The messages as outbox rows owed by the request rc serves.
std::vector<outbox_row> rows_for(order_context& c, const request_context& rc,
                                 std::vector<outbox_message> messages) {
  std::vector<outbox_row> rows;
  const message_origin origin = origin_of(rc.scope.get());
  for (auto& m : messages) {
    rows.push_back(outbox_row{new_id(c.rt.random), std::move(m), 0, origin});
  }
  return rows;
}

task<response> run_saga(order_context& c, const request_context& rc, checkout_ref ref,
                        checkout_input input) {
  upstreams up(c.calls, saga_deadline(c, rc), rc.scope.get());
  auto cart = co_await up.cart_lines(ref.user_id);
  if (!cart) {
    co_return co_await give_up(c, rc, ref, release_plan::none, attempt_payment::none,
                               upstream_unavailable(rc, "cart"), cart.error().reason);
  }
  if (cart->empty()) {
    co_return co_await refuse(c, rc, ref, release_plan::none, attempt_payment::none,
                              cart_empty(rc), "cart_empty");
  }
  auto held = co_await up.reserve(ref.reservation_id, std::move(*cart));
  if (!held) {
    if (held.error().final) {
      response passed = http::json_response(held.error().status, held.error().body);
      co_return co_await refuse(c, rc, ref, release_plan::none, attempt_payment::none,
                                std::move(passed), "out_of_stock");
    }
    co_return co_await give_up(c, rc, ref, release_plan::queued, attempt_payment::none,
                               upstream_unavailable(rc, "product"), held.error().reason);
  }
  if (held->status != "held" && held->status != "confirmed") {
    // Released or expired under this attempt's id: the attempt was recovered meanwhile.
    std::string reason = "reservation " + held->status;
    co_return co_await give_up(c, rc, ref, release_plan::now, attempt_payment::none,
                               upstream_unavailable(rc, ""), std::move(reason));
  }
  order_record o;
  o.user_id = ref.user_id;
  o.status = order_status::confirmed;
  o.lines = std::move(held->lines);
  const totals t = price(o.lines);
  o.subtotal_paise = t.subtotal_paise;
  o.delivery_fee_paise = t.delivery_fee_paise;
  o.total_paise = t.total_paise;
  o.address = std::move(input.address);
  o.location = input.location;
  o.reservation_id = ref.reservation_id;

  switch (co_await pay(c, ref, o.total_paise)) {
    case payment_outcome::captured:
      break;
    case payment_outcome::declined:
      co_return co_await refuse(c, rc, ref, release_plan::now, attempt_payment::possible,
                                payment_failed(rc),
                                "payment_failed");
    case payment_outcome::unavailable: {
      const sql::error unrecorded{sql::errc::unavailable, "payment not recorded"};
      response reply = db_failure(rc, c.rt.log, "payment", unrecorded);
      co_return co_await give_up(c, rc, ref, release_plan::now, attempt_payment::possible,
                                 std::move(reply), "payment not recorded");
    }
  }
  auto confirmed = co_await up.confirm(ref.reservation_id);
  if (!confirmed) {
    co_return co_await give_up(c, rc, ref, release_plan::queued, attempt_payment::possible,
                               upstream_unavailable(rc, "product"), confirmed.error().reason);
  }
  for (int attempt = 0; attempt < max_id_attempts; ++attempt) {
    const std::int64_t now_s = to_unix_seconds(c.rt.clock.now());
    o.id = new_id(c.rt.random);
    o.created_at = now_s;
    o.updated_at = now_s;
    std::vector<outbox_row> rows = rows_for(c, rc, checkout_messages(o));
    QM_ASSERT(!rows.empty() && rows.front().message.upstream == "cart");
    outbox_row clear_cart = rows.front();
    auto done = co_await c.store.complete_checkout(ref, o, std::move(rows), now_s);
    if (!done) {
      response reply = db_failure(rc, c.rt.log, "complete_checkout", done.error());
      co_return co_await give_up(c, rc, ref, release_plan::now, attempt_payment::possible,
                                 std::move(reply), "commit failed");
    }
    if (*done == complete_outcome::completed) {
      count(c, "created");
      // The cart is emptied before the customer hears of the order, so a quick second
      // checkout cannot order the same lines again; the outbox row stays the guarantee if
      // this attempt fails (the clear is idempotent by order id, so both may run).
      co_await c.outbox.deliver(std::move(clear_cart));
      co_return order_reply(201, o);
    }
    if (*done == complete_outcome::lease_lost) {
      // The recovery sweep ended this attempt and queued its release: nothing to undo here.
      count(c, "lease_lost");
      co_return upstream_unavailable(rc, "");
    }
  }
  co_return co_await give_up(c, rc, ref, release_plan::now, attempt_payment::possible,
                             upstream_unavailable(rc, ""), "no free order id");
}

}  // namespace

task<response> handle_checkout(order_context& c, request_context rc) {
  auto caller = services::authenticate(rc, c.settings.context_secret, c.rt.clock.now());
  if (!caller) {
    co_return std::move(caller).error();
  }
  auto key = parse_idempotency_key(rc.request.headers.get("Idempotency-Key"));
  if (!key) {
    co_return bad_parameter(rc, key.error());
  }
  auto input = parse_checkout_body(rc.request.body);
  if (!input) {
    co_return bad_parameter(rc, input.error());
  }
  const std::int64_t now_s = to_unix_seconds(c.rt.clock.now());
  auto claimed =
      co_await c.store.claim_checkout(caller->user_id, *key, request_digest(*input), now_s);
  if (!claimed) {
    co_return db_failure(rc, c.rt.log, "claim_checkout", claimed.error());
  }
  switch (claimed->kind) {
    case claim_kind::mismatch:
      co_return http::error_response(
          422, "idempotency_key_reused",
          "this Idempotency-Key was used with a different request; use a new key",
          services::request_id(rc));
    case claim_kind::in_progress:
      co_return checkout_in_progress(rc);
    case claim_kind::failed:
      co_return http::json_response(claimed->failure_status, claimed->failure_body);
    case claim_kind::completed: {
      auto found = co_await c.store.find_order(*claimed->order_id);
      if (!found) {
        co_return db_failure(rc, c.rt.log, "find_order", found.error());
      }
      QM_ASSERT_MSG(found->has_value(), "a completed checkout names a missing order");
      co_return order_reply(200, **found);
    }
    case claim_kind::started:
      break;
  }
  co_return co_await run_saga(c, rc, claimed->ref, std::move(*input));
}

task<std::int64_t> recover_stale_checkouts(order_context& c) {
  const std::int64_t now_s = to_unix_seconds(c.rt.clock.now());
  auto stale = co_await c.store.stale_checkouts(now_s - c.settings.checkout_lease_s,
                                                c.settings.outbox_batch);
  if (!stale) {
    co_return 0;
  }
  std::int64_t recovered = 0;
  for (const auto& ref : *stale) {
    // Background work: the release starts a trace of its own when it is delivered.
    outbox_row release{new_id(c.rt.random), release_message(ref.reservation_id), 0, {}};
    auto ended = co_await c.store.end_attempt(ref, std::nullopt, std::move(release),
                                              attempt_payment::possible, now_s);
    if (!ended) {
      co_return recovered;
    }
    if (*ended) {
      ++recovered;
      c.rt.log.warn("stale checkout recovered", {{"user_id", std::to_string(ref.user_id)},
                                                 {"attempt", std::to_string(ref.attempt)},
                                                 {"reservation_id", ref.reservation_id}});
    }
  }
  co_return recovered;
}

}  // namespace qm::order

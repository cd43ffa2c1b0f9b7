// The checkout saga through the real order service and fake upstreams: totals and fee,
// idempotency by key, refusals passed on and replayed, compensation, transient failures that
// leave the key reusable, recovery of a crashed attempt, and the outbox after the commit.

#include <set>

#include "services/order/outbox.hpp"
#include "tests/unit/order/order_fixture.hpp"

namespace qm::test {
namespace {

using order_checkout = order_fixture;

// A checkout attempt (user 9, reservation "lost-reservation") left pending at t=0 by a process
// that died: its lease is long over.
task<rt::db_status> abandon_checkout(rt::storage& db) {
  auto insert = [](sql::transaction& tx) {
    tx.exec(
        "INSERT INTO checkouts (user_id, idem_key, state, attempt, reservation_id, "
        "request_digest, claimed_at, updated_at) "
        "VALUES (9, 'lost', 'pending', 1, 'lost-reservation', 'd', 0, 0)");
  };
  co_return co_await db.transact(insert, seconds(1));
}

TEST_F(order_checkout, happy_path_prices_the_reservation_and_charges_the_fee_under_199_rupees) {
  start();
  cart.carts[7] = {{1, 2}, {2, 1}};  // 2 x 50 + 1 x 40 rupees = 140 rupees: fee applies
  auto r = checkout(7, "key-1");
  ASSERT_EQ(r.status, 201) << r.body;
  auto o = parse(r);
  EXPECT_EQ(o.at("user_id").as_int64(), 7);
  EXPECT_EQ(o.at("status").as_string(), "confirmed");
  EXPECT_EQ(o.at("subtotal_paise").as_int64(), 14'000);
  EXPECT_EQ(o.at("delivery_fee_paise").as_int64(), 2'000);
  EXPECT_EQ(o.at("total_paise").as_int64(), 16'000);
  EXPECT_EQ(o.at("address").as_string(), "12 MG Road, Bengaluru");
  EXPECT_DOUBLE_EQ(o.at("location").as_object().at("lat").as_double(), 12.9352);
  EXPECT_TRUE(o.at("partner_id").is_null());
  const auto& lines = o.at("lines").as_array();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].as_object().at("name").as_string(), "Milk 1L");
  EXPECT_EQ(lines[0].as_object().at("line_total_paise").as_int64(), 10'000);
  // Stock is taken and the reservation confirmed.
  EXPECT_EQ(product.items[1].available, 8);
  EXPECT_EQ(product.items[2].available, 9);
  ASSERT_EQ(product.reservations.size(), 1u);
  EXPECT_EQ(product.reservations.begin()->second.status, "confirmed");
  EXPECT_EQ(count("SELECT COUNT(*) FROM orders"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM payments WHERE status = 'captured' AND amount_paise = "
                  "16000"),
            1);
  // The cart was emptied before the reply; assignment and notification wait in the outbox.
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE state = 'done' AND upstream = 'cart'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE state = 'pending'"), 2);
}

TEST_F(order_checkout, the_caller_s_request_id_and_trace_go_with_every_call_the_checkout_owes) {
  start();
  cart.carts[7] = {{1, 1}};
  auto req = make_request(http::method::post, "/orders/checkout", default_checkout_body);
  req.headers.set(std::string(identity::context_header), context_for(7));
  req.headers.set("Idempotency-Key", "traced");
  req.headers.set("X-Request-ID", "rid-checkout-1");
  const std::string client_trace = "4bf92f3577b34da6a3ce929d0e0e4736";
  req.headers.set("traceparent", "00-" + client_trace + "-00f067aa0ba902b7-01");
  ASSERT_EQ(host.handle(std::move(req)).status, 201);
  // The saga's calls (cart read, reserve, confirm), the cart clear made from the outbox
  // before the reply, and, dispatched later from the outbox, the delivery assignment and the
  // notification: every one carries the request id and a traceparent whose parent is the
  // checkout's span at order.
  ASSERT_EQ(dispatch().delivered, 2);
  ASSERT_EQ(http.sent.size(), 6U);
  const auto first =
      observe::parse_traceparent(http.sent[0].headers.get("traceparent").value_or(""));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(std::string_view(first->trace_id.data(), first->trace_id.size()), client_trace);
  EXPECT_NE(std::string_view(first->parent_id.data(), first->parent_id.size()),
            "00f067aa0ba902b7");
  for (const auto& sent : http.sent) {
    EXPECT_EQ(sent.headers.get("X-Request-ID"), "rid-checkout-1") << sent.target;
    EXPECT_EQ(sent.headers.get("traceparent"), http.sent[0].headers.get("traceparent"))
        << sent.target;
  }
  const std::set<std::string> later = {http.sent[4].target, http.sent[5].target};
  EXPECT_EQ(later, (std::set<std::string>{"/internal/assignments", "/internal/events"}));
}

TEST_F(order_checkout, outbox_rows_from_no_request_are_delivered_in_a_trace_of_their_own) {
  start();
  // A release queued by the recovery sweep, and a row written before the outbox kept origins.
  ASSERT_TRUE(run_now(abandon_checkout(*db)).ok());
  clock.advance(seconds(600));
  ASSERT_EQ(recover(), 1);
  ASSERT_EQ(count("SELECT COUNT(*) FROM outbox WHERE request_id IS NULL"), 1);
  auto old_row = run_now(db->transact(
      [](sql::transaction& tx) {
        tx.exec(
            "INSERT INTO outbox (id, order_id, seq, upstream, target, body, state, attempts, "
            "next_attempt_at, last_error, created_at) "
            "VALUES (77, 5, 1, 'notification', '/internal/events', '{}', 'pending', 0, 0, '', 0)");
      },
      seconds(1)));
  ASSERT_TRUE(old_row.ok());
  ASSERT_EQ(dispatch().delivered, 2);
  ASSERT_EQ(http.sent.size(), 2U);
  // Each starts a trace of its own, with a request id of its own.
  std::set<std::string> traces;
  std::set<std::string> ids;
  for (const auto& sent : http.sent) {
    const auto id = sent.headers.get("X-Request-ID");
    ASSERT_TRUE(id.has_value());
    EXPECT_TRUE(observe::is_well_formed_request_id(*id));
    ids.insert(std::string(*id));
    const auto tp = observe::parse_traceparent(sent.headers.get("traceparent").value_or(""));
    ASSERT_TRUE(tp.has_value()) << sent.target;
    traces.emplace(tp->trace_id.data(), tp->trace_id.size());
  }
  EXPECT_EQ(traces.size(), 2U);
  EXPECT_EQ(ids.size(), 2U);
  // A malformed origin (a row edited by hand) is ignored the same way.
  const std::string tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  EXPECT_FALSE(order::delivery_scope({"rid", "not a traceparent"}).has_value());
  EXPECT_FALSE(order::delivery_scope({"", tp}).has_value());
  ASSERT_TRUE(order::delivery_scope({"rid", tp}).has_value());
  EXPECT_EQ(order::delivery_scope({"rid", tp})->span.child_traceparent(), tp);
  EXPECT_FALSE(order::delivery_scope({}).has_value());
}

TEST_F(order_checkout, a_cancel_s_outbox_calls_continue_the_cancel_s_trace) {
  start();
  cart.carts[7] = {{1, 1}};
  auto placed = checkout(7, "to-cancel");
  ASSERT_EQ(placed.status, 201);
  ASSERT_EQ(dispatch().delivered, 2);
  const auto id = parse(placed).at("id").as_int64();
  http.sent.clear();
  auto req = make_request(http::method::post, "/orders/" + std::to_string(id) + "/cancel", "");
  req.headers.set(std::string(identity::context_header), context_for(7));
  req.headers.set("X-Request-ID", "rid-cancel");
  req.headers.set("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  ASSERT_EQ(host.handle(std::move(req)).status, 200);
  ASSERT_EQ(dispatch().delivered, 3);  // release, delivery cancel, notification
  ASSERT_EQ(http.sent.size(), 3U);
  for (const auto& sent : http.sent) {
    EXPECT_EQ(sent.headers.get("X-Request-ID"), "rid-cancel") << sent.target;
    const auto tp = observe::parse_traceparent(sent.headers.get("traceparent").value_or(""));
    ASSERT_TRUE(tp.has_value()) << sent.target;
    EXPECT_EQ(std::string_view(tp->trace_id.data(), tp->trace_id.size()),
              "0af7651916cd43dd8448eb211c80319c");
  }
}

TEST_F(order_checkout, a_key_reused_with_another_request_is_refused_not_given_the_first_order) {
  start();
  cart.carts[7] = {{1, 1}};
  ASSERT_EQ(checkout(7, "reused").status, 201);
  const std::string elsewhere =
      R"({"address":"Somewhere else 9","location":{"lat":12.9,"lon":77.6}})";
  auto other = checkout(7, "reused", elsewhere);
  EXPECT_EQ(other.status, 422) << other.body;
  EXPECT_EQ(error_code(other), "idempotency_key_reused");
  EXPECT_EQ(count("SELECT COUNT(*) FROM orders"), 1);
  // The original request with its key still replays its order.
  EXPECT_EQ(checkout(7, "reused").status, 200);
}

TEST_F(order_checkout, no_fee_from_199_rupees) {
  start();
  cart.carts[7] = {{3, 1}};
  auto r = checkout(7, "big");
  ASSERT_EQ(r.status, 201) << r.body;
  auto o = parse(r);
  EXPECT_EQ(o.at("subtotal_paise").as_int64(), 19'900);
  EXPECT_EQ(o.at("delivery_fee_paise").as_int64(), 0);
  EXPECT_EQ(o.at("total_paise").as_int64(), 19'900);
}

TEST_F(order_checkout, a_retry_with_the_same_key_returns_the_same_order_and_never_a_second) {
  start();
  cart.carts[7] = {{1, 1}};
  auto first = checkout(7, "same");
  ASSERT_EQ(first.status, 201) << first.body;
  const auto id = parse(first).at("id").as_int64();
  for (int i = 0; i < 3; ++i) {
    auto again = checkout(7, "same");
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(parse(again).at("id").as_int64(), id);
  }
  EXPECT_EQ(product.reserve_calls, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM orders"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM payments"), 1);
  // Another user's identical key is another checkout.
  cart.carts[8] = {{1, 1}};
  auto other = checkout(8, "same");
  ASSERT_EQ(other.status, 201) << other.body;
  EXPECT_NE(parse(other).at("id").as_int64(), id);
}

TEST_F(order_checkout, the_key_is_required_and_checked) {
  start();
  cart.carts[7] = {{1, 1}};
  auto missing = checkout(7, std::nullopt);
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(error_code(missing), "invalid_parameter");
  EXPECT_NE(missing.body.find("Idempotency-Key"), std::string::npos);
  EXPECT_EQ(checkout(7, "bad key!").status, 400);
  EXPECT_EQ(checkout(7, std::string(65, 'k')).status, 400);
  auto bad_body = checkout(7, "k1", R"({"address":"x","location":{"lat":100,"lon":0}})");
  EXPECT_EQ(bad_body.status, 400);
  EXPECT_NE(bad_body.body.find("location.lat"), std::string::npos);
  EXPECT_EQ(product.reserve_calls, 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM checkouts"), 0);
  // No context, no checkout.
  auto anonymous = host.handle(make_request(http::method::post, "/orders/checkout",
                                            default_checkout_body));
  EXPECT_EQ(anonymous.status, 401);
}

TEST_F(order_checkout, an_empty_cart_is_refused_and_the_refusal_replayed) {
  start();
  auto r = checkout(7, "empty");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(error_code(r), "cart_empty");
  cart.carts[7] = {{1, 1}};
  auto again = checkout(7, "empty");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(error_code(again), "cart_empty");
  EXPECT_EQ(product.reserve_calls, 0);
  EXPECT_EQ(checkout(7, "fresh").status, 201);
}

TEST_F(order_checkout, a_declined_payment_releases_the_reservation_and_creates_no_order) {
  host.config().set("payment_failure_permille", "1000");
  host.config().set("payment_latency_ms", "150");
  start();
  cart.carts[7] = {{1, 3}};
  const time_point before = clock.now();
  auto r = checkout(7, "pay");
  EXPECT_EQ(r.status, 402) << r.body;
  EXPECT_EQ(error_code(r), "payment_failed");
  EXPECT_GE(clock.now() - before, ms(150));  // the gateway's latency was waited out
  EXPECT_EQ(product.release_calls, 1);
  EXPECT_EQ(product.items[1].available, 10);
  EXPECT_EQ(product.reservations.begin()->second.status, "released");
  EXPECT_EQ(count("SELECT COUNT(*) FROM orders"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM payments WHERE status = 'declined'"), 1);
  // The refusal is replayed, with no second charge and no second reservation.
  auto again = checkout(7, "pay");
  EXPECT_EQ(again.status, 402);
  EXPECT_EQ(count("SELECT COUNT(*) FROM payments"), 1);
  EXPECT_EQ(product.reserve_calls, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE state = 'done'"), 1);
}

TEST_F(order_checkout, insufficient_stock_passes_product_s_reply_on_and_replays_it) {
  start();
  cart.carts[7] = {{3, 6}};  // 5 in stock
  auto r = checkout(7, "short");
  ASSERT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(error_code(r), "insufficient_stock");
  auto shortage = parse(r).at("shortages").as_array().at(0).as_object();
  EXPECT_EQ(shortage.at("product_id").as_int64(), 3);
  EXPECT_EQ(shortage.at("requested").as_int64(), 6);
  EXPECT_EQ(shortage.at("available").as_int64(), 5);
  EXPECT_EQ(product.items[3].available, 5);
  auto again = checkout(7, "short");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.body, r.body);
  EXPECT_EQ(product.reserve_calls, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM orders"), 0);
  // Product refused all of it, so nothing is held and no release is owed.
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox"), 0);
}

TEST_F(order_checkout, an_inactive_product_is_refused_with_product_s_reply) {
  start();
  product.items[2].active = false;
  cart.carts[7] = {{1, 1}, {2, 1}};
  auto r = checkout(7, "inactive");
  ASSERT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(error_code(r), "product_unavailable");
  EXPECT_EQ(parse(r).at("product_ids").as_array().at(0).as_int64(), 2);
  EXPECT_EQ(product.items[1].available, 10);
  EXPECT_EQ(count("SELECT COUNT(*) FROM checkouts WHERE state = 'failed'"), 1);
}

TEST_F(order_checkout, a_product_timeout_answers_503_and_the_same_key_works_afterwards) {
  start();
  cart.carts[7] = {{1, 2}};
  http.failures["product"] = rt::call_errc::timeout;
  auto r = checkout(7, "retry-me");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(error_code(r), "upstream_unavailable");
  EXPECT_EQ(r.headers.get("Retry-After"), "1");
  EXPECT_EQ(count("SELECT COUNT(*) FROM checkouts WHERE state = 'retryable'"), 1);
  // The release of the first attempt's id is owed (a reserve still in flight must not hold).
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND upstream = 'product'"),
            1);
  http.failures.clear();
  auto again = checkout(7, "retry-me");
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(product.items[1].available, 8);
  // The owed release reaches product as a tombstone for the first attempt's id; the second
  // attempt's reservation keeps its stock.
  clock.advance(seconds(2));
  dispatch();
  EXPECT_EQ(product.items[1].available, 8);
  int released = 0;
  for (const auto& [id, h] : product.reservations) {
    released += h.status == "released" ? 1 : 0;
  }
  EXPECT_EQ(released, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM orders"), 1);
}

TEST_F(order_checkout, a_failure_after_reserving_is_compensated_and_the_key_stays_usable) {
  start();
  cart.carts[7] = {{2, 4}};
  product.confirm_status = 503;
  auto r = checkout(7, "confirm-fails");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(product.items[2].available, 6);  // product just failed: the release is queued
  EXPECT_EQ(dispatch().delivered, 1);
  EXPECT_EQ(product.items[2].available, 10);
  EXPECT_EQ(count("SELECT COUNT(*) FROM payments WHERE status = 'refunded'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM orders"), 0);
  product.confirm_status.reset();
  auto again = checkout(7, "confirm-fails");
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(product.items[2].available, 6);
  EXPECT_EQ(count("SELECT COUNT(*) FROM payments WHERE status = 'captured'"), 1);
}

TEST_F(order_checkout, a_duplicate_while_the_first_is_running_is_told_to_wait) {
  start();
  cart.carts[7] = {{1, 1}};
  std::optional<http::response> inner;
  product.on_reserve = [&](const std::string&) {
    if (!inner) {
      inner = checkout(7, "dup");
    }
  };
  auto outer = checkout(7, "dup");
  ASSERT_TRUE(inner.has_value());
  EXPECT_EQ(inner->status, 409);
  EXPECT_EQ(error_code(*inner), "checkout_in_progress");
  EXPECT_EQ(inner->headers.get("Retry-After"), "1");
  EXPECT_EQ(outer.status, 201) << outer.body;
  EXPECT_EQ(count("SELECT COUNT(*) FROM orders"), 1);
}

TEST_F(order_checkout, a_crashed_attempt_is_compensated_by_the_recovery_sweep_after_the_lease) {
  host.config().set("checkout_lease_s", "30");
  start();
  cart.carts[7] = {{1, 5}};
  // The database goes away once the reservation is confirmed: neither the commit nor the
  // compensation can be written, as when the process dies at that point.
  product.on_confirm = [&](const std::string&) { db->fail_with = sql::errc::unavailable; };
  auto r = checkout(7, "crash");
  EXPECT_EQ(r.status, 503);
  db->fail_with.reset();
  product.on_confirm = nullptr;
  EXPECT_EQ(product.items[1].available, 5);
  EXPECT_EQ(count("SELECT COUNT(*) FROM checkouts WHERE state = 'pending'"), 1);
  EXPECT_EQ(checkout(7, "crash").status, 409);  // still within its lease

  clock.advance(seconds(29));
  EXPECT_EQ(recover(), 0);
  clock.advance(seconds(2));
  EXPECT_EQ(recover(), 1);
  EXPECT_EQ(recover(), 0);
  auto report = dispatch();
  EXPECT_EQ(report.delivered, 1);
  EXPECT_EQ(product.items[1].available, 10);
  EXPECT_EQ(count("SELECT COUNT(*) FROM orders"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM payments WHERE status = 'refunded'"), 1);
  // The customer's retry with the same key is a fresh attempt and succeeds.
  auto again = checkout(7, "crash");
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(product.items[1].available, 5);
}

TEST_F(order_checkout, a_database_outage_answers_503) {
  start();
  cart.carts[7] = {{1, 1}};
  db->fail_with = sql::errc::timeout;
  auto r = checkout(7, "db");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.headers.get("Retry-After"), "1");
  EXPECT_EQ(product.reserve_calls, 0);
}

TEST_F(order_checkout, the_outbox_clears_the_cart_assigns_delivery_and_notifies_after_commit) {
  start();
  cart.carts[7] = {{1, 2}, {2, 1}};
  auto r = checkout(7, "outbox");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto id = parse(r).at("id").as_int64();
  // The cart is emptied before the reply; the rest waits for the dispatcher.
  ASSERT_EQ(cart.checkouts.size(), 1u);
  EXPECT_EQ(cart.checkouts[0].at("order_id").as_int64(), id);
  EXPECT_TRUE(cart.carts[7].empty());
  EXPECT_TRUE(delivery.calls.empty());
  EXPECT_TRUE(notification.calls.empty());
  auto report = dispatch();
  EXPECT_EQ(report.delivered, 2);
  EXPECT_EQ(cart.checkouts.size(), 1u);
  ASSERT_EQ(delivery.calls_to("/internal/assignments").size(), 1u);
  EXPECT_EQ(delivery.calls[0].body.at("order_id").as_int64(), id);
  EXPECT_EQ(delivery.calls[0].body.at("user_id").as_int64(), 7);
  ASSERT_EQ(notification.calls.size(), 1u);
  EXPECT_EQ(notification.calls[0].body.at("kind").as_string(), "order_confirmed");
  EXPECT_EQ(dispatch().delivered, 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE state = 'done'"), 3);
}

TEST_F(order_checkout, a_cart_that_fails_the_clear_at_checkout_is_cleared_by_the_outbox_later) {
  start();
  cart.carts[7] = {{1, 1}};
  cart.clear_status = 503;
  ASSERT_EQ(checkout(7, "late-clear").status, 201);  // the order stands all the same
  EXPECT_FALSE(cart.carts[7].empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE upstream = 'cart' AND state = 'pending'"), 1);
  cart.clear_status.reset();
  clock.advance(seconds(1));  // the failed attempt's backoff
  dispatch();
  EXPECT_TRUE(cart.carts[7].empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE upstream = 'cart' AND state = 'done'"), 1);
}

TEST_F(order_checkout, outbox_deliveries_are_retried_with_backoff_until_they_pass) {
  start();
  cart.carts[7] = {{1, 1}};
  ASSERT_EQ(checkout(7, "retry").status, 201);
  http.failures["delivery"] = rt::call_errc::connect_failed;
  auto first = dispatch();
  EXPECT_EQ(first.delivered, 1);  // the notification (the cart was cleared at checkout)
  EXPECT_EQ(first.retried, 1);
  EXPECT_EQ(dispatch().retried, 0);  // not due before its backoff
  clock.advance(seconds(1));
  EXPECT_EQ(dispatch().retried, 1);  // second failure: now 2 s away
  http.failures.clear();
  clock.advance(seconds(1));
  EXPECT_EQ(dispatch().delivered, 0);
  clock.advance(seconds(1));
  EXPECT_EQ(dispatch().delivered, 1);
  EXPECT_EQ(delivery.calls.size(), 1u);
  EXPECT_EQ(count("SELECT attempts FROM outbox WHERE upstream = 'delivery'"), 3);
}

TEST_F(order_checkout, a_failing_notification_never_fails_a_checkout_and_ends_dead) {
  host.config().set("outbox_max_attempts", "3");
  start();
  cart.carts[7] = {{1, 1}};
  notification.answer_status = 503;
  ASSERT_EQ(checkout(7, "quiet").status, 201);
  std::int64_t dead = 0;
  for (int round = 0; round < 10; ++round) {
    dead += dispatch().dead;
    clock.advance(seconds(60));
  }
  EXPECT_EQ(dead, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE state = 'dead' AND attempts = 3"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE state = 'done'"), 2);
  EXPECT_TRUE(host.log().saw("outbox message dead"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM orders WHERE status = 'confirmed'"), 1);
}

TEST_F(order_checkout, a_request_refused_by_the_upstream_is_dead_at_once) {
  start();
  cart.carts[7] = {{1, 1}};
  ASSERT_EQ(checkout(7, "refused").status, 201);
  delivery.answer_status = 400;
  auto report = dispatch();
  EXPECT_EQ(report.dead, 1);
  EXPECT_EQ(report.delivered, 1);  // the notification; the cart was cleared at checkout
}

TEST_F(order_checkout, delivered_outbox_rows_are_pruned_after_an_hour) {
  start();
  cart.carts[7] = {{1, 1}};
  ASSERT_EQ(checkout(7, "prune").status, 201);
  EXPECT_EQ(dispatch().delivered, 2);  // the cart clear went out with the checkout
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox"), 3);
  clock.advance(seconds(3599));
  dispatch();
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox"), 3);
  // Pruning runs once a minute: rows past their hour go within the next minute.
  clock.advance(seconds(2));
  dispatch();
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox"), 3);
  clock.advance(seconds(order::outbox_dispatcher::prune_interval_s));
  dispatch();
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox"), 0);
}

TEST_F(order_checkout, the_background_loop_recovers_and_dispatches_every_round) {
  clock.hold_sleeps = true;
  host.config().set("outbox_interval_ms", "500");
  host.config().set("checkout_lease_s", "30");
  start();
  ASSERT_EQ(clock.sleepers(), 1u);  // the loop, waiting for its first round
  cart.carts[7] = {{1, 2}};
  ASSERT_EQ(checkout(7, "looped").status, 201);
  EXPECT_EQ(cart.checkouts.size(), 1u);  // cleared with the checkout
  EXPECT_TRUE(delivery.calls.empty());
  const time_point before = clock.now();
  ASSERT_TRUE(clock.wake_one());
  EXPECT_EQ(clock.now() - before, ms(500));
  EXPECT_EQ(cart.checkouts.size(), 1u);
  EXPECT_EQ(delivery.calls.size(), 1u);
  EXPECT_EQ(notification.calls.size(), 1u);
  ASSERT_EQ(clock.sleepers(), 1u);  // and asleep again
  // A checkout left pending by a dead process is recovered and compensated in one round.
  ASSERT_TRUE(run_now(abandon_checkout(*db)).ok());
  ASSERT_TRUE(clock.wake_one());
  EXPECT_EQ(count("SELECT COUNT(*) FROM checkouts WHERE state = 'retryable'"), 1);
  ASSERT_EQ(product.reservations.count("lost-reservation"), 1u);
  EXPECT_EQ(product.reservations["lost-reservation"].status, "released");
  EXPECT_EQ(clock.sleepers(), 1u);
}

}  // namespace
}  // namespace qm::test

// After checkout: my orders, one order (mine only; any for an admin), cancellation and its
// compensation through the outbox, the status machine through the delivery and admin routes,
// and the admin listing and stats.

#include "tests/unit/order/order_fixture.hpp"

namespace qm::test {
namespace {

class order_lifecycle : public order_fixture {
 protected:
  void SetUp() override {
    order_fixture::SetUp();
    start();
  }

  // A confirmed order of user for quantity units of product 1; its id.
  std::int64_t place(std::int64_t user, std::string key, std::int64_t quantity = 1) {
    cart.carts[user] = {{1, quantity}};
    auto r = checkout(user, std::move(key));
    EXPECT_EQ(r.status, 201) << r.body;
    dispatch();
    return r.status == 201 ? parse(r).at("id").as_int64() : 0;
  }

  http::response admin(http::method verb, std::string target, std::string body = {}) {
    return call(verb, std::move(target), 1, std::move(body), identity::role_admin);
  }

  http::response internal_status(std::int64_t id, std::string body) {
    return host.handle(make_request(http::method::post,
                                    "/internal/orders/" + std::to_string(id) + "/status",
                                    std::move(body)));
  }

  std::string status_of(std::int64_t id) {
    auto r = admin(http::method::get, "/orders/" + std::to_string(id));
    return r.status == 200 ? std::string(parse(r).at("status").as_string()) : "";
  }
};

TEST_F(order_lifecycle, my_orders_newest_first_and_nobody_else_s) {
  const auto a = place(7, "a");
  clock.advance(seconds(10));
  const auto b = place(7, "b");
  place(8, "c");
  auto r = call(http::method::get, "/orders", 7);
  ASSERT_EQ(r.status, 200) << r.body;
  auto page = parse(r);
  const auto& items = page.at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].as_object().at("id").as_int64(), b);
  EXPECT_EQ(items[1].as_object().at("id").as_int64(), a);
  EXPECT_EQ(page.at("limit").as_int64(), 20);
  auto second = call(http::method::get, "/orders?limit=1&offset=1", 7);
  ASSERT_EQ(second.status, 200);
  ASSERT_EQ(parse(second).at("items").as_array().size(), 1u);
  EXPECT_EQ(parse(second).at("items").as_array()[0].as_object().at("id").as_int64(), a);
  EXPECT_EQ(call(http::method::get, "/orders?limit=0", 7).status, 400);
  EXPECT_EQ(call(http::method::get, "/orders", std::nullopt).status, 401);
}

TEST_F(order_lifecycle, another_user_s_order_is_404_and_an_admin_sees_any) {
  const auto id = place(7, "mine");
  const std::string target = "/orders/" + std::to_string(id);
  auto mine = call(http::method::get, target, 7);
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(parse(mine).at("id").as_int64(), id);
  auto theirs = call(http::method::get, target, 8);
  EXPECT_EQ(theirs.status, 404);
  EXPECT_EQ(error_code(theirs), "not_found");
  EXPECT_EQ(call(http::method::get, "/orders/999", 7).status, 404);
  EXPECT_EQ(call(http::method::get, "/orders/abc", 7).status, 404);
  EXPECT_EQ(admin(http::method::get, target).status, 200);
  // Nor may another user cancel it.
  EXPECT_EQ(call(http::method::post, target + "/cancel", 8).status, 404);
  EXPECT_EQ(status_of(id), "confirmed");
}

TEST_F(order_lifecycle, cancel_from_confirmed_releases_stock_frees_delivery_and_notifies) {
  const auto id = place(7, "cancel-me", 4);
  EXPECT_EQ(product.items[1].available, 6);
  EXPECT_EQ(count("SELECT COUNT(*) FROM payments WHERE status = 'captured'"), 1);
  auto r = call(http::method::post, "/orders/" + std::to_string(id) + "/cancel", 7);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse(r).at("status").as_string(), "cancelled");
  // The money goes back with the stock.
  EXPECT_EQ(count("SELECT COUNT(*) FROM payments WHERE status = 'captured'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM payments WHERE status = 'refunded'"), 1);
  auto report = dispatch();
  EXPECT_EQ(report.delivered, 3);
  EXPECT_EQ(product.items[1].available, 10);
  ASSERT_EQ(delivery.calls_to("/internal/assignments/" + std::to_string(id) + "/cancel").size(),
            1u);
  ASSERT_EQ(notification.calls.size(), 2u);
  EXPECT_EQ(notification.calls[1].body.at("kind").as_string(), "order_cancelled");
  // Cancelled is terminal.
  auto twice = call(http::method::post, "/orders/" + std::to_string(id) + "/cancel", 7);
  EXPECT_EQ(twice.status, 409);
  EXPECT_EQ(error_code(twice), "illegal_transition");
  EXPECT_EQ(internal_status(id, R"({"status":"out_for_delivery"})").status, 409);
}

TEST_F(order_lifecycle, a_cancel_waits_in_the_outbox_behind_the_order_s_earlier_calls) {
  cart.carts[7] = {{1, 1}};
  auto r = checkout(7, "ordered");
  ASSERT_EQ(r.status, 201);
  const auto id = parse(r).at("id").as_int64();
  // The assignment cannot be delivered yet; the cancel of the same order must not overtake it.
  delivery.answer_status = 503;
  ASSERT_EQ(call(http::method::post, "/orders/" + std::to_string(id) + "/cancel", 7).status, 200);
  dispatch();
  delivery.answer_status.reset();
  clock.advance(seconds(1));
  dispatch();
  dispatch();
  ASSERT_EQ(delivery.calls.size(), 2u);
  EXPECT_EQ(delivery.calls[0].target, "/internal/assignments");
  EXPECT_EQ(delivery.calls[1].target, "/internal/assignments/" + std::to_string(id) + "/cancel");
}

TEST_F(order_lifecycle, the_delivery_service_drives_pickup_and_delivery) {
  const auto id = place(7, "ride");
  auto partner = host.handle(make_request(
      http::method::post, "/internal/orders/" + std::to_string(id) + "/partner",
      R"({"partner_id":77})"));
  ASSERT_EQ(partner.status, 200) << partner.body;
  EXPECT_EQ(parse(partner).at("partner_id").as_int64(), 77);
  // Delivered before pickup is not a move the machine has.
  auto early = internal_status(id, R"({"status":"delivered"})");
  EXPECT_EQ(early.status, 409);
  EXPECT_EQ(error_code(early), "illegal_transition");
  // Delivery may not cancel.
  EXPECT_EQ(internal_status(id, R"({"status":"cancelled"})").status, 409);
  // Nor pick up what the store has not packed yet.
  EXPECT_EQ(internal_status(id, R"({"status":"out_for_delivery","partner_id":78})").status, 409);
  ASSERT_EQ(admin(http::method::post, "/admin/orders/" + std::to_string(id) + "/status",
                  R"({"status":"packed"})")
                .status,
            200);
  auto picked = internal_status(id, R"({"status":"out_for_delivery","partner_id":78})");
  ASSERT_EQ(picked.status, 200) << picked.body;
  EXPECT_EQ(parse(picked).at("status").as_string(), "out_for_delivery");
  EXPECT_EQ(parse(picked).at("partner_id").as_int64(), 78);
  // The delivery service retries its calls: the same move again is a success.
  EXPECT_EQ(internal_status(id, R"({"status":"out_for_delivery"})").status, 200);
  // Past pickup the customer can no longer cancel.
  auto late = call(http::method::post, "/orders/" + std::to_string(id) + "/cancel", 7);
  EXPECT_EQ(late.status, 409);
  EXPECT_EQ(error_code(late), "illegal_transition");
  ASSERT_EQ(internal_status(id, R"({"status":"delivered"})").status, 200);
  EXPECT_EQ(status_of(id), "delivered");
  // One notification per round: an order's messages to one upstream go in order.
  EXPECT_EQ(dispatch().delivered, 1);
  EXPECT_EQ(dispatch().delivered, 1);
  ASSERT_EQ(notification.calls.size(), 3u);
  EXPECT_EQ(notification.calls[1].body.at("kind").as_string(), "out_for_delivery");
  EXPECT_EQ(notification.calls[2].body.at("kind").as_string(), "delivered");
  EXPECT_EQ(internal_status(999, R"({"status":"delivered"})").status, 404);
  EXPECT_EQ(internal_status(id, R"({"status":"teleported"})").status, 400);
}

TEST_F(order_lifecycle, admin_moves_orders_along_the_machine_and_cancels_packed_ones) {
  const auto id = place(7, "packed");
  const std::string target = "/admin/orders/" + std::to_string(id) + "/status";
  auto packed = admin(http::method::post, target, R"({"status":"packed"})");
  ASSERT_EQ(packed.status, 200) << packed.body;
  EXPECT_EQ(parse(packed).at("status").as_string(), "packed");
  EXPECT_EQ(admin(http::method::post, target, R"({"status":"confirmed"})").status, 409);
  EXPECT_EQ(admin(http::method::post, target, R"({"status":"packed"})").status, 409);
  // The customer cancels a packed order; the stock comes back.
  ASSERT_EQ(call(http::method::post, "/orders/" + std::to_string(id) + "/cancel", 7).status, 200);
  dispatch();
  EXPECT_EQ(product.items[1].available, 10);
  // A customer is no admin.
  auto refused = call(http::method::post, target, 7, R"({"status":"packed"})");
  EXPECT_EQ(refused.status, 403);
  const auto other = place(8, "admin-cancel");
  auto cancelled = admin(http::method::post, "/orders/" + std::to_string(other) + "/cancel");
  EXPECT_EQ(cancelled.status, 200) << cancelled.body;
}

TEST_F(order_lifecycle, admin_lists_with_filters_and_counts_orders_and_revenue) {
  const auto a = place(7, "s1", 1);  // 50 + 20 fee
  const auto b = place(8, "s2", 4);  // 200, no fee
  place(8, "s3", 2);                 // 100 + 20 fee
  ASSERT_EQ(call(http::method::post, "/orders/" + std::to_string(b) + "/cancel", 8).status, 200);
  ASSERT_EQ(admin(http::method::post, "/admin/orders/" + std::to_string(a) + "/status",
                  R"({"status":"packed"})")
                .status,
            200);
  auto all = admin(http::method::get, "/admin/orders");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(parse(all).at("items").as_array().size(), 3u);
  auto eights = admin(http::method::get, "/admin/orders?user_id=8");
  EXPECT_EQ(parse(eights).at("items").as_array().size(), 2u);
  auto cancelled = admin(http::method::get, "/admin/orders?status=cancelled");
  ASSERT_EQ(parse(cancelled).at("items").as_array().size(), 1u);
  EXPECT_EQ(parse(cancelled).at("items").as_array()[0].as_object().at("id").as_int64(), b);
  EXPECT_EQ(admin(http::method::get, "/admin/orders?status=lost").status, 400);
  EXPECT_EQ(call(http::method::get, "/admin/orders", 7).status, 403);

  auto stats = admin(http::method::get, "/admin/stats");
  ASSERT_EQ(stats.status, 200) << stats.body;
  auto s = parse(stats);
  const auto& by = s.at("orders_by_status").as_object();
  EXPECT_EQ(by.at("confirmed").as_int64(), 1);
  EXPECT_EQ(by.at("packed").as_int64(), 1);
  EXPECT_EQ(by.at("cancelled").as_int64(), 1);
  EXPECT_EQ(by.at("delivered").as_int64(), 0);
  EXPECT_EQ(s.at("revenue_paise").as_int64(), 7'000 + 12'000);
  EXPECT_EQ(call(http::method::get, "/admin/stats", 7).status, 403);
}

}  // namespace
}  // namespace qm::test

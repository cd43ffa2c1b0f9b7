// The notification service's pure parts: events, preferences, the bounded outbox, the
// bounded per-user book and one drain step.

#include <gtest/gtest.h>

#include "services/notification/domain/dispatch.hpp"
#include "services/notification/domain/events.hpp"
#include "services/notification/domain/outbox.hpp"
#include "services/notification/domain/preferences.hpp"
#include "services/notification/domain/user_book.hpp"

namespace qm::notification {
namespace {

event make_event(std::int64_t user_id, std::int64_t order_id) {
  event e;
  e.id = order_id * 10;
  e.user_id = user_id;
  e.kind = event_kind::delivered;
  e.order_id = order_id;
  e.message = standard_message(e.kind, order_id);
  return e;
}

TEST(events, every_kind_round_trips_through_its_name) {
  for (const auto k : {event_kind::order_confirmed, event_kind::order_cancelled,
                       event_kind::partner_assigned, event_kind::out_for_delivery,
                       event_kind::delivered}) {
    EXPECT_EQ(kind_from_string(to_string(k)), k);
    EXPECT_NE(standard_message(k, 5).find("5"), std::string::npos);
  }
  EXPECT_FALSE(kind_from_string("Delivered"));
  EXPECT_FALSE(kind_from_string(""));
}

TEST(events, an_event_is_read_with_its_standard_message) {
  auto e = parse_event(R"({"user_id":3,"kind":"order_cancelled","order_id":44})");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->user_id, 3);
  EXPECT_EQ(e->kind, event_kind::order_cancelled);
  EXPECT_EQ(e->order_id, 44);
  EXPECT_EQ(e->message, "Your order 44 was cancelled.");
  auto unknown = parse_event(R"({"user_id":3,"kind":"refunded","order_id":44})");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "kind");
}

TEST(preferences, the_enabled_channels_come_in_a_fixed_order) {
  EXPECT_EQ(enabled_channels(preferences{}), (std::vector<std::string>{"push"}));
  EXPECT_EQ(enabled_channels({true, true, true}),
            (std::vector<std::string>{"push", "sms", "email"}));
  EXPECT_TRUE(enabled_channels({false, false, false}).empty());
  auto p = parse_preferences(R"({"email":true,"sms":false,"push":false})");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, (preferences{false, false, true}));
}

TEST(outbox, holds_at_most_its_capacity_in_arrival_order) {
  outbox box(2);
  EXPECT_TRUE(box.push(make_event(1, 1)));
  EXPECT_TRUE(box.push(make_event(1, 2)));
  EXPECT_TRUE(box.full());
  EXPECT_FALSE(box.push(make_event(1, 3)));
  EXPECT_EQ(box.size(), 2U);
  EXPECT_EQ(box.pop()->order_id, 1);
  EXPECT_TRUE(box.push(make_event(1, 4)));
  EXPECT_EQ(box.pop()->order_id, 2);
  EXPECT_EQ(box.pop()->order_id, 4);
  EXPECT_FALSE(box.pop().has_value());
}

TEST(user_book, keeps_the_newest_entries_of_each_user) {
  user_book book(10);
  const auto entries = static_cast<std::int64_t>(max_log_entries);
  for (std::int64_t order = 1; order <= entries + 5; ++order) {
    ASSERT_TRUE(book.record(delivery{make_event(1, order), {"push"}, "sent"}));
  }
  const auto log = book.newest_first(1);
  ASSERT_EQ(log.size(), max_log_entries);
  EXPECT_EQ(log.front().what.order_id, entries + 5);
  EXPECT_EQ(log.back().what.order_id, 6);
  EXPECT_TRUE(book.newest_first(2).empty());
}

TEST(user_book, stores_at_most_max_users_and_serves_defaults_beyond) {
  user_book book(2);
  EXPECT_TRUE(book.set_preferences(1, {false, true, false}));
  EXPECT_TRUE(book.record(delivery{make_event(2, 1), {}, "skipped"}));
  EXPECT_FALSE(book.set_preferences(3, {false, false, true}));
  EXPECT_FALSE(book.record(delivery{make_event(3, 2), {"push"}, "sent"}));
  EXPECT_EQ(book.users(), 2U);
  EXPECT_EQ(book.preferences_of(3), preferences{});
  // Known users are not affected by the bound.
  EXPECT_TRUE(book.set_preferences(1, {true, true, true}));
  EXPECT_TRUE(book.record(delivery{make_event(1, 3), {"push"}, "sent"}));
  EXPECT_EQ(book.preferences_of(1), (preferences{true, true, true}));
}

TEST(dispatch, sends_one_bounded_batch_on_each_users_channels) {
  outbox box(100);
  user_book book(100);
  ASSERT_TRUE(book.set_preferences(2, {false, false, false}));
  ASSERT_TRUE(book.set_preferences(3, {false, true, true}));
  for (std::int64_t i = 1; i <= 6; ++i) {
    ASSERT_TRUE(box.push(make_event(1 + (i % 3), i)));
  }
  const auto first = dispatch(box, book, 4);
  EXPECT_EQ(first.total(), 4U);
  EXPECT_EQ(box.size(), 2U);
  const auto second = dispatch(box, book, 4);
  EXPECT_EQ(second.total(), 2U);
  EXPECT_EQ(first.skipped + second.skipped, 2U);  // user 2's two events
  EXPECT_EQ(first.sent + second.sent, 4U);
  const auto user3 = book.newest_first(3);
  ASSERT_EQ(user3.size(), 2U);
  EXPECT_EQ(user3.front().channels, (std::vector<std::string>{"sms", "email"}));
  EXPECT_EQ(book.newest_first(2).front().status, "skipped");
  EXPECT_EQ(dispatch(box, book, 4).total(), 0U);
}

}  // namespace
}  // namespace qm::notification

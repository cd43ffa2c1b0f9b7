// The outbox and the user book against a plain model: under any sequence of events, drains
// and settings changes, nothing is lost or reordered inside the bounds and every bound holds.

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <deque>
#include <map>
#include <set>
#include <vector>

#include "services/notification/domain/dispatch.hpp"

namespace qm::notification {
namespace {

struct model {
  std::size_t capacity = 0;
  std::size_t max_users = 0;
  std::deque<event> waiting;
  std::set<std::int64_t> stored;                        // admitted users
  std::map<std::int64_t, preferences> prefs;            // of admitted users
  std::map<std::int64_t, std::vector<std::int64_t>> log;  // event ids, oldest first, unbounded

  bool admit(std::int64_t user) {
    if (stored.count(user) == 1) {
      return true;
    }
    if (stored.size() >= max_users) {
      return false;
    }
    stored.insert(user);
    return true;
  }
};

RC_GTEST_PROP(notification_properties, outbox_and_book_match_a_plain_model, ()) {
  model m;
  m.capacity = *rc::gen::inRange<std::size_t>(1, 12);
  m.max_users = *rc::gen::inRange<std::size_t>(1, 6);
  outbox box(m.capacity);
  user_book book(m.max_users);
  std::int64_t next_id = 1;

  const int steps = *rc::gen::inRange(0, 800);
  for (int step = 0; step < steps; ++step) {
    const int op = *rc::gen::inRange(0, 10);
    // Users 1 and 2 get most events, so their logs pass the 100-entry bound.
    const auto user = *rc::gen::inRange<std::int64_t>(1, step % 4 == 0 ? 9 : 3);
    if (op < 6) {
      event e;
      e.id = next_id++;
      e.user_id = user;
      e.order_id = e.id;
      const bool model_accepts = m.waiting.size() < m.capacity;
      RC_ASSERT(box.push(e) == model_accepts);
      if (model_accepts) {
        m.waiting.push_back(e);
      }
    } else if (op < 9) {
      const auto batch = *rc::gen::inRange<std::size_t>(1, 6);
      const auto counts = dispatch(box, book, batch);
      const std::size_t taken = std::min(batch, m.waiting.size());
      RC_ASSERT(counts.total() == taken);
      for (std::size_t i = 0; i < taken; ++i) {
        const event e = m.waiting.front();
        m.waiting.pop_front();
        if (m.admit(e.user_id)) {
          m.log[e.user_id].push_back(e.id);
        }
      }
    } else {
      const preferences p{*rc::gen::arbitrary<bool>(), *rc::gen::arbitrary<bool>(),
                          *rc::gen::arbitrary<bool>()};
      const bool model_stores = m.admit(user);
      RC_ASSERT(book.set_preferences(user, p) == model_stores);
      if (model_stores) {
        m.prefs[user] = p;
      }
    }

    RC_ASSERT(box.size() == m.waiting.size());
    RC_ASSERT(box.size() <= m.capacity);
    RC_ASSERT(book.users() == m.stored.size());
    RC_ASSERT(book.users() <= m.max_users);
    for (std::int64_t u = 1; u <= 8; ++u) {
      const auto it = m.prefs.find(u);
      RC_ASSERT(book.preferences_of(u) == (it == m.prefs.end() ? preferences{} : it->second));
      std::vector<std::int64_t> expected;
      if (const auto l = m.log.find(u); l != m.log.end()) {
        const std::size_t keep = std::min(l->second.size(), max_log_entries);
        expected.assign(l->second.rbegin(), l->second.rbegin() + static_cast<long>(keep));
      }
      std::vector<std::int64_t> got;
      for (const auto& d : book.newest_first(u)) {
        got.push_back(d.what.id);
      }
      RC_ASSERT(got == expected);
    }
  }
}

}  // namespace
}  // namespace qm::notification

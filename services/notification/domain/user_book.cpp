#include "services/notification/domain/user_book.hpp"

#include <utility>

#include "core/base/assert.hpp"

namespace qm::notification {

user_book::user_book(std::size_t max_users) : max_users_(max_users) { QM_ASSERT(max_users_ > 0); }

preferences user_book::preferences_of(std::int64_t user_id) const {
  const auto it = users_.find(user_id);
  return it == users_.end() ? preferences{} : it->second.prefs;
}

bool user_book::set_preferences(std::int64_t user_id, preferences p) {
  user_state* u = admit(user_id);
  if (u == nullptr) {
    return false;
  }
  u->prefs = p;
  return true;
}

bool user_book::record(delivery d) {
  user_state* u = admit(d.what.user_id);
  if (u == nullptr) {
    return false;
  }
  u->log.push_back(std::move(d));
  if (u->log.size() > max_log_entries) {
    u->log.pop_front();
  }
  QM_ASSERT(u->log.size() <= max_log_entries);
  return true;
}

std::vector<delivery> user_book::newest_first(std::int64_t user_id) const {
  const auto it = users_.find(user_id);
  if (it == users_.end()) {
    return {};
  }
  return std::vector<delivery>(it->second.log.rbegin(), it->second.log.rend());
}

user_book::user_state* user_book::admit(std::int64_t user_id) {
  const auto it = users_.find(user_id);
  if (it != users_.end()) {
    return &it->second;
  }
  if (users_.size() >= max_users_) {
    return nullptr;
  }
  return &users_[user_id];
}

}  // namespace qm::notification

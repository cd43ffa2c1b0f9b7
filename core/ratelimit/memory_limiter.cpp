#include "core/ratelimit/memory_limiter.hpp"

#include "core/base/assert.hpp"

namespace qm::ratelimit {

memory_limiter::memory_limiter(std::size_t max_keys) : max_keys_(max_keys) {
  QM_ASSERT_MSG(max_keys > 0, "a limiter holds at least one key");
  logs_.reserve(max_keys < 1024 ? max_keys : 1024);
}

void memory_limiter::unlink(node& n) {
  (n.newer != nullptr ? n.newer->older : newest_) = n.older;
  (n.older != nullptr ? n.older->newer : oldest_) = n.newer;
  n.newer = nullptr;
  n.older = nullptr;
}

void memory_limiter::push_front(node& n) {
  n.older = newest_;
  n.newer = nullptr;
  if (newest_ != nullptr) {
    newest_->newer = &n;
  } else {
    oldest_ = &n;
  }
  newest_ = &n;
}

void memory_limiter::erase(node& n) {
  unlink(n);
  const auto it = logs_.find(std::string_view(*n.key));
  QM_ASSERT(it != logs_.end());
  logs_.erase(it);
}

// One check per decision keeps expired logs from lingering without ever scanning the map.
void memory_limiter::drop_oldest_if_expired(time_point now, const node* keep) {
  if (oldest_ != nullptr && oldest_ != keep && oldest_->expires <= now) {
    erase(*oldest_);
    ++stats_.expired;
  }
}

memory_limiter::node& memory_limiter::log_for(const window_hit& hit) {
  if (const auto it = logs_.find(std::string_view(hit.key)); it != logs_.end()) {
    unlink(it->second);
    push_front(it->second);
    return it->second;
  }
  if (logs_.size() >= max_keys_) {
    drop_oldest_if_expired(hit.now, nullptr);
  }
  if (logs_.size() >= max_keys_) {
    erase(*oldest_);
    ++stats_.evicted;
  }
  const auto [it, inserted] = logs_.try_emplace(hit.key, hit.limit);
  QM_ASSERT(inserted);
  it->second.key = &it->first;
  push_front(it->second);
  return it->second;
}

verdict memory_limiter::admit(const window_hit& hit) {
  QM_ASSERT_MSG(hit.limit > 0 && hit.limit <= max_limit, "a rate limit is between 1 and 100000");
  QM_ASSERT_MSG(hit.window.count() > 0, "a rate-limit window is positive");
  node& n = log_for(hit);
  const verdict v = n.log.admit(hit.now, hit.window, hit.limit);
  n.expires = n.log.newest() + hit.window;
  if (v.allowed) {
    ++stats_.admitted;
  } else {
    ++stats_.refused;
  }
  drop_oldest_if_expired(hit.now, &n);
  QM_ASSERT(logs_.size() <= max_keys_);
  return v;
}

}  // namespace qm::ratelimit

#include "services/gateway/token_cache.hpp"

#include <algorithm>

#include "core/base/assert.hpp"

namespace qm::gateway {

token_cache::token_cache(std::size_t max_entries, std::int64_t ttl_s, std::int64_t negative_ttl_s)
    : max_entries_(max_entries), ttl_s_(ttl_s), negative_ttl_s_(negative_ttl_s) {
  QM_ASSERT(max_entries_ > 0);
  QM_ASSERT(ttl_s_ >= 0);
  QM_ASSERT(negative_ttl_s_ >= 0);
}

std::optional<cached_answer> token_cache::find(std::string_view token, std::int64_t now_s) const {
  const auto it = entries_.find(token);
  if (it == entries_.end() || now_s >= it->second.valid_until_s) {
    return std::nullopt;
  }
  return it->second.answer;
}

void token_cache::remember(std::string token, cached_caller caller, std::int64_t token_exp_s,
                           std::int64_t now_s) {
  if (ttl_s_ == 0) {
    return;
  }
  const std::int64_t until = std::min(now_s + ttl_s_, token_exp_s);
  if (until <= now_s) {
    return;
  }
  put(std::move(token), cached_answer{true, std::move(caller)}, until);
}

void token_cache::remember_inactive(std::string token, std::int64_t now_s) {
  if (negative_ttl_s_ == 0) {
    return;
  }
  put(std::move(token), cached_answer{false, {}}, now_s + negative_ttl_s_);
}

void token_cache::put(std::string token, cached_answer answer, std::int64_t until_s) {
  if (auto it = entries_.find(token); it != entries_.end()) {
    it->second = entry{std::move(answer), until_s};
    return;
  }
  while (entries_.size() >= max_entries_) {
    QM_ASSERT(!insertion_order_.empty());
    entries_.erase(insertion_order_.front());
    insertion_order_.pop_front();
  }
  insertion_order_.push_back(token);
  entries_.emplace(std::move(token), entry{std::move(answer), until_s});
  QM_ASSERT(entries_.size() == insertion_order_.size());
}

}  // namespace qm::gateway

#include "services/gateway/stale_cache.hpp"

#include "core/base/assert.hpp"

namespace qm::gateway {

stale_cache::stale_cache(stale_cache_settings s) : settings_(s) {}

void stale_cache::remember(const std::string& target, const http::response& r, time_point now) {
  if (settings_.max_entries == 0 || r.status != 200 || r.body.size() > settings_.max_body_bytes) {
    return;
  }
  if (auto it = entries_.find(target); it != entries_.end()) {
    // Copied over the entry's own answer, whose strings and field vector already have room:
    // the same answer as a fresh copy, mostly without allocating.
    it->second.answer = r;
    it->second.fresh_at = now;
    return;
  }
  while (entries_.size() >= settings_.max_entries) {
    QM_ASSERT(!order_.empty());
    entries_.erase(order_.front());
    order_.pop_front();
  }
  order_.push_back(target);
  entries_.emplace(target, entry{r, now});
  QM_ASSERT(entries_.size() == order_.size());
}

std::optional<http::response> stale_cache::stale(std::string_view target, time_point now) const {
  const auto it = entries_.find(target);
  if (it == entries_.end() || now - it->second.fresh_at > settings_.max_stale) {
    return std::nullopt;
  }
  http::response r = it->second.answer;
  const auto age_s = std::chrono::duration_cast<std::chrono::seconds>(now - it->second.fresh_at).count();
  r.headers.set(std::string(fallback_header), "stale-cache");
  r.headers.set("Age", std::to_string(age_s < 0 ? 0 : age_s));
  r.headers.set("Warning", "110 - \"Response is Stale\"");
  return r;
}

}  // namespace qm::gateway

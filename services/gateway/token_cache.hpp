#pragma once
// What auth said about recently seen access tokens, so a client's next request does not cost
// another introspection round trip. A positive answer is kept until the earlier of the
// cache's TTL and the token's own expiry, so the cache never accepts a token auth would now
// refuse for age. A negative answer is kept for a shorter TTL, so a client replaying a bad
// token does not cost auth a round trip each time either. Bounded: when full, the oldest
// entry goes first (a flood of bad tokens can push good answers out, which only costs
// introspections, never a wrong decision).
//
// Access tokens are verified by signature and expiry alone (auth keeps no per-access-token
// state), so a cached answer is the answer auth would give again until the entry expires.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/base/text_hash.hpp"

namespace qm::gateway {

struct cached_caller {
  std::int64_t user_id = 0;
  std::string role;
};

struct cached_answer {
  bool active = false;
  cached_caller caller;  // when active
};

class token_cache {
 public:
  // ttl_s == 0 disables positive caching, negative_ttl_s == 0 negative caching.
  token_cache(std::size_t max_entries, std::int64_t ttl_s, std::int64_t negative_ttl_s = 0);

  std::optional<cached_answer> find(std::string_view token, std::int64_t now_s) const;
  // Keeps caller for token until min(now_s + ttl, token_exp_s).
  void remember(std::string token, cached_caller caller, std::int64_t token_exp_s,
                std::int64_t now_s);
  // Keeps "inactive" for token until now_s + negative_ttl.
  void remember_inactive(std::string token, std::int64_t now_s);

  std::size_t size() const { return entries_.size(); }

 private:
  struct entry {
    cached_answer answer;
    std::int64_t valid_until_s = 0;
  };
  void put(std::string token, cached_answer answer, std::int64_t until_s);

  std::size_t max_entries_;
  std::int64_t ttl_s_;
  std::int64_t negative_ttl_s_;
  // Hashed: tokens are long and share their first bytes, so an ordered map's compares ran
  // through the prefix at every level. Never iterated (eviction follows insertion_order_).
  std::unordered_map<std::string, entry, text_hash, std::equal_to<>> entries_;
  std::deque<std::string> insertion_order_;  // oldest first; same keys as entries_
};

}  // namespace qm::gateway

#pragma once
// What auth said about recently seen access tokens, so a client's next request does not cost
// another introspection round trip. Only positive answers are kept, each until the earlier of
// the cache's TTL and the token's own expiry, so the cache never accepts a token auth would
// now refuse for age. Bounded: when full, the oldest entry goes first.
//
// Access tokens are verified by signature and expiry alone (auth keeps no per-access-token
// state), so a cached answer is the answer auth would give again until the entry expires.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace qm::gateway {

struct cached_caller {
  std::int64_t user_id = 0;
  std::string role;
};

class token_cache {
 public:
  // ttl_s == 0 disables the cache.
  token_cache(std::size_t max_entries, std::int64_t ttl_s);

  std::optional<cached_caller> find(std::string_view token, std::int64_t now_s) const;
  // Keeps caller for token until min(now_s + ttl, token_exp_s).
  void remember(std::string token, cached_caller caller, std::int64_t token_exp_s,
                std::int64_t now_s);

  std::size_t size() const { return entries_.size(); }

 private:
  struct entry {
    cached_caller caller;
    std::int64_t valid_until_s = 0;
  };
  std::size_t max_entries_;
  std::int64_t ttl_s_;
  std::map<std::string, entry, std::less<>> entries_;
  std::deque<std::string> insertion_order_;  // oldest first; same keys as entries_
};

}  // namespace qm::gateway

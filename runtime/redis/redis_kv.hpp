#pragma once
// redis_kv: the production rt::kv, on one pipelined Redis connection (see pipeline.hpp for
// connecting, timeouts, backoff and bounds).
//
//   get    GET key
//   set    SET key value PX ttl_ms
//   incr   a script: INCRBY, then PEXPIRE ... NX (a new key gets ttl, an existing one keeps
//          its expiry), atomic (runtime/redis/incr_ttl.lua)
//   del    DEL key
//   admit  the sliding log of core/ratelimit/verdict.hpp as a script on a sorted set
//          (runtime/redis/sliding_log.lua)
//
// Scripts are loaded (SCRIPT LOAD) on every new connection and called by EVALSHA; a NOSCRIPT
// answer (SCRIPT FLUSH, a failover to a replica that never saw them) loads the script again
// and retries once. Each attempt has the pipeline's op_timeout.
//
// Clocks: admit decides on hit.now, the caller's clock, not Redis'. Gateway replicas sharing
// one Redis must run synchronized clocks (NTP/chrony). A replica whose clock is ahead by s
// records entries that stay in the window s longer for everyone (stricter limiting) and ages
// out others' entries s early for its own requests (looser); one behind does the opposite.
// Skew well under the window changes decisions at the edges only.
//
// Errors: kv_errc::timeout when Redis did not answer within op_timeout; unavailable for
// everything else (unreachable, backoff, queue full, an error reply such as INCR on text).
// Messages name the host, never the password.
//
// Threading and lifetime: the loop thread only; the kv must outlive the coroutines that await
// it and be destroyed before the io_context.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/kv.hpp"
#include "runtime/redis/pipeline.hpp"
#include "runtime/redis/redis_url.hpp"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace qm::rt::redis {

struct redis_kv_options {
  pipeline_options connection;
  // Makes admit's sorted-set members unique across gateway processes; 0 picks a random one.
  std::uint64_t member_nonce = 0;
};

struct redis_kv_stats {
  pipeline_stats connection;
  std::uint64_t script_reloads = 0;  // NOSCRIPT answers that loaded a script again
};

class redis_kv final : public rt::kv {
 public:
  // Parses url (redis://[[user]:password@]host[:port][/db]); the error never repeats the password.
  static result<std::unique_ptr<redis_kv>, std::string> create(boost::asio::io_context& io, std::string_view url,
                                                                redis_kv_options options = {});

  redis_kv(boost::asio::io_context& io, redis_url url, redis_kv_options options = {});
  ~redis_kv() override;
  redis_kv(const redis_kv&) = delete;
  redis_kv& operator=(const redis_kv&) = delete;

  task<kv_result<std::optional<std::string>>> get(std::string key) override;
  task<kv_result<void>> set(std::string key, std::string value, duration ttl) override;
  task<kv_result<std::int64_t>> incr(std::string key, std::int64_t delta, duration ttl) override;
  task<kv_result<void>> del(std::string key) override;
  task<kv_result<ratelimit::verdict>> admit(ratelimit::window_hit hit) override;

  // Graceful: refuses new calls, lets issued ones finish, then closes the connection.
  void close();

  redis_kv_stats stats() const;
  // Where the kv connects, without credentials ("127.0.0.1:6379").
  const std::string& where() const { return where_; }

  struct script {
    std::string_view text;
    std::string sha1;  // hex, as EVALSHA wants it
  };

 private:
  task<reply_result> run_script(const script& s, std::vector<std::string> keys_and_args);

  std::string where_;
  script sliding_log_;
  script incr_ttl_;
  std::uint64_t member_nonce_ = 0;
  std::uint64_t member_seq_ = 0;
  std::uint64_t script_reloads_ = 0;
  pipeline pipe_;
};

}  // namespace qm::rt::redis

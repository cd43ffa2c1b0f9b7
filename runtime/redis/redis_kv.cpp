#include "runtime/redis/redis_kv.hpp"

#include <chrono>
#include <random>
#include <utility>

#include <openssl/evp.h>

#include "core/base/assert.hpp"
#include "core/crypto/encoding.hpp"
#include "redis_incr_ttl_lua.hpp"
#include "redis_sliding_log_lua.hpp"

namespace qm::rt::redis {

namespace {

std::string sha1_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  const int ok = EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha1(), nullptr);
  QM_ASSERT_MSG(ok == 1, "SHA-1 unavailable in OpenSSL");
  return crypto::hex_encode(std::string_view(reinterpret_cast<const char*>(digest), size));
}

std::vector<std::vector<std::string>> setup_commands(const redis_url& url, const std::vector<std::string_view>& scripts) {
  std::vector<std::vector<std::string>> out;
  if (!url.password.empty()) {
    if (url.user.empty()) {
      out.push_back({"AUTH", url.password});
    } else {
      out.push_back({"AUTH", url.user, url.password});
    }
  }
  if (url.db != 0) {
    out.push_back({"SELECT", std::to_string(url.db)});
  }
  for (auto text : scripts) {
    out.push_back({"SCRIPT", "LOAD", std::string(text)});
  }
  return out;
}

// Redis counts TTLs in whole milliseconds; a positive ttl never rounds down to "delete now".
std::string ttl_ms_text(duration ttl) {
  QM_ASSERT_MSG(ttl.count() > 0, "every kv key needs a positive ttl");
  return std::to_string(std::chrono::ceil<std::chrono::milliseconds>(ttl).count());
}

kv_error failed(std::string message) { return kv_error{kv_errc::unavailable, std::move(message)}; }

// An error reply or a reply of the wrong shape, as a kv_error naming the command.
kv_error unexpected_reply(std::string_view command, const reply& r) {
  if (r.is_error()) {
    return failed("redis " + std::string(command) + ": " + r.text);
  }
  return failed("redis " + std::string(command) + ": unexpected reply type " +
                std::to_string(static_cast<int>(r.kind)));
}

// The reply of call when it is of kind want (or nil, when nil_ok); an error reply or another
// shape is a failure naming the command.
task<kv_result<reply>> expect(task<reply_result> call, std::string_view command, reply_kind want, bool nil_ok) {
  reply_result r = co_await std::move(call);
  if (!r.ok()) {
    co_return make_unexpected(std::move(r).error());
  }
  if (r->kind != want && !(nil_ok && r->kind == reply_kind::nil)) {
    co_return make_unexpected(unexpected_reply(command, *r));
  }
  co_return std::move(r).value();
}

std::uint64_t random_nonce() {
  std::random_device rd;
  const std::uint64_t hi = rd();
  return (hi << 32) | rd();
}

}  // namespace

result<std::unique_ptr<redis_kv>, std::string> redis_kv::create(boost::asio::io_context& io, std::string_view url,
                                                                 redis_kv_options options) {
  auto parsed = parse_redis_url(url);
  if (!parsed) {
    return make_unexpected("redis url: " + parsed.error());
  }
  return std::make_unique<redis_kv>(io, std::move(parsed).value(), options);
}

redis_kv::redis_kv(boost::asio::io_context& io, redis_url url, redis_kv_options options)
    : where_(describe(url)),
      sliding_log_{redis_sliding_log_lua(), sha1_hex(redis_sliding_log_lua())},
      incr_ttl_{redis_incr_ttl_lua(), sha1_hex(redis_incr_ttl_lua())},
      member_nonce_(options.member_nonce != 0 ? options.member_nonce : random_nonce()),
      pipe_(io, url, setup_commands(url, {redis_sliding_log_lua(), redis_incr_ttl_lua()}), options.connection) {}

redis_kv::~redis_kv() = default;

void redis_kv::close() { pipe_.close(); }

redis_kv_stats redis_kv::stats() const { return redis_kv_stats{pipe_.stats(), script_reloads_}; }

task<reply_result> redis_kv::run_script(const script& s, std::vector<std::string> keys_and_args) {
  QM_ASSERT(!keys_and_args.empty());
  std::vector<std::string_view> cmd{"EVALSHA", s.sha1, "1"};
  cmd.insert(cmd.end(), keys_and_args.begin(), keys_and_args.end());
  auto first = pipe_.call(cmd);
  reply_result r = co_await std::move(first);
  if (!r.ok() || !r->is_error() || !r->text.starts_with("NOSCRIPT")) {
    co_return r;
  }
  // The server lost its scripts (SCRIPT FLUSH, a restarted or failed-over server): load and
  // retry once. A second NOSCRIPT is returned as the error it is.
  ++script_reloads_;
  const std::vector<std::string_view> load_cmd{"SCRIPT", "LOAD", s.text};
  auto load = pipe_.call(load_cmd);
  reply_result loaded = co_await std::move(load);
  if (!loaded.ok()) {
    co_return loaded;
  }
  if (loaded->is_error() || loaded->text != s.sha1) {
    co_return make_unexpected(failed("redis SCRIPT LOAD: " + (loaded->is_error() ? loaded->text : "sha1 mismatch")));
  }
  auto again = pipe_.call(cmd);
  reply_result retried = co_await std::move(again);
  co_return retried;
}

task<kv_result<std::optional<std::string>>> redis_kv::get(std::string key) {
  const std::vector<std::string_view> cmd{"GET", key};
  auto call = expect(pipe_.call(cmd), "GET", reply_kind::string, true);
  kv_result<reply> r = co_await std::move(call);
  if (!r.ok()) {
    co_return make_unexpected(std::move(r).error());
  }
  if (r->kind == reply_kind::nil) {
    co_return std::optional<std::string>();
  }
  co_return std::optional<std::string>(std::move(r->text));
}

task<kv_result<void>> redis_kv::set(std::string key, std::string value, duration ttl) {
  const std::string ttl_ms = ttl_ms_text(ttl);
  const std::vector<std::string_view> cmd{"SET", key, value, "PX", ttl_ms};
  auto call = expect(pipe_.call(cmd), "SET", reply_kind::status, false);
  kv_result<reply> r = co_await std::move(call);
  if (!r.ok()) {
    co_return make_unexpected(std::move(r).error());
  }
  co_return ok_v;
}

task<kv_result<std::int64_t>> redis_kv::incr(std::string key, std::int64_t delta, duration ttl) {
  std::vector<std::string> args{std::move(key), std::to_string(delta), ttl_ms_text(ttl)};
  auto call = expect(run_script(incr_ttl_, std::move(args)), "INCRBY", reply_kind::integer, false);
  kv_result<reply> r = co_await std::move(call);
  if (!r.ok()) {
    co_return make_unexpected(std::move(r).error());
  }
  co_return r->integer;
}

task<kv_result<void>> redis_kv::del(std::string key) {
  const std::vector<std::string_view> cmd{"DEL", key};
  auto call = expect(pipe_.call(cmd), "DEL", reply_kind::integer, false);
  kv_result<reply> r = co_await std::move(call);
  if (!r.ok()) {
    co_return make_unexpected(std::move(r).error());
  }
  co_return ok_v;
}

task<kv_result<ratelimit::verdict>> redis_kv::admit(ratelimit::window_hit hit) {
  QM_ASSERT_MSG(hit.limit > 0, "a rate limit is positive");
  QM_ASSERT_MSG(hit.window.count() > 0, "a rate-limit window is positive");
  const std::string now_us = std::to_string(to_unix_us(hit.now));
  std::string member = now_us;
  member += ':';
  member += std::to_string(member_nonce_);
  member += ':';
  member += std::to_string(++member_seq_);
  std::vector<std::string> args{std::move(hit.key), now_us, std::to_string(hit.window.count()),
                                std::to_string(hit.limit), std::move(member)};
  auto call = expect(run_script(sliding_log_, std::move(args)), "EVALSHA sliding_log", reply_kind::array, false);
  kv_result<reply> r = co_await std::move(call);
  if (!r.ok()) {
    co_return make_unexpected(std::move(r).error());
  }
  const auto& e = r->elements;
  if (e.size() != 3 || e[0].kind != reply_kind::integer || e[1].kind != reply_kind::integer ||
      e[2].kind != reply_kind::integer) {
    co_return make_unexpected(unexpected_reply("EVALSHA sliding_log", *r));
  }
  ratelimit::verdict v;
  v.allowed = e[0].integer == 1;
  v.limit = hit.limit;
  v.remaining = e[1].integer;
  v.reset_after = duration(e[2].integer);
  co_return v;
}

}  // namespace qm::rt::redis

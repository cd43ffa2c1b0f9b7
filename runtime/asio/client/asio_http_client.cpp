#include "runtime/asio/client/asio_http_client.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>

#include "core/base/assert.hpp"
#include "runtime/asio/client/http_call.hpp"
#include "runtime/asio/client/upstream.hpp"

namespace qm::rt {

using client_detail::http_call;
using client_detail::steady_clock;

namespace {

// Converts the caller's wall-clock deadline to the steady clock once, so a wall-clock step
// during the call cannot stretch or cut it short.
// The remaining time is clamped to a day so that time_point::max() (or min()) cannot overflow
// the steady clock's nanoseconds.
steady_clock::time_point steady_deadline(time_point deadline) {
  constexpr duration longest = std::chrono::hours(24);
  const auto now_wall = std::chrono::time_point_cast<duration>(std::chrono::system_clock::now());
  const duration remaining = deadline <= now_wall ? duration::zero() : std::min(deadline - now_wall, longest);
  return steady_clock::now() + remaining;
}

// Abandons the call when the awaiting frame is destroyed before the call settled.
class abandon_guard {
 public:
  explicit abandon_guard(std::shared_ptr<http_call> call) : call_(std::move(call)) {}
  ~abandon_guard() { call_->abandon(); }
  abandon_guard(const abandon_guard&) = delete;
  abandon_guard& operator=(const abandon_guard&) = delete;

 private:
  std::shared_ptr<http_call> call_;
};

task<call_result> run_call(boost::asio::io_context& io, std::shared_ptr<client_detail::upstream> up,
                           http::request req, time_point deadline) {
  auto call = std::make_shared<http_call>(io, std::move(up), std::move(req), steady_deadline(deadline));
  abandon_guard guard(call);
  call->start();
  call_result r = co_await call->done;
  co_return r;
}

task<call_result> unknown_upstream(std::string name) {
  co_return make_unexpected(call_error{call_errc::unknown_upstream, "no upstream named " + name});
}

}  // namespace

result<std::unique_ptr<asio_http_client>, std::string> asio_http_client::create(
    boost::asio::io_context& io, const upstream_urls& upstreams, asio_http_client_options options) {
  std::map<std::string, base_url, std::less<>> parsed;
  for (const auto& [name, text] : upstreams) {
    auto url = parse_base_url(text);
    if (!url) {
      return make_unexpected("upstream " + name + ": " + url.error());
    }
    parsed.emplace(name, std::move(url).value());
  }
  return std::make_unique<asio_http_client>(io, parsed, options);
}

asio_http_client::asio_http_client(boost::asio::io_context& io,
                                   const std::map<std::string, base_url, std::less<>>& upstreams,
                                   asio_http_client_options options)
    : io_(io), options_(options) {
  QM_ASSERT(options_.max_connections_per_upstream > 0);
  QM_ASSERT(options_.max_header_bytes > 0);
  client_detail::pool_limits limits;
  limits.max_connections = options_.max_connections_per_upstream;
  limits.max_idle = options_.max_idle_per_upstream;
  limits.idle_timeout = options_.idle_timeout_ms;
  limits.max_waiters = options_.max_waiters_per_upstream;
  for (const auto& [name, url] : upstreams) {
    auto up = std::make_shared<client_detail::upstream>();
    up->name = name;
    up->url = url;
    up->max_header_bytes = options_.max_header_bytes;
    up->max_body_bytes = options_.max_body_bytes;
    up->pool = std::make_shared<client_detail::connection_pool>(io_, limits);
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(url.host, ec);
    if (!ec) {
      up->numeric_host = true;
      up->endpoints = std::make_shared<const client_detail::endpoint_list>(
          client_detail::endpoint_list{boost::asio::ip::tcp::endpoint(address, url.port)});
    }
    upstreams_.emplace(name, std::move(up));
  }
}

asio_http_client::~asio_http_client() {
  for (auto& [name, up] : upstreams_) {
    up->pool->shutdown();
  }
}

task<call_result> asio_http_client::request(std::string_view upstream, http::request req, time_point deadline) {
  auto it = upstreams_.find(upstream);
  if (it == upstreams_.end()) {
    return unknown_upstream(std::string(upstream));
  }
  return run_call(io_, it->second, std::move(req), deadline);
}

asio_http_client_stats asio_http_client::stats() const {
  asio_http_client_stats out;
  for (const auto& [name, up] : upstreams_) {
    const auto& pool = *up->pool;
    out.calls += up->counters.calls;
    out.timeouts += up->counters.timeouts;
    out.abandoned += up->counters.abandoned;
    out.live_calls += up->counters.live_calls;
    out.connections_opened += pool.counters().opened;
    out.connections_reused += pool.counters().reused;
    out.connections_closed += pool.counters().closed;
    out.overloaded += pool.counters().overloaded;
    out.open_connections += pool.open();
    out.idle_connections += pool.idle();
    out.waiting_calls += pool.waiting();
  }
  return out;
}

}  // namespace qm::rt

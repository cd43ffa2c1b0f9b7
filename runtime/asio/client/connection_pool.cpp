#include "runtime/asio/client/connection_pool.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "core/base/assert.hpp"

namespace qm::rt::client_detail {

connection_pool::connection_pool(boost::asio::io_context& io, pool_limits limits)
    : io_(io), limits_(limits), sweep_timer_(io) {
  QM_ASSERT(limits_.max_connections > 0);
  limits_.max_idle = std::min(limits_.max_idle, limits_.max_connections);
}

connection_pool::~connection_pool() { shutdown(); }

connection_pool::acquisition connection_pool::acquire(std::shared_ptr<pool_waiter> waiter) {
  if (shut_down_) {
    // The client is going away: a late retry gets no connection.
    ++counters_.overloaded;
    return acquisition{outcome::overloaded, nullptr, 0};
  }
  prune_expired(steady_clock::now());
  while (!idle_.empty()) {
    std::unique_ptr<pooled_connection> conn = std::move(idle_.back());
    idle_.pop_back();
    if (usable(*conn)) {
      ++counters_.reused;
      acquisition a;
      a.kind = outcome::reused;
      a.conn = std::move(conn);
      return a;
    }
    ++counters_.stale_idle;
    close(*conn);
    --open_;
  }
  if (open_ < limits_.max_connections) {
    ++open_;
    ++counters_.opened;
    return acquisition{outcome::new_slot, nullptr, 0};
  }
  if (waiters_.size() < limits_.max_waiters) {
    const std::uint64_t ticket = next_ticket_++;
    waiters_.emplace(ticket, std::move(waiter));
    return acquisition{outcome::queued, nullptr, ticket};
  }
  ++counters_.overloaded;
  return acquisition{outcome::overloaded, nullptr, 0};
}

void connection_pool::cancel_wait(std::uint64_t ticket) { waiters_.erase(ticket); }

void connection_pool::release(std::unique_ptr<pooled_connection> conn) {
  QM_ASSERT(conn != nullptr);
  QM_ASSERT(open_ > 0);
  ++conn->requests_done;
  if (!shut_down_ && !waiters_.empty()) {
    auto next = waiters_.begin();
    std::shared_ptr<pool_waiter> waiter = std::move(next->second);
    waiters_.erase(next);
    ++counters_.reused;
    waiter->on_grant(std::move(conn));
    return;
  }
  if (shut_down_ || idle_.size() >= limits_.max_idle) {
    close(*conn);
    --open_;
    return;
  }
  conn->idle_since = steady_clock::now();
  idle_.push_back(std::move(conn));
  arm_sweep();
}

void connection_pool::discard() {
  QM_ASSERT(open_ > 0);
  --open_;
  ++counters_.closed;
  grant_slot_to_next_waiter();
}

void connection_pool::shutdown() {
  shut_down_ = true;
  for (auto& conn : idle_) {
    close(*conn);
    --open_;
  }
  idle_.clear();
  sweep_timer_.cancel();
}

// A pooled connection is reused only while the peer has neither closed it nor sent bytes
// nobody asked for; one non-blocking peek tells both.
bool connection_pool::usable(pooled_connection& conn) const {
  if (!conn.socket.is_open() || conn.buffer.size() != 0) {
    return false;
  }
  char byte = 0;
  const auto n = ::recv(conn.socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

void connection_pool::close(pooled_connection& conn) {
  boost::system::error_code ignored;
  conn.socket.close(ignored);
  ++counters_.closed;
}

void connection_pool::prune_expired(steady_clock::time_point now) {
  std::size_t expired = 0;
  while (expired < idle_.size() && now - idle_[expired]->idle_since >= limits_.idle_timeout) {
    close(*idle_[expired]);
    --open_;
    ++expired;
  }
  if (expired > 0) {
    idle_.erase(idle_.begin(), idle_.begin() + static_cast<std::ptrdiff_t>(expired));
    grant_slot_to_next_waiter();
  }
}

// One timer per pool closes idle connections once they outlive idle_timeout, so a quiet
// upstream does not keep sockets (and the server's connection slots) forever.
void connection_pool::arm_sweep() {
  if (sweep_armed_ || idle_.empty() || shut_down_) {
    return;
  }
  sweep_armed_ = true;
  sweep_timer_.expires_at(idle_.front()->idle_since + limits_.idle_timeout);
  sweep_timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    auto self = weak.lock();
    if (!self) {
      return;
    }
    self->sweep_armed_ = false;
    if (ec == boost::asio::error::operation_aborted) {
      return;
    }
    self->prune_expired(steady_clock::now());
    self->arm_sweep();
  });
}

void connection_pool::grant_slot_to_next_waiter() {
  if (shut_down_ || waiters_.empty() || open_ >= limits_.max_connections) {
    return;
  }
  auto next = waiters_.begin();
  std::shared_ptr<pool_waiter> waiter = std::move(next->second);
  waiters_.erase(next);
  ++open_;
  ++counters_.opened;
  waiter->on_grant(nullptr);
}

}  // namespace qm::rt::client_detail

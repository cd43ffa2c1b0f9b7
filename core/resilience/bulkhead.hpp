#pragma once
// A bulkhead bounds the calls in flight to one upstream. When that upstream slows down,
// callers without a bound pile up waiting on it until the whole service (memory, the event
// loop's queue, every other route) is stuck behind one sick dependency; with a bound the
// excess fails fast and the rest of the service keeps working. It refuses rather than
// queues: a queue in front of a slow upstream only adds latency to a call that will time out.
//
// A permit is the right to one call; it is move-only and gives the slot back when destroyed,
// so a coroutine that returns early, throws or is cancelled cannot leak a slot. The bulkhead
// must outlive its permits (asserted). Not thread-safe: one per upstream per event loop.

#include <cstdint>
#include <optional>

namespace qm::resilience {

// The largest bound accepted: far above any sane per-upstream concurrency, low enough to
// catch a unit mistake.
inline constexpr std::int32_t max_bulkhead_concurrency = 100000;

class bulkhead {
 public:
  class permit {
   public:
    permit(permit&& other) noexcept : owner_(other.owner_) { other.owner_ = nullptr; }
    permit& operator=(permit&& other) noexcept;
    permit(const permit&) = delete;
    permit& operator=(const permit&) = delete;
    ~permit() { release(); }

    // Gives the slot back before destruction; a second release does nothing.
    void release();
    bool held() const { return owner_ != nullptr; }

   private:
    friend class bulkhead;
    explicit permit(bulkhead* owner) : owner_(owner) {}
    bulkhead* owner_;
  };

  explicit bulkhead(std::int32_t max_concurrent);
  ~bulkhead();
  bulkhead(const bulkhead&) = delete;  // permits point at it
  bulkhead& operator=(const bulkhead&) = delete;

  // A permit when a slot is free, else nullopt (counted in rejected()).
  std::optional<permit> try_enter();

  std::int32_t in_use() const { return in_use_; }
  std::int32_t max_concurrent() const { return max_concurrent_; }
  std::uint64_t rejected() const { return rejected_; }

 private:
  void leave();

  std::int32_t max_concurrent_;
  std::int32_t in_use_ = 0;
  std::uint64_t rejected_ = 0;
};

}  // namespace qm::resilience

#include "sim/engine/scheduler.hpp"

#include <algorithm>
#include <limits>

namespace qm::sim {

namespace {
// A 4-ary heap: half the depth of a binary one, and the four children of a node share a
// cache line or two, which is what the pop (the hot path) walks.
constexpr std::size_t arity = 4;
}  // namespace

time_point scheduler::default_start() {
  // 2026-01-01T00:00:00Z: a fixed origin so every run prints the same timestamps.
  return from_unix_us(1'767'225'600'000'000LL);
}

scheduler::scheduler(time_point start, std::size_t max_pending)
    : now_us_(to_unix_us(start)), max_pending_(max_pending) {
  QM_ASSERT(max_pending_ > 0);
  // Every pending event holds one slot, and slots are numbered in slot_bits.
  QM_ASSERT_MSG(max_pending_ <= slot_mask, "max_pending exceeds the slot numbering");
  heap_.reserve(1024);
}

std::uint32_t scheduler::acquire_slot() {
  if (!free_slots_.empty()) {
    const std::uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    return slot;
  }
  if ((slots_created_ & (chunk_size - 1)) == 0) {
    chunks_.push_back(std::make_unique<event_action[]>(chunk_size));
    slot_keys_.resize(slot_keys_.size() + chunk_size);
    park_pos_.resize(park_pos_.size() + chunk_size);
  }
  return slots_created_++;
}

void scheduler::release_slot(std::uint32_t slot) { free_slots_.push_back(slot); }

void scheduler::push(entry e) {
  // Sift up by moving the hole, not by swapping.
  std::size_t i = heap_.size();
  heap_.push_back(e);
  entry* h = heap_.data();
  while (i > 0) {
    const std::size_t parent = (i - 1) / arity;
    if (!(e.key < h[parent].key)) {
      break;
    }
    h[i] = h[parent];
    i = parent;
  }
  h[i] = e;
}

scheduler::entry scheduler::pop() {
  entry* h = heap_.data();
  const entry top = h[0];
  const entry last = h[heap_.size() - 1];
  heap_.pop_back();
  const std::size_t n = heap_.size();
  if (n == 0) {
    return top;
  }
  // Bottom-up: walk the hole down along the smallest children to a leaf without comparing
  // with `last` (which usually belongs near the bottom), then sift `last` up from there.
  // Above the bottom every node has four children: the smallest is found by a tournament of
  // three independent compares (pairs, then their winners) instead of a serial scan.
  std::size_t i = 0;
  for (;;) {
    const std::size_t first = i * arity + 1;
    if (first + arity > n) {
      break;
    }
    const entry* c = h + first;
    const std::size_t left = c[1].key < c[0].key ? 1 : 0;
    const std::size_t right = c[3].key < c[2].key ? 3 : 2;
    const std::size_t best = first + (c[right].key < c[left].key ? right : left);
    h[i] = h[best];
    i = best;
  }
  // The bottom: a node with fewer than four children, whose children are leaves.
  if (const std::size_t first = i * arity + 1; first < n) {
    std::size_t best = first;
    for (std::size_t c = first + 1; c < n; ++c) {
      best = h[c].key < h[best].key ? c : best;
    }
    h[i] = h[best];
    i = best;
  }
  while (i > 0) {
    const std::size_t parent = (i - 1) / arity;
    if (!(last.key < h[parent].key)) {
      break;
    }
    h[i] = h[parent];
    i = parent;
  }
  h[i] = last;
  return top;
}

void scheduler::park(key_type key) {
  const std::int64_t bucket = bucket_of(when_of(key));
  if (parked_count_ == 0) {
    if (park_.empty()) {
      park_.resize(park_buckets);
    }
    park_base_ = bucket;
    park_last_ = bucket;
  } else {
    // Every bucket below park_base_ is empty, so the base may move down as long as the wheel
    // still spans the latest bucket in use.
    const std::int64_t base = std::min(park_base_, bucket);
    const std::int64_t last = std::max(park_last_, bucket);
    if (last - base >= static_cast<std::int64_t>(park_buckets)) {
      push(entry{key});
      return;
    }
    park_base_ = base;
    park_last_ = last;
  }
  std::vector<key_type>& keys = park_[static_cast<std::size_t>(bucket) % park_buckets];
  park_pos_[slot_of(key)] = static_cast<std::uint32_t>(keys.size());
  keys.push_back(key);
  ++parked_count_;
}

void scheduler::unpark() {
  while (park_base_due()) {
    std::vector<key_type>& keys = park_[static_cast<std::size_t>(park_base_) % park_buckets];
    for (const key_type key : keys) {
      push(entry{key});
    }
    parked_count_ -= keys.size();
    keys.clear();
    ++park_base_;
  }
}

void scheduler::cancel(timer_id id) {
  const std::uint32_t slot = slot_of(id.key);
  if (slot >= slots_created_ || slot_keys_[slot] != id.key) {
    return;  // it has run, or is running
  }
  slot_keys_[slot] = 0;
  const std::int64_t bucket = bucket_of(when_of(id.key));
  if (parked_count_ != 0 && bucket >= park_base_ && bucket <= park_last_) {
    std::vector<key_type>& keys = park_[static_cast<std::size_t>(bucket) % park_buckets];
    const std::uint32_t pos = park_pos_[slot];
    if (pos < keys.size() && keys[pos] == id.key) {
      keys[pos] = keys.back();
      park_pos_[slot_of(keys[pos])] = pos;
      keys.pop_back();
      --parked_count_;
      slot_at(slot).reset();
      release_slot(slot);
      return;
    }
  }
  // In the heap already: emptied there, and skipped when its turn comes.
  slot_at(slot).reset();
}

bool scheduler::run_next(std::int64_t deadline_us) {
  for (;;) {
    unpark_due();
    if (heap_.empty() || when_of(heap_.front().key) > deadline_us) {
      return false;
    }
    const entry e = pop();
    const std::uint32_t slot = slot_of(e.key);
    event_action& action = slot_at(slot);
    if (!action) {
      release_slot(slot);  // a timer cancelled after it had left the park
      continue;
    }
    const std::int64_t when_us = when_of(e.key);
    QM_ASSERT(when_us >= now_us_);
    now_us_ = when_us;
    ++events_run_;
    slot_keys_[slot] = 0;
    // The slot stays reserved while its action runs (chunks never move, so running in place is
    // safe even when the action schedules more events); it is freed even if the action throws.
    struct release_on_exit {
      scheduler& s;
      std::uint32_t slot;
      ~release_on_exit() {
        s.slot_at(slot).reset();
        s.release_slot(slot);
      }
    } guard{*this, slot};
    action();
    return true;
  }
}

bool scheduler::step() { return run_next(std::numeric_limits<std::int64_t>::max()); }

std::uint64_t scheduler::run_until(time_point deadline) {
  const std::int64_t deadline_us = to_unix_us(deadline);
  std::uint64_t n = 0;
  while (run_next(deadline_us)) {
    ++n;
  }
  if (deadline_us > now_us_) {
    now_us_ = deadline_us;
  }
  return n;
}

std::uint64_t scheduler::run_all(std::uint64_t max_events) {
  std::uint64_t n = 0;
  while (n < max_events && step()) {
    ++n;
  }
  return n;
}

std::optional<time_point> scheduler::next_time() const {
  // The earliest of the heap's first event and the parked timers (their earliest non-empty
  // bucket holds the earliest of them).
  std::optional<key_type> first;
  if (!heap_.empty()) {
    first = heap_.front().key;
  }
  for (std::int64_t b = park_base_; parked_count_ != 0; ++b) {
    const std::vector<key_type>& keys = park_[static_cast<std::size_t>(b) % park_buckets];
    if (!keys.empty()) {
      for (const key_type key : keys) {
        first = first ? std::min(*first, key) : key;
      }
      break;
    }
  }
  if (!first) {
    return std::nullopt;
  }
  return from_unix_us(when_of(*first));
}

}  // namespace qm::sim

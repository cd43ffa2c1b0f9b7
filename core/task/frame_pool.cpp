#include "core/task/frame_pool.hpp"

#include <new>

#include "core/base/assert.hpp"

namespace qm::detail {

namespace {

constexpr std::size_t class_count = max_pooled_frame_bytes / frame_class_bytes;
static_assert(max_pooled_frame_bytes % frame_class_bytes == 0);
static_assert(frame_class_bytes % __STDCPP_DEFAULT_NEW_ALIGNMENT__ == 0);

struct kept_frame {
  kept_frame* next;
};

enum class pool_state : unsigned char {
  unarmed,  // nothing kept yet: the release at thread exit is not registered
  armed,    // the release is registered: freed frames may be kept
  closed,   // the thread is ending: frames go straight back from now on
};

// Trivially destructible, so it stays usable while the thread's other thread_locals are being
// destroyed (a frame may be freed from one of their destructors).
struct kept_lists {
  kept_frame* heads[class_count];
  std::size_t kept_bytes;
  pool_state state;
};

constinit thread_local kept_lists kept{};

// Gives a thread's kept frames back when the thread ends. Touched once, at the first frame a
// thread keeps, so the hot path never pays for its initialisation check.
struct release_at_thread_exit {
  ~release_at_thread_exit() {
    kept.state = pool_state::closed;
    for (std::size_t c = 0; c < class_count; ++c) {
      while (kept_frame* f = kept.heads[c]) {
        kept.heads[c] = f->next;
        ::operator delete(static_cast<void*>(f), (c + 1) * frame_class_bytes);
      }
    }
    kept.kept_bytes = 0;
  }
  // Does nothing itself: calling it is what constructs this thread's releaser, which registers
  // its destructor to run at thread exit.
  void arm() {}
};

thread_local release_at_thread_exit releaser;

// Sizes 1..64 are class 0, 65..128 class 1, and so on.
std::size_t class_of(std::size_t size) { return (size - 1) / frame_class_bytes; }
std::size_t bytes_of(std::size_t cls) { return (cls + 1) * frame_class_bytes; }
// Whether a frame of this size goes through the lists at all.
bool pooled(std::size_t size) { return frames_are_kept && size != 0 && size <= max_pooled_frame_bytes; }

}  // namespace

void* allocate_frame(std::size_t size) {
  if (!pooled(size)) {
    return ::operator new(size);
  }
  const std::size_t cls = class_of(size);
  if (kept_frame* f = kept.heads[cls]) {
    kept.heads[cls] = f->next;
    kept.kept_bytes -= bytes_of(cls);
    return f;
  }
  return ::operator new(bytes_of(cls));
}

void free_frame(void* frame, std::size_t size) noexcept {
  if (!pooled(size)) {
    ::operator delete(frame, size);
    return;
  }
  const std::size_t cls = class_of(size);
  const std::size_t bytes = bytes_of(cls);
  if (kept.state != pool_state::armed) {
    if (kept.state == pool_state::closed) {
      ::operator delete(frame, bytes);
      return;
    }
    kept.state = pool_state::armed;
    releaser.arm();
  }
  if (kept.kept_bytes + bytes > max_kept_frame_bytes) {
    ::operator delete(frame, bytes);
    return;
  }
  auto* f = static_cast<kept_frame*>(frame);
  f->next = kept.heads[cls];
  kept.heads[cls] = f;
  kept.kept_bytes += bytes;
  QM_ASSERT(kept.kept_bytes <= max_kept_frame_bytes);
}

std::size_t kept_frame_bytes() noexcept { return kept.kept_bytes; }

}  // namespace qm::detail

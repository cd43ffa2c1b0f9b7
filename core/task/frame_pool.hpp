#pragma once
// Where task<T> coroutine frames come from: a small per-thread cache of freed frames, by size
// class, in front of the global allocator.
//
// Why: every await of a task allocates its frame and frees it when the task ends, so a served
// request allocates and frees about a dozen frames (a simulated checkout_rush run, hundreds of
// thousands), always of the same few sizes. A freed frame kept on its class's list is handed
// to the next frame of that class without a trip through the allocator.
//
// Bounds: only frames up to max_pooled_frame_bytes are kept (larger ones go straight back),
// and a thread keeps at most max_kept_frame_bytes of freed frames; past that a freed frame
// goes back to the allocator. A thread's kept frames are released when the thread ends.
// Sanitizer builds keep no frames, so the sanitizer still sees every frame's life.

#include <cstddef>

namespace qm::detail {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool frames_are_kept = false;
#else
inline constexpr bool frames_are_kept = true;
#endif

inline constexpr std::size_t frame_class_bytes = 64;
inline constexpr std::size_t max_pooled_frame_bytes = 2048;
inline constexpr std::size_t max_kept_frame_bytes = std::size_t{4} << 20;

// A frame of at least size bytes, aligned as ::operator new aligns.
void* allocate_frame(std::size_t size);
// frame must come from allocate_frame(size) with the same size.
void free_frame(void* frame, std::size_t size) noexcept;

// Bytes of freed frames this thread keeps (for tests and diagnostics).
std::size_t kept_frame_bytes() noexcept;

}  // namespace qm::detail

#pragma once
// `quickmart up`'s own lines on stdout: one per event, prefixed, flushed at once (a test or a
// drill reads them through a pipe while up runs).

#include <cstdio>
#include <string>

namespace qm::up {

inline void say(const std::string& line) {
  std::printf("quickmart up: %s\n", line.c_str());
  std::fflush(stdout);
}

}  // namespace qm::up

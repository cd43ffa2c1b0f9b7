#pragma once
// Request ids in the server's own error answers: the client's X-Request-ID when it is well
// formed (so a caller can correlate), else a fresh one. Ids are echoed into bodies and logs,
// so a malformed client value is never trusted.

#include <cstdint>
#include <string>
#include <string_view>

namespace qm::rt::asio {

// 1..128 characters of [A-Za-z0-9._:-].
bool is_well_formed_request_id(std::string_view id);

// Unique ids for this process: a random 64-bit prefix fixed at construction and a counter,
// "3f2a9c0b17e4d5a6-1b". Cheap (no syscall per id).
class request_id_source {
 public:
  request_id_source();
  std::string next();

 private:
  std::string prefix_;
  std::uint64_t counter_ = 0;
};

}  // namespace qm::rt::asio

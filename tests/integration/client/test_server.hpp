#pragma once
// A small HTTP/1.1 server for the client's tests, on its own thread and io_context, bound to
// 127.0.0.1:0. Behaviour is chosen by the request path:
//   /ok            200, body "ok:<METHOD>:<body>", echoes what it saw in X-Seen-* headers
//   /slow?ms=N     waits N ms, then answers 200 "slow"
//   /close         reads the request and closes without answering
//   /close-mid     sends a status line, headers and part of the body, then closes
//   /no-keepalive  answers 200 with Connection: close, then closes
//   /drop-idle     answers 200 (keep-alive), then closes the idle connection 50 ms later
//   /big?bytes=N   answers a body of N bytes
//   /huge-headers  answers with 70 KiB of headers
// Counters are atomics: the tests read them from their own thread.

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>

namespace qm::test {

class test_server {
 public:
  test_server();
  ~test_server();
  test_server(const test_server&) = delete;
  test_server& operator=(const test_server&) = delete;

  std::uint16_t port() const { return port_; }

  std::atomic<int> accepted{0};
  std::atomic<int> requests{0};
  std::atomic<int> sessions_ended{0};
  std::atomic<int> active_sessions{0};
  std::atomic<int> max_active_sessions{0};
  std::atomic<int> late_writes{0};  // answers of /slow written (whether or not anyone listened)

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace qm::test

#pragma once
// A blocking HTTP/1.1 test client over a plain POSIX socket, with a timeout on every wait, so a
// misbehaving server fails a test instead of hanging it.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace qm::test {

struct raw_response {
  int status = 0;
  std::string head;  // status line and headers
  std::string body;
  bool connection_close = false;
  std::optional<std::string> header(std::string_view name) const;
};

class test_client {
 public:
  // Connects to 127.0.0.1:port; nullopt when the connection is refused or fails.
  static std::optional<test_client> connect(std::uint16_t port);

  test_client(test_client&& other) noexcept;
  test_client& operator=(test_client&& other) noexcept;
  test_client(const test_client&) = delete;
  test_client& operator=(const test_client&) = delete;
  ~test_client();

  // Sends all bytes (false when the peer is gone).
  bool send(std::string_view bytes);
  // One response with a Content-Length body; nullopt on EOF, reset or timeout.
  std::optional<raw_response> read_response(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // True when the peer closes (EOF or reset) within timeout; bytes received are dropped.
  bool wait_closed(std::chrono::milliseconds timeout);
  int fd() const { return fd_; }

 private:
  explicit test_client(int fd) : fd_(fd) {}
  // Reads what is available within timeout into pending_; false on EOF, error or timeout.
  bool fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string pending_;
};

// Connects, sends request and reads one response: nullopt when any of the three fails.
std::optional<raw_response> exchange(std::uint16_t port, std::string_view request);

// "GET /path HTTP/1.1" with Host and any extra header lines ("Name: value\r\n" each).
std::string get_request(std::string_view target, std::string_view extra_headers = {});

}  // namespace qm::test

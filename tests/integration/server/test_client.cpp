#include "tests/integration/server/test_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "core/http/message.hpp"

namespace qm::test {

std::optional<std::string> raw_response::header(std::string_view name) const {
  std::string_view rest = head;
  while (!rest.empty()) {
    const auto eol = rest.find("\r\n");
    const std::string_view line = rest.substr(0, eol);
    const auto colon = line.find(':');
    if (colon != std::string_view::npos && http::iequals(line.substr(0, colon), name)) {
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') {
        value.remove_prefix(1);
      }
      return std::string(value);
    }
    if (eol == std::string_view::npos) {
      break;
    }
    rest.remove_prefix(eol + 2);
  }
  return std::nullopt;
}

std::optional<test_client> test_client::connect(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    return std::nullopt;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return std::nullopt;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return test_client(fd);
}

test_client::test_client(test_client&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), pending_(std::move(other.pending_)) {}

test_client& test_client::operator=(test_client&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = std::exchange(other.fd_, -1);
    pending_ = std::move(other.pending_);
  }
  return *this;
}

test_client::~test_client() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

bool test_client::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool test_client::fill(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) {
    return false;
  }
  pollfd p{fd_, POLLIN, 0};
  const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
  if (ready <= 0) {
    return false;
  }
  char buf[16 * 1024];
  const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
  if (n <= 0) {
    return false;
  }
  pending_.append(buf, static_cast<std::size_t>(n));
  return true;
}

std::optional<raw_response> test_client::read_response(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t head_end = std::string::npos;
  while ((head_end = pending_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill(deadline)) {
      return std::nullopt;
    }
  }
  raw_response r;
  r.head = pending_.substr(0, head_end);
  if (r.head.size() < 12 || r.head.compare(0, 5, "HTTP/") != 0) {
    return std::nullopt;
  }
  r.status = std::stoi(r.head.substr(9, 3));
  std::size_t length = 0;
  if (auto cl = r.header("content-length")) {
    length = std::stoul(*cl);
  }
  if (auto c = r.header("connection")) {
    r.connection_close = http::iequals(*c, "close");
  }
  const std::size_t body_start = head_end + 4;
  while (pending_.size() < body_start + length) {
    if (!fill(deadline)) {
      return std::nullopt;
    }
  }
  r.body = pending_.substr(body_start, length);
  pending_.erase(0, body_start + length);
  return r;
}

bool test_client::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(std::max<long>(left.count(), 1))) <= 0) {
      continue;
    }
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      return true;
    }
  }
  return false;
}

std::string get_request(std::string_view target, std::string_view extra_headers) {
  std::string r = "GET ";
  r += target;
  r += " HTTP/1.1\r\nHost: test\r\n";
  r += extra_headers;
  r += "\r\n";
  return r;
}

std::optional<raw_response> exchange(std::uint16_t port, std::string_view request) {
  auto c = test_client::connect(port);
  if (!c || !c->send(request)) {
    return std::nullopt;
  }
  return c->read_response();
}

}  // namespace qm::test

#include "app/up/loopback_probe.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <string_view>

namespace qm::up {

namespace {

using steady = std::chrono::steady_clock;

sockaddr_in loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

int remaining_ms(steady::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

// A connected socket to 127.0.0.1:port, closed on scope exit; fd < 0 when refused or late.
class connection {
 public:
  connection(int port, steady::time_point deadline) : deadline_(deadline) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
      return;
    }
    const auto addr = loopback(port);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) {
      return;
    }
    if (errno != EINPROGRESS || !wait_for(POLLOUT)) {
      close_now();
      return;
    }
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
      close_now();
    }
  }
  ~connection() { close_now(); }
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  bool ok() const { return fd_ >= 0; }

  bool send_all(std::string_view data) {
    while (!data.empty()) {
      const auto n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EAGAIN) {
        if (!wait_for(POLLOUT)) {
          return false;
        }
        continue;
      }
      if (n <= 0) {
        return false;
      }
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads until want bytes arrived, the peer closed, or the deadline; returns what came.
  std::string receive(std::size_t want) {
    std::string out;
    char buf[512];
    while (out.size() < want && wait_for(POLLIN)) {
      const auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n < 0 && errno == EAGAIN) {
        continue;
      }
      if (n <= 0) {
        break;
      }
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }

 private:
  bool wait_for(short events) {
    pollfd p{fd_, events, 0};
    int r = 0;
    do {
      r = ::poll(&p, 1, remaining_ms(deadline_));
    } while (r < 0 && errno == EINTR);
    return r > 0;
  }
  void close_now() {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }

  int fd_ = -1;
  steady::time_point deadline_;
};

void put_u32(std::string& s, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    s.push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

}  // namespace

int http_get_status(int port, const std::string& path, int timeout_ms) {
  connection c(port, steady::now() + std::chrono::milliseconds(timeout_ms));
  if (!c.ok() || !c.send_all("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")) {
    return 0;
  }
  const auto head = c.receive(12);  // "HTTP/1.1 200"
  if (head.size() < 12 || !head.starts_with("HTTP/1.")) {
    return 0;
  }
  int status = 0;
  for (std::size_t i = 9; i < 12; ++i) {
    if (head[i] < '0' || head[i] > '9') {
      return 0;
    }
    status = status * 10 + (head[i] - '0');
  }
  return status;
}

bool postgres_accepts(int port, int timeout_ms) {
  connection c(port, steady::now() + std::chrono::milliseconds(timeout_ms));
  if (!c.ok()) {
    return false;
  }
  // StartupMessage, protocol 3.0: any authentication request ('R') means the server accepts
  // connections; an ErrorResponse ('E') means it is starting up, shutting down or refusing.
  std::string params;
  params += std::string("user") + '\0' + "quickmart_probe" + '\0' + "database" + '\0' + "postgres" + '\0' + '\0';
  std::string message;
  put_u32(message, static_cast<std::uint32_t>(8 + params.size()));
  put_u32(message, 196608);
  message += params;
  if (!c.send_all(message)) {
    return false;
  }
  const auto reply = c.receive(1);
  return !reply.empty() && reply[0] == 'R';
}

bool redis_pongs(int port, int timeout_ms) {
  connection c(port, steady::now() + std::chrono::milliseconds(timeout_ms));
  return c.ok() && c.send_all("PING\r\n") && c.receive(7) == "+PONG\r\n";
}

bool port_is_free(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return false;
  }
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  const auto addr = loopback(port);
  const bool free = ::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return free;
}

}  // namespace qm::up

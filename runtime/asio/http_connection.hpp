#pragma once
// Internal to the HTTP server: serves one accepted TCP connection (HTTP/1.1, keep-alive,
// requests strictly in order, one in flight at a time).

#include <boost/asio/ip/tcp.hpp>
#include <memory>

#include "runtime/asio/server_state.hpp"

namespace qm::rt::asio::detail {

// Takes the socket and serves it until it closes; the connection keeps itself alive.
void start_connection(const std::shared_ptr<server_state>& state,
                      boost::asio::ip::tcp::socket socket);

}  // namespace qm::rt::asio::detail

#pragma once
// Internal to the HTTP server: serves one accepted TCP connection (HTTP/1.1, keep-alive,
// requests strictly in order, one in flight at a time).

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>

#include "runtime/asio/server_state.hpp"

namespace qm::rt::asio::detail {

// Sockets and the acceptor bound to the io_context's own executor type: no type-erased
// executor to construct and destroy for every operation.
using server_socket =
    boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;
using server_acceptor =
    boost::asio::basic_socket_acceptor<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;

// Takes the socket and serves it until it closes; the connection keeps itself alive.
void start_connection(const std::shared_ptr<server_state>& state,
                      server_socket socket);

}  // namespace qm::rt::asio::detail

#pragma once
// Small blocking checks against a port on 127.0.0.1, each bounded by timeout_ms: is an HTTP
// path answering 200, does PostgreSQL accept connections, does Redis answer PING, is a port
// free. Blocking is fine here: loopback answers (or refuses) at once, and the launcher has
// nothing else to do while it waits for a child.

#include <string>

namespace qm::up {

// The status code of GET path, or 0 when there is no answer in time.
int http_get_status(int port, const std::string& path, int timeout_ms);

// True when the postmaster answers a startup message with an authentication request (what
// pg_isready calls "accepting connections"); false while it starts, stops or is absent.
bool postgres_accepts(int port, int timeout_ms);

bool redis_pongs(int port, int timeout_ms);

// True when nothing listens on 127.0.0.1:port and it can be bound.
bool port_is_free(int port);

}  // namespace qm::up

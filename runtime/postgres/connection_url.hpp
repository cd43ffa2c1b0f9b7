#pragma once
// The connection string as libpq gets it, and the one rule for messages about it: the
// password never appears in an error or a log line.

#include <string>
#include <string_view>

#include "core/base/time.hpp"

namespace qm::rt::postgres {

// url (a postgres:// or postgresql:// URI, or a keyword=value string) with a connect_timeout
// added unless it already has one, so an unreachable server fails a connection in bounded time.
std::string with_connect_timeout(std::string_view url, duration timeout);

// The password inside url, or empty ("user:secret@" in a URI, password=... in a keyword string).
std::string password_of(std::string_view url);

// message with every occurrence of secret replaced by "***".
std::string redact(std::string message, std::string_view secret);

}  // namespace qm::rt::postgres

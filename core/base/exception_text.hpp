#pragma once
// What an exception in flight says, for logs and traces. Call only inside a catch block (or
// with an exception_ptr): a handler that ended by an exception must be reported, not lost.

#include <exception>
#include <string>

namespace qm {

// The current exception's what(), or "unknown exception" for one not derived from std::exception.
std::string describe_current_exception();
std::string describe_exception(const std::exception_ptr& e);

}  // namespace qm

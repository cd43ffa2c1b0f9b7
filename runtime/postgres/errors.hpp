#pragma once
// Translation of libpqxx exceptions and SQLSTATE codes into the project's sql::errc, so a
// service handles a unique violation (or a lost database) the same way on either engine.

#include <exception>
#include <string_view>

#include "core/sql/sql.hpp"

namespace qm::rt::postgres {

// The errc for a SQLSTATE code (five characters; anything else is a query_error).
sql::errc map_sqlstate(std::string_view sqlstate);

// The error for a libpqxx exception; nullopt-like behaviour is not needed: an exception that
// is not libpqxx's is reported as query_error with its message. Call with the exception in
// flight (from a catch block) or with a captured exception_ptr.
sql::error map_exception(const std::exception_ptr& failure);

// True when failure comes from libpqxx (or is a db_exception); false for anything else,
// which the storage hands back to the caller as a bug in the body.
bool is_database_exception(const std::exception_ptr& failure);

}  // namespace qm::rt::postgres

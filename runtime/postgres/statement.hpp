#pragma once
// One statement on a libpqxx transaction: sql::value parameters bound to $1..$n as text, the
// result converted to sql::rows with the same value types SQLite gives (integers as int64,
// floating point as double, NULL as sql::null, everything else as text).

#include <cstddef>
#include <string_view>

#include "core/sql/sql.hpp"

namespace pqxx {
class transaction_base;
}  // namespace pqxx

namespace qm::rt::postgres {

// Throws whatever libpqxx throws; a wrong number of arguments or a result over max_rows
// throws sql::db_exception with query_error.
sql::rows run_statement(pqxx::transaction_base& tx, std::string_view statement,
                        const sql::params& args, std::size_t max_rows);

// The text PostgreSQL receives for v (nullopt-free: null is handled by the caller).
std::string parameter_text(const sql::value& v);

}  // namespace qm::rt::postgres

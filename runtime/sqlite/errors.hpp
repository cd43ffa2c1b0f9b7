#pragma once
// Translation of SQLite result codes into the project's sql::errc, so a service handles a
// unique violation the same way whichever engine runs its statements.

#include <string>

#include "core/sql/sql.hpp"

struct sqlite3;

namespace qm::rt::sqlite {

// Maps an extended SQLite result code to the errc a service can act on.
sql::errc map_result_code(int extended_code);

// The error for the last failed call on db, with SQLite's message and `context` (usually the
// statement) so a log line says what failed.
sql::error last_error(sqlite3* db, std::string_view context);

}  // namespace qm::rt::sqlite

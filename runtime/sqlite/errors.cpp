#include "runtime/sqlite/errors.hpp"

#include <sqlite3.h>

namespace qm::rt::sqlite {

sql::errc map_result_code(int extended_code) {
  if (extended_code == SQLITE_CONSTRAINT_UNIQUE || extended_code == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return sql::errc::unique_violation;
  }
  switch (extended_code & 0xff) {
    case SQLITE_CONSTRAINT: return sql::errc::constraint_violation;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return sql::errc::serialization_conflict;
    // An interrupted statement ran past the deadline its caller set.
    case SQLITE_INTERRUPT: return sql::errc::timeout;
    // The file could not be opened or read: the database is unreachable, not the query wrong.
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR: return sql::errc::unavailable;
    default: return sql::errc::query_error;
  }
}

sql::error last_error(sqlite3* db, std::string_view context) {
  const int code = sqlite3_extended_errcode(db);
  std::string message = sqlite3_errmsg(db);
  if (!context.empty()) {
    // Bound the context so a huge statement does not flood a log line.
    constexpr std::size_t max_context_chars = 200;
    message += " (in: ";
    message += context.substr(0, max_context_chars);
    if (context.size() > max_context_chars) {
      message += "...";
    }
    message += ")";
  }
  return sql::error{map_result_code(code), std::move(message)};
}

}  // namespace qm::rt::sqlite

#pragma once
// What the SQLite engine changes in the portable SQL services write before SQLite reads it.
//
// Schemas declare 64-bit keys as `BIGINT PRIMARY KEY`: PostgreSQL's INTEGER has 32 bits. In
// SQLite only a column declared exactly `INTEGER PRIMARY KEY` becomes the table's rowid; any
// other primary key is a second b-tree beside the table, so every lookup by key searches the
// index and then the table, and every insert writes both. SQLite's INTEGER has 64 bits, so
// reading `BIGINT PRIMARY KEY` as `INTEGER PRIMARY KEY` keeps the range and the uniqueness
// and halves that work. (A rowid key also refuses a value that is not an integer, as
// PostgreSQL's BIGINT does, where a plain BIGINT column in SQLite would store the text.)

#include <string>
#include <string_view>

namespace qm::rt::sqlite {

// statement with every `BIGINT PRIMARY KEY` (any case, any whitespace between the words)
// outside string literals, quoted identifiers and comments read as `INTEGER PRIMARY KEY`;
// the text unchanged when it has none.
std::string sqlite_dialect(std::string_view statement);

// Whether sqlite_dialect would change statement (cheap: most statements are not DDL).
bool needs_dialect(std::string_view statement);

}  // namespace qm::rt::sqlite

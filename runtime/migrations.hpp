#pragma once
// Schema migrations for a service's own database, the same on PostgreSQL and SQLite.
//
// Each migration runs in its own transaction: create schema_migrations if missing, skip the
// migration when its version is recorded, else run its statements and record the version.
// Running the list again applies nothing, so every start of a service may call it.
//
// A migration's script is split into statements on `;` outside quotes and comments and each
// runs through sql::transaction::exec. Hence migrations hold plain DDL and DML only: no
// procedural code (no PL/pgSQL, no dollar-quoted bodies, no triggers with BEGIN ... END),
// and no transaction control.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/time.hpp"
#include "core/task/task.hpp"
#include "runtime/storage.hpp"

namespace qm::rt {

struct migration {
  int version;  // positive, strictly increasing along the list
  std::string_view name;
  std::string_view sql;
};

// Applies every migration not yet recorded, in order; stops at the first failure (whose
// message names the migration). Concurrent starts of the same service are safe: a
// transaction that loses the race is retried (a bounded number of times) and then skips.
task<db_status> apply_migrations(storage& db, std::span<const migration> migrations,
                                 duration timeout = seconds(30));

// The statements of a script: split on `;` outside '...' strings, "..." identifiers, --
// comments and /* */ comments; comments dropped, blanks trimmed, empty statements skipped.
std::vector<std::string> split_sql_statements(std::string_view script);

}  // namespace qm::rt

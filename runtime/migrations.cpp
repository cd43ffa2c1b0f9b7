#include "runtime/migrations.hpp"

#include <cstdint>

#include "core/base/assert.hpp"

namespace qm::rt {

namespace {

constexpr std::string_view create_table_sql =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL)";
constexpr std::string_view find_sql = "SELECT name FROM schema_migrations WHERE version = $1";
constexpr std::string_view record_sql =
    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)";

// PostgreSQL runs concurrent DDL side by side, and the loser of a CREATE race fails with
// errors that are not retryable in general (duplicate type, duplicate table). A lock held
// until the migration's transaction ends makes concurrent starts take turns; SQLite's
// BEGIN IMMEDIATE already does. The key is arbitrary, fixed for every service.
constexpr std::string_view postgres_turn_sql = "SELECT pg_advisory_xact_lock(7345012)";

// Two starts racing on a fresh database collide on schema_migrations; after a few attempts
// something else is wrong.
constexpr int max_attempts = 3;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

void push_trimmed(std::vector<std::string>& out, std::string& current) {
  std::size_t first = 0;
  while (first < current.size() && is_space(current[first])) {
    ++first;
  }
  std::size_t last = current.size();
  while (last > first && is_space(current[last - 1])) {
    --last;
  }
  if (last > first) {
    out.push_back(current.substr(first, last - first));
  }
  current.clear();
}

bool retryable(sql::errc e) {
  return e == sql::errc::unique_violation || e == sql::errc::serialization_conflict;
}

}  // namespace

std::vector<std::string> split_sql_statements(std::string_view script) {
  std::vector<std::string> out;
  std::string current;
  std::size_t i = 0;
  while (i < script.size()) {
    const char c = script[i];
    if (c == '\'' || c == '"') {
      // A quoted run ends at the next unescaped quote; a doubled quote is an escaped one.
      std::size_t j = i + 1;
      while (j < script.size()) {
        if (script[j] == c) {
          if (j + 1 < script.size() && script[j + 1] == c) {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      const std::size_t end = j < script.size() ? j + 1 : script.size();
      current.append(script.substr(i, end - i));
      i = end;
    } else if (c == '-' && i + 1 < script.size() && script[i + 1] == '-') {
      while (i < script.size() && script[i] != '\n') {
        ++i;
      }
      current += ' ';
    } else if (c == '/' && i + 1 < script.size() && script[i + 1] == '*') {
      const std::size_t close = script.find("*/", i + 2);
      i = close == std::string_view::npos ? script.size() : close + 2;
      current += ' ';
    } else if (c == ';') {
      push_trimmed(out, current);
      ++i;
    } else {
      current += c;
      ++i;
    }
  }
  push_trimmed(out, current);
  return out;
}

task<db_status> apply_migrations(storage& db, std::span<const migration> migrations,
                                 duration timeout) {
  for (std::size_t k = 0; k < migrations.size(); ++k) {
    QM_ASSERT_MSG(migrations[k].version > 0, "migration versions are positive");
    QM_ASSERT_MSG(k == 0 || migrations[k - 1].version < migrations[k].version,
                  "migration versions strictly increase");
  }
  const bool take_turns = db.engine() == "postgres";
  for (const migration& m : migrations) {
    const std::vector<std::string> statements = split_sql_statements(m.sql);
    const std::string label =
        "migration " + std::to_string(m.version) + " (" + std::string(m.name) + "): ";
    db_status status;
    for (int attempt = 1; attempt <= max_attempts; ++attempt) {
      std::string renamed;
      status = co_await db.transact(
          [&](sql::transaction& tx) {
            if (take_turns) {
              tx.exec(postgres_turn_sql);
            }
            tx.exec(create_table_sql);
            const sql::rows found = tx.exec(find_sql, {static_cast<std::int64_t>(m.version)});
            if (!found.empty()) {
              // Recorded under another name: the list was renumbered, which would skip a change.
              if (found.front().get_text(0) != m.name) {
                renamed = found.front().get_text(0);
              }
              return;
            }
            for (const std::string& statement : statements) {
              tx.exec(statement);
            }
            tx.exec(record_sql, {static_cast<std::int64_t>(m.version), std::string(m.name)});
          },
          timeout);
      if (status && !renamed.empty()) {
        co_return make_unexpected(
            sql::error{sql::errc::query_error, label + "version already recorded as " + renamed});
      }
      if (status || !retryable(status.error().code)) {
        break;
      }
    }
    if (!status) {
      co_return make_unexpected(
          sql::error{status.error().code, label + status.error().message});
    }
  }
  co_return db_status{};
}

}  // namespace qm::rt

#include "runtime/postgres/errors.hpp"

#include <pqxx/pqxx>

#include <string>

namespace qm::rt::postgres {

namespace {

// Server messages end with a newline and may carry a DETAIL line; keep them on one line.
std::string one_line(std::string_view message) {
  std::string out;
  out.reserve(message.size());
  for (char c : message) {
    out += (c == '\n' || c == '\r') ? ' ' : c;
  }
  while (!out.empty() && out.back() == ' ') {
    out.pop_back();
  }
  return out;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

sql::errc map_sqlstate(std::string_view sqlstate) {
  if (sqlstate == "23505") {
    return sql::errc::unique_violation;
  }
  if (starts_with(sqlstate, "23")) {
    return sql::errc::constraint_violation;
  }
  if (sqlstate == "40001" || sqlstate == "40P01") {
    return sql::errc::serialization_conflict;
  }
  if (sqlstate == "40003") {
    return sql::errc::outcome_unknown;
  }
  if (sqlstate == "57014") {
    return sql::errc::timeout;
  }
  // Connection exceptions, and the server shutting down or terminating this backend.
  if (starts_with(sqlstate, "08") || sqlstate == "57P01" || sqlstate == "57P02" ||
      sqlstate == "57P03" || sqlstate == "53300") {
    return sql::errc::unavailable;
  }
  if (sqlstate == "42501") {
    return sql::errc::access_denied;
  }
  return sql::errc::query_error;
}

sql::error map_exception(const std::exception_ptr& failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const sql::db_exception& e) {
    return e.error();
  } catch (const pqxx::in_doubt_error& e) {
    return {sql::errc::outcome_unknown, "commit outcome unknown: " + one_line(e.what())};
  } catch (const pqxx::broken_connection& e) {
    return {sql::errc::unavailable, "database connection lost: " + one_line(e.what())};
  } catch (const pqxx::serialization_failure& e) {
    return {sql::errc::serialization_conflict, one_line(e.what())};
  } catch (const pqxx::deadlock_detected& e) {
    return {sql::errc::serialization_conflict, one_line(e.what())};
  } catch (const pqxx::statement_completion_unknown& e) {
    return {sql::errc::outcome_unknown, one_line(e.what())};
  } catch (const pqxx::transaction_rollback& e) {
    return {sql::errc::serialization_conflict, one_line(e.what())};
  } catch (const pqxx::sql_error& e) {
    return {map_sqlstate(e.sqlstate()), one_line(e.what())};
  } catch (const std::exception& e) {
    return {sql::errc::query_error, one_line(e.what())};
  } catch (...) {
    return {sql::errc::query_error, "unknown failure"};
  }
}

bool is_database_exception(const std::exception_ptr& failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const sql::db_exception&) {
    return true;
  } catch (const pqxx::pqxx_exception&) {
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace qm::rt::postgres

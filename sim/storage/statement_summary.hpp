#pragma once
// A short, stable description of a SQL statement for the trace: its verb and the table it
// touches ("insert users", "select sessions", "create table users"). Traces stay small and
// readable while still showing which node touched which table.

#include <string>
#include <string_view>

namespace qm::sim {

std::string statement_summary(std::string_view statement);

}  // namespace qm::sim

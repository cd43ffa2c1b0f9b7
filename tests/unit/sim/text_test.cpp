// The trace's small text helpers.
#include <gtest/gtest.h>

#include <string>

#include "sim/engine/text.hpp"

namespace qm::sim {
namespace {

TEST(text, a_status_is_written_as_its_decimal_digits) {
  for (int status : {0, 7, 99, 100, 200, 204, 409, 503, 999, 1000, -1, 12345}) {
    std::string out = "x";
    append_status(out, status);
    EXPECT_EQ(out, "x" + std::to_string(status));
  }
}

}  // namespace
}  // namespace qm::sim

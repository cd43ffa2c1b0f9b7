// The shared replies: an error body with extra members keeps http::error_response's "error"
// member byte for byte, so clients read one shape whichever way a service built it.

#include "services/common/replies.hpp"

#include <gtest/gtest.h>

#include <string>

namespace qm::services {
namespace {

TEST(replies, the_error_member_is_error_responses_body) {
  const std::string message = "a \"quoted\" message\nover two lines";
  json::writer w;
  w.begin_object();
  write_error_member(w, "insufficient_stock", message, "rid-1");
  w.end_object();
  EXPECT_EQ(w.finish(), http::error_response(409, "insufficient_stock", message, "rid-1").body);
}

}  // namespace
}  // namespace qm::services

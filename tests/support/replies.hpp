#pragma once
// Reading the services' JSON replies in route tests: the body as an object (a test fails when
// it is not one), and the code and message of an {"error":{"code","message"}} reply.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>

#include "core/http/message.hpp"
#include "core/json/json.hpp"

namespace qm::test {

inline json::object parse(const http::response& r) {
  auto v = boost::json::parse(r.body);
  EXPECT_TRUE(v.is_object()) << r.body;
  return v.is_object() ? v.as_object() : json::object{};
}

// The error's code, or "" when the reply is not an error.
inline std::string error_code(const http::response& r) {
  auto o = parse(r);
  const auto* e = o.if_contains("error");
  return e != nullptr && e->is_object() ? std::string(e->as_object().at("code").as_string()) : "";
}

// The error's message, or "" when the reply is not an error.
inline std::string error_message(const http::response& r) {
  auto o = parse(r);
  const auto* e = o.if_contains("error");
  return e != nullptr && e->is_object() ? std::string(e->as_object().at("message").as_string())
                                        : "";
}

}  // namespace qm::test

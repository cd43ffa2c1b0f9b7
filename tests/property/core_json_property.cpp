// Property: required_int accepts exactly the integers in [min, max], returns them unchanged,
// and rejects every value that is not an integer.

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "core/json/json.hpp"

namespace qm::json {
namespace {

RC_GTEST_PROP(json_property, required_int_accepts_exactly_the_in_range_integers,
              (std::int64_t n, std::int64_t a, std::int64_t b)) {
  const std::int64_t lo = std::min(a, b);
  const std::int64_t hi = std::max(a, b);
  // Through the parser, as a request body would arrive.
  const auto parsed = parse_object(R"({"qty":)" + std::to_string(n) + "}");
  RC_ASSERT(parsed.ok());
  const auto r = required_int(parsed.value(), "qty", lo, hi);
  const bool in_range = lo <= n && n <= hi;
  RC_ASSERT(r.ok() == in_range);
  if (in_range) {
    RC_ASSERT(r.value() == n);
  } else {
    RC_ASSERT(r.error().field == std::string("qty"));
  }
}

RC_GTEST_PROP(json_property, required_int_bounds_near_the_value, (std::int64_t n, std::uint8_t d)) {
  // Bounds placed right around n catch off-by-one errors the wide random bounds would miss.
  const object o{{"v", n}};
  const std::int64_t delta = d % 3;
  const auto max = std::numeric_limits<std::int64_t>::max();
  const auto min = std::numeric_limits<std::int64_t>::min();
  if (n <= max - delta) {
    RC_ASSERT(required_int(o, "v", n, n + delta).ok());
    if (delta > 0 && n <= max - delta) {
      RC_ASSERT(!required_int(o, "v", n + 1, n + delta).ok());
    }
  }
  if (n >= min + delta) {
    RC_ASSERT(required_int(o, "v", n - delta, n).ok());
    if (delta > 0) {
      RC_ASSERT(!required_int(o, "v", n - delta, n - 1).ok());
    }
  }
}

RC_GTEST_PROP(json_property, required_int_rejects_non_integers, (double d, std::string s, bool flag)) {
  object o;
  o["d"] = d;
  o["s"] = s;
  o["b"] = flag;
  o["a"] = array{1, 2};
  const auto lo = std::numeric_limits<std::int64_t>::min();
  const auto hi = std::numeric_limits<std::int64_t>::max();
  for (const char* field : {"d", "s", "b", "a"}) {
    const auto r = required_int(o, field, lo, hi);
    RC_ASSERT(!r.ok());
    RC_ASSERT(r.error().message == std::string("must be an integer"));
  }
}

}  // namespace
}  // namespace qm::json

// Property: for any JSON document, the streaming writer produces exactly the bytes that
// boost::json::serialize produces for the same document held as a boost::json::value.

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/json/json.hpp"
#include "core/json/writer.hpp"

namespace qm::json {
namespace {

// Text that reaches every escaping path: control characters, quote, backslash, plain ASCII,
// DEL and bytes above 0x7F (UTF-8 pieces, not necessarily well-formed: both sides pass them on).
rc::Gen<std::string> gen_text() {
  const auto byte_in = [](int lo, int hi) {
    return rc::gen::map(rc::gen::inRange(lo, hi), [](int c) { return static_cast<char>(c); });
  };
  return rc::gen::container<std::string>(rc::gen::weightedOneOf<char>({
      {1, byte_in(0x00, 0x20)},
      {1, rc::gen::element('"', '\\', '/', '\x7f')},
      {4, byte_in(0x20, 0x7f)},
      {1, byte_in(0x80, 0x100)},
  }));
}

rc::Gen<value> gen_scalar() {
  return rc::gen::oneOf(
      rc::gen::map(rc::gen::arbitrary<std::int64_t>(), [](std::int64_t n) { return value(n); }),
      rc::gen::map(rc::gen::arbitrary<std::uint64_t>(), [](std::uint64_t n) { return value(n); }),
      rc::gen::map(rc::gen::arbitrary<double>(), [](double d) { return value(d); }),
      rc::gen::map(rc::gen::arbitrary<bool>(), [](bool b) { return value(b); }),
      rc::gen::just(value(nullptr)),
      rc::gen::map(gen_text(), [](const std::string& s) { return value(s); }));
}

// Up to depth levels of arrays and objects, each of at most five members, so a document stays
// small enough to shrink.
rc::Gen<value> gen_value(int depth) {
  if (depth == 0) {
    return gen_scalar();
  }
  const rc::Gen<value> child = gen_value(depth - 1);
  const auto count = rc::gen::inRange<std::size_t>(0, 6);
  auto arrays = rc::gen::mapcat(count, [child](std::size_t n) {
    return rc::gen::map(rc::gen::container<std::vector<value>>(n, child),
                        [](const std::vector<value>& items) {
                          return value(array(items.begin(), items.end()));
                        });
  });
  auto objects = rc::gen::mapcat(count, [child](std::size_t n) {
    return rc::gen::map(
        rc::gen::container<std::vector<std::pair<std::string, value>>>(
            n, rc::gen::pair(gen_text(), child)),
        [](const std::vector<std::pair<std::string, value>>& members) {
          object o;
          for (const auto& [k, v] : members) {
            o[k] = v;  // a repeated key keeps its last value, as a parser would
          }
          return value(std::move(o));
        });
  });
  return rc::gen::weightedOneOf<value>({{2, gen_scalar()}, {1, arrays}, {1, objects}});
}

void write(writer& w, const value& v) {
  switch (v.kind()) {
    case boost::json::kind::null:
      w.value(nullptr);
      return;
    case boost::json::kind::bool_:
      w.value(v.get_bool());
      return;
    case boost::json::kind::int64:
      w.value(v.get_int64());
      return;
    case boost::json::kind::uint64:
      w.value(v.get_uint64());
      return;
    case boost::json::kind::double_:
      w.value(v.get_double());
      return;
    case boost::json::kind::string:
      w.value(std::string_view(v.get_string()));
      return;
    case boost::json::kind::array:
      w.begin_array();
      for (const auto& item : v.get_array()) {
        write(w, item);
      }
      w.end_array();
      return;
    case boost::json::kind::object:
      w.begin_object();
      for (const auto& kv : v.get_object()) {
        w.key(kv.key());
        write(w, kv.value());
      }
      w.end_object();
      return;
  }
}

RC_GTEST_PROP(json_writer_property, writes_what_serialize_writes, ()) {
  const value doc = *gen_value(3);
  writer w;
  write(w, doc);
  RC_ASSERT(w.finish() == serialize(doc));
}

}  // namespace
}  // namespace qm::json

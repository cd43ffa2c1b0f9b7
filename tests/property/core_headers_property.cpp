// Property: http::headers behaves like a case-insensitive multimap that keeps insertion
// order, for any sequence of set/add/remove operations on names in any letter case.

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/http/message.hpp"

namespace qm::http {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The model: a list of (lowercased name, original name, value) in insertion order.
struct model {
  struct field {
    std::string key;
    std::string name;
    std::string value;
  };
  std::vector<field> fields;

  void add(const std::string& name, const std::string& value) { fields.push_back({lower(name), name, value}); }
  void remove(const std::string& name) {
    const auto key = lower(name);
    std::erase_if(fields, [&](const field& f) { return f.key == key; });
  }
  void set(const std::string& name, const std::string& value) {
    remove(name);
    add(name, value);
  }
  std::optional<std::string> get(const std::string& name) const {
    const auto key = lower(name);
    for (const auto& f : fields) {
      if (f.key == key) {
        return f.value;
      }
    }
    return std::nullopt;
  }
};

// Names from a small set, each letter randomly upper- or lower-cased.
rc::Gen<std::string> gen_name() {
  return rc::gen::exec([] {
    std::string name = *rc::gen::element<std::string>("content-type", "x-request-id", "authorization", "etag");
    for (auto& c : name) {
      if (*rc::gen::arbitrary<bool>()) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      }
    }
    return name;
  });
}

enum class op_kind { set, add, remove };

RC_GTEST_PROP(headers_property, behave_like_a_case_insensitive_multimap, ()) {
  const auto steps = *rc::gen::inRange(0, 60);
  headers h;
  model m;
  for (int i = 0; i < steps; ++i) {
    const auto kind = *rc::gen::element(op_kind::set, op_kind::add, op_kind::remove);
    const auto name = *gen_name();
    const auto value = *rc::gen::container<std::string>(rc::gen::inRange('a', 'z'));
    switch (kind) {
      case op_kind::set:
        h.set(name, value);
        m.set(name, value);
        break;
      case op_kind::add:
        h.add(name, value);
        m.add(name, value);
        break;
      case op_kind::remove:
        h.remove(name);
        m.remove(name);
        break;
    }
    RC_ASSERT(h.size() == m.fields.size());
    // Every name, in a freshly randomised case, reads the same as the model.
    for (int probe = 0; probe < 4; ++probe) {
      const auto query = *gen_name();
      const auto got = h.get(query);
      const auto want = m.get(query);
      RC_ASSERT(got.has_value() == want.has_value());
      if (want) {
        RC_ASSERT(std::string(*got) == *want);
      }
      RC_ASSERT(h.contains(query) == want.has_value());
    }
  }
  // Order and original spelling are kept.
  RC_ASSERT(h.fields().size() == m.fields.size());
  for (std::size_t i = 0; i < m.fields.size(); ++i) {
    RC_ASSERT(h.fields()[i].first == m.fields[i].name);
    RC_ASSERT(h.fields()[i].second == m.fields[i].value);
  }
}

}  // namespace
}  // namespace qm::http

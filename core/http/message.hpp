#pragma once
// The HTTP message model at the runtime boundary: what a service sees of a request and what it
// answers. Production carries these over Beast; the simulator carries them over virtual links.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qm::http {

enum class method : std::uint8_t { get, head, post, put, patch, del, options, unknown };

std::string_view to_string(method m);
method method_from_string(std::string_view s);
// GET, HEAD, PUT, DELETE and OPTIONS may be repeated without a second effect.
bool is_idempotent(method m);

// Whether a and b, n bytes each, are equal with A-Z folded to a-z (the only folding header
// names need: they are ASCII tokens).
bool same_letters(const char* a, const char* b, std::size_t n);

// Inline, and the length first, because headers are compared on every hop and most names
// differ in length.
inline bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && same_letters(a.data(), b.data(), a.size());
}

// Header names compare case-insensitively; order is kept as received.
class headers {
 public:
  void set(std::string name, std::string value);  // replaces every field of that name
  void add(std::string name, std::string value);
  void remove(std::string_view name);
  // Drops every field for which drop(name, value) holds, keeping the others in order.
  template <typename Pred>
  void remove_if(Pred drop) {
    std::erase_if(fields_, [&](const auto& f) { return drop(std::string_view(f.first), std::string_view(f.second)); });
  }
  std::optional<std::string_view> get(std::string_view name) const;
  bool contains(std::string_view name) const { return get(name).has_value(); }
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }
  std::size_t size() const { return fields_.size(); }
  // Room for n fields, for a sender that knows how many it will add.
  void reserve(std::size_t n) { fields_.reserve(n); }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

struct request {
  method verb = method::get;
  std::string target;  // path and query, as sent: "/products?limit=10"
  http::headers headers;
  std::string body;

  std::string_view path() const;   // target without the query
  std::string_view query() const;  // after '?', empty when none
};

struct response {
  int status = 200;
  http::headers headers;
  std::string body;
};

// Reason phrase for a status code ("Not Found"); "Unknown" for codes we do not use.
std::string_view reason_phrase(int status);

// Builders that every service uses, so every error has one shape:
// {"error": {"code": "...", "message": "...", "request_id": "..."}}
response json_response(int status, std::string body);
response error_response(int status, std::string_view code, std::string_view message,
                        std::string_view request_id = {});

// Query string parameter lookup (first occurrence, percent-decoded).
std::optional<std::string> query_param(std::string_view query, std::string_view name);

}  // namespace qm::http

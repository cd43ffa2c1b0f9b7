#pragma once
// The HTTP message model at the runtime boundary: what a service sees of a request and what it
// answers. Production carries these over Beast; the simulator carries them over virtual links.

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

// Header names compare case-insensitively; order is kept as received.
class headers {
 public:
  void set(std::string name, std::string value);  // replaces every field of that name
  void add(std::string name, std::string value);
  void remove(std::string_view name);
  std::optional<std::string_view> get(std::string_view name) const;
  bool contains(std::string_view name) const { return get(name).has_value(); }
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }
  std::size_t size() const { return fields_.size(); }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

bool iequals(std::string_view a, std::string_view b);

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

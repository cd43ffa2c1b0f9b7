#pragma once
// Replies every service gives the same way: the caller's request id, and the one mapping of a
// database failure onto HTTP (503 "unavailable" with Retry-After: 1 for transient errors,
// never 500 for those; 500 "internal" for the rest, logged with the error).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/http/router.hpp"
#include "core/json/writer.hpp"
#include "core/sql/sql.hpp"
#include "runtime/logger.hpp"

namespace qm::services {

// The caller's X-Request-ID when it is well-formed (<= 64 of [A-Za-z0-9_-]), else "".
std::string_view request_id(const http::request_context& rc);

// Writes the "error" member of http::error_response's body ({"error":{"code","message",
// "request_id"}}) into an open object, for a reply that carries more members next to it.
void write_error_member(json::writer& w, std::string_view code, std::string_view message,
                        std::string_view request_id);

// One item alone, written by write_item(w, item) in about item_bytes of text.
template <typename Item, typename WriteItem>
std::string item_body(const Item& item, std::size_t item_bytes, WriteItem write_item) {
  json::writer w(item_bytes);
  write_item(w, item);
  return w.finish();
}

// The "items" member of a listing: each item written by write_item(w, item).
template <typename Item, typename WriteItem>
void write_items(json::writer& w, const std::vector<Item>& items, WriteItem write_item) {
  w.key("items").begin_array();
  for (const auto& item : items) {
    write_item(w, item);
  }
  w.end_array();
}

// {"items":[...]}, each item in about item_bytes of text (reserved up front, so a long list
// does not regrow).
template <typename Item, typename WriteItem>
std::string items_body(const std::vector<Item>& items, std::size_t item_bytes,
                       WriteItem write_item) {
  json::writer w(16 + items.size() * item_bytes);
  w.begin_object();
  write_items(w, items, write_item);
  w.end_object();
  return w.finish();
}

// One page of a listing: {"items":[...],"limit","offset"}, items written as in items_body.
template <typename Item, typename WriteItem>
std::string page_body(const std::vector<Item>& items, std::int64_t limit, std::int64_t offset,
                      std::size_t item_bytes, WriteItem write_item) {
  json::writer w(64 + items.size() * item_bytes);
  w.begin_object();
  write_items(w, items, write_item);
  w.member("limit", limit).member("offset", offset).end_object();
  return w.finish();
}

http::response db_failure(const http::request_context& rc, rt::logger& log, std::string_view op,
                          const sql::error& e);

// 503 "upstream_unavailable" with Retry-After: 1, for a request this service cannot serve
// because the upstream it names failed; the reply carries resilience::dependency_down_header
// so callers do not hold it against this service. An empty dependency leaves the marker off
// (the failure is this service's own).
http::response dependency_unavailable(const http::request_context& rc, std::string_view dependency,
                                      std::string_view message);

}  // namespace qm::services

#pragma once
// Reservation arithmetic, free of storage: which lines a reservation may hold, which of them
// the stock cannot cover, and what each request does to a reservation in each status. The
// store applies these rules inside one transaction; the property tests check them against a
// model of the stock.
//
// Stock accounting per product: available + held + confirmed == initial + restocked, where
// held and confirmed are the units on reservations in those statuses. A reservation takes
// its units from available when it is made and gives them back when it is released (held or
// confirmed) or expires (held only); confirming moves nothing.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.hpp"
#include "core/json/json.hpp"

namespace qm::product {

inline constexpr std::size_t max_reservation_id_bytes = 64;
inline constexpr std::size_t max_reservation_lines = 100;
inline constexpr std::int64_t max_line_quantity = 50;

enum class reservation_status : std::uint8_t { held, confirmed, released, expired };

std::string_view to_string(reservation_status s);
std::optional<reservation_status> status_from_string(std::string_view text);

struct line_request {
  std::int64_t product_id = 0;
  std::int64_t quantity = 0;

  bool operator==(const line_request&) const = default;
};

struct shortage {
  std::int64_t product_id = 0;
  std::int64_t requested = 0;
  std::int64_t available = 0;

  bool operator==(const shortage&) const = default;
};

// 1..64 characters of [A-Za-z0-9_-].
bool valid_reservation_id(std::string_view id);

// The lines ordered by product id, or an error naming "lines" when there are none, more than
// max_reservation_lines, a product id that is not positive, a quantity outside
// 1..max_line_quantity, or the same product twice.
result<std::vector<line_request>, json::input_error> normalize_lines(std::vector<line_request> lines);

// The lines (in their order) that ask for more than available holds for their product; a
// product missing from available has none.
std::vector<shortage> find_shortages(const std::vector<line_request>& lines,
                                     const std::map<std::int64_t, std::int64_t>& available);

// True when a and b reserve the same quantities of the same products, in any order.
bool same_lines(std::vector<line_request> a, std::vector<line_request> b);

// What a request does to a reservation in a given status: the status after it, and whether
// the reservation's units go back to available.
struct transition {
  reservation_status next = reservation_status::held;
  bool returns_stock = false;

  bool operator==(const transition&) const = default;
};

// Confirm: held becomes confirmed unless it is past its expiry, in which case it expires on
// the spot (the sweep had not reached it yet); confirmed stays; released and expired stay and
// the caller is refused.
transition on_confirm(reservation_status s, bool past_expiry);
// Release: held and confirmed become released and give their units back (a confirmed order
// that is cancelled); released stays; expired stays expired (its units went back already).
transition on_release(reservation_status s);
// Expiry (the sweep): held becomes expired and gives its units back; nothing else changes.
transition on_expire(reservation_status s);

}  // namespace qm::product

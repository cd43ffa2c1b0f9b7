#include "services/product/domain/reservation.hpp"

#include <algorithm>

namespace qm::product {

std::string_view to_string(reservation_status s) {
  switch (s) {
    case reservation_status::held: return "held";
    case reservation_status::confirmed: return "confirmed";
    case reservation_status::released: return "released";
    case reservation_status::expired: return "expired";
  }
  return "held";
}

std::optional<reservation_status> status_from_string(std::string_view text) {
  for (auto s : {reservation_status::held, reservation_status::confirmed,
                 reservation_status::released, reservation_status::expired}) {
    if (to_string(s) == text) {
      return s;
    }
  }
  return std::nullopt;
}

bool valid_reservation_id(std::string_view id) {
  if (id.empty() || id.size() > max_reservation_id_bytes) {
    return false;
  }
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
  });
}

result<std::vector<line_request>, json::input_error> normalize_lines(std::vector<line_request> lines) {
  const auto bad = [](std::string message) {
    return make_unexpected(json::input_error{"lines", std::move(message)});
  };
  if (lines.empty() || lines.size() > max_reservation_lines) {
    return bad("must hold 1 to " + std::to_string(max_reservation_lines) + " lines");
  }
  for (const auto& l : lines) {
    if (l.product_id < 1) {
      return bad("product_id must be a positive integer");
    }
    if (l.quantity < 1 || l.quantity > max_line_quantity) {
      return bad("quantity must be between 1 and " + std::to_string(max_line_quantity));
    }
  }
  std::sort(lines.begin(), lines.end(),
            [](const line_request& a, const line_request& b) { return a.product_id < b.product_id; });
  const auto twice = std::adjacent_find(lines.begin(), lines.end(),
                                        [](const line_request& a, const line_request& b) {
                                          return a.product_id == b.product_id;
                                        });
  if (twice != lines.end()) {
    return bad("product " + std::to_string(twice->product_id) + " appears more than once");
  }
  return lines;
}

std::vector<shortage> find_shortages(const std::vector<line_request>& lines,
                                     const std::map<std::int64_t, std::int64_t>& available) {
  std::vector<shortage> out;
  for (const auto& l : lines) {
    const auto it = available.find(l.product_id);
    const std::int64_t have = it == available.end() ? 0 : it->second;
    if (l.quantity > have) {
      out.push_back(shortage{l.product_id, l.quantity, have});
    }
  }
  return out;
}

bool same_lines(std::vector<line_request> a, std::vector<line_request> b) {
  const auto by_product = [](const line_request& x, const line_request& y) {
    return x.product_id < y.product_id || (x.product_id == y.product_id && x.quantity < y.quantity);
  };
  std::sort(a.begin(), a.end(), by_product);
  std::sort(b.begin(), b.end(), by_product);
  return a == b;
}

transition on_confirm(reservation_status s, bool past_expiry) {
  if (s == reservation_status::held) {
    return past_expiry ? transition{reservation_status::expired, true}
                       : transition{reservation_status::confirmed, false};
  }
  return transition{s, false};
}

transition on_release(reservation_status s) {
  switch (s) {
    case reservation_status::held:
    case reservation_status::confirmed:
      return transition{reservation_status::released, true};
    case reservation_status::released:
    case reservation_status::expired:
      break;
  }
  return transition{s, false};
}

transition on_expire(reservation_status s) {
  if (s == reservation_status::held) {
    return transition{reservation_status::expired, true};
  }
  return transition{s, false};
}

}  // namespace qm::product

#include "services/order/domain/requests.hpp"

#include <charconv>
#include <string>

#include "core/http/message.hpp"

namespace qm::order {

namespace {

unexpected<json::input_error> bad(std::string_view field, std::string message) {
  return make_unexpected(json::input_error{std::string(field), std::move(message)});
}

// Plain decimal digits only: "+5", " 5" and "5x" are refused rather than half-read.
std::optional<std::int64_t> parse_decimal(std::string_view text) {
  if (text.empty() || text.size() > 18) {
    return std::nullopt;
  }
  for (char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
  }
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return v;
}

result<std::int64_t, json::input_error> bounded_param(std::string_view query,
                                                      std::string_view name,
                                                      std::int64_t fallback, std::int64_t min,
                                                      std::int64_t max) {
  const auto text = http::query_param(query, name);
  if (!text) {
    return fallback;
  }
  const auto v = parse_decimal(*text);
  if (!v || *v < min || *v > max) {
    return bad(name, "must be an integer from " + std::to_string(min) + " to " +
                         std::to_string(max));
  }
  return *v;
}

result<order_status, json::input_error> status_field(const json::object& o) {
  auto text = json::required_string(o, "status", 1, 32);
  if (!text) {
    return make_unexpected(text.error());
  }
  const auto s = parse_status(*text);
  if (!s) {
    return bad("status", "must be one of confirmed, packed, out_for_delivery, delivered, "
                         "cancelled");
  }
  return *s;
}

}  // namespace

std::optional<std::int64_t> parse_id(std::string_view text) {
  const auto v = parse_decimal(text);
  if (!v || *v < 1 || *v > max_id) {
    return std::nullopt;
  }
  return v;
}

result<page, json::input_error> parse_page(std::string_view query) {
  auto limit = bounded_param(query, "limit", default_page_limit, 1, max_page_limit);
  if (!limit) {
    return make_unexpected(limit.error());
  }
  auto offset = bounded_param(query, "offset", 0, 0, max_page_offset);
  if (!offset) {
    return make_unexpected(offset.error());
  }
  return page{*limit, *offset};
}

result<admin_query, json::input_error> parse_admin_query(std::string_view query) {
  admin_query out;
  auto paging = parse_page(query);
  if (!paging) {
    return make_unexpected(paging.error());
  }
  out.paging = *paging;
  if (auto text = http::query_param(query, "status"); text && !text->empty()) {
    out.status = parse_status(*text);
    if (!out.status) {
      return bad("status", "is not an order status");
    }
  }
  if (auto text = http::query_param(query, "user_id"); text && !text->empty()) {
    out.user_id = parse_id(*text);
    if (!out.user_id) {
      return bad("user_id", "must be a positive integer");
    }
  }
  return out;
}

result<status_request, json::input_error> parse_status_body(std::string_view body,
                                                            bool allow_partner) {
  auto o = json::parse_object(body);
  if (!o) {
    return make_unexpected(o.error());
  }
  auto known = allow_partner ? json::only_fields(*o, {"status", "partner_id"})
                             : json::only_fields(*o, {"status"});
  if (!known) {
    return make_unexpected(known.error());
  }
  auto status = status_field(*o);
  if (!status) {
    return make_unexpected(status.error());
  }
  status_request out{*status, std::nullopt};
  if (const auto* p = o->if_contains("partner_id"); p != nullptr && !p->is_null()) {
    auto partner = json::required_int(*o, "partner_id", 1, max_id);
    if (!partner) {
      return make_unexpected(partner.error());
    }
    out.partner_id = *partner;
  }
  return out;
}

result<std::int64_t, json::input_error> parse_partner_body(std::string_view body) {
  auto o = json::parse_object(body);
  if (!o) {
    return make_unexpected(o.error());
  }
  if (auto known = json::only_fields(*o, {"partner_id"}); !known) {
    return make_unexpected(known.error());
  }
  return json::required_int(*o, "partner_id", 1, max_id);
}

}  // namespace qm::order

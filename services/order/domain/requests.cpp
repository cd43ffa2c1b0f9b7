#include "services/order/domain/requests.hpp"

#include <string>

#include "core/http/message.hpp"
#include "services/common/params.hpp"

namespace qm::order {

namespace {

unexpected<json::input_error> bad(std::string_view field, std::string message) {
  return make_unexpected(json::input_error{std::string(field), std::move(message)});
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
  return services::parse_positive_id(text, max_id);
}

result<page, json::input_error> parse_page(std::string_view query) {
  const auto p =
      services::parse_page_params(query, {default_page_limit, max_page_limit, max_page_offset});
  if (!p) {
    return make_unexpected(p.error());
  }
  return page{p->limit, p->offset};
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

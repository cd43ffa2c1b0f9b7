#include "services/cart/product_client.hpp"

#include "services/cart/domain/limits.hpp"
#include "services/common/caller.hpp"

namespace qm::cart {

task<result<catalogue, upstream_failure>> fetch_products(rt::runtime& rt, duration timeout,
                                                         const http::request_context& rc,
                                                         const std::vector<cart_line>& lines) {
  QM_ASSERT(!lines.empty() && lines.size() <= max_lines);
  http::request req;
  req.verb = http::method::get;
  req.target = "/internal/products?ids=" + ids_parameter(lines);
  services::pass_caller(rc, req);
  const time_point deadline = rt.clock.now() + timeout;
  auto reply = co_await rt.http.request("product", std::move(req), deadline);
  if (!reply) {
    co_return make_unexpected(upstream_failure{"call failed: " +
                                               std::string(rt::to_string(reply.error().code))});
  }
  if (reply->status != 200) {
    co_return make_unexpected(upstream_failure{"status " + std::to_string(reply->status)});
  }
  auto products = parse_catalogue(reply->body);
  if (!products) {
    co_return make_unexpected(upstream_failure{products.error()});
  }
  co_return std::move(*products);
}

}  // namespace qm::cart

#include "services/cart/product_client.hpp"

#include "services/cart/domain/limits.hpp"
#include "services/common/replies.hpp"

namespace qm::cart {

task<result<catalogue, upstream_failure>> fetch_products(services::upstream_client& client,
                                                         time_point deadline,
                                                         const http::request_context& rc,
                                                         const std::vector<cart_line>& lines) {
  QM_ASSERT(!lines.empty() && lines.size() <= max_lines);
  http::request req;
  req.verb = http::method::get;
  req.target = "/internal/products?ids=" + ids_parameter(lines);
  services::call_options opts;
  opts.deadline = deadline;
  opts.origin = rc.scope.get();
  auto reply = co_await client.call("product", std::move(req), opts);
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

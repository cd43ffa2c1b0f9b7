#include "services/common/binding.hpp"

namespace qm::services {

task<http::response> health(http::request_context) {
  co_return http::json_response(200, R"({"status":"ok"})");
}

}  // namespace qm::services

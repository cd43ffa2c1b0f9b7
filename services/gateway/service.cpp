#include "services/gateway/service.hpp"

#include <charconv>

#include "services/gateway/routes.hpp"

namespace qm::gateway {

result<gateway_settings, std::string> read_settings(const rt::settings& config) {
  gateway_settings s;
  const std::string text = config.get("upstream_timeout_ms");
  if (!text.empty()) {
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || end != text.data() + text.size() || v < 1 || v > 60'000) {
      return make_unexpected("upstream_timeout_ms must be an integer in [1, 60000], got '" + text + "'");
    }
    s.upstream_timeout = ms(v);
  }
  return s;
}

task<bool> gateway_service::start() {
  if (ctx_) {
    co_return true;
  }
  auto settings = read_settings(rt_.config);
  if (!settings) {
    rt_.log.error("gateway refuses to start: bad settings", {{"reason", settings.error()}});
    co_return false;
  }
  ctx_.emplace(gateway_context{rt_, *settings});
  register_routes(rt_.routes, *ctx_);
  rt_.log.info("gateway started");
  co_return true;
}

}  // namespace qm::gateway

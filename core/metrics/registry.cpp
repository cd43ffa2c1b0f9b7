#include "core/metrics/registry.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/base/assert.hpp"

namespace qm::metrics {

void counter::inc(double by) {
  QM_ASSERT_MSG(by >= 0, "a counter only goes up");
  value_ += by;
}

histogram::histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), buckets_(bounds_.size() + 1, 0) {
  QM_ASSERT(std::is_sorted(bounds_.begin(), bounds_.end()));
}

void histogram::observe(double v) {
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);
  ++buckets_[static_cast<std::size_t>(it - bounds_.begin())];
  ++count_;
  sum_ += v;
}

std::vector<std::uint64_t> histogram::cumulative() const {
  std::vector<std::uint64_t> out(buckets_.size());
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    running += buckets_[i];
    out[i] = running;
  }
  return out;
}

double histogram::quantile(double q) const {
  if (count_ == 0) {
    return 0;
  }
  const double rank = q * static_cast<double>(count_);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    const std::uint64_t before = running;
    running += buckets_[i];
    if (static_cast<double>(running) >= rank && buckets_[i] > 0) {
      if (i == bounds_.size()) {
        return bounds_.empty() ? 0 : bounds_.back();  // +Inf bucket: the best we can say
      }
      const double lo = i == 0 ? 0 : bounds_[i - 1];
      const double hi = bounds_[i];
      const double within = (rank - static_cast<double>(before)) / static_cast<double>(buckets_[i]);
      return lo + (hi - lo) * std::clamp(within, 0.0, 1.0);
    }
  }
  return bounds_.empty() ? 0 : bounds_.back();
}

std::vector<double> default_latency_buckets_s() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

registry::registry(std::size_t max_series_per_family) : max_series_(max_series_per_family) {
  QM_ASSERT(max_series_ >= 1);
}

registry::family& registry::get_family(std::string_view name, kind k, std::string_view help) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), family{k, std::string(help), {}, {}, {}, {}}).first;
  }
  QM_ASSERT_MSG(it->second.type == k, "a metric name is used with two types");
  return it->second;
}

labels registry::admit(const family& f, const labels& l, bool exists) const {
  if (exists || f.size() + 1 < max_series_) {
    return l;
  }
  return labels{{"overflow", "true"}};
}

counter& registry::get_counter(std::string_view name, std::string_view help, const labels& l) {
  auto& f = get_family(name, kind::counter, help);
  auto key = admit(f, l, f.counters.contains(l));
  auto& slot = f.counters[key];
  if (!slot) {
    slot = std::make_unique<counter>();
  }
  return *slot;
}

gauge& registry::get_gauge(std::string_view name, std::string_view help, const labels& l) {
  auto& f = get_family(name, kind::gauge, help);
  auto key = admit(f, l, f.gauges.contains(l));
  auto& slot = f.gauges[key];
  if (!slot) {
    slot = std::make_unique<gauge>();
  }
  return *slot;
}

histogram& registry::get_histogram(std::string_view name, std::string_view help, const labels& l,
                                   const std::vector<double>& bounds) {
  auto& f = get_family(name, kind::histogram, help);
  auto key = admit(f, l, f.histograms.contains(l));
  auto& slot = f.histograms[key];
  if (!slot) {
    slot = std::make_unique<histogram>(bounds);
  }
  return *slot;
}

std::size_t registry::series_count() const {
  std::size_t n = 0;
  for (const auto& [name, f] : families_) {
    n += f.size();
  }
  return n;
}

namespace {
std::string escape_label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string escape_help(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string format_number(double v) {
  if (std::isinf(v)) {
    return v > 0 ? "+Inf" : "-Inf";
  }
  if (std::isnan(v)) {
    return "NaN";
  }
  // Shortest text that reads back as the same double: le="0.1", not le="0.10000000000000001",
  // so rules and dashboards can name a bucket the way people write it.
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  QM_ASSERT(ec == std::errc{});
  return std::string(buf, end);
}

std::string label_text(const labels& l, std::string_view extra_key = {},
                       std::string_view extra_value = {}) {
  if (l.empty() && extra_key.empty()) {
    return {};
  }
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : l) {
    out += (first ? "" : ",") + k + "=\"" + escape_label(v) + "\"";
    first = false;
  }
  if (!extra_key.empty()) {
    out += std::string(first ? "" : ",") + std::string(extra_key) + "=\"" +
           std::string(extra_value) + "\"";
  }
  return out + "}";
}
}  // namespace

std::string registry::expose_text() const {
  std::string out;
  for (const auto& [name, f] : families_) {
    const char* type = f.type == kind::counter ? "counter" : f.type == kind::gauge ? "gauge" : "histogram";
    out += "# HELP " + name + " " + escape_help(f.help) + "\n";
    out += "# TYPE " + name + " " + type + "\n";
    for (const auto& [l, c] : f.counters) {
      out += name + label_text(l) + " " + format_number(c->value()) + "\n";
    }
    for (const auto& [l, g] : f.gauges) {
      out += name + label_text(l) + " " + format_number(g->value()) + "\n";
    }
    for (const auto& [l, h] : f.histograms) {
      const auto cum = h->cumulative();
      for (std::size_t i = 0; i < cum.size(); ++i) {
        const std::string le = i < h->bounds().size() ? format_number(h->bounds()[i]) : "+Inf";
        out += name + "_bucket" + label_text(l, "le", le) + " " + std::to_string(cum[i]) + "\n";
      }
      out += name + "_sum" + label_text(l) + " " + format_number(h->sum()) + "\n";
      out += name + "_count" + label_text(l) + " " + std::to_string(h->count()) + "\n";
    }
  }
  return out;
}

}  // namespace qm::metrics

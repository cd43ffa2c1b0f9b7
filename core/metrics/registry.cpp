#include "core/metrics/registry.hpp"

#include <algorithm>

#include "core/base/assert.hpp"

namespace qm::metrics {

namespace {

// Label names the registry writes itself: a histogram's buckets and the overflow series.
bool is_reserved_label(std::string_view name) { return name == "le" || name == "overflow"; }

bool has_label(const labels& l, std::string_view name) {
  return std::any_of(l.begin(), l.end(), [&](const auto& kv) { return kv.first == name; });
}

}  // namespace

registry::registry(std::size_t max_series_per_family) : max_series_(max_series_per_family) {
  QM_ASSERT(max_series_ >= 1);
}

registry::family& registry::get_family(std::string_view name, kind k, std::string_view help,
                                       const std::vector<double>* bounds) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    QM_ASSERT_MSG(is_valid_metric_name(name), "a metric name is [a-zA-Z_:][a-zA-Z0-9_:]*");
    family f{k, {}, {}, {}, 0, {}};
    append_help(f.help_text, help);
    if (k == kind::histogram) {
      f.bounds = *bounds;
      for (double b : f.bounds) {
        std::string le = "le=\"";
        append_number(le, b);
        le += "\"} ";
        f.le_texts.push_back(std::move(le));
      }
      f.le_texts.emplace_back("le=\"+Inf\"} ");
      for (const std::string& le : f.le_texts) {
        f.le_bytes = std::max(f.le_bytes, le.size());
      }
    }
    it = families_.emplace(std::string(name), std::move(f)).first;
  }
  QM_ASSERT_MSG(it->second.type == k, "a metric name is used with two types");
  return it->second;
}

void registry::check_new_labels(const family& f, const labels& l) const {
  for (std::size_t i = 0; i < l.size(); ++i) {
    const std::string& name = l[i].first;
    QM_ASSERT_MSG(is_valid_label_name(name), "a label name is [a-zA-Z_][a-zA-Z0-9_]*, not __*");
    QM_ASSERT_MSG(!(f.type == kind::histogram && name == "le"), "le is a histogram's bucket label");
    QM_ASSERT_MSG(!has_label(constant_labels_, name), "a series label repeats a constant label");
    for (std::size_t j = 0; j < i; ++j) {
      QM_ASSERT_MSG(l[j].first != name, "a label name appears twice in one series");
    }
  }
}

registry::series& registry::get_series(family& f, const labels& l) {
  if (auto it = f.members.find(l); it != f.members.end()) {
    return it->second;
  }
  check_new_labels(f, l);
  // The last slot of a family is kept for the overflow series.
  labels key = f.members.size() + 1 < max_series_ ? l : labels{{"overflow", "true"}};
  auto [it, added] = f.members.try_emplace(std::move(key));
  if (added) {
    append_label_pairs(it->second.label_text, it->first);
  }
  return it->second;
}

counter& registry::get_counter(std::string_view name, std::string_view help, const labels& l) {
  const std::lock_guard lock(mutex_);
  series& s = get_series(get_family(name, kind::counter, help, nullptr), l);
  if (!s.c) {
    s.c = std::make_unique<counter>();
  }
  return *s.c;
}

gauge& registry::get_gauge(std::string_view name, std::string_view help, const labels& l) {
  const std::lock_guard lock(mutex_);
  series& s = get_series(get_family(name, kind::gauge, help, nullptr), l);
  if (!s.g) {
    s.g = std::make_unique<gauge>();
  }
  return *s.g;
}

histogram& registry::get_histogram(std::string_view name, std::string_view help, const labels& l,
                                   const std::vector<double>& bounds) {
  const std::lock_guard lock(mutex_);
  family& f = get_family(name, kind::histogram, help, &bounds);
  series& s = get_series(f, l);
  if (!s.h) {
    // Buckets that differ between series of one family cannot be aggregated by a query.
    QM_ASSERT_MSG(bounds == f.bounds, "a histogram family has one set of buckets");
    s.h = std::make_unique<histogram>(f.bounds);
  }
  return *s.h;
}

void registry::set_constant_labels(labels l) {
  const std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < l.size(); ++i) {
    const std::string& name = l[i].first;
    QM_ASSERT_MSG(is_valid_label_name(name), "a label name is [a-zA-Z_][a-zA-Z0-9_]*, not __*");
    QM_ASSERT_MSG(!is_reserved_label(name), "le and overflow are the registry's own labels");
    for (std::size_t j = 0; j < i; ++j) {
      QM_ASSERT_MSG(l[j].first != name, "a constant label appears twice");
    }
    for (const auto& [family_name, f] : families_) {
      for (const auto& [key, s] : f.members) {
        QM_ASSERT_MSG(!has_label(key, name), "a constant label repeats a series label");
      }
    }
  }
  constant_labels_ = std::move(l);
  constant_text_.clear();
  append_label_pairs(constant_text_, constant_labels_);
}

void registry::add_collector(std::function<void()> fn) {
  QM_ASSERT(fn);
  const std::lock_guard lock(mutex_);
  const std::size_t n = collector_count_.load(std::memory_order_relaxed);
  QM_ASSERT_MSG(n < max_collectors, "too many metrics collectors");
  collectors_[n] = std::move(fn);
  collector_count_.store(n + 1, std::memory_order_release);
}

void registry::run_collectors() const {
  const std::size_t n = collector_count_.load(std::memory_order_acquire);
  for (std::size_t i = 0; i < n; ++i) {
    collectors_[i]();
  }
}

std::size_t registry::series_count() const {
  const std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [name, f] : families_) {
    n += f.members.size();
  }
  return n;
}

std::vector<histogram_summary> registry::summarize(std::string_view family_name) const {
  run_collectors();
  const std::lock_guard lock(mutex_);
  std::vector<histogram_summary> out;
  const auto it = families_.find(family_name);
  if (it == families_.end() || it->second.type != kind::histogram) {
    return out;
  }
  const family& f = it->second;
  std::vector<std::uint64_t> counts(f.bounds.size() + 1);
  out.reserve(f.members.size());
  for (const auto& [key, s] : f.members) {
    const double sum = s.h->read(counts);
    out.push_back({key, counts.back(), sum, quantile_of(f.bounds, counts, 0.50),
                   quantile_of(f.bounds, counts, 0.95), quantile_of(f.bounds, counts, 0.99)});
  }
  return out;
}

std::string registry::expose_text() const {
  run_collectors();
  const std::lock_guard lock(mutex_);
  std::string out;
  text_writer w(out, last_exposition_bytes_ + last_exposition_bytes_ / 8);
  std::string scratch;                // one histogram series' bucket line start
  std::vector<std::uint64_t> counts;  // one histogram series' cumulative counts
  for (const auto& [name, f] : families_) {
    expose_family(w, scratch, counts, name, f);
  }
  w.finish();
  last_exposition_bytes_ = out.size();
  return out;
}

void registry::expose_family(text_writer& w, std::string& scratch, std::vector<std::uint64_t>& counts,
                             std::string_view name, const family& f) const {
  const std::string_view type = f.type == kind::counter ? " counter\n" : f.type == kind::gauge ? " gauge\n" : " histogram\n";
  w.room(2 * name.size() + f.help_text.size() + 32);
  w.put("# HELP ");
  w.put(name);
  w.put(' ');
  w.put(f.help_text);
  w.put("\n# TYPE ");
  w.put(name);
  w.put(type);
  // A sample line: name, suffix, braces, both label texts, a comma, a space, number, newline.
  const std::size_t head_bytes = name.size() + constant_text_.size() + 16;
  for (const auto& [key, s] : f.members) {
    if (f.type != kind::histogram) {
      w.room(head_bytes + s.label_text.size() + max_number_chars);
      put_head(w, name, "", s.label_text);
      w.put_number(f.type == kind::counter ? s.c->value() : s.g->value());
      w.put('\n');
      continue;
    }
    counts.resize(f.bounds.size() + 1);
    const double sum = s.h->read(counts);
    scratch.clear();
    scratch += name;
    scratch += "_bucket{";
    for (std::string_view part : {std::string_view(constant_text_), std::string_view(s.label_text)}) {
      if (!part.empty()) {
        scratch += part;
        scratch += ',';
      }
    }
    w.room(counts.size() * (scratch.size() + f.le_bytes + max_number_chars + 1) +
           2 * (head_bytes + s.label_text.size() + max_number_chars));
    for (std::size_t i = 0; i < counts.size(); ++i) {
      w.put(scratch);
      w.put(f.le_texts[i]);
      w.put_count(counts[i]);
      w.put('\n');
    }
    put_head(w, name, "_sum", s.label_text);
    w.put_number(sum);
    w.put('\n');
    // From the same reading as the buckets, so _count always equals the +Inf bucket.
    put_head(w, name, "_count", s.label_text);
    w.put_count(counts.back());
    w.put('\n');
  }
}

// `name_suffix{constant,own} ` (no braces without labels); the caller made room for it.
void registry::put_head(text_writer& w, std::string_view name, std::string_view suffix, std::string_view own) const {
  w.put(name);
  w.put(suffix);
  if (!constant_text_.empty() || !own.empty()) {
    w.put('{');
    w.put(constant_text_);
    if (!constant_text_.empty() && !own.empty()) {
      w.put(',');
    }
    w.put(own);
    w.put('}');
  }
  w.put(' ');
}

}  // namespace qm::metrics

// Properties of the in-memory rate limiter: for any arrival sequence (times nondecreasing,
// several keys, limits and windows), memory_limiter decides exactly as a naive model that
// keeps every admitted time and recounts the window each time; no key ever gets more than its
// limit admitted in any window; and the response headers say what the verdict says.

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <string>
#include <vector>

#include "core/ratelimit/headers.hpp"
#include "core/ratelimit/memory_limiter.hpp"

namespace qm::ratelimit {
namespace {

const time_point t0 = from_unix_us(1'700'000'000'000'000);

// The reference: every admitted time per key, recounted from scratch for each request.
struct naive_model {
  std::map<std::string, std::vector<time_point>> admitted;

  verdict admit(const window_hit& hit) {
    std::vector<time_point>& times = admitted[hit.key];
    std::vector<time_point> inside;
    for (const time_point t : times) {
      if (t > hit.now - hit.window) {
        inside.push_back(t);
      }
    }
    verdict v;
    v.limit = hit.limit;
    if (static_cast<std::int64_t>(inside.size()) < hit.limit) {
      v.allowed = true;
      v.remaining = hit.limit - static_cast<std::int64_t>(inside.size()) - 1;
      times.push_back(hit.now);
      inside.push_back(hit.now);
    }
    v.reset_after = *std::min_element(inside.begin(), inside.end()) + hit.window - hit.now;
    return v;
  }
};

struct step {
  int key = 0;
  int gap_us = 0;      // since the previous request
  int limit_pick = 0;  // which of the key's limits this request uses
};

struct key_policy {
  std::int64_t limits[2] = {1, 1};  // usually equal; sometimes a configuration change
  duration window{1};
};

int ms_to_us(int n) { return n * 1'000; }
int tenths_to_us(int n) { return n * 100'000; }

rc::Gen<step> gen_step(int keys) {
  return rc::gen::build<step>(
      rc::gen::set(&step::key, rc::gen::inRange(0, keys)),
      // Whole milliseconds (or tenths of a second) so arrivals often land exactly on a window
      // edge, where "t <= now - window has left" matters.
      rc::gen::set(&step::gap_us, rc::gen::oneOf(rc::gen::just(0), rc::gen::map(rc::gen::inRange(0, 30), ms_to_us),
                                                 rc::gen::map(rc::gen::inRange(0, 20), tenths_to_us))),
      rc::gen::set(&step::limit_pick, rc::gen::inRange(0, 2)));
}

key_policy gen_policy(bool limit_changes) {
  key_policy p;
  p.limits[0] = *rc::gen::inRange<std::int64_t>(1, 8);
  p.limits[1] = limit_changes ? *rc::gen::inRange<std::int64_t>(1, 8) : p.limits[0];
  // From a millisecond to a few seconds, so requests land on both sides of a window edge.
  p.window = *rc::gen::oneOf(rc::gen::map(rc::gen::inRange(1, 20), [](int n) { return ms(n); }),
                             rc::gen::map(rc::gen::inRange(1, 40), [](int n) { return ms(100 * n); }),
                             rc::gen::map(rc::gen::inRange(1'000, 4'000'000), [](int n) { return duration(n); }));
  return p;
}

std::int64_t number(const http::headers& h, std::string_view name) {
  const auto text = h.get(name);
  RC_ASSERT(text.has_value());
  std::int64_t n = -1;
  const auto r = std::from_chars(text->data(), text->data() + text->size(), n);
  RC_ASSERT(r.ec == std::errc());
  RC_ASSERT(r.ptr == text->data() + text->size());
  return n;
}

// An arrival sequence: up to max_keys keys ("rl:k:<i>"), each with its window and limit (two
// limits per key when limits change), times nondecreasing.
std::vector<window_hit> gen_arrivals(int max_keys, bool limit_changes) {
  const int keys = *rc::gen::inRange(1, max_keys + 1);
  std::vector<key_policy> policies;
  for (int k = 0; k < keys; ++k) {
    policies.push_back(gen_policy(limit_changes));
  }
  const auto steps = *rc::gen::container<std::vector<step>>(gen_step(keys));
  std::vector<window_hit> hits;
  time_point now = t0;
  for (const step& s : steps) {
    now += duration(s.gap_us);
    const key_policy& p = policies[static_cast<std::size_t>(s.key)];
    hits.push_back(window_hit{"rl:k:" + std::to_string(s.key), p.limits[s.limit_pick], p.window, now});
  }
  return hits;
}

RC_GTEST_PROP(ratelimit_property, memory_limiter_equals_the_naive_model, ()) {
  const std::vector<window_hit> hits = gen_arrivals(4, true);
  memory_limiter limiter(4);  // room for every key: no eviction
  naive_model model;
  for (const window_hit& hit : hits) {
    const verdict got = limiter.admit(hit);
    const verdict want = model.admit(hit);
    RC_ASSERT(got.allowed == want.allowed);
    RC_ASSERT(got.limit == want.limit);
    RC_ASSERT(got.remaining == want.remaining);
    RC_ASSERT(got.reset_after == want.reset_after);
    RC_ASSERT(got.reset_after > duration(0));
    RC_ASSERT(got.reset_after <= hit.window);
  }
  RC_ASSERT(limiter.stats().evicted == 0u);
}

RC_GTEST_PROP(ratelimit_property, no_window_holds_more_than_the_limit, ()) {
  const std::vector<window_hit> hits = gen_arrivals(3, false);
  memory_limiter limiter(3);
  std::map<std::string, std::vector<time_point>> admitted;
  for (const window_hit& hit : hits) {
    if (limiter.admit(hit).allowed) {
      admitted[hit.key].push_back(hit.now);
    }
  }
  for (const window_hit& hit : hits) {
    // Every window of length `window` ending at an admission (the worst windows end at one);
    // a key's limit and window are the same in all its hits.
    const std::vector<time_point>& times = admitted[hit.key];
    const auto in_window = std::count_if(times.begin(), times.end(), [&](time_point t) {
      return t > hit.now - hit.window && t <= hit.now;
    });
    RC_ASSERT(in_window <= hit.limit);
  }
}

RC_GTEST_PROP(ratelimit_property, headers_say_what_the_verdict_says, ()) {
  const std::vector<window_hit> hits = gen_arrivals(1, false);
  memory_limiter limiter(1);
  for (const window_hit& hit : hits) {
    const rate_class cls{"general", hit.limit, hit.window};
    const verdict v = limiter.admit(hit);
    const http::headers h = rate_limit_headers(cls, v);
    const std::int64_t reset_s = number(h, "X-RateLimit-Reset");
    RC_ASSERT(number(h, "X-RateLimit-Limit") == v.limit);
    RC_ASSERT(number(h, "X-RateLimit-Remaining") == v.remaining);
    // Rounded up: waiting reset_s seconds is enough, one second less is not.
    RC_ASSERT(seconds(reset_s) >= v.reset_after);
    RC_ASSERT(seconds(reset_s - 1) < v.reset_after);
    const std::string r = "\"general\";r=" + std::to_string(v.remaining) + ";t=" + std::to_string(reset_s);
    RC_ASSERT(h.get("RateLimit") == std::optional<std::string_view>(r));
    RC_ASSERT(h.get("RateLimit-Policy")->starts_with("\"general\";q=" + std::to_string(v.limit) + ";w="));
    RC_ASSERT(h.contains("Retry-After") == !v.allowed);
    if (!v.allowed) {
      RC_ASSERT(v.remaining == 0);
      const std::int64_t retry_s = number(h, "Retry-After");
      RC_ASSERT(retry_s >= 1);
      RC_ASSERT(retry_s >= reset_s);
    }
  }
}

}  // namespace
}  // namespace qm::ratelimit

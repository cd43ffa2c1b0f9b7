#include "core/identity/user_context.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <optional>

#include "core/base/append_int.hpp"
#include "core/base/assert.hpp"
#include "core/crypto/compare.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"

namespace qm::identity {

namespace {

constexpr std::string_view version_prefix = "v1.";
// A header far longer than any real context is refused before any decoding work.
constexpr std::size_t max_header_bytes = 512;
constexpr std::size_t max_request_id_len = 64;
constexpr std::int64_t max_user_id = std::int64_t{1} << 53;

bool known_user_role(std::string_view r) {
  return r == role_customer || r == role_partner || r == role_admin;
}

// [A-Za-z0-9_-], looked up: every context signed and every one verified checks its request id.
constexpr std::array<bool, 256> request_id_chars = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[static_cast<std::size_t>(c)] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                     (c >= '0' && c <= '9') || c == '_' || c == '-';
  }
  return t;
}();

bool valid_request_id(std::string_view id) {
  if (id.size() > max_request_id_len) {
    return false;
  }
  bool ok = true;
  for (const char ch : id) {
    ok &= request_id_chars[static_cast<unsigned char>(ch)];
  }
  return ok;
}

// The v1 payload, exactly: {"uid":<int>,"role":"<role>","exp":<int>,"rid":"<request id>"}.
// Roles and request ids are restricted to characters that need no escaping.
std::string payload_json(const user_context& c) {
  std::string out;
  out.reserve(64 + c.role.size() + c.request_id.size());
  out += "{\"uid\":";
  append_int(out, c.user_id);
  out += ",\"role\":\"";
  out += c.role;
  out += "\",\"exp\":";
  append_int(out, c.expires_at_s);
  out += ",\"rid\":\"";
  out += c.request_id;
  out += "\"}";
  return out;
}

// Reads the v1 payload back. Only sign() writes v1 payloads, and the MAC has verified this one
// before it is read, so the reader accepts exactly the layout payload_json writes (fields in
// its order, no spaces, unescaped strings, non-negative integers) and nothing else: a payload
// in any other shape was not signed by this version and is malformed. Another layout would be
// another version prefix.
class payload_reader {
 public:
  explicit payload_reader(std::string_view text) : rest_(text) {}

  bool literal(std::string_view expected) {
    if (!rest_.starts_with(expected)) {
      return false;
    }
    rest_.remove_prefix(expected.size());
    return true;
  }
  bool integer(std::int64_t& out) {
    if (rest_.empty() || rest_.front() < '0' || rest_.front() > '9') {
      return false;
    }
    const auto [end, ec] = std::from_chars(rest_.data(), rest_.data() + rest_.size(), out);
    if (ec != std::errc{}) {
      return false;
    }
    rest_.remove_prefix(static_cast<std::size_t>(end - rest_.data()));
    return true;
  }
  // A string's characters up to its closing quote; escapes are never written, so a backslash
  // is refused rather than decoded.
  bool text(std::string& out) {
    const std::size_t close = rest_.find('"');
    if (close == std::string_view::npos || rest_.substr(0, close).find('\\') != std::string_view::npos) {
      return false;
    }
    out.assign(rest_.substr(0, close));
    rest_.remove_prefix(close);
    return true;
  }
  bool at_end() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

std::optional<user_context> read_payload(std::string_view payload) {
  payload_reader r(payload);
  user_context c;
  const bool ok = r.literal("{\"uid\":") && r.integer(c.user_id) && r.literal(",\"role\":\"") &&
                  r.text(c.role) && r.literal("\",\"exp\":") && r.integer(c.expires_at_s) &&
                  r.literal(",\"rid\":\"") && r.text(c.request_id) && r.literal("\"}") && r.at_end();
  if (!ok) {
    return std::nullopt;
  }
  return c;
}

}  // namespace

std::string_view to_string(context_errc e) {
  switch (e) {
    case context_errc::missing:
      return "missing";
    case context_errc::malformed:
      return "malformed";
    case context_errc::bad_signature:
      return "bad_signature";
    case context_errc::expired:
      return "expired";
  }
  return "unknown";
}

bool well_formed(const user_context& c) {
  const bool who = c.role == role_service
                      ? c.user_id == 0
                      : c.user_id > 0 && c.user_id < max_user_id && known_user_role(c.role);
  return who && c.expires_at_s >= 0 && valid_request_id(c.request_id);
}

user_context service_context(std::int64_t now_s, std::string request_id) {
  user_context c{0, std::string(role_service), now_s + context_lifetime_s, std::move(request_id)};
  if (!valid_request_id(c.request_id)) {
    c.request_id.clear();
  }
  return c;
}

namespace {

// The contexts that verified, or were signed, lately on this thread, by their exact header
// value and secret. One request's context is verified by every service it reaches, and a
// service's own context (signed once per half lifetime) by every internal call it makes:
// recomputing the MAC of a value already verified under the same secret proves nothing new,
// and neither does computing it for a value this thread signed under that secret (in the
// simulator the gateway that signs a request's context shares the thread with the services
// that verify it). Only valid contexts are kept, and expiry is checked again on every use, so
// a memoised answer is always the answer the full check would give. Direct-mapped: a value
// evicts whatever shared its slot.
class verified_memo {
 public:
  const user_context* find(std::string_view value, std::string_view secret) const {
    const slot& s = slots_[index_of(value)];
    return s.used && s.value == value && s.secret == secret ? &s.context : nullptr;
  }

  void remember(std::string_view value, std::string_view secret, const user_context& c) {
    slot& s = slots_[index_of(value)];
    s.value.assign(value);
    s.secret.assign(secret);
    s.context = c;
    s.used = true;
  }

 private:
  static constexpr std::size_t slot_count = 64;

  struct slot {
    bool used = false;
    std::string value;
    std::string secret;
    user_context context;
  };

  // A signed value ends in its MAC, whose characters are already evenly spread: its last bytes
  // pick a slot as well as a hash of the whole value would, for a fraction of the work.
  static std::size_t index_of(std::string_view value) {
    std::uint64_t tail = 0;
    const std::size_t n = std::min(value.size(), sizeof tail);
    if (n > 0) {
      std::memcpy(&tail, value.data() + value.size() - n, n);
    }
    return static_cast<std::size_t>((tail * 0x9E3779B97F4A7C15ULL) >> 32) % slot_count;
  }

  std::array<slot, slot_count> slots_;
};

verified_memo& memo() {
  thread_local verified_memo m;
  return m;
}

result<user_context, context_errc> unexpired(const user_context& c, std::int64_t now_s) {
  if (now_s > c.expires_at_s) {
    return make_unexpected(context_errc::expired);
  }
  return c;
}

}  // namespace

std::string sign(const user_context& c, std::string_view secret) {
  QM_ASSERT(well_formed(c));
  QM_ASSERT(!secret.empty());
  const std::string payload = payload_json(c);
  std::string value;
  value.reserve(version_prefix.size() + crypto::base64url_size(payload.size()) + 1 +
                crypto::base64url_size(crypto::sha256_size));
  value += version_prefix;
  crypto::append_base64url(value, payload);
  const std::string mac = crypto::hmac_sha256(secret, value);
  value += '.';
  crypto::append_base64url(value, mac);
  // What verify(value, secret) would find after computing the MAC again: c itself, since
  // payload_json writes a well-formed context in exactly the form read_payload reads back.
  if (value.size() <= max_header_bytes) {
    memo().remember(value, secret, c);
  }
  return value;
}

result<user_context, context_errc> verify(std::string_view value, std::string_view secret,
                                          std::int64_t now_s) {
  if (const user_context* known = memo().find(value, secret)) {
    return unexpired(*known, now_s);
  }
  if (value.empty()) {
    return make_unexpected(context_errc::missing);
  }
  if (value.size() > max_header_bytes || !value.starts_with(version_prefix) || secret.empty()) {
    return make_unexpected(context_errc::malformed);
  }
  const std::size_t dot = value.rfind('.');
  if (dot < version_prefix.size()) {
    return make_unexpected(context_errc::malformed);
  }
  const std::string_view signed_part = value.substr(0, dot);
  const auto mac = crypto::base64url_decode(value.substr(dot + 1));
  if (!mac) {
    return make_unexpected(context_errc::malformed);
  }
  // The MAC is checked before the payload is parsed: nothing unsigned is interpreted.
  if (!crypto::constant_time_equal(*mac, crypto::hmac_sha256(secret, signed_part))) {
    return make_unexpected(context_errc::bad_signature);
  }
  const auto payload = crypto::base64url_decode(signed_part.substr(version_prefix.size()));
  if (!payload) {
    return make_unexpected(context_errc::malformed);
  }
  const std::optional<user_context> c = read_payload(*payload);
  if (!c || !well_formed(*c)) {
    return make_unexpected(context_errc::malformed);
  }
  memo().remember(value, secret, *c);
  return unexpired(*c, now_s);
}

}  // namespace qm::identity

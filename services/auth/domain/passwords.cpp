#include "services/auth/domain/passwords.hpp"

#include <charconv>
#include <optional>
#include <vector>

#include "core/base/assert.hpp"
#include "core/crypto/compare.hpp"
#include "core/crypto/encoding.hpp"

namespace qm::auth {

namespace {

constexpr std::string_view prefix = "scrypt";
constexpr std::size_t max_encoded_len = 256;

template <typename T>
std::optional<T> parse_number(std::string_view s) {
  T v{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || s.empty() || s.front() == '0') {
    return std::nullopt;
  }
  return v;
}

// Splits on '$' into at most max_parts pieces; nullopt when there are more.
std::optional<std::vector<std::string_view>> split_fields(std::string_view s, std::size_t max_parts) {
  std::vector<std::string_view> out;
  while (true) {
    if (out.size() == max_parts) {
      return std::nullopt;
    }
    const auto sep = s.find('$');
    out.push_back(s.substr(0, sep));
    if (sep == std::string_view::npos) {
      return out;
    }
    s.remove_prefix(sep + 1);
  }
}

}  // namespace

crypto::scrypt_params password_params(std::uint64_t n) {
  return crypto::scrypt_params{n, scrypt_r, scrypt_p, hash_bytes};
}

std::string hash_password(std::string_view password, std::string_view salt,
                          const crypto::scrypt_params& params) {
  QM_ASSERT_MSG(salt.size() == salt_bytes, "a password salt is 16 bytes");
  auto key = crypto::scrypt(password, salt, params);
  QM_ASSERT_MSG(key.ok(), "scrypt parameters are validated by the settings");
  return std::string(prefix) + "$" + std::to_string(params.n) + "$" + std::to_string(params.r) +
         "$" + std::to_string(params.p) + "$" + crypto::base64url_encode(salt) + "$" +
         crypto::base64url_encode(*key);
}

bool verify_password(std::string_view password, std::string_view encoded) {
  if (encoded.size() > max_encoded_len) {
    return false;
  }
  const auto fields = split_fields(encoded, 6);
  if (!fields || fields->size() != 6 || (*fields)[0] != prefix) {
    return false;
  }
  const auto n = parse_number<std::uint64_t>((*fields)[1]);
  const auto r = parse_number<std::uint32_t>((*fields)[2]);
  const auto p = parse_number<std::uint32_t>((*fields)[3]);
  const auto salt = crypto::base64url_decode((*fields)[4]);
  const auto expected = crypto::base64url_decode((*fields)[5]);
  if (!n || !r || !p || !salt || !expected || expected->empty()) {
    return false;
  }
  auto key = crypto::scrypt(password, *salt, {*n, *r, *p, expected->size()});
  return key.ok() && crypto::constant_time_equal(*key, *expected);
}

std::string dummy_hash(const crypto::scrypt_params& params) {
  // A fixed salt and a password longer than any accepted one: no login can match it.
  return hash_password(std::string(max_encoded_len, '#'), "quickmart-dummy!", params);
}

}  // namespace qm::auth

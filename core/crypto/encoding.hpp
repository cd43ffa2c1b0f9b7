#pragma once
// Text encodings of byte strings: base64url without padding (RFC 4648 section 5, as JWTs use
// it) and lowercase hex. Decoders are strict: any character outside the alphabet, padding,
// an impossible length or non-zero unused trailing bits rejects the input, so every byte
// string has exactly one accepted encoding (a token cannot be altered into an equivalent one).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace qm::crypto {

std::string base64url_encode(std::string_view bytes);
// The length of the encoding of n bytes.
constexpr std::size_t base64url_size(std::size_t n) { return (n * 4 + 2) / 3; }
// Appends the encoding to out, for a caller building a larger value (a token, a signed
// header) that would otherwise encode into a temporary and copy it.
void append_base64url(std::string& out, std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

std::string hex_encode(std::string_view bytes);
// Accepts upper- and lowercase digits; rejects odd lengths and other characters.
std::optional<std::string> hex_decode(std::string_view text);

}  // namespace qm::crypto

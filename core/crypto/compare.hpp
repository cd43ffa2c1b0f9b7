#pragma once
// Comparison of secrets (signatures, password hashes) in time that does not depend on where
// the first differing byte is, so an attacker cannot learn a secret one byte at a time.

#include <string_view>

namespace qm::crypto {

// True when a and b are equal. The lengths are not secret (a digest's length is public), so
// unequal lengths return early; equal lengths are compared in constant time.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace qm::crypto

#pragma once
// DIR/secrets.env: the local cluster's secrets as shell-sourceable KEY=VALUE lines. Generated
// on the first run and reused afterwards, so the databases' passwords, the admin account and
// the tokens handed out stay valid from one `quickmart up` to the next. Pure text handling
// here; reading, writing and the random values are the launcher's.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.hpp"

namespace qm::up {

using secrets = std::map<std::string, std::string>;

// "auth" -> "QUICKMART_AUTH_DB_PASSWORD".
std::string database_password_key(std::string_view service);

// Every key the launcher needs, in the order the file lists them.
std::vector<std::string> required_secret_keys();

// The keys of required_secret_keys() that `have` lacks.
std::vector<std::string> missing_secret_keys(const secrets& have);

// A generated value for key: the admin's email is fixed, every other key gets
// random_hex (at least 32 characters, which every service's secrets need).
std::string secret_value_for(std::string_view key, const std::string& random_hex);

// Parses KEY=VALUE lines; blank lines and '#' comments are skipped. Values are what the file
// says, byte for byte: the launcher only writes values that need no shell quoting, and one
// that would (a space, a quote, '$', ...) is refused rather than misread.
result<secrets, std::string> parse_secrets(std::string_view text);

// The file's text: a comment, then required keys in order, then any other keys.
std::string format_secrets(const secrets& s);

}  // namespace qm::up

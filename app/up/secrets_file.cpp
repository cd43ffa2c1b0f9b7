#include "app/up/secrets_file.hpp"

#include <algorithm>

#include "app/up/cluster_names.hpp"

namespace qm::up {

namespace {

bool is_key_char(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

// Characters a shell reads literally in an unquoted word.
bool is_plain_value_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '@' || c == '.' ||
         c == '_' || c == '-' || c == '+' || c == ':' || c == '/' || c == ',';
}

}  // namespace

std::string database_password_key(std::string_view service) {
  std::string key = "QUICKMART_";
  for (char c : service) {
    key.push_back(static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c));
  }
  return key + "_DB_PASSWORD";
}

std::vector<std::string> required_secret_keys() {
  std::vector<std::string> keys = {"QUICKMART_ADMIN_EMAIL", "QUICKMART_ADMIN_PASSWORD", "QUICKMART_TOKEN_SECRET",
                                   "QUICKMART_CONTEXT_SECRET"};
  for (auto service : database_services()) {
    keys.push_back(database_password_key(service));
  }
  return keys;
}

std::vector<std::string> missing_secret_keys(const secrets& have) {
  std::vector<std::string> missing;
  for (auto& key : required_secret_keys()) {
    if (!have.contains(key)) {
      missing.push_back(key);
    }
  }
  return missing;
}

std::string secret_value_for(std::string_view key, const std::string& random_hex) {
  if (key == "QUICKMART_ADMIN_EMAIL") {
    return "admin@example.com";
  }
  return random_hex;
}

result<secrets, std::string> parse_secrets(std::string_view text) {
  secrets out;
  int line_number = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_number;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.empty() || line.front() == '#') {
      continue;
    }
    const std::string where = "line " + std::to_string(line_number) + ": ";
    const auto eq = line.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return make_unexpected(where + "not a KEY=VALUE line");
    }
    const auto key = line.substr(0, eq);
    const auto value = line.substr(eq + 1);
    if (!std::all_of(key.begin(), key.end(), is_key_char)) {
      return make_unexpected(where + "the key must be upper-case letters, digits and '_'");
    }
    if (value.empty() || !std::all_of(value.begin(), value.end(), is_plain_value_char)) {
      return make_unexpected(where + std::string(key) +
                             " must be a non-empty value of letters, digits and @._-+:/, only");
    }
    out[std::string(key)] = std::string(value);
  }
  return out;
}

std::string format_secrets(const secrets& s) {
  std::string out =
      "# quickmart up: the local cluster's secrets (generated on the first run, reused afterwards).\n"
      "# Shell-sourceable: set -a; . ./secrets.env; set +a\n";
  const auto required = required_secret_keys();
  for (auto& key : required) {
    if (auto it = s.find(key); it != s.end()) {
      out += key + "=" + it->second + "\n";
    }
  }
  for (auto& [key, value] : s) {
    if (std::find(required.begin(), required.end(), key) == required.end()) {
      out += key + "=" + value + "\n";
    }
  }
  return out;
}

}  // namespace qm::up

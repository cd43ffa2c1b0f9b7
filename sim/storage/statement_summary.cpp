#include "sim/storage/statement_summary.hpp"

#include <cctype>
#include <vector>

namespace qm::sim {

namespace {

// Enough words to reach the table of any statement a service writes; past that we give up.
constexpr std::size_t max_words = 48;
constexpr std::size_t max_name_chars = 64;

bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.' || c == '"';
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// The statement's words, lowercased, skipping string literals and comments.
std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size() && out.size() < max_words) {
    const char c = s[i];
    if (c == '\'') {
      const std::size_t close = s.find('\'', i + 1);
      i = close == std::string_view::npos ? s.size() : close + 1;
    } else if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
      const std::size_t eol = s.find('\n', i);
      i = eol == std::string_view::npos ? s.size() : eol + 1;
    } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      const std::size_t close = s.find("*/", i + 2);
      i = close == std::string_view::npos ? s.size() : close + 2;
    } else if (word_char(c)) {
      std::size_t j = i;
      while (j < s.size() && word_char(s[j])) {
        ++j;
      }
      std::string w = lower(s.substr(i, j - i));
      std::erase(w, '"');
      if (w.size() > max_name_chars) {
        w.resize(max_name_chars);
      }
      out.push_back(std::move(w));
      i = j;
    } else {
      ++i;
    }
  }
  return out;
}

// The word after the first occurrence of keyword (from index start), or "".
std::string after(const std::vector<std::string>& w, std::string_view keyword, std::size_t start) {
  for (std::size_t i = start; i + 1 < w.size(); ++i) {
    if (w[i] == keyword) {
      return w[i + 1];
    }
  }
  return "";
}

bool is_ddl_filler(const std::string& w) {
  return w == "if" || w == "not" || w == "exists" || w == "unique" || w == "temp" ||
         w == "temporary";
}

}  // namespace

std::string statement_summary(std::string_view statement) {
  const std::vector<std::string> w = words(statement);
  if (w.empty()) {
    return "empty";
  }
  const std::string& verb = w.front();
  std::string table;
  if (verb == "insert" || verb == "replace") {
    table = after(w, "into", 1);
  } else if (verb == "update") {
    table = w.size() > 1 ? w[1] : "";
    if (table == "or" && w.size() > 3) {
      table = w[3];
    }
  } else if (verb == "delete" || verb == "select" || verb == "with") {
    table = after(w, "from", 1);
  } else if (verb == "create" || verb == "drop" || verb == "alter") {
    // "create table if not exists users" -> "create table users".
    std::size_t i = 1;
    while (i < w.size() && is_ddl_filler(w[i])) {
      ++i;
    }
    if (i < w.size()) {
      table = w[i];
      ++i;
    }
    while (i < w.size() && is_ddl_filler(w[i])) {
      ++i;
    }
    if (i < w.size()) {
      table += ' ';
      table += w[i];
    }
  }
  return table.empty() ? verb : verb + ' ' + table;
}

}  // namespace qm::sim

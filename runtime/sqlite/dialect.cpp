#include "runtime/sqlite/dialect.hpp"

#include <cstddef>

namespace qm::rt::sqlite {

namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$' || static_cast<unsigned char>(c) >= 0x80;
}

// Whether text[at..] starts with word (lowercase) as a whole word.
bool word_at(std::string_view text, std::size_t at, std::string_view word) {
  if (at + word.size() > text.size()) {
    return false;
  }
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (lower(text[at + i]) != word[i]) {
      return false;
    }
  }
  const std::size_t end = at + word.size();
  return end == text.size() || !is_word_char(text[end]);
}

std::size_t skip_spaces(std::string_view text, std::size_t at) {
  while (at < text.size() && is_space(text[at])) {
    ++at;
  }
  return at;
}

// If text[at..] is `bigint <spaces> primary <spaces> key` as whole words, where it ends.
std::size_t bigint_key_end(std::string_view text, std::size_t at) {
  if (!word_at(text, at, "bigint")) {
    return 0;
  }
  std::size_t next = at + 6;
  if (next == skip_spaces(text, next)) {
    return 0;
  }
  next = skip_spaces(text, next);
  if (!word_at(text, next, "primary")) {
    return 0;
  }
  next += 7;
  if (next == skip_spaces(text, next)) {
    return 0;
  }
  next = skip_spaces(text, next);
  if (!word_at(text, next, "key")) {
    return 0;
  }
  return next + 3;
}

// Where the quoted run or comment starting at text[at] ends (one past it); at itself when
// text[at] starts neither.
std::size_t skip_quoted(std::string_view text, std::size_t at) {
  const char c = text[at];
  if (c == '\'' || c == '"') {
    // A doubled quote inside stays inside: scanning on to the next quote handles it.
    const std::size_t close = text.find(c, at + 1);
    return close == std::string_view::npos ? text.size() : close + 1;
  }
  if (c == '-' && at + 1 < text.size() && text[at + 1] == '-') {
    const std::size_t eol = text.find('\n', at);
    return eol == std::string_view::npos ? text.size() : eol + 1;
  }
  if (c == '/' && at + 1 < text.size() && text[at + 1] == '*') {
    const std::size_t close = text.find("*/", at + 2);
    return close == std::string_view::npos ? text.size() : close + 2;
  }
  return at;
}

}  // namespace

bool needs_dialect(std::string_view statement) {
  for (std::size_t i = 0; i < statement.size();) {
    if (const std::size_t past = skip_quoted(statement, i); past != i) {
      i = past;
      continue;
    }
    if ((i == 0 || !is_word_char(statement[i - 1])) && bigint_key_end(statement, i) != 0) {
      return true;
    }
    ++i;
  }
  return false;
}

std::string sqlite_dialect(std::string_view statement) {
  std::string out;
  out.reserve(statement.size() + 8);
  std::size_t copied = 0;
  for (std::size_t i = 0; i < statement.size();) {
    if (const std::size_t past = skip_quoted(statement, i); past != i) {
      i = past;
      continue;
    }
    if (i == 0 || !is_word_char(statement[i - 1])) {
      if (const std::size_t end = bigint_key_end(statement, i); end != 0) {
        out.append(statement.substr(copied, i - copied));
        out.append("INTEGER PRIMARY KEY");
        copied = end;
        i = end;
        continue;
      }
    }
    ++i;
  }
  out.append(statement.substr(copied));
  return out;
}

}  // namespace qm::rt::sqlite

#include "sim/engine/sim_logger.hpp"

#include "core/base/assert.hpp"

namespace qm::sim {

sim_logger::sim_logger(scheduler& sched, trace& tr, std::string node, rt::log_level threshold)
    : sched_(sched), trace_(tr), node_(std::move(node)), threshold_(threshold) {}

void append_log_value(std::string& out, std::string_view value) {
  bool plain = !value.empty();
  for (char c : value) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
      plain = false;
      break;
    }
  }
  if (plain) {
    out += value;
    return;
  }
  out += '"';
  for (char c : value) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += '?';
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void sim_logger::write(rt::log_level level, std::string_view message,
                       std::initializer_list<rt::log_field> fields) {
  const auto index = static_cast<std::size_t>(level);
  QM_ASSERT(index < counts_.size());
  if (!enabled(level)) {
    return;
  }
  ++counts_[index];
  line_.clear();
  line_ += rt::to_string(level);
  line_ += ' ';
  append_log_value(line_, message);
  for (const auto& [key, value] : fields) {
    line_ += ' ';
    line_ += key;
    line_ += '=';
    append_log_value(line_, value);
  }
  trace_.record(sched_.now(), node_, "log", line_);
}

}  // namespace qm::sim

#include "core/base/exception_text.hpp"

#include <stdexcept>

namespace qm {

std::string describe_current_exception() {
  try {
    throw;
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

std::string describe_exception(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (...) {
    return describe_current_exception();
  }
}

}  // namespace qm

#include "services/delivery/domain/status.hpp"

#include <array>
#include <utility>

namespace qm::delivery {

namespace {

constexpr std::array<std::pair<partner_status, std::string_view>, 3> partner_names = {{
    {partner_status::available, "available"},
    {partner_status::busy, "busy"},
    {partner_status::offline, "offline"},
}};

constexpr std::array<std::pair<assignment_status, std::string_view>, 5> assignment_names = {{
    {assignment_status::waiting, "waiting"},
    {assignment_status::assigned, "assigned"},
    {assignment_status::picked_up, "picked_up"},
    {assignment_status::delivered, "delivered"},
    {assignment_status::cancelled, "cancelled"},
}};

template <typename E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& names, E e) {
  for (const auto& [value, name] : names) {
    if (value == e) {
      return name;
    }
  }
  return "unknown";
}

template <typename E, std::size_t N>
std::optional<E> value_of(const std::array<std::pair<E, std::string_view>, N>& names,
                          std::string_view text) {
  for (const auto& [value, name] : names) {
    if (name == text) {
      return value;
    }
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(partner_status s) { return name_of(partner_names, s); }
std::string_view to_string(assignment_status s) { return name_of(assignment_names, s); }

std::optional<partner_status> partner_status_from(std::string_view text) {
  return value_of(partner_names, text);
}

std::optional<assignment_status> assignment_status_from(std::string_view text) {
  return value_of(assignment_names, text);
}

}  // namespace qm::delivery

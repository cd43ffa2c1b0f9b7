#include "sim/scenario/steps.hpp"

#include <array>

namespace qm::sim {

namespace {

constexpr std::array<const char*, step_count> names = {
    "register", "login",   "me",     "update_me", "refresh",       "logout",  "browse",
    "product",  "add_to_cart", "cart", "clear_cart", "checkout",    "orders",  "tracking",
    "cancel",   "notifications", "admin", "restock", "pack",        "partner", "partner_poll",
    "pickup",   "delivered", "abuse", "impostor", "spoof", "bypass",
};

}  // namespace

std::vector<std::string> known_step_names() { return {names.begin(), names.end()}; }

}  // namespace qm::sim

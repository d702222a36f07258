// One function registers every cdb message type with CAF. Every binary and
// every test calls it, on every node.
#pragma once

#include <caf/actor_system_config.hpp>

#include "messages/inspect.hpp"
#include "messages/interfaces.hpp"

namespace cdb {

void register_messages(caf::actor_system_config& cfg);

} // namespace cdb

// Who sent the current message: operator commands and trading-state orders
// are taken from this node only (a peer node reaches a node's actors
// through its directory, and must not resume trading or flatten).
#pragma once

#include <caf/actor_control_block.hpp>

namespace cdb {

/// True when the current message has a sender on this actor's node (an
/// anonymous message, local or from the network, has none).
template <class Self>
bool sent_from_this_node(Self* self) {
  auto sender = self->current_sender();
  return sender != nullptr && sender->node() == self->node();
}

} // namespace cdb

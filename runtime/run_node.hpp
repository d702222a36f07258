// Runs a single node until a signal, the duration, the end of the feed or an
// unrecoverable failure; prints a live status line and a final summary.
// Also the node's links to its peers, which a split backtest shares.
#pragma once

#include <cstdint>

#include <caf/io/middleman_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "messages/interfaces.hpp"
#include "runtime/metrics.hpp"
#include "runtime/options.hpp"

namespace cdb {

/// Returns the process exit status.
int run_node(cdb_options& cfg);

/// Loads CAF's middleman (with TLS if configured) and its heartbeat and
/// connection timeout, for a node that talks to other nodes.
void load_middleman(cdb_options& cfg);

/// A node's side of its links: the cluster actor and where it listens.
struct node_link {
  cluster_actor link;
  caf::io::middleman_actor mm; ///< Plain or TLS, for dialing and closing.
  std::uint16_t port = 0;      ///< Listening on it (0: not).
};

/// Spawns the cluster actor, which dials node.peers.
node_link spawn_link(caf::actor_system& sys, const node_config& n,
                     timestamp started, const metrics_ptr& metrics);

/// Publishes the cluster actor on node.listen_port (if set); false, and
/// logged, if it cannot listen there.
bool listen(caf::actor_system& sys, const node_config& n, node_link& l);

/// Closes the port (peers see it close, not a dead actor) and stops the
/// cluster actor.
void close_link(caf::scoped_actor& self, node_link& l);

} // namespace cdb

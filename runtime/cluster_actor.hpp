// The two actors that join a node to its peers.
//
// directory: the one actor a node publishes on node.listen_port. A peer
//   subscribes and gets this node's roster (its actors by role) at once and
//   after every change; only this node's supervisor updates it.
// cluster: connects to every peer's directory (with backoff, again after a
//   loss), monitors it, merges the peers' rosters into one and hands it to
//   the supervisor, which wires the local actors with them exactly as on a
//   single node. A lost link (closed, or silent beyond the middleman's
//   connection timeout) removes that peer's actors and tells the supervisor
//   which roles went with it (peer_lost: the circuit breaker halts).
// Takes: (connect, index) own retry timer; node_roster from a directory;
//        down_msg of a directory.
#pragma once

#include <string>
#include <vector>

#include <caf/event_based_actor.hpp>
#include <caf/io/middleman_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "runtime/cluster.hpp"
#include "runtime/metrics.hpp"

namespace cdb {

struct directory_state {
  static inline const char* name = "directory";
  node_roster roster;
  std::vector<roster_sink> subscribers;
};

directory_actor::behavior_type
spawn_directory(directory_actor::stateful_pointer<directory_state> self,
                std::string node, timestamp epoch);

struct cluster_state {
  static inline const char* name = "cluster";
  struct link {
    endpoint where;
    std::string label; ///< "host:port", the peer label of the metrics.
    caf::actor directory;
    node_roster roster;
    bool has_roster = false;
    std::uint32_t attempts = 0;
    peer_link_stats* stats = nullptr;
  };
  std::vector<link> links;
  std::string last_conflicts; ///< Said once per change.
};

struct cluster_settings {
  std::vector<std::string> peers; ///< host:port, validated.
  std::vector<std::string> local_roles;
  nanoseconds connect_timeout = 2'000'000'000;
  nanoseconds reconnect_initial = 100'000'000;
  nanoseconds reconnect_max = 5'000'000'000;
};

caf::behavior spawn_cluster(caf::stateful_actor<cluster_state>* self,
                            cluster_settings cfg, caf::io::middleman_actor mm,
                            caf::actor supervisor, metrics_ptr metrics);

} // namespace cdb

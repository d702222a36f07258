// The cluster actor: the one actor a node publishes on node.listen_port,
// and the node's side of every link to a peer node.
//
// - It dials every peer in node.peers (with backoff, again after a loss)
//   and subscribes there; a peer that dials in and subscribes here is
//   subscribed to in return. Each link is one connection, whichever side
//   dialed, and both sides push their roster (their actors by role) over
//   it after every change.
// - It merges the linked peers' rosters and hands them to the supervisor
//   (the sender of this node's own roster), which wires the local actors
//   with them exactly as on a single node.
// - A lost link (closed, or silent beyond the middleman's connection
//   timeout) removes that peer's actors and tells the supervisor which
//   roles went with it (peer_lost: the circuit breaker halts); a link's
//   first roster tells it the peer's roles are back (peer_back: the
//   breaker withdraws what this node reported lost).
// Takes: roster (request), (subscribe, peer), node_roster (own from the
//        supervisor, or a peer's), (connect, index) its retry timer,
//        down_msg of a peer.
#pragma once

#include <string>
#include <vector>

#include <caf/io/middleman_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "runtime/cluster.hpp"
#include "runtime/metrics.hpp"

namespace cdb {

struct cluster_settings {
  std::vector<std::string> peers; ///< host:port to dial, validated.
  std::vector<std::string> local_roles;
  nanoseconds connect_timeout = 2'000'000'000;
  nanoseconds reconnect_initial = 100'000'000;
  nanoseconds reconnect_max = 5'000'000'000;
};

struct cluster_state {
  static inline const char* name = "cluster";
  struct link {
    bool dialed = false;  ///< One of node.peers (redialed after a loss).
    endpoint where;       ///< Where it is dialed (dialed links).
    std::string label;    ///< host:port (dialed), or the node's name.
    caf::actor peer;      ///< The peer's cluster actor while linked.
    bool dialing = false; ///< A connect request is under way.
    node_roster roster;
    bool has_roster = false;
    std::uint64_t linked_seq = 0; ///< Order of the first roster: who came
                                  ///< first.
    bool subscribed = false;      ///< This side subscribed at the peer.
    bool pushes = false; ///< The peer subscribed here: it gets rosters.
    std::uint32_t attempts = 0;
    std::uint64_t timer = 0; ///< Generation of the one live dial timer.
    /// The metrics of a dialed link (label peer="host:port"); a link a
    /// peer dialed in has none (the peer reports it; its roles show in
    /// cdb_role_reachable here).
    peer_link_stats* stats = nullptr;
  };
  node_roster own;
  caf::actor supervisor; ///< Where merged views go; known from own roster.
  std::vector<link> links;
  std::string last_conflicts; ///< Said once per change.
  std::uint64_t links_seen = 0;
};

cluster_actor::behavior_type
spawn_cluster(cluster_actor::stateful_pointer<cluster_state> self,
              const cluster_settings& cfg, const caf::io::middleman_actor& mm,
              std::string node, timestamp epoch, const metrics_ptr& metrics);

} // namespace cdb

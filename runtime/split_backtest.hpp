// A backtest split over several nodes (`cdb backtest` with node.roles and
// peers): each node runs its actors on the lockstep scheduler
// (runtime/lockstep.hpp), and the node hosting the feed drives all of them
// through the same turns, in the same order, as one node would take. So the
// split run's fills and equity are those of the single-node run.
//
// The protocol, between one agent per node (the main thread, a blocking
// actor the node's roster names, so every node learns every agent when the
// nodes link):
// 1. Linking: every node runs freely (the market clock stands still) until
//    its actors are wired; each other node then greets the driver.
// 2. Settling: rounds in which every node runs what it has, then sends a
//    marker down every link and waits for every peer's marker (a link
//    keeps order: what was sent before the marker has arrived), until a
//    round in which no node ran anything and none has anything to run.
// 3. Turns: the driver keeps the one queue of ready actors. It tells a
//    node to take one actor's turn (or to fire its next timer, every node's
//    clock moving to that time); that node then sends a marker to every
//    peer, and every node answers the driver once the marker is in, with
//    the actors that became ready and its next timer. The driver queues
//    them by the rule of runtime/lockstep.hpp.
// 4. End: when the data is done, the recorder (on the node hosting
//    persistence) adds the last account point, that node writes the report,
//    and every node shuts down.
// A node lost on the way, or no answer for a minute, ends the run with
// exit status 3.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include "runtime/lockstep.hpp"
#include "runtime/metrics.hpp"
#include "runtime/supervisor.hpp"

namespace cdb {

/// The name under which a node's agent is in its roster (with the node's
/// name after it), so that every node learns every agent when it links.
constexpr const char* agent_prefix = "lockstep ";

struct split_backtest {
  caf::actor_system& sys;
  caf::scoped_actor& agent; ///< This node's: the main thread.
  lockstep_scheduler& sched;
  caf::actor supervisor;
  const bool& supervisor_done;
  metrics_ptr metrics;
  /// Every actor by role, as the supervisor last wired them.
  std::shared_ptr<const child_map> wired;
  /// The roles the supervisor still waits for before its first wiring.
  std::shared_ptr<const std::string> waiting;
  /// The recorder, if this node hosts persistence.
  std::shared_ptr<caf::actor> recorder;
  std::string node;
  timestamp origin = 0;
  timestamp end = 0; ///< 0: until the feed is done.
  /// The feed's node: shows the progress.
  std::function<void(bool final)> progress;
  /// The persistence node: prints and writes the report; its exit status.
  std::function<int(std::uint64_t events)> report;
  /// node.link_timeout: how long the nodes may take to link, and in the
  /// run, to answer.
  nanoseconds link_timeout;
};

/// Runs this node's part of the backtest until its end; returns the exit
/// status (0, 2 the report could not be written, 3 a node was lost).
int run_split(split_backtest& bt);

} // namespace cdb

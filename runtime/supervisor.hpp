// The supervisor: spawns a node's actors, monitors them, restarts a failed
// one after a backoff while its restart budget (N in T) lasts, and re-wires
// every actor after each (re)start so no peer keeps a dead handle. Past the
// budget it escalates. The node's failure hook hears every failure (the
// circuit breaker counts restarts and halts on an escalation); past the
// budget a critical child makes the supervisor exit with an error (the
// process then exits non-zero).
//
// Shutdown: the first child (the source) stops; after `drain` the producers
// settle: each is asked to `flush` and answers once persistence has
// acknowledged everything it sent, while the supervisor asks persistence
// to flush every `settle_kick` (at most `stop_wait`). Then the rest
// stop in order, persistence last after a final flush. Until it is asked to
// stop, a child that flushes before its stop (persistence) is restarted
// like at any other time: the producers resend to the new one what it has
// not acknowledged, so its death at shutdown loses nothing.
// Takes:  down_msg (children), (restart, name) (own backoff timer),
//         (kill, name) (test and chaos hook), (child, name) -> actor,
//         shutdown (stops children in order, flushing those that ask),
//         settle (own timer while producers settle),
//         node_roster (actors of peer nodes, merged), peer_lost,
//         peer_back.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/error.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/fwd.hpp>
#include <caf/stateful_actor.hpp>

#include "messages/interfaces.hpp"
#include "runtime/clock.hpp"
#include "runtime/instrumented.hpp"
#include "runtime/metrics.hpp"
#include "runtime/restart_budget.hpp"

namespace cdb {

struct child_spec {
  std::string name;
  /// Spawns incarnation `n` (1 for the first start) of the child.
  std::function<caf::actor(caf::actor_system&, std::uint32_t n)> start;
  /// Past the budget the node cannot run without it: exit non-zero.
  bool critical = true;
  /// Asked for `flush` (and awaited) before it is stopped at shutdown.
  bool flush_before_stop = false;
  /// A producer: asked for `flush` after the drain, and awaited, before any
  /// child but the source stops (only when this node hosts a child that
  /// flushes before its stop: a persistence elsewhere stops on its own).
  bool settle_before_stop = false;
};

/// The longest a stop waits for one answer: the producers' settling, and
/// then persistence's final flush.
constexpr std::chrono::seconds stop_wait{30};
/// How often persistence is asked to flush while producers settle.
constexpr std::chrono::milliseconds settle_kick{100};

/// The handles of every running child, by name (dead ones absent).
using child_map = std::map<std::string, caf::actor>;

struct supervisor_hooks {
  /// Sends each child the handles of its peers.
  std::function<void(caf::event_based_actor*, const child_map&)> wire;
  /// Runs when a child failed: it will be restarted (`escalated` false), or
  /// it exhausted its budget (true; e.g. halts trading).
  std::function<void(caf::event_based_actor*, const child_map&,
                     const std::string& failed, bool escalated,
                     const std::string& why)>
    failed;
  /// Optional: a peer node hosting these roles is gone (the circuit
  /// breaker decides what that means for trading).
  std::function<void(caf::event_based_actor*, const child_map&,
                     const peer_lost&)>
    lost;
  /// Optional: a peer node's roles are reachable again (the breaker
  /// withdraws the loss this node reported).
  std::function<void(caf::event_based_actor*, const child_map&,
                     const peer_back&)>
    back;
  /// Optional: the node's own children changed (a start or restart); the
  /// node's directory tells its peers.
  std::function<void(caf::event_based_actor*, const child_map& local)>
    local_changed;
  /// The first wiring waits until every one of these names has a handle,
  /// local or from a peer node (a node may start before its peers); empty:
  /// wire at once. Later changes re-wire whatever is there.
  std::vector<std::string> wait_for;
  /// Optional: the first wiring still waits for these names ("risk,
  /// circuit_breaker"); empty once it is done.
  std::function<void(const std::string& missing)> waiting;
};

struct supervisor_state {
  static inline const char* name = "supervisor";
  struct child {
    child_spec spec;
    caf::actor handle;
    std::uint32_t incarnation = 0;
    restart_budget budget;
    bool restart_pending = false; ///< Failed; its restart timer runs.
  };
  std::vector<child> children;
  /// Actors of peer nodes by role (a node_roster from the cluster actor);
  /// a local child of the same name wins.
  child_map remote;
  /// Whether the first wiring happened (see supervisor_hooks::wait_for).
  bool wired = false;
  std::string waiting_for; ///< Last "waiting for" log line, said once.
  bool shutting_down = false;
  /// After the drain: producers' answers to `flush` outstanding (they
  /// settle while this is above 0).
  std::size_t unsettled = 0;
  bool kicking = false; ///< A settle flush of persistence is outstanding.
  std::size_t next_to_stop = 0;
  /// Children [0, asked) were asked to stop (or to flush, then stop).
  std::size_t asked = 0;
  caf::error shutdown_error; ///< Set when a shutdown flush failed.
  metrics_ptr metrics;
};

using supervisor_pointer = caf::stateful_actor<
  supervisor_state, instrumented<caf::event_based_actor>>*;

caf::behavior supervisor(supervisor_pointer self, supervisor_config cfg,
                         std::vector<child_spec> specs,
                         const supervisor_hooks& hooks, const clock_ptr& clock,
                         const metrics_ptr& metrics, nanoseconds drain);

} // namespace cdb

// The switchboard: every actor's typed interface, and the wiring messages the
// supervisor sends each actor after a (re)start. A handle's type decides what
// can be sent through it, at compile time.
//
// The order path: only `execution_actor` accepts `submit_order`, and only
// `risk_wiring` carries an `execution_actor`. Signal is wired with a
// `signal_sink` (signals only), so no code holding signal's handles can even
// express "place an order" (tests/compile_fail proves it). Execution also
// checks the sender of each order at run time and refuses anyone but risk.
//
//   feed ──market_sink──► signal ──signal_sink──► risk ──submit_order──►
//   execution execution ──portfolio_sink──► risk, circuit_breaker
//   circuit_breaker ──risk_control (trading_state, flatten)──► risk
//   everyone ──persistence_actor──► persistence ──persisted_ack──► producer
//
// A producer (signal, risk, circuit breaker, execution) answers `flush` once
// persistence acknowledged everything it sent (0), or at once with the
// number of events no persistence will acknowledge: the supervisor's
// shutdown waits for it before it stops any of them.
#pragma once

#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/atoms.hpp"
#include "messages/control.hpp"
#include "messages/inspect.hpp"
#include "messages/status.hpp"
#include "messages/trading.hpp"

namespace cdb {

/// What the feed publishes to its subscribers: ticks, books (depth
/// streams, book files), closed bars (kline streams, bar files), mark
/// prices with funding, and the feed's word on each instrument's health.
/// Trades may come batched where batching adds no delay (backtests); a
/// subscriber that asked for it gets the recent past first (market_history).
using market_sink = caf::typed_actor<
  caf::reacts_to<trade_tick>, caf::reacts_to<trade_batch>,
  caf::reacts_to<market_history>, caf::reacts_to<quote_tick>,
  caf::reacts_to<book_snapshot>, caf::reacts_to<bar>,
  caf::reacts_to<mark_price>, caf::reacts_to<feed_status>>;

/// The system of record (also of the feed's health reports). `flush`
/// replies once everything received is durable;
/// `recover` replies the last recorded trading state of this node (an empty
/// id when there is none); `recover_account` execution's last account and
/// open orders (after writing everything received); `recover_bars, N` the
/// newest N time bars per instrument and interval the node's signal actor
/// recorded (`bar`: a time bar it closed).
using persistence_actor = caf::typed_actor<
  caf::reacts_to<signal>, caf::reacts_to<risk_decision>, caf::reacts_to<order>,
  caf::reacts_to<order_event>, caf::reacts_to<fill>,
  caf::reacts_to<portfolio_snapshot>, caf::reacts_to<trading_state>,
  caf::reacts_to<feed_status>, caf::reacts_to<bar>, caf::reacts_to<timer_atom>,
  caf::replies_to<flush_atom>::with<std::uint64_t>,
  caf::replies_to<recover_bars_atom, std::uint32_t>::with<recorded_bars>,
  caf::replies_to<recover_atom>::with<trading_state>,
  caf::replies_to<recover_account_atom>::with<account_recovery>>;

/// Receives the feed's health reports only (the circuit breaker).
using status_sink = caf::typed_actor<caf::reacts_to<feed_status>>;

/// What the circuit breaker hears from risk (decisions, for the rejection
/// burst) and execution (the account, and order events for execution
/// errors).
using breaker_inbox = caf::typed_actor<caf::reacts_to<portfolio_snapshot>,
                                       caf::reacts_to<order_event>,
                                       caf::reacts_to<risk_decision>>;

/// Receives the account after every change.
using portfolio_sink = caf::typed_actor<caf::reacts_to<portfolio_snapshot>>;

/// Receives signals: the one thing signal may send to risk.
using signal_sink = caf::typed_actor<caf::reacts_to<signal>>;

/// Trading-state orders from the circuit breaker to risk.
using risk_control = caf::typed_actor<caf::reacts_to<trading_state>,
                                      caf::reacts_to<flatten_positions>>;

using feed_actor = caf::typed_actor<
  caf::reacts_to<subscribe_atom, market_sink>,
  // subscribe after receiving the recent past (market_history) first
  caf::reacts_to<history_atom, market_sink>,
  caf::reacts_to<subscribe_atom, status_sink>, // health reports only
  caf::reacts_to<unsubscribe_atom, market_sink>, caf::reacts_to<timer_atom>,
  caf::reacts_to<watchdog_atom>,
  caf::reacts_to<ws_atom, std::string, timestamp>, // a venue message
  caf::reacts_to<ws_atom, bool, std::string>>;     // connection up/down

struct execution_wiring {
  static constexpr const char* type_name = "cdb::execution_wiring";
  feed_actor feed;
  portfolio_sink risk; ///< Also the only sender whose orders are accepted.
  breaker_inbox breaker;
  persistence_actor persistence;
  CDB_FIELDS(feed, risk, breaker, persistence)
};

using execution_actor = market_sink::extend<
  caf::reacts_to<submit_order>, caf::reacts_to<cancel_order>,
  caf::reacts_to<amend_order>, caf::reacts_to<execution_wiring>,
  caf::reacts_to<timer_atom>, caf::reacts_to<recover_account_atom>,
  caf::reacts_to<persisted_ack>,
  caf::replies_to<flush_atom>::with<std::uint64_t>,
  caf::replies_to<snapshot_atom>::with<portfolio_snapshot>,
  caf::replies_to<last_account_atom>::with<portfolio_snapshot>>;

/// Execution seen from the circuit breaker: it can ask for the account and
/// monitor it, never place an order.
using account_source = caf::typed_actor<
  caf::replies_to<snapshot_atom>::with<portfolio_snapshot>>;

/// The breaker monitors risk and execution (the unreachable rule) and
/// subscribes to the feed's health reports.
struct breaker_wiring {
  static constexpr const char* type_name = "cdb::breaker_wiring";
  feed_actor feed;
  risk_control risk;
  account_source execution;
  persistence_actor persistence;
  CDB_FIELDS(feed, risk, execution, persistence)
};

/// Operator commands (halt, resume, flatten) reply with the trading state
/// they led to.
using circuit_breaker_actor = breaker_inbox::extend<
  caf::reacts_to<feed_status>, caf::reacts_to<actor_failure>,
  caf::reacts_to<peer_lost>, caf::reacts_to<peer_back>,
  caf::replies_to<halt_trading>::with<trading_state>,
  caf::replies_to<resume_trading>::with<trading_state>,
  caf::replies_to<flatten_positions>::with<trading_state>,
  caf::reacts_to<breaker_wiring>, caf::reacts_to<timer_atom>,
  caf::reacts_to<persisted_ack>,
  caf::replies_to<flush_atom>::with<std::uint64_t>,
  caf::replies_to<state_atom>::with<trading_state>>;

struct risk_wiring {
  static constexpr const char* type_name = "cdb::risk_wiring";
  feed_actor feed;
  execution_actor execution;
  persistence_actor persistence;
  breaker_inbox breaker; ///< Hears every rejection.
  CDB_FIELDS(feed, execution, persistence, breaker)
};

using risk_actor = market_sink::extend<
  caf::reacts_to<signal>, caf::reacts_to<portfolio_snapshot>,
  caf::reacts_to<trading_state>, caf::reacts_to<flatten_positions>,
  caf::reacts_to<risk_wiring>, caf::reacts_to<persisted_ack>,
  caf::replies_to<flush_atom>::with<std::uint64_t>>;

struct signal_wiring {
  static constexpr const char* type_name = "cdb::signal_wiring";
  feed_actor feed;
  signal_sink risk;
  persistence_actor persistence;
  CDB_FIELDS(feed, risk, persistence)
};

using signal_actor = market_sink::extend<
  caf::reacts_to<signal_wiring>, caf::reacts_to<persisted_ack>,
  caf::replies_to<flush_atom>::with<std::uint64_t>,
  caf::replies_to<state_atom>::with<signal_status>>;

/// The actors one node hosts, by role name ("feed", "risk", ...; the
/// handles in the same order), as its cluster actor tells peer nodes.
/// `epoch`: the node process's start time (wall clock, ns), logged by peers
/// to tell a restarted node from its predecessor.
struct node_roster {
  static constexpr const char* type_name = "cdb::node_roster";
  std::string node;
  timestamp epoch = 0;
  std::vector<std::string> names;
  std::vector<caf::actor> handles;
  CDB_FIELDS(node, epoch, names, handles)
};

/// Receives rosters: a peer node's cluster actor.
using roster_sink = caf::typed_actor<caf::reacts_to<node_roster>>;

/// The one actor a node publishes on node.listen_port (runtime/
/// cluster_actor.hpp). A peer that links subscribes with its own cluster
/// actor: each side then pushes its roster to the other after every change,
/// over the one connection. A roster from this node's supervisor describes
/// this node (and names the supervisor to hand the peers' actors to); one
/// from a linked peer describes that peer.
using cluster_actor = caf::typed_actor<
  caf::replies_to<roster_atom>::with<node_roster>,
  caf::reacts_to<subscribe_atom, roster_sink>, caf::reacts_to<node_roster>,
  caf::reacts_to<caf::connect_atom, std::uint64_t>>;

} // namespace cdb

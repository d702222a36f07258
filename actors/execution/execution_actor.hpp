// execution: the paper venue's actor. Feeds the pure venue (venue.hpp) with
// orders from risk and with the feed's market data, and reports what the
// venue does: order events, fills and the orders it makes (bracket stops
// and targets, liquidations) to persistence, venue errors to the circuit
// breaker, the account to risk, the breaker and persistence after every
// message that filled and on a timer (in a backtest, a timed account
// equal to the last one published is held back: same_account()).
// Takes:  submit_order, cancel_order, amend_order (from risk only: any
//         other sender is refused and counted), market data (feed),
//         execution_wiring (supervisor), timer (snapshots, expiry),
//         snapshot requests, recover_account (its own retry tick), the
//         recorder's last_account request at a backtest's end.
// Starts by asking persistence for the node's last account and open
// orders (recover_account) and takes them over; orders, cancels and amends
// that arrive meanwhile wait, and no account is published before. Without
// persistence it starts from initial_cash.
// Sends:  order_event, fill, order, portfolio_snapshot to persistence;
//         portfolio_snapshot to risk and the circuit breaker; rejected and
//         expired order events to the circuit breaker.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "actors/execution/venue.hpp"
#include "messages/interfaces.hpp"
#include "runtime/context.hpp"
#include "runtime/instrumented.hpp"
#include "runtime/outbox.hpp"

namespace cdb {

/// An order, cancel or amend that came while the account was recovering.
struct held_request {
  order submit;
  std::optional<cancel_order> cancel;
  std::optional<amend_order> amend;
};

struct execution_state {
  static inline const char* name = "execution";
  std::unique_ptr<venue_sink> sink;
  std::unique_ptr<venue> paper;
  execution_wiring peers;
  /// Events sent to persistence, kept until it acknowledges them.
  std::unique_ptr<outbox> box;
  std::unique_ptr<id_source> snapshot_ids;
  std::uint64_t refused = 0;
  bool filled = false; ///< A fill since the last snapshot.
  /// The newest snapshot made: published, or a timed one held back as
  /// equal to the last published (execution_config::hold_unchanged), and
  /// so equal to it in everything same_account() compares.
  std::optional<portfolio_snapshot> last;
  /// Risk sent an order, cancel or amend since the last snapshot published:
  /// it counts an order at once and lets the next snapshot replace that
  /// estimate, so the next one is published even if unchanged.
  bool risk_estimates = false;
  /// The account and open orders are taken over from persistence before
  /// any request is handled; until then requests wait here.
  bool recovered = false;
  bool recovering = false;
  std::vector<held_request> held;
};

execution_actor::behavior_type
spawn_execution(instrumented_pointer<execution_actor, execution_state> self,
                const execution_config& cfg, const actor_context& ctx);

} // namespace cdb

// execution: the paper venue. Fills approved market orders at the current
// quote plus the taker fee, keeps the portfolio, triggers the stop-loss and
// take-profit risk attached to each order, and publishes the portfolio.
// Takes:  submit_order (from risk only: any other sender is refused and
//         counted), quote_tick/trade_tick/feed_status (feed),
//         execution_wiring (supervisor), timer (snapshot cadence),
//         snapshot requests.
// Sends:  order_event, fill, order (protective exits), portfolio_snapshot to
//         persistence; portfolio_snapshot to risk and the circuit breaker.
#pragma once

#include <map>

#include "actors/execution/fill_model.hpp"
#include "actors/execution/portfolio.hpp"
#include "messages/interfaces.hpp"
#include "runtime/context.hpp"

namespace cdb {

struct execution_state {
  static inline const char* name = "execution";
  std::unique_ptr<portfolio> book;
  std::map<std::string, quote_tick> quotes;
  std::map<std::string, order> entries; ///< Opening order per position.
  execution_wiring peers;
  std::unique_ptr<id_source> event_ids;
  std::unique_ptr<id_source> fill_ids;
  std::unique_ptr<id_source> exit_ids;
  std::unique_ptr<id_source> snapshot_ids;
  std::uint64_t refused = 0;
};

execution_actor::behavior_type
spawn_execution(execution_actor::stateful_pointer<execution_state> self,
                execution_config cfg, actor_context ctx);

} // namespace cdb

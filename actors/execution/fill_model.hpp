// The paper venue's fill model (walking-skeleton version): a market order
// crosses the spread and fills whole at the best quote, paying the taker fee.
// Invalid or crossed quotes yield a rejection with a reason. No CAF include.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "messages/trading.hpp"

namespace cdb {

struct execution_config {
  double initial_cash = 100'000;
  double taker_fee_pct = 0.06; ///< MEXC default.
  double maker_fee_pct = 0.02; ///< MEXC default.
  nanoseconds snapshot_interval = 1'000'000'000;
  /// The trading day's start after UTC midnight (the node copies
  /// risk.day_start here): the base of start-of-day equity.
  nanoseconds day_start = 0;

  void validate(std::vector<std::string>& errors) const;
};

/// A fill price and fee, or the reason there is none.
struct fill_quote {
  bool ok = false;
  double price = 0;
  double fee = 0;
  std::string reason;
};

/// Prices a market order of `qty` against `q`.
fill_quote price_market_order(const execution_config& cfg, side direction,
                              double qty, const quote_tick& q);

/// Returns "stop_loss" or "take_profit" when the quote triggers the
/// position's protective exit, else nullopt.
std::optional<std::string> exit_trigger(const position& p, const quote_tick& q);

} // namespace cdb

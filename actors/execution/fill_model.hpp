// The paper venue's prices: what a taker order of some size gets from a book
// right now. Pure functions, deterministic, no CAF include; docs/execution.md
// explains the model with a worked example.
//
// With depth (a book snapshot at least as new as the best bid/offer) an
// order walks the levels and fills what they hold, up to its limit price.
// Without depth it fills whole at the touch plus an impact that follows the
// square-root law: impact_bps = impact_coefficient x bar sigma x
// sqrt(qty / mean bar volume) x 10^4, capped at max_impact_bps. When the
// volume or the volatility is not known yet, fallback_impact_bps applies.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "actors/execution/portfolio.hpp"
#include "messages/trading.hpp"

namespace cdb {

struct execution_config {
  double initial_cash = 100'000;
  double taker_fee_pct = 0.06; ///< MEXC default.
  double maker_fee_pct = 0.02; ///< MEXC default.
  nanoseconds snapshot_interval = 1'000'000'000;
  /// execution.publish_unchanged: also publish a timed snapshot equal to
  /// the last one published (a backtest holds those back by default).
  bool publish_unchanged = false;
  /// Set by the node for a backtest (and not publish_unchanged): a timed
  /// snapshot that same_account() finds equal to the last one published
  /// is held back. A live node publishes every one (its database rows).
  bool hold_unchanged = false;
  /// The trading day's start after UTC midnight (the node copies
  /// risk.day_start here): the base of start-of-day equity.
  nanoseconds day_start = 0;

  // The order path.
  /// An order fills against the first market data at or after its event
  /// time plus this.
  nanoseconds latency = 10'000'000;
  /// A due market order that found no usable book for this long expires.
  nanoseconds max_wait = 5'000'000'000;
  /// A best bid/offer older than this (against the data that would fill)
  /// is stale: no taker fill against it.
  nanoseconds max_quote_age = 2'000'000'000;
  /// "cancel" or "keep": what becomes of a market order's rest when the
  /// book's depth runs out.
  std::string partial_remainder = "cancel";
  /// Market events kept per instrument, so an order that arrives after
  /// the data at its due time still fills against that data.
  std::size_t history = 4096;

  // The price model.
  double impact_coefficient = 1;
  double fallback_impact_bps = 5;
  double max_impact_bps = 100;
  /// Taker orders are refused while the bar volatility exceeds this.
  double extreme_volatility_bps = 300;
  /// Share of the quantity displayed at a resting order's price that is
  /// ahead of it in the queue (1: the back of the queue).
  double queue_position = 1;
  nanoseconds stats_bar = 60'000'000'000; ///< Volatility and volume bars.
  std::size_t stats_window = 60;          ///< Bars.

  // Perpetual futures. The node copies the instruments, leverage,
  // maintenance margin and fallback funding rate from risk.*.
  std::vector<std::string> perpetuals; ///< "*": all.
  double leverage = 1;
  /// "INSTRUMENT=LEVERAGE" entries that override `leverage` (the node
  /// copies risk.instrument_leverage, which risk validates).
  std::vector<std::string> instrument_leverage;
  std::string margin_mode = "isolated"; ///< or "cross"
  double maintenance_margin_pct = 0.5;
  double liquidation_offset_pct = 0.5;
  nanoseconds funding_interval = 8LL * 3600 * 1'000'000'000;
  /// Per funding interval, when the feed sends no funding rate (replay).
  double funding_rate_fallback = 0.0001;
  /// Alarm when a funding rate exceeds this, % per hour.
  double funding_alarm_pct_per_hour = 0.1;

  void validate(std::vector<std::string>& errors) const;

  /// Whether `instrument` is a perpetual future by this config.
  bool is_perpetual(const std::string& instrument) const;

  /// Its leverage (instrument_leverage, else leverage).
  double leverage_of(const std::string& instrument) const;

  margin_terms margin() const;
};

/// The book of one instrument at one moment. Depth vectors are shared
/// between the states that have the same depth.
struct book_state {
  timestamp quote_time = -1; ///< Of the best bid/offer; -1: none yet.
  double bid = 0;
  double bid_qty = 0;
  double ask = 0;
  double ask_qty = 0;
  timestamp depth_time = -1; ///< Of the depth; -1: none.
  std::shared_ptr<const std::vector<book_level>> bids;
  std::shared_ptr<const std::vector<book_level>> asks;

  /// Depth is used when it is at least as new as the best bid/offer.
  bool use_depth() const noexcept {
    return depth_time >= 0 && depth_time >= quote_time && bids && asks;
  }

  double mid() const noexcept {
    return (bid + ask) / 2;
  }

  void take(const quote_tick& q);
  void take(const book_snapshot& b);
};

/// Recent volatility and traded volume, for the impact.
struct market_conditions {
  double bar_sigma = 0;  ///< sigma of one bar's return; 0: unknown.
  double bar_volume = 0; ///< Mean traded quantity per bar; 0: unknown.
};

/// Why a taker order on `s` cannot fill against `b` at time `t`, or empty:
/// no_quote, invalid_quote, crossed_quote, stale_quote, empty_book_side.
std::string book_problem(const execution_config& cfg, const book_state& b,
                         side s, timestamp t);

/// What a taker order gets now.
struct taker_price {
  double qty = 0;          ///< Fillable now; may be less than asked.
  double price = 0;        ///< Average price of `qty`.
  double slippage_bps = 0; ///< Against the mid of `b`.
  std::string reason;      ///< Why less than asked (or nothing) fills.
  std::string note;        ///< How the impact was found, when it was.
};

/// Prices a taker order of `qty` on side `s` against `b`, no worse than
/// `limit` (0: no limit). The book must have no book_problem().
taker_price price_taker(const execution_config& cfg, side s, double qty,
                        double limit, const book_state& b,
                        const market_conditions& m);

/// The fee of a fill, from the config's percentages.
double fee_of(const execution_config& cfg, double qty, double price,
              liquidity role);

} // namespace cdb

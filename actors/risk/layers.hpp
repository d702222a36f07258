// The risk layers, one function each, run by evaluate() in this fixed order:
//   1 trading_state   HALTED rejects all; REDUCING rejects what adds risk
//   2 signal_timeout  signal older than signal_timeout when risk sees it
//   3 data_quality    no quote, NaN/zero prices, crossed book, stale quote
//   4 spread          spread > max_spread_bps
//   5 daily_drawdown  today's loss >= max_daily_drawdown_pct (blocking)
//   6 position_limit  caps the quantity so |position| notional <= limit
//   7 exposure        open notional + order notional > max_exposure_pct
//   8 perpetual       perpetuals only: liquidation distance, daily funding
//                     cost and estimated slippage against their limits
// Orders that only reduce a position skip layers 5-8. No CAF include.
#pragma once

#include <string>

#include "actors/risk/risk_config.hpp"
#include "messages/trading.hpp"

namespace cdb {

enum class risk_layer : std::uint8_t {
  trading_state,
  signal_timeout,
  data_quality,
  spread,
  daily_drawdown,
  position_limit,
  exposure,
  perpetual,
  sizing,
  readiness, ///< Before the layers: risk has not rebuilt its view yet.
};

const char* to_string(risk_layer x);

enum class layer_outcome : std::uint8_t { pass, cap, reject };

/// What one layer decided, with the numbers it compared.
struct layer_result {
  risk_layer layer;
  layer_outcome outcome = layer_outcome::pass;
  std::string reason;
  double observed = 0;
  double limit = 0;
  double qty = 0; ///< The quantity after this layer.
};

/// The latest quote risk knows for an instrument, and what the perpetual
/// checks need.
struct market_view {
  bool known = false;
  double bid = 0;
  double ask = 0;
  timestamp quote_time = 0;
  bool perpetual = false;
  bool funding_known = false;
  double funding_rate = 0; ///< Per 8 h, from the feed's mark price.
  double bar_sigma = 0;    ///< σ of one vol_bar's return; 0: unknown.
  double bar_volume = 0;   ///< Mean traded qty per vol_bar; 0: unknown.
  double leverage = 0;     ///< The instrument's; 0: risk.leverage.
};

/// The account figures the layers need.
struct account_view {
  double equity = 0;
  double start_of_day_equity = 0;
  double exposure = 0;     ///< Open notional over all instruments.
  double position_qty = 0; ///< Signed position in the order's instrument.
};

/// An order before risk approves it.
struct order_intent {
  side direction = side::buy;
  double qty = 0;
  double price = 0; ///< Expected fill price.
  bool reduces = false;
  timestamp signal_time = 0;
};

layer_result check_trading_state(trading_mode mode, const order_intent& o);
layer_result check_signal_timeout(const risk_config& cfg, const order_intent& o,
                                  timestamp now);
layer_result check_data_quality(const risk_config& cfg, const market_view& m,
                                timestamp now, double qty);
layer_result check_spread(const risk_config& cfg, const market_view& m,
                          double qty);
layer_result check_daily_drawdown(const risk_config& cfg, const account_view& a,
                                  double qty);
layer_result check_position_limit(const risk_config& cfg, const account_view& a,
                                  const order_intent& o);
layer_result check_exposure(const risk_config& cfg, const account_view& a,
                            const order_intent& o);
layer_result check_perpetual(const risk_config& cfg, const market_view& m,
                             const order_intent& o);

/// Slippage estimate in bps: half the spread plus impact =
/// impact_coefficient x bar σ x sqrt(qty / bar volume) (0 while σ or
/// volume is unknown).
double estimate_slippage_bps(const risk_config& cfg, const market_view& m,
                             double qty);

/// Runs every layer in order; returns the first rejection, else the last
/// result (a pass, or the cap of the position limit, with its final qty).
/// `capped` is set when the position limit reduced the quantity.
layer_result evaluate(const risk_config& cfg, trading_mode mode,
                      const order_intent& o, const market_view& m,
                      const account_view& a, timestamp now,
                      layer_result* capped = nullptr);

/// Rounds `qty` down to a multiple of `step` (tolerant of float noise).
double round_down(double qty, double step);

} // namespace cdb

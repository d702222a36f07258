// Position sizing methods (SPEC "Position sizing"), pure C++:
// - fixed_fractional: risk risk_per_trade_pct of equity between entry and
//   stop: qty = equity × r / stop_distance;
// - volatility_target: size so the position's annualised volatility is
//   vol_target_pct of equity: qty = equity × target / (σ × entry);
// - kelly: fractional Kelly, f = kelly_fraction × (p − (1 − p) / b), capped
//   at kelly_cap_pct, as the fraction of equity at risk to the stop; p and b
//   from recorded trade statistics once there are kelly_min_trades, else
//   from config;
// - atr: the stop is atr_stop_multiple × ATR, then fixed-fractional;
// - regime: volatility_target when σ ≥ regime_high_vol_pct (scales down in
//   a stormy market), fixed_fractional otherwise or when σ is unknown.
// Every result carries an audit trail (method, inputs, factor, notes). Zero,
// negative, NaN or absurd inputs are a named rejection, never an order; a
// size is rounded down to lot_step and must reach min_notional.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "actors/risk/sizing.hpp"

namespace cdb {

enum class sizing_method : std::uint8_t {
  fixed_fractional,
  volatility_target,
  kelly,
  atr,
  regime,
};

const char* to_string(sizing_method x);

/// Parses a method name; false if unknown.
bool from_string(const std::string& name, sizing_method& out);

/// Closed trades of a strategy or account, for Kelly.
struct trade_stats {
  std::uint64_t trades = 0;
  double win_rate = 0; ///< In [0, 1].
  double avg_win = 0;  ///< Mean profit of a winning trade (> 0).
  double avg_loss = 0; ///< Mean loss of a losing trade, as a positive number.
};

struct sizing_config {
  sizing_method method = sizing_method::fixed_fractional;
  double risk_per_trade_pct = 0.5;
  double default_stop_pct = 1.0; ///< Stop distance without a hint, % of price.
  double vol_target_pct = 20;    ///< Annualised position vol, % of equity.
  double kelly_fraction = 0.25;  ///< Of full Kelly.
  double kelly_cap_pct = 2;      ///< Most equity at risk Kelly may ask for.
  std::uint64_t kelly_min_trades = 30;
  double kelly_win_rate = 0.5; ///< Until enough trades are recorded.
  double kelly_payoff = 1.5;   ///< avg win / avg loss, likewise.
  double atr_stop_multiple = 2;
  double regime_high_vol_pct = 80; ///< Annualised σ of the "high" regime.
  /// A size worth more than this % of equity is absurd: rejected, not
  /// capped (the position limit caps sane sizes later).
  double max_notional_pct = 1000;
  double lot_step = 0.0001;
  double min_notional = 10;

  /// Checks every key (as risk.<key>; `method` comes from
  /// risk.sizing_method, checked by risk_config).
  void validate(std::vector<std::string>& errors) const;
};

/// What the sizing needs to know about the account and the market.
struct sizing_inputs {
  double equity = 0;
  double entry = 0;      ///< Expected fill price.
  double stop_hint = 0;  ///< The signal's stop distance; <= 0: none.
  double volatility = 0; ///< Annualised σ of returns (0.6 = 60 %); 0: unknown.
  double atr = 0;        ///< Average true range, price units; 0: unknown.
  trade_stats stats;
};

/// Sizes a new position with cfg.method.
sizing_result size_position(const sizing_config& cfg, const sizing_inputs& in);

} // namespace cdb

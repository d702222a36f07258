// Cash, positions, margin and PnL of the paper account. No CAF include.
//
// Spot: a buy pays qty x price from cash, a sale credits it; shorts are
// allowed (a sale leaves a negative position), so equity = cash + sum of
// qty x mark. Perpetuals: a fill moves no notional; opening or adding holds
// the initial margin (notional / leverage) out of cash, closing releases it
// with the realized PnL, so equity = cash + sum of (margin + unrealized PnL).
// Fees and funding are paid from cash. `cash` is therefore free cash.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "messages/trading.hpp"
#include "runtime/instrument_cache.hpp"

namespace cdb {

enum class margin_mode : std::uint8_t { isolated, cross };

/// How perpetual positions are margined and liquidated (execution.*).
struct margin_terms {
  margin_mode mode = margin_mode::isolated;
  double maintenance_margin_pct = 0.5; ///< Of the notional at the mark.
  /// The venue liquidates this far (% of price) before the computed
  /// liquidation price: room for the liquidation order's own slippage.
  double liquidation_offset_pct = 0.5;
};

/// What kind of instrument a position is in.
struct instrument_terms {
  bool perpetual = false;
  double leverage = 1;
};

class portfolio {
public:
  explicit portfolio(double cash, nanoseconds day_start = 0,
                     margin_terms terms = {})
    : cash_(cash), day_start_(day_start), terms_(terms) {
    // nop
  }

  /// Sets the terms of an instrument's later fills (spot, leverage 1 when
  /// never set). The position keeps the margin it already holds.
  void set_terms(const std::string& instrument, instrument_terms t);

  instrument_terms terms(const std::string& instrument) const;

  /// Returns why the account cannot pay for `f` ("insufficient_funds" for
  /// spot, "insufficient_margin" for perpetuals), or an empty string. Only
  /// the part of a fill that opens or adds to a position needs paying for.
  std::string affordability(const fill& f) const;

  /// Takes over a recorded account (a restart): cash, fees, PnL, funding,
  /// start-of-day equity of the snapshot's trading day, and the positions
  /// with their terms.
  void restore(const portfolio_snapshot& s);

  /// Books a fill: cash, margin, fees, position, average entry, realized PnL.
  /// Returns the PnL the fill realized (before its fee).
  double apply(const fill& f);

  /// Settles one funding payment of a perpetual position at `rate` (per
  /// period) and `mark`: longs pay qty x mark x rate when the rate is
  /// positive, shorts receive it. Returns the amount paid (negative:
  /// received); 0 when flat or spot.
  double settle_funding(const std::string& instrument, double rate,
                        double mark);

  /// Sets the mark price used for equity, exposure and liquidation.
  void mark(const std::string& instrument, double price);

  /// Sets the protective exits shown with the instrument's position.
  void set_exits(const std::string& instrument, double stop_loss,
                 double take_profit);

  /// Returns the signed position, 0 when flat.
  double position_qty(const std::string& instrument) const;

  const std::map<std::string, position>& positions() const noexcept {
    return positions_;
  }

  /// The mark price at which a perpetual position's equity (its margin when
  /// isolated; the free cash and every perpetual position when cross) falls
  /// to its maintenance margin; 0 for spot, flat, or never.
  double liquidation_price(const std::string& instrument) const;

  /// Whether the mark has crossed the liquidation price moved towards the
  /// entry by the offset.
  bool liquidation_due(const std::string& instrument) const;

  double cash() const noexcept {
    return cash_;
  }

  double margin_used() const;

  double equity() const;

  /// Returns the account at `t`. The first snapshot of a trading day fixes
  /// that day's start-of-day equity.
  portfolio_snapshot snapshot(std::string id, timestamp t);

private:
  double cash_;
  double fees_ = 0;
  double realized_ = 0;
  double funding_ = 0;
  nanoseconds day_start_ = 0;
  margin_terms terms_;
  std::int64_t day_ = -1;
  double start_of_day_equity_ = 0;
  std::map<std::string, instrument_terms> instruments_;
  std::map<std::string, position> positions_;
  instrument_cache<position> mark_cache_; ///< Entries of positions_.
};

/// Whether `b` tells its readers nothing `a` did not: every figure and
/// position equal, and the same trading day (which starts `day_start`
/// after UTC midnight). Only the id and the time may differ. A NaN makes
/// them differ. Risk, the circuit breaker and the backtest's recorder take
/// such a snapshot without any change (docs/backtest.md, "Unchanged
/// accounts").
bool same_account(const portfolio_snapshot& a, const portfolio_snapshot& b,
                  nanoseconds day_start);

} // namespace cdb

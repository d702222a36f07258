// The trader's report of one run: returns, risk-adjusted ratios, drawdown,
// trades (round trips), costs, exposure, per strategy and per instrument,
// risk rejections by layer and circuit-breaker trips. Computed from a
// run_record (what a backtest recorded in memory, or what PostgreSQL holds
// for a paper run) and rendered as a table, JSON or one self-contained
// HTML page. Pure: no CAF, no database.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "messages/fields.hpp"
#include "messages/market_data.hpp"

namespace cdb {

struct equity_point {
  timestamp t = 0;
  double equity = 0;
  bool invested = false; ///< Any open position at this point.
};

struct price_point {
  timestamp t = 0;
  double price = 0;
};

/// A fill with the strategy whose signal caused its order.
struct report_fill {
  timestamp t = 0;
  std::string instrument;
  std::string strategy;
  side direction = side::buy;
  double qty = 0;
  double price = 0;
  double fee = 0;
  double slippage_bps = 0;
  double realized_pnl = 0; ///< Before fees.
};

struct report_trip {
  timestamp t = 0;
  std::string rule;
  std::string mode; ///< halted, reducing.
  std::string reason;
};

/// What a run left behind, in event time.
struct run_record {
  std::string title;
  double initial_cash = 0;
  std::vector<equity_point> equity;                       ///< Oldest first.
  std::vector<report_fill> fills;                         ///< Oldest first.
  std::map<std::string, std::vector<price_point>> prices; ///< Per instrument.
  std::map<std::string, std::int64_t> signals;            ///< Per strategy.
  std::map<std::string, std::int64_t> instrument_signals;
  std::int64_t approved = 0;
  std::map<std::string, std::int64_t> rejections; ///< Per risk layer.
  /// Signals risk decided on (one or two decisions each); the rest came
  /// to nothing: a close signal with nothing held.
  std::int64_t decided_signals = 0;
  std::vector<report_trip> trips;
};

/// Adds a breaker trip unless the record has it (every trading state
/// repeats the trips still in force).
void add_trip(run_record& r, report_trip t);

/// One round trip: flat → position → flat in one instrument.
struct round_trip {
  std::string instrument;
  std::string strategy; ///< Of the opening fill.
  side direction = side::buy;
  timestamp opened = 0;
  timestamp closed = 0;
  double pnl = 0; ///< Realized PnL net of every fee of its fills.
  double fees = 0;
};

struct report_row {
  std::string name;
  std::int64_t signals = 0;
  std::int64_t fills = 0;
  std::int64_t trades = 0;
  std::int64_t wins = 0;
  double pnl = 0; ///< Of closed trades, net of fees.
  double fees = 0;
  double gross_win = 0;
  double gross_loss = 0; ///< Positive.
};

struct trade_report {
  timestamp start = 0;
  timestamp end = 0;
  double initial_equity = 0;
  double final_equity = 0;
  double total_return = 0;  ///< Fraction.
  double annual_return = 0; ///< Compounded over 365 days.
  nanoseconds period = 0;   ///< Of the returns behind the ratios.
  std::int64_t periods = 0;
  double volatility = 0; ///< Annualised.
  double sharpe = 0;     ///< Annualised, risk-free rate 0.
  double sortino = 0;
  double calmar = 0;
  double max_drawdown = 0;               ///< Fraction of the running peak.
  nanoseconds max_drawdown_duration = 0; ///< Longest time below a peak.
  std::int64_t fills = 0;
  std::int64_t trades = 0;
  std::int64_t wins = 0;
  double win_rate = 0;
  double profit_factor = 0; ///< Infinity without a losing trade.
  double expectancy = 0;    ///< Mean net PnL per trade.
  double avg_win = 0;
  double avg_loss = 0; ///< Negative.
  nanoseconds avg_holding = 0;
  double fees = 0;
  double slippage = 0; ///< Paid against the mid, in quote currency.
  double exposure = 0; ///< Fraction of the time with a position.
  std::int64_t signals = 0;
  std::int64_t approved = 0;
  std::int64_t rejected = 0;
  std::int64_t undecided = 0; ///< Signals without a decision (nothing held).
  std::map<std::string, std::int64_t> rejections;
  std::vector<report_trip> trips;
  std::vector<report_row> strategies;
  std::vector<report_row> instruments;
  std::vector<round_trip> round_trips;
  std::int64_t open_trades = 0; ///< Still open at the end (not counted).
};

/// The period of the returns behind volatility and the ratios for a run
/// spanning `span`: 1 min up to 1 day, 1 h up to 90 days, 1 day beyond.
nanoseconds return_period(nanoseconds span);

/// Round trips of `fills` (oldest first), per instrument; a fill that
/// reverses a position closes one trip and opens the next.
std::vector<round_trip> round_trips(const std::vector<report_fill>& fills,
                                    std::int64_t& still_open);

trade_report compute_report(const run_record& r);

/// The table for a terminal.
std::string report_table(const trade_report& rep);

/// JSON; `timing` (wall time, rates) is its own member so that two runs
/// compare byte for byte without it. Non-finite numbers are null.
std::string report_json(const trade_report& rep, const run_record& r,
                        const std::string& timing_json);

/// One self-contained HTML page: SVG equity curve, drawdown, prices with
/// the fills marked, and the tables. No external asset, no script.
std::string report_html(const trade_report& rep, const run_record& r);

} // namespace cdb

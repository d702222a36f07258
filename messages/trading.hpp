// Trading vocabulary: signals, orders and their events, fills, positions,
// portfolio snapshots, risk decisions and the trading state. Commands are
// imperative (submit_order), events past tense or nouns of record (fill).
// Every event carries a stable id, the id of its cause, and two timestamps.
#pragma once

#include <string>
#include <vector>

#include "messages/market_data.hpp"

namespace cdb {

enum class signal_side : std::uint8_t { buy, sell, close };

const char* to_string(signal_side x);

/// A strategy's opinion. Signal never talks to execution: risk turns this
/// into an order or a rejection.
struct signal {
  static constexpr const char* type_name = "cdb::signal";
  std::string id;
  std::string strategy;
  std::string instrument;
  signal_side direction = signal_side::buy;
  double strength = 0; ///< In [0, 1].
  double ref_price = 0;
  double stop_hint = 0; ///< Suggested stop distance in price units; 0: none.
  std::string reason;
  timestamp event_time = 0; ///< Time of the market data that caused it.
  timestamp init_time = 0;  ///< When the strategy produced it.
  CDB_FIELDS(id, strategy, instrument, direction, strength, ref_price,
             stop_hint, reason, event_time, init_time)
};

/// stop_market: a market order once the market reaches `stop_price`
/// against the position (a stop-loss); take_profit: the same in its favour.
enum class order_type : std::uint8_t {
  market,
  limit,
  stop_market,
  take_profit
};

const char* to_string(order_type x);

/// Of limit orders: rest until filled or cancelled (gtc), fill what crosses
/// on arrival and cancel the rest (ioc), or rest only, refused when it would
/// take liquidity on arrival (post_only).
enum class time_in_force : std::uint8_t { gtc, ioc, post_only };

const char* to_string(time_in_force x);

/// An order. With `stop_loss` or `take_profit` set (and not reduce-only) it
/// is a bracket: each fill of the entry places or grows a reduce-only stop
/// and target, one-cancels-other, whose `parent_id` is the entry.
struct order {
  static constexpr const char* type_name = "cdb::order";
  std::string id;
  std::string decision_id; ///< The approving risk decision.
  std::string signal_id;
  std::string instrument;
  side direction = side::buy;
  order_type type = order_type::market;
  double qty = 0;
  double limit_price = 0;
  double stop_loss = 0;   ///< 0: none.
  double take_profit = 0; ///< 0: none.
  bool reduce_only = false;
  timestamp event_time = 0;
  timestamp init_time = 0;
  time_in_force tif = time_in_force::gtc;
  double stop_price = 0; ///< Trigger of stop_market and take_profit.
  std::string parent_id; ///< The bracket entry of a stop or target.
  CDB_FIELDS(id, decision_id, signal_id, instrument, direction, type, qty,
             limit_price, stop_loss, take_profit, reduce_only, event_time,
             init_time, tif, stop_price, parent_id)
};

/// Command from risk to execution. Execution accepts it only from the risk
/// actor it was wired to.
struct submit_order {
  static constexpr const char* type_name = "cdb::submit_order";
  order value;
  CDB_FIELDS(value)
};

enum class order_event_kind : std::uint8_t {
  accepted,
  rejected,
  partially_filled,
  filled,
  cancelled,
  expired,
  amended,          ///< Quantity or price changed (reason says how).
  request_rejected, ///< A cancel or amend refused; the order is unchanged.
};

const char* to_string(order_event_kind x);

/// Cancels a resting order. From risk only, like submit_order.
struct cancel_order {
  static constexpr const char* type_name = "cdb::cancel_order";
  std::string order_id;
  std::string reason;
  timestamp event_time = 0;
  CDB_FIELDS(order_id, reason, event_time)
};

/// Changes a resting order: quantity (not below what has filled), limit
/// price, stop price; 0 keeps a value. From risk only.
struct amend_order {
  static constexpr const char* type_name = "cdb::amend_order";
  std::string order_id;
  double qty = 0;
  double limit_price = 0;
  double stop_price = 0;
  timestamp event_time = 0;
  CDB_FIELDS(order_id, qty, limit_price, stop_price, event_time)
};

/// Lifecycle of an order at the venue.
struct order_event {
  static constexpr const char* type_name = "cdb::order_event";
  std::string id;
  std::string order_id;
  order_event_kind kind = order_event_kind::accepted;
  std::string reason;
  timestamp event_time = 0;
  timestamp init_time = 0;
  CDB_FIELDS(id, order_id, kind, reason, event_time, init_time)
};

enum class liquidity : std::uint8_t { maker, taker };

const char* to_string(liquidity x);

struct fill {
  static constexpr const char* type_name = "cdb::fill";
  std::string id;
  std::string order_id;
  std::string instrument;
  side direction = side::buy;
  double qty = 0;
  double price = 0;
  double fee = 0;
  liquidity role = liquidity::taker;
  timestamp event_time = 0; ///< Market time of the fill.
  timestamp init_time = 0;
  /// Cost against the mid when the order became due, in bps of that mid
  /// (positive: worse than mid).
  double slippage_bps = 0;
  /// PnL this fill realized by closing (part of) a position, before fees;
  /// 0 for a fill that only opens or adds.
  double realized_pnl = 0;
  CDB_FIELDS(id, order_id, instrument, direction, qty, price, fee, role,
             event_time, init_time, slippage_bps, realized_pnl)
};

/// One instrument's position; `qty` is signed (negative: short).
struct position {
  static constexpr const char* type_name = "cdb::position";
  std::string instrument;
  double qty = 0;
  double avg_price = 0;
  double mark = 0;
  double realized_pnl = 0;
  double stop_loss = 0;
  double take_profit = 0;
  bool perpetual = false;
  double leverage = 1;          ///< Perpetuals.
  double margin = 0;            ///< Initial margin held (perpetuals).
  double liquidation_price = 0; ///< Where the venue liquidates; 0: none.
  double funding = 0;           ///< Funding paid (negative: received).
  CDB_FIELDS(instrument, qty, avg_price, mark, realized_pnl, stop_loss,
             take_profit, perpetual, leverage, margin, liquidation_price,
             funding)
};

/// The account as execution sees it.
struct portfolio_snapshot {
  static constexpr const char* type_name = "cdb::portfolio_snapshot";
  std::string id;
  double equity = 0;
  double cash = 0;     ///< Free cash: perpetual margin is not in it.
  double exposure = 0; ///< Sum of |qty| x mark over open positions.
  double realized_pnl = 0;
  double unrealized_pnl = 0;
  double fees = 0;
  /// Equity at the first snapshot of the UTC day: the base of the daily
  /// drawdown. Kept by execution so a restarted risk does not reset it.
  double start_of_day_equity = 0;
  std::vector<position> positions;
  timestamp event_time = 0;
  double margin_used = 0; ///< Initial margin of perpetual positions.
  double funding = 0;     ///< Funding paid in all (negative: received).
  CDB_FIELDS(id, equity, cash, exposure, realized_pnl, unrealized_pnl, fees,
             start_of_day_equity, positions, event_time, margin_used, funding)
};

/// Persistence to a producer: these events of yours are durable (written,
/// or synced to the spool); forget them. Until then a producer keeps each
/// event and sends it again to a new persistence.
struct persisted_ack {
  static constexpr const char* type_name = "cdb::persisted_ack";
  std::vector<std::string> ids;
  CDB_FIELDS(ids)
};

/// What a (re)started execution takes over: the node's last recorded
/// account and its orders without a final event, each with the quantity
/// still open. `found` is false when the node has recorded no account.
struct account_recovery {
  static constexpr const char* type_name = "cdb::account_recovery";
  bool found = false;
  portfolio_snapshot account;
  std::vector<order> open_orders;
  CDB_FIELDS(found, account, open_orders)
};

/// What a (re)starting signal actor warms up from: the newest time bars
/// this node's signal actor recorded, up to the number asked for per
/// instrument and interval, oldest first.
struct recorded_bars {
  static constexpr const char* type_name = "cdb::recorded_bars";
  std::vector<bar> bars;
  CDB_FIELDS(bars)
};

/// Risk's verdict on one order intent, approved or rejected.
struct risk_decision {
  static constexpr const char* type_name = "cdb::risk_decision";
  std::string id;
  std::string signal_id;
  std::string order_id; ///< Empty when rejected.
  bool approved = false;
  std::string layer;  ///< Deciding layer; "sizing" or the layer that capped.
  std::string reason; ///< Reason code, e.g. "position_capped".
  double observed = 0;
  double limit = 0;
  double requested_qty = 0;
  double approved_qty = 0;
  std::string notes; ///< Sizing audit trail.
  timestamp event_time = 0;
  timestamp init_time = 0;
  CDB_FIELDS(id, signal_id, order_id, approved, layer, reason, observed, limit,
             requested_qty, approved_qty, notes, event_time, init_time)
};

enum class trading_mode : std::uint8_t { active, reducing, halted };

const char* to_string(trading_mode x);

/// A circuit-breaker rule that has tripped and not yet been reset.
struct breaker_trip {
  static constexpr const char* type_name = "cdb::breaker_trip";
  std::string rule; ///< drawdown, daily_loss, ... (breaker.hpp).
  trading_mode mode = trading_mode::halted;
  std::string reason;
  timestamp since = 0;  ///< When it tripped (the node's clock).
  std::int64_t day = 0; ///< The trading day of the data that tripped it.
  CDB_FIELDS(rule, mode, reason, since, day)
};

/// Whether trading may happen; set by the circuit breaker, enforced by risk.
/// The mode is the most severe of the active trips (ACTIVE when none). The
/// trips and the peak equity are the breaker's memory: persisted with every
/// change and recovered when the breaker restarts.
struct trading_state {
  static constexpr const char* type_name = "cdb::trading_state";
  std::string id;
  trading_mode mode = trading_mode::active;
  std::string reason; ///< What changed.
  timestamp since = 0;
  std::vector<breaker_trip> trips;
  double peak_equity = 0;
  CDB_FIELDS(id, mode, reason, since, trips, peak_equity)
};

} // namespace cdb

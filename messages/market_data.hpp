// Market data: what the feed publishes. Prices and quantities are doubles,
// rounded where they are made (see docs/decisions.md, "Numbers").
#pragma once

#include <string>
#include <vector>

#include "messages/fields.hpp"

namespace cdb {

enum class side : std::uint8_t { buy, sell };

const char* to_string(side x);

/// One print on the tape. `aggressor` is the side that crossed the spread.
struct trade_tick {
  static constexpr const char* type_name = "cdb::trade_tick";
  std::string instrument;
  double price = 0;
  double qty = 0;
  side aggressor = side::buy;
  std::string trade_id;
  timestamp event_time = 0;
  timestamp recv_time = 0;
  CDB_FIELDS(instrument, price, qty, aggressor, trade_id, event_time, recv_time)
};

/// Best bid and offer.
struct quote_tick {
  static constexpr const char* type_name = "cdb::quote_tick";
  std::string instrument;
  double bid = 0;
  double bid_qty = 0;
  double ask = 0;
  double ask_qty = 0;
  timestamp event_time = 0;
  timestamp recv_time = 0;
  CDB_FIELDS(instrument, bid, bid_qty, ask, ask_qty, event_time, recv_time)
};

struct book_level {
  static constexpr const char* type_name = "cdb::book_level";
  double price = 0;
  double qty = 0;
  CDB_FIELDS(price, qty)
};

/// A depth snapshot, best level first on both sides.
struct book_snapshot {
  static constexpr const char* type_name = "cdb::book_snapshot";
  std::string instrument;
  std::vector<book_level> bids;
  std::vector<book_level> asks;
  timestamp event_time = 0;
  timestamp recv_time = 0;
  CDB_FIELDS(instrument, bids, asks, event_time, recv_time)
};

/// An OHLCV bar covering [start_time, end_time).
struct bar {
  static constexpr const char* type_name = "cdb::bar";
  std::string instrument;
  nanoseconds interval = 0;
  double open = 0;
  double high = 0;
  double low = 0;
  double close = 0;
  double volume = 0;
  timestamp start_time = 0;
  timestamp end_time = 0;
  CDB_FIELDS(instrument, interval, open, high, low, close, volume, start_time,
             end_time)
};

/// Mark price and funding of a perpetual future.
struct mark_price {
  static constexpr const char* type_name = "cdb::mark_price";
  std::string instrument;
  double mark = 0;
  double index = 0;
  double funding_rate = 0;
  timestamp next_funding_time = 0;
  timestamp event_time = 0;
  timestamp recv_time = 0;
  CDB_FIELDS(instrument, mark, index, funding_rate, next_funding_time,
             event_time, recv_time)
};

enum class feed_health : std::uint8_t { fresh, stale, disconnected };

const char* to_string(feed_health x);

/// The feed's word on one instrument's data: fresh, stale or disconnected.
struct feed_status {
  static constexpr const char* type_name = "cdb::feed_status";
  std::string instrument;
  feed_health state = feed_health::fresh;
  nanoseconds data_age = 0;
  std::string reason;
  timestamp event_time = 0;
  CDB_FIELDS(instrument, state, data_age, reason, event_time)
};

/// Several trades in one message: for throughput where batching adds no
/// delay (a backtest, a benchmark). The live path sends single ticks.
struct trade_batch {
  static constexpr const char* type_name = "cdb::trade_batch";
  std::vector<trade_tick> trades;
  CDB_FIELDS(trades)
};

/// What the feed still holds of the recent past, oldest first, for a
/// (re)started subscriber's warm-up: trades and venue bars.
struct market_history {
  static constexpr const char* type_name = "cdb::market_history";
  std::vector<trade_tick> trades;
  std::vector<bar> bars;
  CDB_FIELDS(trades, bars)
};

} // namespace cdb

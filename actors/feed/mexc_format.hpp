// MEXC contract WebSocket messages, the client's and the venue's side:
// subscription requests built from config ("BTC_USDT@deal"), the ping, and
// the pushes the exchange simulator serves (the inverse of mexc_parser).
// No CAF include.
#pragma once

#include <string>

#include "messages/market_data.hpp"

namespace cdb {

/// One configured subscription: "BTC_USDT@deal", "BTC_USDT@ticker",
/// "BTC_USDT@depth20" (5, 10 or 20 levels, full snapshots) or
/// "BTC_USDT@kline_Min1".
struct mexc_channel {
  std::string symbol;
  std::string channel; ///< deal, ticker, depth or kline.
  std::string param;   ///< depth: levels; kline: interval name.

  /// false (and `out` unspecified) for anything else.
  static bool parse(const std::string& spec, mexc_channel& out);
};

/// {"method":"sub.deal","param":{"symbol":"BTC_USDT"}} and the like.
std::string mexc_subscribe(const mexc_channel& c);

/// {"method":"ping"}: MEXC closes a connection without one for a minute.
std::string mexc_ping();

/// "BTCUSDT" -> "BTC_USDT" (quote currencies USDT, USDC, USD); unchanged
/// when no known quote currency ends it.
std::string mexc_symbol(const std::string& instrument);

/// push.deal with one deal as an object, or (as_array) in a one-element
/// array; the volume in whole contracts of `contract_size`, at least one.
std::string mexc_deal(const trade_tick& t, double contract_size, bool as_array);

/// push.ticker: best bid/ask, fair (mid) and index price, funding rate.
std::string mexc_ticker(const quote_tick& q, double funding_rate);

/// The venue's answers: {"channel":"pong","data":ms} and
/// {"channel":"rs.sub.deal","data":"success","ts":ms}.
std::string mexc_pong(timestamp now);
std::string mexc_ack(const std::string& method, timestamp now);

} // namespace cdb

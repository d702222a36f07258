// Writes ticks as Binance combined-stream messages, the inverse of
// binance_parser: the exchange simulator serves them, tests round-trip them.
// No CAF include.
#pragma once

#include <cstdint>
#include <string>

#include "messages/market_data.hpp"

namespace cdb {

/// `{"stream":"<sym>@trade","data":{"e":"trade",...}}` with trade id `id`.
std::string binance_trade(const trade_tick& t, std::uint64_t id);

/// `{"stream":"<sym>@bookTicker","data":{"u":...}}` (spot shape: no time).
std::string binance_book_ticker(const quote_tick& q, std::uint64_t update_id);

/// Lower-case stream name of an instrument: "BTCUSDT", "trade" ->
/// "btcusdt@trade".
std::string binance_stream(const std::string& instrument, const char* kind);

} // namespace cdb

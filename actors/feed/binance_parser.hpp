// Parses Binance public WebSocket messages (spot and USD-M futures) into
// typed market data: trade, aggTrade, bookTicker, partial depth, kline and
// markPrice, raw or wrapped in the combined-stream envelope
// {"stream":"btcusdt@trade","data":{...}}. Messages without a symbol or event
// type (spot bookTicker and partial depth) are routed by the stream name.
// Malformed, truncated, oversized or unknown messages yield an error reason
// and leave nothing half-parsed behind; the parser keeps working. Hot path:
// simdjson's DOM parser (full validation, SIMD kernels chosen at run time)
// over a reused padded buffer, numbers via from_chars.
// No CAF include.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>

#include "actors/feed/venue_message.hpp"

namespace cdb {

class binance_parser {
public:
  explicit binance_parser(std::size_t max_message_bytes = std::size_t{64}
                                                          * 1024);
  ~binance_parser();
  binance_parser(const binance_parser&) = delete;
  binance_parser& operator=(const binance_parser&) = delete;

  /// Parses one text message received at `recv_time`. On success returns
  /// parse_error::none and fills `out`; otherwise counts the reason.
  parse_error parse(std::string_view message, timestamp recv_time,
                    market_message& out);

  /// Messages rejected per reason, indexed by parse_error.
  const std::array<std::uint64_t, parse_error_count>& errors() const noexcept {
    return errors_;
  }

  std::uint64_t parsed() const noexcept {
    return parsed_;
  }

private:
  struct impl;
  std::unique_ptr<impl> impl_;
  std::array<std::uint64_t, parse_error_count> errors_{};
  std::uint64_t parsed_ = 0;
};

} // namespace cdb

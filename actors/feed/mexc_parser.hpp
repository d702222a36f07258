// Parses MEXC contract (perpetual futures) public WebSocket messages from
// wss://contract.mexc.com/edge: push.deal (data an object or an array of
// deals), push.ticker (best bid/ask, fair and index price, funding rate),
// push.depth.full (book snapshots) and push.kline (bars: MEXC pushes the
// open bar again and again, so a bar is emitted once the next one starts).
// Volumes arrive in contracts and leave in base units: contracts x the
// contract size configured for the symbol; a symbol without one is rejected.
// Pongs and subscription acks are `control`, rs.error and failed acks
// `venue_error`. Instruments drop MEXC's underscore: BTC_USDT -> BTCUSDT.
// No CAF include.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "actors/feed/venue_message.hpp"

namespace cdb {

/// Venue symbol ("BTC_USDT") -> base units per contract (0.0001 for BTC).
using contract_sizes = std::map<std::string, double, std::less<>>;

/// "BTC_USDT" -> "BTCUSDT".
std::string mexc_instrument(std::string_view symbol);

/// "Min1" -> 60 s; 0 for a name MEXC does not use.
nanoseconds mexc_interval(std::string_view name);

class mexc_parser {
public:
  explicit mexc_parser(contract_sizes sizes,
                       std::size_t max_message_bytes = std::size_t{64} * 1024);
  ~mexc_parser();
  mexc_parser(const mexc_parser&) = delete;
  mexc_parser& operator=(const mexc_parser&) = delete;

  /// Parses one text message received at `recv_time` into `out` (cleared
  /// first; a deal array yields several records, a ticker a quote and a
  /// mark price). On failure `out` is empty and the reason counted.
  parse_error parse(std::string_view message, timestamp recv_time,
                    std::vector<market_message>& out);

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

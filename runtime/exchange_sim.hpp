// cdb exchange-sim: a WebSocket server on loopback that speaks Binance's
// combined-stream protocol (/stream?streams=btcusdt@trade/btcusdt@bookTicker)
// and serves the synthetic market in real time, with faults on demand: drop
// the connection after N messages, stall for a while, send garbage, send
// duplicates. Trade ids and update ids continue across connections, so a
// client can account for what it missed. One client at a time.
#pragma once

#include <cstdint>
#include <string>

#include "actors/feed/synthetic_market.hpp"

namespace cdb {

struct sim_config {
  std::string bind = "127.0.0.1";
  std::uint64_t port = 9443;
  std::string tls_cert; ///< With tls_key: serve wss:// instead of ws://.
  std::string tls_key;
  std::uint64_t drop_after = 0;          ///< Close abruptly after N messages.
  std::uint64_t duplicate_every = 0;     ///< Send every Nth message twice.
  std::uint64_t garbage_every = 0;       ///< Send garbage after every Nth.
  std::uint64_t stall_after = 0;         ///< Go silent after N messages...
  nanoseconds stall_for = 3'000'000'000; ///< ...for this long (once).

  void validate(std::vector<std::string>& errors) const;
};

/// Serves until killed; returns non-zero if it cannot listen.
int run_exchange_sim(const sim_config& sim, const synthetic_config& market);

} // namespace cdb

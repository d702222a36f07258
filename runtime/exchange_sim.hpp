// cdb exchange-sim: a WebSocket server on loopback that speaks Binance's
// combined-stream protocol (/stream?streams=btcusdt@trade/btcusdt@bookTicker)
// and MEXC's contract channel protocol (any other path, /edge by custom:
// sub.deal / sub.ticker requests, ping -> pong, acks), and serves the
// synthetic market in real time or recorded files (real time x speed,
// starting with the first client). Any number of clients at once, each
// seeing the same messages byte for byte, so a client can rotate its
// connection without a gap. Faults on demand, per connection: drop after N
// messages, stall once, send garbage, send duplicates; MEXC clients that do
// not ping within ping_timeout are dropped, as MEXC does. Trade ids and
// update ids continue across connections, so a client can account for what
// it missed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "actors/feed/synthetic_market.hpp"

namespace cdb {

struct sim_config {
  std::string bind = "127.0.0.1";
  std::uint64_t port = 9443;
  std::string tls_cert; ///< With tls_key: serve wss:// instead of ws://.
  std::string tls_key;
  std::vector<std::string> files; ///< Serve these recordings instead.
  double speed = 1;               ///< Of the recordings; 1: real time.
  double contract_size = 0.0001;  ///< MEXC: base units per contract.
  nanoseconds ping_timeout = 60'000'000'000; ///< MEXC: drop without a ping.
  std::uint64_t drop_after = 0;          ///< Close abruptly after N messages.
  std::uint64_t duplicate_every = 0;     ///< Send every Nth message twice.
  std::uint64_t garbage_every = 0;       ///< Send garbage after every Nth.
  std::uint64_t stall_after = 0;         ///< Go silent after N messages...
  nanoseconds stall_for = 3'000'000'000; ///< ...for this long (once).

  void validate(std::vector<std::string>& errors) const;
};

/// Serves until killed; returns non-zero if it cannot listen or read its
/// files.
int run_exchange_sim(const sim_config& sim, const synthetic_config& market);

} // namespace cdb

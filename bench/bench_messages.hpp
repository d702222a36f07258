// Messages the benchmarks build: a BTCUSDT quote and a signal.
#pragma once

#include <string>

#include "messages/trading.hpp"

namespace cdb::bench {

inline quote_tick quote(double bid, double ask, timestamp t) {
  quote_tick q;
  q.instrument = "BTCUSDT";
  q.bid = bid;
  q.ask = ask;
  q.bid_qty = q.ask_qty = 1;
  q.event_time = q.recv_time = t;
  return q;
}

inline signal make_signal(signal_side d, std::uint64_t n, timestamp t) {
  signal s;
  s.id = "sig-" + std::to_string(n);
  s.strategy = "ema_cross";
  s.instrument = "BTCUSDT";
  s.direction = d;
  s.strength = 1;
  s.ref_price = 30000;
  s.stop_hint = 300;
  s.event_time = s.init_time = t;
  return s;
}

} // namespace cdb::bench

#include "actors/feed/trade_quotes.hpp"

#include <cmath>

namespace cdb {

trade_quotes::outcome trade_quotes::on_trade(const trade_tick& t) {
  outcome out;
  auto& e = entry_of(t.instrument);
  if (e.has_recorded && t.event_time - e.last_recorded <= fresh_for_)
    return out;
  if (e.unpriced_since == 0)
    e.unpriced_since = t.event_time;
  if (!e.told && t.event_time - e.unpriced_since > fresh_for_) {
    e.told = out.tell = true;
    out.since = e.unpriced_since;
  }
  // The parser counts a trade without a usable price; there is none to show.
  if (spread_bps_ <= 0 || !(std::isfinite(t.price) && t.price > 0))
    return out;
  auto spread = t.price * spread_bps_ / 1e4;
  quote_tick q;
  q.instrument = t.instrument;
  if (t.aggressor == side::buy) {
    q.ask = t.price;
    q.bid = t.price - spread;
  } else {
    q.bid = t.price;
    q.ask = t.price + spread;
  }
  q.bid_qty = q.ask_qty = t.qty;
  q.event_time = t.event_time;
  q.recv_time = t.recv_time;
  out.quote = std::move(q);
  return out;
}

} // namespace cdb

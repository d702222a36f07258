// Quotes stood in by trades, for recordings of trades alone (Tardis trade
// files, Binance aggTrade streams, the shipped trades after the shipped
// quotes' four minutes end). Risk's data-quality layer and the paper venue
// price from quotes, so without them such a recording trades nothing: every
// signal is rejected as stale data. The feed therefore watches, in every
// replay, whether an instrument's trades run on without a recorded quote or
// book for longer than `feed.stale_after`, and says so once. With
// `feed.trade_quote_spread_bps` > 0, each trade with no fresh recorded quote
// is preceded by a quote at the trade's price: a buy took the ask, so the ask
// is its price and the bid one spread below; a sell hit the bid, the ask one
// spread above. Both sides show the trade's quantity, what certainly stood
// there, so an order larger than the prints fills in parts against the
// prints that follow. Recorded quotes win: while they are fresh no quote is
// made. No CAF include.
#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <string>

#include "messages/market_data.hpp"
#include "runtime/clock.hpp"
#include "runtime/instrument_cache.hpp"

namespace cdb {

class trade_quotes {
public:
  /// What the feed does before publishing a trade.
  struct outcome {
    std::optional<quote_tick> quote; ///< To publish first.
    /// Set once per instrument: its trades have had no fresh recorded quote
    /// since `since`, for longer than `fresh_for`.
    bool tell = false;
    timestamp since = 0;
  };

  /// Quotes `spread_bps` wide (0: none, only watching); a recorded quote
  /// stays in charge for `fresh_for` after its event time.
  trade_quotes(double spread_bps, timestamp fresh_for)
    : spread_bps_(spread_bps), fresh_for_(fresh_for) {}

  /// A recorded quote or book of `instrument` at `t`.
  void recorded(const std::string& instrument, timestamp t) {
    auto& e = entry_of(instrument);
    e.has_recorded = true;
    e.last_recorded = std::max(e.last_recorded, t);
    e.unpriced_since = 0;
  }

  outcome on_trade(const trade_tick& t);

  /// The width of the quotes made; 0 when only watching.
  double spread_bps() const {
    return spread_bps_;
  }

private:
  struct entry {
    bool has_recorded = false;
    timestamp last_recorded = 0;
    timestamp unpriced_since = 0; ///< 0: the last trade had a fresh quote.
    bool told = false;
  };

  entry& entry_of(const std::string& instrument) {
    return cached(known_, instrument,
                  [&]() -> entry& { return instruments_[instrument]; });
  }

  double spread_bps_;
  timestamp fresh_for_;
  std::map<std::string, entry> instruments_;
  instrument_cache<entry> known_; ///< Entries of instruments_.
};

} // namespace cdb

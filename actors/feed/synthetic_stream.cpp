#include "actors/feed/synthetic_stream.hpp"

#include <iterator>
#include <utility>

namespace cdb {

synthetic_stream::synthetic_stream(std::unique_ptr<synthetic_market> market,
                                   bool ahead, std::size_t block_steps,
                                   std::size_t blocks)
  : market_(std::move(market)), now_(market_->time()) {
  if (!ahead || block_steps == 0)
    return;
  ahead_ = std::make_unique<read_ahead<ahead_step>>(
    [m = market_.get(), block_steps](std::vector<ahead_step>& b) {
      b.resize(block_steps);
      for (auto& x : b) {
        x.quotes.clear();
        x.trades.clear();
        m->step(x.quotes, x.trades);
        x.time = m->time();
      }
      return true; // the market has no end
    },
    blocks);
}

void synthetic_stream::step(std::vector<quote_tick>& quotes,
                            std::vector<trade_tick>& trades) {
  if (!ahead_) {
    market_->step(quotes, trades);
    now_ = market_->time();
    return;
  }
  auto& x = *ahead_->next(); // never nullptr: the market has no end
  auto take = [](auto& from, auto& to) {
    if (to.empty())
      to.swap(from);
    else
      to.insert(to.end(), std::make_move_iterator(from.begin()),
                std::make_move_iterator(from.end()));
  };
  take(x.quotes, quotes);
  take(x.trades, trades);
  now_ = x.time;
}

} // namespace cdb

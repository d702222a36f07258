// The synthetic market's steps as the feed takes them: computed in turn
// (a live paper node, paced by the clock), or ahead on a thread of its own
// (a backtest: actors/feed/read_ahead.hpp). The market is a function of
// its seed alone, so the steps come out the same, in the same order,
// either way.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "actors/feed/read_ahead.hpp"
#include "actors/feed/synthetic_market.hpp"

namespace cdb {

class synthetic_stream {
public:
  /// Steps in turn (`ahead` false) or ahead, `block_steps` to a block and
  /// at most `blocks` blocks ahead of the reader. `market` goes on from
  /// where it stands.
  synthetic_stream(std::unique_ptr<synthetic_market> market, bool ahead,
                   std::size_t block_steps = 1024, std::size_t blocks = 4);

  /// Appends the next step's quotes and trades, as synthetic_market::step
  /// (quickest into empty vectors).
  void step(std::vector<quote_tick>& quotes, std::vector<trade_tick>& trades);

  /// Event time of the last step taken.
  timestamp time() const noexcept {
    return now_;
  }

  bool ahead() const noexcept {
    return ahead_ != nullptr;
  }

  /// One step computed ahead. The reader swaps its vectors for its own
  /// emptied ones: no tick is copied, no buffer allocated once they have
  /// grown to a step's size.
  struct ahead_step {
    std::vector<quote_tick> quotes;
    std::vector<trade_tick> trades;
    timestamp time = 0;
  };

private:
  std::unique_ptr<synthetic_market> market_;
  timestamp now_;
  std::unique_ptr<read_ahead<ahead_step>> ahead_; ///< Last: stopped first.
};

} // namespace cdb

// The synthetic market's steps as the feed takes them: computed in turn
// (a live paper node, paced by the clock), or ahead on a thread of its own
// (a backtest). The market is a function of its seed alone, so a second
// core can compute the next steps while the actors trade on the current
// ones; the steps come out the same, in the same order, either way.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "actors/feed/synthetic_market.hpp"

namespace cdb {

class synthetic_stream {
public:
  /// Steps in turn (`ahead` false) or ahead, `block_steps` to a block and
  /// at most `blocks` blocks ahead of the reader. `market` goes on from
  /// where it stands.
  synthetic_stream(std::unique_ptr<synthetic_market> market, bool ahead,
                   std::size_t block_steps = 1024, std::size_t blocks = 4);

  /// Stops and joins the thread, if any.
  ~synthetic_stream();

  synthetic_stream(const synthetic_stream&) = delete;
  synthetic_stream& operator=(const synthetic_stream&) = delete;

  /// Appends the next step's quotes and trades, as synthetic_market::step
  /// (quickest into empty vectors).
  void step(std::vector<quote_tick>& quotes, std::vector<trade_tick>& trades);

  /// Event time of the last step taken.
  timestamp time() const noexcept {
    return now_;
  }

  bool ahead() const noexcept {
    return thread_.joinable();
  }

private:
  /// One step computed ahead. The reader swaps its vectors for its own
  /// emptied ones: no tick is copied, no buffer allocated once they have
  /// grown to a step's size.
  struct ahead_step {
    std::vector<quote_tick> quotes;
    std::vector<trade_tick> trades;
    timestamp time = 0;
  };

  using block = std::vector<ahead_step>;

  void produce(std::size_t block_steps);

  std::unique_ptr<synthetic_market> market_;
  timestamp now_;
  std::vector<block> blocks_;
  // The reader's place: block `head_` (once `holding_`), step `pos_`.
  std::size_t head_ = 0;
  std::size_t pos_ = 0;
  bool holding_ = false;
  std::mutex mtx_;
  std::condition_variable cv_;
  std::size_t full_ = 0; ///< Blocks written and not yet read to the end.
  bool stop_ = false;
  std::thread thread_; ///< Last: started once the rest is in place.
};

} // namespace cdb

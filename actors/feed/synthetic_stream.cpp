#include "actors/feed/synthetic_stream.hpp"

#include <iterator>
#include <utility>

namespace cdb {

synthetic_stream::synthetic_stream(std::unique_ptr<synthetic_market> market,
                                   bool ahead, std::size_t block_steps,
                                   std::size_t blocks)
  : market_(std::move(market)), now_(market_->time()) {
  if (!ahead || block_steps == 0 || blocks == 0)
    return;
  blocks_.resize(blocks);
  thread_ = std::thread{[this, block_steps] { produce(block_steps); }};
}

synthetic_stream::~synthetic_stream() {
  if (!thread_.joinable())
    return;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void synthetic_stream::produce(std::size_t block_steps) {
  for (;;) {
    std::size_t slot = 0;
    {
      std::unique_lock<std::mutex> guard{mtx_};
      cv_.wait(guard, [this] { return stop_ || full_ < blocks_.size(); });
      if (stop_)
        return;
      // The reader holds blocks head_ … head_ + full_ - 1; the next is free.
      slot = (head_ + full_) % blocks_.size();
    }
    auto& b = blocks_[slot];
    b.resize(block_steps);
    for (auto& x : b) {
      x.quotes.clear();
      x.trades.clear();
      market_->step(x.quotes, x.trades);
      x.time = market_->time();
    }
    {
      std::lock_guard<std::mutex> guard{mtx_};
      ++full_;
    }
    cv_.notify_all();
  }
}

void synthetic_stream::step(std::vector<quote_tick>& quotes,
                            std::vector<trade_tick>& trades) {
  if (!thread_.joinable()) {
    market_->step(quotes, trades);
    now_ = market_->time();
    return;
  }
  if (!holding_) {
    std::unique_lock<std::mutex> guard{mtx_};
    cv_.wait(guard, [this] { return full_ > 0; });
    holding_ = true;
    pos_ = 0;
  }
  auto& x = blocks_[head_][pos_];
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
  if (++pos_ < blocks_[head_].size())
    return;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    holding_ = false;
    head_ = (head_ + 1) % blocks_.size();
    --full_;
  }
  cv_.notify_all();
}

} // namespace cdb

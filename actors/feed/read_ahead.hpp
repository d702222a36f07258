// A thread that fills blocks of items ahead of one reader: a backtest's
// market data (the synthetic market, records parsed from files) computed
// on the second core while the actors trade on the first. The reader gets
// the items in the order they were made; the thread stays at most
// `blocks` blocks ahead, and stops at the end or when the reader goes.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "runtime/cpu_placement.hpp"
#include "runtime/log.hpp"

namespace cdb {

template <class Item>
class read_ahead {
public:
  /// Puts the next items into a block, which holds what the reader left
  /// of the items it took (their buffers, to reuse): sets its size. Returns
  /// false once there are no more (the block it filled then is the last).
  using fill_fn = std::function<bool(std::vector<Item>&)>;

  read_ahead(fill_fn fill, std::size_t blocks)
    : fill_(std::move(fill)), blocks_(blocks > 0 ? blocks : 1) {
    thread_ = std::thread{[this] {
      // Started by the thread that runs the actors: not on its CPU.
      std::string error;
      if (!cpu_placement::off_home(error))
        CDB_WARN("feed", "read-ahead thread: run.home_cpu: " << error);
      produce();
    }};
  }

  /// Stops the thread, also while it waits for room or is filling.
  ~read_ahead() {
    {
      std::lock_guard<std::mutex> guard{mtx_};
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  read_ahead(const read_ahead&) = delete;
  read_ahead& operator=(const read_ahead&) = delete;

  /// The next item, to take from (swap or move it out); nullptr once every
  /// item has been read. Waits while the thread has not made it yet.
  /// Throws what the fill threw, once the items before it are read.
  Item* next() {
    if (holding_ && pos_ == blocks_[head_].size())
      release();
    if (!holding_ && !acquire())
      return nullptr;
    return &blocks_[head_][pos_++];
  }

private:
  void produce() {
    for (bool more = true; more;) {
      std::size_t slot = 0;
      {
        std::unique_lock<std::mutex> guard{mtx_};
        cv_.wait(guard, [this] { return stop_ || full_ < blocks_.size(); });
        if (stop_)
          return;
        // The reader holds blocks head_ … head_ + full_ - 1; the next is
        // free, and only this thread writes it until it is counted full.
        slot = (head_ + full_) % blocks_.size();
      }
      auto& b = blocks_[slot];
      std::exception_ptr failed;
      try {
        more = fill_(b);
      } catch (...) {
        failed = std::current_exception();
        more = false;
      }
      std::lock_guard<std::mutex> guard{mtx_};
      failed_ = failed;
      if (!b.empty())
        ++full_;
      done_ = !more;
      cv_.notify_all();
    }
  }

  bool acquire() {
    std::unique_lock<std::mutex> guard{mtx_};
    cv_.wait(guard, [this] { return full_ > 0 || done_; });
    if (full_ == 0) {
      if (failed_)
        std::rethrow_exception(failed_);
      return false;
    }
    holding_ = true;
    pos_ = 0;
    return true;
  }

  void release() {
    {
      std::lock_guard<std::mutex> guard{mtx_};
      holding_ = false;
      head_ = (head_ + 1) % blocks_.size();
      --full_;
    }
    cv_.notify_all();
  }

  fill_fn fill_;
  std::vector<std::vector<Item>> blocks_;
  // The reader's place: block head_ (once holding_), item pos_. Only the
  // reader writes them; the thread reads head_ under the mutex.
  std::size_t head_ = 0;
  std::size_t pos_ = 0;
  bool holding_ = false;
  std::mutex mtx_;
  std::condition_variable cv_;
  std::size_t full_ = 0;      ///< Blocks made and not yet read to the end.
  bool done_ = false;         ///< The thread made its last block.
  std::exception_ptr failed_; ///< What the last fill threw.
  bool stop_ = false;
  std::thread thread_; ///< Last: started once the rest is in place.
};

} // namespace cdb

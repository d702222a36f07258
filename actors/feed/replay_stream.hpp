// Recorded files' records as the feed takes them: read in turn (a replay
// on a live node), or ahead on a thread of their own (a backtest:
// actors/feed/read_ahead.hpp), so that parsing runs on the second core
// while the actors trade on the first. The records come out the same, in
// the same order, either way; the files' bad-row counts are final once
// the last record is taken.
#pragma once

#include <memory>
#include <vector>

#include "actors/feed/read_ahead.hpp"
#include "actors/feed/replay_reader.hpp"

namespace cdb {

class replay_stream {
public:
  /// Reads `merge` in turn (`ahead` false) or ahead, `block` records to a
  /// block and at most `blocks` blocks ahead of the reader.
  replay_stream(std::unique_ptr<replay_merge> merge, bool ahead,
                std::size_t block = 1024, std::size_t blocks = 4);

  /// The next record into `out` (only its `kind` member and `sequence`
  /// are set, as replay_merge::next); false once the records are done.
  bool next(market_message& out);

  /// The files read; their counts are final once next() returned false.
  const std::vector<std::unique_ptr<replay_file>>& files() const noexcept {
    return merge_->files();
  }

  bool ahead() const noexcept {
    return ahead_ != nullptr;
  }

private:
  std::unique_ptr<replay_merge> merge_;
  std::unique_ptr<read_ahead<market_message>> ahead_; ///< Last: stopped first.
};

} // namespace cdb

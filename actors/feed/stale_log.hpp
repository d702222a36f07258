// Which of an instrument's turns to stale or disconnected the feed logs. A
// sparse recording (the shipped aggTrade file: a trade every 17 s on
// average) or a flapping venue turns an instrument stale and fresh again
// thousands of times, and a line each buries everything else in the log:
// 4 413 lines for two days of XRPETH. Each turn still goes to risk and the
// circuit breaker and counts in cdb_feed_stale_total; the log shows the
// first `first` turns of each instrument, then at most one an `every` of
// node time, which tells how many it did not show. No CAF include.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "runtime/clock.hpp"

namespace cdb {

class stale_log {
public:
  /// What became of one turn: logged or not, and if logged, how many turns
  /// since `untold_since` went unlogged before it.
  struct verdict {
    bool log = true;
    bool last = false; ///< The last of the first: the next are thinned.
    std::uint64_t untold = 0;
    timestamp untold_since = 0;
  };

  /// Turns not logged of one instrument, for the feed's last words.
  struct untold {
    std::string instrument;
    std::uint64_t count = 0;
    timestamp since = 0;
  };

  explicit stale_log(std::uint64_t first = 5,
                     timestamp every = 3'600'000'000'000)
    : first_(first), every_(every) {}

  /// A turn of `instrument` to stale or disconnected at `t`.
  verdict on_turn(const std::string& instrument, timestamp t);

  /// The turns not logged yet, by instrument; forgets them.
  std::vector<untold> flush();

private:
  struct entry {
    std::uint64_t logged = 0;
    timestamp last_logged = 0;
    std::uint64_t untold = 0; ///< Since untold_since.
    timestamp untold_since = 0;
  };

  std::uint64_t first_;
  timestamp every_;
  std::map<std::string, entry> instruments_;
};

} // namespace cdb

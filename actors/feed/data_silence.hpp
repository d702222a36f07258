// A long silence in recorded data, such as files of two periods replayed
// together: the node lives through it at market time, every timer as it
// falls (account snapshots, the staleness watchdog, the breaker's check on
// a stale feed), which is what a live node would do, and a backtest spends
// about half a second per silent market day on it (a day of trades and a
// day of books six months apart: 86 s for 10 000 records). The feed tells
// such a silence once, when it starts, so the wait is not a mystery.
// No CAF include.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "messages/fields.hpp"
#include "runtime/clock.hpp"

namespace cdb {

/// Whether the wait from the last record (at `last`) to the next (at
/// `next`) is a silence worth telling: over an hour, and over 100 times the
/// mean spacing of the `records` read since the first (at `first`). A
/// recording of daily bars has no silence between its days; a day of trades
/// followed by another a month later does.
inline bool long_silence(timestamp first, timestamp last, timestamp next,
                         std::uint64_t records) {
  constexpr timestamp hour = 3'600'000'000'000;
  auto wait = next - last;
  if (records < 2 || wait <= hour)
    return false;
  auto mean = (last - first) / static_cast<timestamp>(records - 1);
  return wait / 100 > mean;
}

/// "191 d 21 h", "5 h 02 min", "12 min", "40 s": a length, rounded down.
inline std::string silence_length(timestamp ns) {
  auto seconds = ns / 1'000'000'000;
  auto minutes = seconds / 60;
  auto hours = minutes / 60;
  auto days = hours / 24;
  if (days > 0)
    return std::to_string(days) + " d " + std::to_string(hours % 24) + " h";
  if (hours > 0)
    return std::to_string(hours) + " h " + (minutes % 60 < 10 ? "0" : "")
           + std::to_string(minutes % 60) + " min";
  if (minutes > 0)
    return std::to_string(minutes) + " min";
  return std::to_string(seconds) + " s";
}

/// The feed's warning for a silence from `last` to `next`: in a backtest
/// (`speed` 0: the market clock jumps from timer to timer), or in a replay
/// paced at `speed` times real time, which waits the silence out.
inline std::string silence_words(timestamp last, timestamp next,
                                 double speed = 0) {
  auto words = "no data from " + format_time(last) + " to " + format_time(next)
               + " (" + silence_length(next - last) + "): ";
  if (speed <= 0)
    return words
           + "the node lives through it at market time, every timer as it "
             "falls, the feed stale, as a live node would; periods apart run "
             "faster as backtests of their own";
  char pace[32];
  std::snprintf(pace, sizeof(pace), "x%g", speed);
  auto wait = static_cast<double>(next - last) / speed;
  return words + "the replay waits "
         + silence_length(static_cast<timestamp>(wait)) + " for it at " + pace
         + ", the feed stale meanwhile";
}

} // namespace cdb

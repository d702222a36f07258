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

/// "191 d 21 h", "5 h 02 min": a silence's length, to the minute.
inline std::string silence_length(timestamp ns) {
  auto minutes = ns / 60'000'000'000;
  auto days = minutes / (24 * 60);
  auto hours = minutes / 60 % 24;
  auto mins = minutes % 60;
  if (days > 0)
    return std::to_string(days) + " d " + std::to_string(hours) + " h";
  return std::to_string(hours) + " h " + (mins < 10 ? "0" : "")
         + std::to_string(mins) + " min";
}

/// The feed's warning for a silence from `last` to `next`.
inline std::string silence_words(timestamp last, timestamp next) {
  return "no data from " + format_time(last) + " to " + format_time(next) + " ("
         + silence_length(next - last)
         + "): the node lives through it at market time, every timer as "
           "it falls, the feed stale, as a live node would; periods apart "
           "run faster as backtests of their own";
}

} // namespace cdb

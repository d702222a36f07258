// Bars from ticks, in event time. Three kinds:
// - time bars [start, start + interval), aligned to the epoch; a bar closes
//   at the first trade (or advance()) at or after its end. Intervals without
//   trades give no bar unless fill_gaps: then flat bars at the last close
//   with zero volume (at most max_gap_bars per gap, the rest left empty).
// - volume bars: close once their volume reaches the threshold (the trade
//   that crosses it stays whole in the closing bar);
// - tick bars: close after N trades.
// Activity bars span [first trade, last trade + 1 ns) and have interval 0.
// Venue bars (a kline stream) of the same interval replace the builder's own:
// after the first one the builder stops building and passes venue bars
// through, each only once and in order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "messages/market_data.hpp"

namespace cdb {

enum class bar_kind : std::uint8_t { time, volume, ticks };

struct bar_spec {
  bar_kind kind = bar_kind::time;
  nanoseconds interval = 1'000'000'000; ///< time bars
  double volume = 0;                    ///< volume bars, base units
  std::uint64_t ticks = 0;              ///< tick bars
};

/// Parses "1s", "500ms", "1min", "4h", "1d" (time bars of at least 1 ms),
/// "volume:2.5" or "ticks:500". On failure returns false and says why.
bool parse_bar_spec(const std::string& text, bar_spec& out, std::string& error);

/// Parses a duration: a number followed by ns, us, ms, s, min, h or d.
bool parse_duration(const std::string& text, nanoseconds& out);

std::string to_string(const bar_spec& x);

class bar_builder {
public:
  bar_builder(std::string instrument, bar_spec spec, bool fill_gaps = false,
              std::size_t max_gap_bars = 10'000);

  /// Adds a trade; appends every bar it closes to `out`. A trade older than
  /// the open time bar is counted as late and skipped.
  void add(const trade_tick& t, std::vector<bar>& out);

  /// Closes the open time bar when `now` (event time of any data of this
  /// instrument) is at or after its end.
  void advance(timestamp now, std::vector<bar>& out);

  /// Offers a venue bar; returns true when the caller should use it (same
  /// interval as a time spec and newer than every bar delivered so far).
  bool take_venue(const bar& b);

  /// Offers a bar this node recorded before (persistence's recovery, at
  /// start): true when the caller should use it. Only a time builder of the
  /// same interval takes it, before building anything of its own and in
  /// order; it then builds on from the bar's end (older trades are late).
  bool take_recorded(const bar& b);

  bool venue_mode() const noexcept {
    return venue_;
  }

  std::uint64_t late_trades() const noexcept {
    return late_;
  }

  const bar_spec& spec() const noexcept {
    return spec_;
  }

private:
  void open(const trade_tick& t, timestamp start);
  void close(std::vector<bar>& out);
  /// Takes a finished bar from outside if it is not older than the last
  /// one delivered; it becomes the last one.
  bool take_next(const bar& b);

  bar_spec spec_;
  bool fill_gaps_;
  std::size_t max_gap_bars_;
  bar current_;
  std::uint64_t trades_ = 0; ///< Trades in the open bar.
  bool open_ = false;
  bool venue_ = false;
  bool closed_any_ = false;
  double last_close_ = 0;
  timestamp last_end_ = 0; ///< End of the last delivered bar.
  std::uint64_t late_ = 0;
};

} // namespace cdb

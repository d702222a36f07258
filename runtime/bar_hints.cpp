#include "runtime/bar_hints.hpp"

#include "runtime/config_check.hpp"

namespace cdb {

std::vector<std::string> bar_recording_hints(const node_config& n,
                                             nanoseconds interval) {
  std::vector<std::string> out;
  auto span = [](nanoseconds x) { return config_check::format_span(x); };
  auto shorter = [&](const char* key, nanoseconds value, const char* what) {
    if (value <= interval)
      out.push_back(std::string{key} + " = " + span(value)
                    + " is not longer than the bars' " + span(interval) + ": "
                    + what + " (set it above " + span(interval) + ")");
  };
  if (n.feed.bar_quote_spread_bps <= 0)
    out.emplace_back("feed.bar_quote_spread_bps = 0: bars alone give the "
                     "paper venue no prices, so nothing fills (a value > 0 "
                     "puts a quote that many basis points wide at each "
                     "bar's close)");
  shorter("feed.stale_after", n.feed.stale_after,
          "the feed reports every instrument stale between bars");
  shorter("circuit_breaker.feed_stale_after", n.breaker.feed_stale_after,
          "the breaker trips feed_stale between bars and refuses new "
          "positions");
  // A strategy takes the recording's bars only as time bars of their
  // interval; any other bars it builds from trades, and there are none.
  auto fallback = n.signal.default_bars();
  bool default_off = false;
  for (auto& s : n.signal.specs()) {
    auto& b = s.own_bars ? s.bars : fallback;
    if (b.kind == bar_kind::time && b.interval == interval)
      continue;
    if (!s.own_bars) {
      default_off = true;
      continue;
    }
    out.push_back("signal.strategies \"" + s.text
                  + "\": its bars are not the recording's " + span(interval)
                  + " bars, and there are no trades to build them from: "
                    "it gets no bars and gives no signal");
  }
  if (default_off)
    out.push_back("signal.bars = " + n.signal.bars + ": not the recording's "
                  + span(interval)
                  + " bars, and there are no trades to build them from: "
                    "the strategies without bars= give no signal (signal.bars"
                    " = "
                  + span(interval) + " takes the recording's bars)");
  // Between bars only a fill moves the account, and a fill publishes it
  // at once; the periodic snapshot then finds the same account (and is
  // held back) many times a bar, each a turn of execution.
  if (n.execution.snapshot_interval < interval)
    out.push_back("execution.snapshot_interval = "
                  + span(n.execution.snapshot_interval)
                  + " is shorter than the bars' " + span(interval)
                  + ": between bars only a fill moves the account, and a fill "
                    "publishes it at once, yet execution looks at it every "
                  + span(n.execution.snapshot_interval)
                  + ", which is most of such a backtest's work (set it to "
                  + span(interval) + ")");
  return out;
}

} // namespace cdb

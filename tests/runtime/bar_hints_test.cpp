#define CAF_SUITE bar_hints
#include <caf/test/unit_test.hpp>

#include "runtime/bar_hints.hpp"

using namespace cdb;

namespace {

constexpr nanoseconds minute = 60'000'000'000;

/// A node set up for one-minute bars: no hint expected.
node_config fitted() {
  node_config n;
  n.feed.bar_quote_spread_bps = 2;
  n.feed.stale_after = 10 * minute;
  n.breaker.feed_stale_after = 10 * minute;
  n.signal.bars = "1min";
  n.signal.strategies = {"ema_cross *", "breakout BTCUSDT bars=1min"};
  n.execution.snapshot_interval = minute;
  return n;
}

bool starts(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

} // namespace

CAF_TEST(a config fitted to the bars gets no hint) {
  CAF_CHECK(bar_recording_hints(fitted(), minute).empty());
}

CAF_TEST(each missing setting is named with its value) {
  auto n = fitted();
  n.feed.bar_quote_spread_bps = 0;
  n.feed.stale_after = 5'000'000'000;
  n.breaker.feed_stale_after = minute; // equal is not enough
  n.signal.bars = "500ms";
  n.execution.snapshot_interval = 1'000'000'000;
  auto hints = bar_recording_hints(n, minute);
  CAF_REQUIRE_EQUAL(hints.size(), 5u);
  CAF_CHECK(starts(hints[0], "feed.bar_quote_spread_bps = 0: "));
  CAF_CHECK(starts(hints[1], "feed.stale_after = 5s is not longer than the "
                             "bars' 60s: "));
  CAF_CHECK(starts(hints[2], "circuit_breaker.feed_stale_after = 60s is not "
                             "longer than the bars' 60s: "));
  CAF_CHECK(starts(hints[3], "signal.bars = 500ms: "));
  CAF_CHECK(hints[3].find("(signal.bars = 60s takes the recording's bars)")
            != std::string::npos);
  CAF_CHECK(starts(hints[4], "execution.snapshot_interval = 1s is shorter "
                             "than the bars' 60s: "));
  CAF_CHECK(hints[4].find("(set it to 60s)") != std::string::npos);
}

CAF_TEST(a strategy with bars of its own is named when they do not fit) {
  auto n = fitted();
  n.signal.strategies = {"ema_cross *", "breakout BTCUSDT bars=5min",
                         "mean_reversion * bars=volume:10"};
  auto hints = bar_recording_hints(n, minute);
  CAF_REQUIRE_EQUAL(hints.size(), 2u);
  CAF_CHECK(
    starts(hints[0], "signal.strategies \"breakout BTCUSDT bars=5min\": "));
  CAF_CHECK(starts(hints[1],
                   "signal.strategies \"mean_reversion * bars=volume:10\": "));
  // Five-minute bars fit breakout's own; not the default, not volume bars.
  // The account snapshot every minute is now five a bar.
  auto five = bar_recording_hints(n, 5 * minute);
  CAF_REQUIRE_EQUAL(five.size(), 3u);
  CAF_CHECK(starts(five[0], "signal.strategies \"mean_reversion"));
  CAF_CHECK(starts(five[1], "signal.bars = 1min: not the recording's 300s"));
  CAF_CHECK(starts(five[2], "execution.snapshot_interval = 60s is shorter "
                            "than the bars' 300s: "));
}

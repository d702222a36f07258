// Golden tests: each built-in strategy over the shared real data produces a
// fixed, reviewed set of signals (count, first and last with times and
// reasons), identical run after run. A change here is a change in trading
// behaviour: review the new numbers before updating them. The EMA-cross
// figures over the bars were checked against an independent reimplementation
// (a 30-line Python script) when they were first recorded.
#define CAF_SUITE signal_golden
#include <ctime>
#include <sstream>

#include <caf/test/unit_test.hpp>

#include "actors/feed/replay_reader.hpp"
#include "actors/signal/engine.hpp"

using namespace cdb;

namespace {

std::string data(const char* name) {
  return std::string{CDB_SHARED_DATA} + "/" + name;
}

std::string iso(timestamp t) {
  auto secs = static_cast<std::time_t>(t / 1'000'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string line(const signal& s) {
  return iso(s.event_time) + " " + to_string(s.direction) + " " + s.reason;
}

/// Runs one strategy entry over a file; returns "count | first | last".
std::string run(const std::string& entry, const char* file) {
  signal_config cfg;
  cfg.strategies = {entry};
  std::vector<std::string> errors;
  cfg.validate(errors);
  if (!errors.empty())
    CAF_FAIL(errors.front());
  signal_engine engine{cfg};
  std::string error;
  auto in = replay_file::open(data(file), replay_options{}, error);
  if (!in)
    CAF_FAIL(error);
  market_message m;
  std::vector<signal> out;
  while (in->next(m)) {
    if (m.kind == market_kind::trade)
      engine.on_trade(m.trade, out);
    else if (m.kind == market_kind::bar)
      engine.on_bar(m.kline, out);
    else if (m.kind == market_kind::quote)
      engine.on_quote(m.quote, out);
  }
  CAF_CHECK_EQUAL(engine.errors(), 0u);
  CAF_CHECK(engine.warm());
  if (out.empty())
    return "0";
  return std::to_string(out.size()) + " | " + line(out.front()) + " | "
         + line(out.back());
}

/// Runs twice: the result must not depend on the run.
std::string golden(const std::string& entry, const char* file) {
  auto first = run(entry, file);
  CAF_CHECK_EQUAL(run(entry, file), first);
  CAF_MESSAGE(entry << ": " << first);
  return first;
}

constexpr const char* bars_file = "ftx-btcperp-1m-2022-01.csv";
constexpr const char* trades_file
  = "binance-futures-btcusdt-trades-2020-02-22.csv";

} // namespace

CAF_TEST(ema cross over a month of one minute bars) {
  CAF_CHECK_EQUAL(
    golden("ema_cross BTCUSDT bars=1min", bars_file),
    "1666 | 2021-12-31T23:36:00Z buy EMA12 crossed above EMA26 at "
    "46475 | 2022-02-01T05:29:00Z sell EMA12 crossed below EMA26 "
    "at 38538");
}

CAF_TEST(breakout over a month of one minute bars) {
  CAF_CHECK_EQUAL(
    golden("breakout BTCUSDT bars=1min", bars_file),
    "1929 | 2022-01-01T00:00:00Z sell close 46198 broke below the "
    "20-bar low 46252 on 5.2x average volume | "
    "2022-02-01T04:29:00Z sell close 38533 broke below the 20-bar "
    "low 38555 on 5.6x average volume");
}

CAF_TEST(mean reversion over a month of one minute bars) {
  CAF_CHECK_EQUAL(golden("mean_reversion BTCUSDT bars=1min", bars_file),
                  "1281 | 2022-01-01T00:00:00Z buy close 46198 below lower "
                  "Bollinger(20,2) 46220.642 with RSI14 25.0 | "
                  "2022-02-01T04:15:00Z close close 38620 back at the "
                  "Bollinger(20,2) middle 38621.7 after a sell");
}

CAF_TEST(ema cross over two hours of trades) {
  CAF_CHECK_EQUAL(golden("ema_cross BTCUSDT bars=1min", trades_file),
                  "3 | 2020-02-22T00:53:01Z sell EMA12 crossed below EMA26 at "
                  "9691.3 | 2020-02-22T01:43:00Z sell EMA12 crossed below "
                  "EMA26 at 9671.18");
}

CAF_TEST(breakout over two hours of trades) {
  CAF_CHECK_EQUAL(golden("breakout BTCUSDT bars=1min", trades_file),
                  "6 | 2020-02-22T00:28:00Z buy close 9706.13 broke above the "
                  "20-bar high 9703.96 on 2.8x average volume | "
                  "2020-02-22T02:03:01Z sell close 9653.14 broke below the "
                  "20-bar low 9655 on 2.3x average volume");
}

CAF_TEST(mean reversion over two hours of trades) {
  CAF_CHECK_EQUAL(golden("mean_reversion BTCUSDT bars=1min", trades_file),
                  "3 | 2020-02-22T00:31:00Z sell close 9710.67 above upper "
                  "Bollinger(20,2) 9710.6612 with RSI14 70.1 | "
                  "2020-02-22T01:59:01Z buy close 9655 below lower "
                  "Bollinger(20,2) 9657.902 with RSI14 28.4");
}

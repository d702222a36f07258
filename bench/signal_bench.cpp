// Signal hot path without an actor system: one update of each indicator,
// one bar through each strategy, and ticks through the engine (bar builder +
// strategy + routing). Target (issue 4): >= 5 M ticks/s through a strategy
// with three indicators (ema_cross: two EMAs and an ATR).
//   build/bench/cdb_bench --benchmark_filter='indicator|strategy|engine'
#include <random>

#include <benchmark/benchmark.h>

#include "actors/signal/engine.hpp"
#include "actors/signal/indicators.hpp"
#include "actors/signal/window_indicators.hpp"

namespace {

using namespace cdb;

/// A seeded random walk around 30 000, one value per call.
struct walk {
  std::mt19937_64 rng{7};
  std::normal_distribution<double> step{0, 3};
  double price = 30000;

  double next() {
    price += step(rng);
    return price;
  }
};

template <class Indicator, class Update>
void run_indicator(benchmark::State& st, Indicator ind, Update update) {
  walk w;
  std::vector<double> xs(4096);
  for (auto& x : xs)
    x = w.next();
  std::size_t i = 0;
  for (auto _ : st) {
    update(ind, xs[i++ & 4095]);
    benchmark::DoNotOptimize(ind);
  }
  st.SetItemsProcessed(st.iterations());
}

#define CDB_INDICATOR(name, make, call)                                        \
  void indicator_##name(benchmark::State& st) {                                \
    run_indicator(st, make, [](auto& ind, double x) { call; });                \
  }                                                                            \
  BENCHMARK(indicator_##name)

CDB_INDICATOR(sma_20, sma{20}, ind.update(x));
CDB_INDICATOR(ema_20, ema{20}, ind.update(x));
CDB_INDICATOR(rsi_14, rsi{14}, ind.update(x));
CDB_INDICATOR(atr_14, atr{14}, ind.update(x + 5, x - 5, x));
CDB_INDICATOR(bollinger_20, (bollinger{20, 2.0}), ind.update(x));
CDB_INDICATOR(volatility_30, volatility{30}, ind.update(x));
CDB_INDICATOR(vwap_20, vwap{20}, ind.update(x, 1.5));
CDB_INDICATOR(donchian_20, donchian{20}, ind.update(x + 5, x - 5));
CDB_INDICATOR(zscore_20, zscore{20}, ind.update(x));

/// One closed bar through one strategy (indicator updates and the rule).
void strategy_on_bar(benchmark::State& st, const std::string& name) {
  std::vector<std::string> errors;
  strategy_params p{name, {}, errors};
  auto s = builtin_strategies()->make(name, p);
  walk w;
  std::vector<bar> bars(4096);
  for (auto& b : bars) {
    b.instrument = "BTCUSDT";
    b.open = w.price;
    b.close = w.next();
    b.high = std::max(b.open, b.close) + 2;
    b.low = std::min(b.open, b.close) - 2;
    b.volume = 10 + (static_cast<int>(b.close) % 7);
  }
  intent_list out;
  std::size_t i = 0;
  for (auto _ : st) {
    s->on_bar(bars[i++ & 4095], out);
    out.clear();
  }
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK_CAPTURE(strategy_on_bar, ema_cross, std::string{"ema_cross"});
BENCHMARK_CAPTURE(strategy_on_bar, breakout, std::string{"breakout"});
BENCHMARK_CAPTURE(strategy_on_bar, mean_reversion,
                  std::string{"mean_reversion"});

/// Trades of one instrument, 1 ms apart, as the feed publishes them.
std::vector<trade_tick> make_trades(std::size_t n) {
  walk w;
  std::vector<trade_tick> out(n);
  timestamp t = 1'700'000'000'000'000'000;
  for (auto& x : out) {
    x.instrument = "BTCUSDT";
    x.price = w.next();
    x.qty = 0.01;
    x.trade_id = std::to_string(t % 1'000'000'007);
    x.event_time = x.recv_time = (t += 1'000'000);
  }
  return out;
}

/// Ticks through the engine: routing, bar building and the strategies.
/// Arg 0: strategy entries; the label names them.
void engine_ticks(benchmark::State& st, std::vector<std::string> entries) {
  signal_config cfg;
  cfg.strategies = std::move(entries);
  auto trades = make_trades(1 << 16);
  signal_engine engine{cfg};
  std::vector<signal> out;
  std::size_t i = 0;
  timestamp shift = 0;
  for (auto _ : st) {
    auto& t = trades[i];
    if (++i == trades.size()) { // wrap around, keeping time moving forward
      i = 0;
      shift += 65'536'000'000;
    }
    trade_tick x = t;
    x.event_time += shift;
    engine.on_trade(x, out);
    out.clear();
  }
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK_CAPTURE(engine_ticks, ema_cross_1s_bars,
                  std::vector<std::string>{"ema_cross * bars=1s"});
BENCHMARK_CAPTURE(engine_ticks, ema_cross_10_tick_bars,
                  std::vector<std::string>{"ema_cross * bars=ticks:10"});
BENCHMARK_CAPTURE(engine_ticks, three_strategies_1s_bars,
                  std::vector<std::string>{"ema_cross * bars=1s",
                                           "breakout * bars=1s",
                                           "mean_reversion * bars=1s"});

} // namespace

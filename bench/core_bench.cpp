// Hot-path benchmarks of the pure core (no actor system): risk decisions,
// sizing, and the synthetic market. SPEC targets to beat: risk validation
// < 10 ms, position sizing < 5 ms. Results: docs/performance.md.
//   build/bench/cdb_bench [--benchmark_filter=risk]
#include <benchmark/benchmark.h>

#include "actors/feed/synthetic_market.hpp"
#include "actors/risk/engine.hpp"
#include "actors/risk/sizing.hpp"
#include "actors/risk/sizing_methods.hpp"
#include "bench/bench_messages.hpp"

namespace {

using namespace cdb;
using bench::make_signal;
using bench::quote;

constexpr timestamp t0 = 1'700'000'000'000'000'000;

/// One sizing by each method of sizing_methods.hpp, with its audit trail.
void sizing_method_bench(benchmark::State& st, sizing_method m) {
  sizing_config cfg;
  cfg.method = m;
  sizing_inputs in;
  in.equity = 100000;
  in.entry = 30000;
  in.stop_hint = 300;
  in.volatility = 0.9;
  in.atr = 150;
  in.stats = {100, 0.45, 300, 150};
  for (auto _ : st) {
    auto r = size_position(cfg, in);
    benchmark::DoNotOptimize(r);
    in.entry += 0.01;
  }
}
BENCHMARK_CAPTURE(sizing_method_bench, fixed_fractional,
                  sizing_method::fixed_fractional);
BENCHMARK_CAPTURE(sizing_method_bench, volatility_target,
                  sizing_method::volatility_target);
BENCHMARK_CAPTURE(sizing_method_bench, kelly, sizing_method::kelly);
BENCHMARK_CAPTURE(sizing_method_bench, atr, sizing_method::atr);
BENCHMARK_CAPTURE(sizing_method_bench, regime, sizing_method::regime);

trading_state active_state() {
  trading_state s;
  s.mode = trading_mode::active;
  return s;
}

/// One signal through every layer, alternating buy and sell so that each
/// decision after the first is a reversal: a closing and an opening order.
void risk_on_signal_reversal(benchmark::State& st) {
  risk_engine engine{risk_config{}, id_source{"dec", "bench", 1},
                     id_source{"ord", "bench", 1}};
  portfolio_snapshot p;
  p.equity = p.cash = 100000;
  p.event_time = t0;
  engine.on_portfolio(p);
  engine.on_state(active_state());
  engine.on_quote(quote(29999, 30001, t0));
  std::uint64_t n = 0;
  std::size_t decisions = 0;
  for (auto _ : st) {
    auto d = n % 2 == 0 ? signal_side::buy : signal_side::sell;
    auto out = engine.on_signal(make_signal(d, ++n, t0), t0);
    decisions += out.size();
    benchmark::DoNotOptimize(out);
  }
  st.counters["decisions/signal"] = benchmark::Counter(
    static_cast<double>(decisions) / static_cast<double>(n ? n : 1));
}
BENCHMARK(risk_on_signal_reversal);

/// A signal rejected by the first data layer (stale quote): the cheap path.
void risk_on_signal_rejected(benchmark::State& st) {
  risk_engine engine{risk_config{}, id_source{"dec", "bench", 1},
                     id_source{"ord", "bench", 1}};
  portfolio_snapshot p;
  p.equity = p.cash = 100000;
  engine.on_portfolio(p);
  engine.on_state(active_state());
  engine.on_quote(quote(29999, 30001, t0));
  auto late = t0 + 60'000'000'000;
  std::uint64_t n = 0;
  for (auto _ : st) {
    auto out = engine.on_signal(make_signal(signal_side::buy, ++n, late), late);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(risk_on_signal_rejected);

/// Quote updates risk keeps per instrument (every tick reaches risk).
void risk_on_quote(benchmark::State& st) {
  risk_engine engine{risk_config{}, id_source{"dec", "bench", 1},
                     id_source{"ord", "bench", 1}};
  auto q = quote(29999, 30001, t0);
  for (auto _ : st) {
    ++q.event_time;
    engine.on_quote(q);
  }
}
BENCHMARK(risk_on_quote);

/// Synthetic market steps (two instruments: two quotes, ~two trades).
void synthetic_market_step(benchmark::State& st) {
  synthetic_config cfg;
  synthetic_market m{cfg, t0};
  std::vector<quote_tick> quotes;
  std::vector<trade_tick> trades;
  std::size_t ticks = 0;
  for (auto _ : st) {
    quotes.clear();
    trades.clear();
    m.step(quotes, trades);
    ticks += quotes.size() + trades.size();
  }
  st.counters["ticks"] = benchmark::Counter(static_cast<double>(ticks),
                                            benchmark::Counter::kIsRate);
}
BENCHMARK(synthetic_market_step);

} // namespace

BENCHMARK_MAIN();

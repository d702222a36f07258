// The paper venue's order handling in the pure layer: a market order
// accepted and filled against L1 (best bid/offer), and a quote update with
// nothing working (the per-tick cost). Target (issue 6): <= 1 us per market
// order against L1.
//   build/bench/cdb_bench --benchmark_filter=venue
#include <benchmark/benchmark.h>

#include "actors/execution/venue.hpp"
#include "bench/bench_messages.hpp"

namespace {

using namespace cdb;

/// Counts what the venue reports, nothing more.
struct null_sink : venue_sink {
  std::uint64_t fills = 0;
  void on_order(const order&) override {}
  void on_event(const order_event&) override {}
  void on_fill(const fill&) override {
    ++fills;
  }
  void on_funding(const std::string&, double, double, timestamp) override {}
  void on_alarm(const std::string&, timestamp) override {}
};

venue_ids bench_ids() {
  return {{"oev", "b", 0}, {"fil", "b", 0}, {"xit", "b", 0}, {"liq", "b", 0}};
}

void venue_market_order_l1(benchmark::State& st) {
  execution_config cfg;
  cfg.latency = 0;
  cfg.initial_cash = 1e12; // millions of fees
  null_sink sink;
  venue v{cfg, bench_ids(), sink};
  timestamp t = 1'700'000'000'000'000'000;
  v.on_quote(bench::quote(29999.5, 30000.5, t), 0);
  order o;
  o.instrument = "BTCUSDT";
  o.qty = 0.01;
  o.event_time = t;
  std::uint64_t n = 0;
  for (auto _ : st) {
    // Buy and sell in turn: the position stays bounded.
    o.id = "ord-b-0-" + std::to_string(++n);
    o.direction = (n & 1) != 0 ? side::buy : side::sell;
    v.submit(o, t);
  }
  if (sink.fills != n)
    st.SkipWithError("an order did not fill");
  st.SetItemsProcessed(static_cast<std::int64_t>(n));
}
BENCHMARK(venue_market_order_l1);

void venue_quote_update(benchmark::State& st) {
  execution_config cfg;
  null_sink sink;
  venue v{cfg, bench_ids(), sink};
  timestamp t = 1'700'000'000'000'000'000;
  auto q = bench::quote(29999.5, 30000.5, t);
  std::int64_t n = 0;
  for (auto _ : st) {
    q.event_time = (t += 1'000'000);
    q.bid += (n & 1) != 0 ? 0.5 : -0.5;
    q.ask = q.bid + 1;
    v.on_quote(q, t);
    ++n;
  }
  st.SetItemsProcessed(n);
}
BENCHMARK(venue_quote_update);

/// A resting limit order on the book while trades print above it: the
/// per-trade cost with one working order.
void venue_trade_with_resting_limit(benchmark::State& st) {
  execution_config cfg;
  cfg.latency = 0;
  null_sink sink;
  venue v{cfg, bench_ids(), sink};
  timestamp t = 1'700'000'000'000'000'000;
  v.on_quote(bench::quote(29999.5, 30000.5, t), 0);
  order o;
  o.id = "ord-rest";
  o.instrument = "BTCUSDT";
  o.type = order_type::limit;
  o.limit_price = 29000;
  o.qty = 0.01;
  o.event_time = t;
  v.submit(o, t);
  trade_tick x;
  x.instrument = "BTCUSDT";
  x.price = 30000;
  x.qty = 0.01;
  std::int64_t n = 0;
  for (auto _ : st) {
    x.event_time = (t += 1'000'000);
    v.on_trade(x, t);
    ++n;
  }
  st.SetItemsProcessed(n);
}
BENCHMARK(venue_trade_with_resting_limit);

} // namespace

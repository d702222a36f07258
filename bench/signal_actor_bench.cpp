// Signal-actor throughput: trades sent to a running signal actor (two
// scheduler threads, as on the project machine), in batches of 1000
// (trade_batch, as a backtest sends them) and one message per trade (the
// live path). Each iteration ends when the actor has answered a status
// request queued behind the trades, so every trade has been handled.
// Target (issue 4): batched, within 2x of the pure engine (engine_ticks in
// cdb_bench).
//   build/bench/cdb_actor_bench
#include <atomic>
#include <random>

#include <benchmark/benchmark.h>

#include <caf/all.hpp>

#include "actors/signal/signal_actor.hpp"
#include "bench/stand_ins.hpp"
#include "messages/register.hpp"
#include "runtime/clock.hpp"
#include "runtime/log.hpp"

namespace {

using namespace cdb;

struct counter {
  std::atomic<std::uint64_t> signals{0};
};

/// cdb's two workers on its scheduler (bench/stand_ins.hpp).
using bench::bench_config;

std::vector<trade_tick> make_trades(std::size_t n, timestamp t) {
  std::mt19937_64 rng{7};
  std::normal_distribution<double> step{0, 3};
  double price = 30000;
  std::vector<trade_tick> out(n);
  for (auto& x : out) {
    x.instrument = "BTCUSDT";
    x.price = (price += step(rng));
    x.qty = 0.01;
    x.event_time = x.recv_time = (t += 1'000'000);
  }
  return out;
}

void signal_actor_ticks(benchmark::State& st) {
  auto batch_size = static_cast<std::size_t>(st.range(0));
  constexpr std::size_t ticks = 100'000;
  bench_config cfg;
  caf::actor_system sys{cfg};
  cdb::log::set_level(cdb::log::level::error);
  counter c;
  auto risk = sys.spawn(
    [](signal_sink::pointer, counter* cp) -> signal_sink::behavior_type {
      return {[cp](const signal&) { cp->signals.fetch_add(1); }};
    },
    &c);
  signal_config sc;
  sc.strategies = {"ema_cross * bars=1s"};
  actor_context ctx{"bench", 1, std::make_shared<wall_clock>(),
                    std::make_shared<node_metrics>(), nullptr};
  auto sig = sys.spawn(spawn_signal, sc, ctx);
  caf::scoped_actor self{sys};
  self->send(sig, signal_wiring{feed_actor{}, risk, persistence_actor{}});
  timestamp t = 1'700'000'000'000'000'000;
  auto dest = caf::actor_cast<caf::actor>(sig);
  for (auto _ : st) {
    st.PauseTiming();
    auto trades = make_trades(ticks, t);
    t = trades.back().event_time;
    std::vector<caf::message> msgs;
    if (batch_size > 1) {
      for (std::size_t i = 0; i < ticks; i += batch_size) {
        trade_batch b;
        b.trades.assign(
          trades.begin() + static_cast<std::ptrdiff_t>(i),
          trades.begin()
            + static_cast<std::ptrdiff_t>(std::min(ticks, i + batch_size)));
        msgs.push_back(caf::make_message(std::move(b)));
      }
    } else {
      for (auto& x : trades)
        msgs.push_back(caf::make_message(std::move(x)));
    }
    st.ResumeTiming();
    for (auto& m : msgs)
      self->send(dest, std::move(m));
    self->request(sig, caf::infinite, state_atom::value)
      .receive([](signal_status& s) { benchmark::DoNotOptimize(s); },
               [&](caf::error& e) { st.SkipWithError(to_string(e).c_str()); });
  }
  st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(ticks));
  st.counters["signals"] = static_cast<double>(c.signals.load());
  self->send_exit(sig, caf::exit_reason::user_shutdown);
  self->send_exit(risk, caf::exit_reason::user_shutdown);
}
BENCHMARK(signal_actor_ticks)
  ->Arg(1000)
  ->Arg(1)
  ->Unit(benchmark::kMillisecond)
  ->UseRealTime();

} // namespace

BENCHMARK_MAIN();

// Execution-actor throughput: quotes and market orders (each order fills at
// once, latency 0) through a running execution actor on two scheduler
// threads. A stand-in for risk forwards them (execution takes orders from
// its risk only) and, last, a snapshot request, whose answer means every
// order before it was handled. Reports fills/s.
//   build/bench/cdb_actor_bench --benchmark_filter=execution
#include <benchmark/benchmark.h>

#include <caf/all.hpp>

#include "actors/execution/execution_actor.hpp"
#include "bench/bench_messages.hpp"
#include "bench/stand_ins.hpp"
#include "messages/register.hpp"
#include "runtime/clock.hpp"
#include "runtime/log.hpp"

namespace {

using namespace cdb;

/// cdb's two workers on its scheduler (bench/stand_ins.hpp).
using bench::bench_config;

/// Stands in for risk: forwards what it gets to execution, in order.
caf::behavior forwarder(caf::event_based_actor* self,
                        const execution_actor& exec) {
  return {
    [self, exec](const quote_tick& q) { self->send(exec, q); },
    [self, exec](const submit_order& o) { self->send(exec, o); },
    [self, exec](snapshot_atom) {
      return self->delegate(exec, snapshot_atom::value);
    },
    [](const portfolio_snapshot&) {},
  };
}

void execution_actor_fills(benchmark::State& st) {
  constexpr std::size_t orders = 20'000;
  bench_config cfg;
  caf::actor_system sys{cfg};
  cdb::log::set_level(cdb::log::level::error);
  execution_config ec;
  ec.latency = 0;
  ec.initial_cash = 1e12;
  auto metrics = std::make_shared<node_metrics>();
  actor_context ctx{"bench", 1, std::make_shared<wall_clock>(), metrics,
                    nullptr};
  auto exec = sys.spawn(spawn_execution, ec, ctx);
  auto risk = sys.spawn(forwarder, exec);
  caf::scoped_actor self{sys};
  execution_wiring w;
  w.risk = caf::actor_cast<portfolio_sink>(risk);
  self->send(exec, w);
  timestamp t = 1'700'000'000'000'000'000;
  std::uint64_t n = 0;
  for (auto _ : st) {
    st.PauseTiming();
    std::vector<caf::message> msgs;
    msgs.reserve(2 * orders);
    for (std::size_t i = 0; i < orders; ++i) {
      t += 1'000'000;
      msgs.push_back(caf::make_message(bench::quote(29999.5, 30000.5, t)));
      order o;
      o.id = "ord-b-0-" + std::to_string(++n);
      o.instrument = "BTCUSDT";
      o.direction = (n & 1) != 0 ? side::buy : side::sell;
      o.qty = 0.01;
      o.event_time = o.init_time = t;
      msgs.push_back(caf::make_message(submit_order{o}));
    }
    st.ResumeTiming();
    for (auto& m : msgs)
      self->send(risk, std::move(m));
    self->request(risk, caf::infinite, snapshot_atom::value)
      .receive([](portfolio_snapshot& s) { benchmark::DoNotOptimize(s); },
               [&](caf::error& e) { st.SkipWithError(to_string(e).c_str()); });
  }
  if (metrics->fills.load() != n)
    st.SkipWithError("an order did not fill");
  st.SetItemsProcessed(static_cast<std::int64_t>(n));
  self->send_exit(risk, caf::exit_reason::user_shutdown);
  self->send_exit(exec, caf::exit_reason::user_shutdown);
}
BENCHMARK(execution_actor_fills)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace

// What the metrics cost the hot path. The primitives (histogram observe,
// label-table lookup, feed counter), also from two threads at once on the
// same cells (contention), and an actor's message throughput with and
// without the instrumented base (count + two steady_clock reads +
// histogram + mailbox gauge per message), on two scheduler threads.
//   build/bench/cdb_actor_bench --benchmark_filter=metrics
#include <chrono>
#include <utility>

#include <benchmark/benchmark.h>

#include <caf/all.hpp>

#include "runtime/instrumented.hpp"
#include "runtime/metrics.hpp"

namespace {

using namespace cdb;

void metrics_histogram_observe(benchmark::State& st) {
  static latency_histogram h{1e-7};
  double x = 1.5e-6;
  for (auto _ : st) {
    h.observe(x);
    x = x < 1e-3 ? x * 1.07 : 1.5e-6;
  }
}
BENCHMARK(metrics_histogram_observe)->Threads(1)->Threads(2);

void metrics_histogram_record(benchmark::State& st) {
  // The single-writer form an actor uses for its handling time.
  latency_histogram h{1e-7};
  double x = 1.5e-6;
  for (auto _ : st) {
    h.record(x);
    x = x < 1e-3 ? x * 1.07 : 1.5e-6;
  }
  benchmark::DoNotOptimize(h.count());
}
BENCHMARK(metrics_histogram_record);

void metrics_steady_clock(benchmark::State& st) {
  // Two of these per message handled.
  for (auto _ : st)
    benchmark::DoNotOptimize(std::chrono::steady_clock::now());
}
BENCHMARK(metrics_steady_clock);

void metrics_label_lookup_decision(benchmark::State& st) {
  // Decisions: three labels, a dozen label sets seen, the last one hit.
  static label_table<counter_cell, 3, 128> t;
  const char* layers[] = {"sizing", "exposure", "position_limit", "spread"};
  const char* reasons[] = {"ok", "capped", "limit_reached"};
  for (auto* l : layers)
    for (auto* r : reasons)
      t.at({"approved", l, r});
  for (auto _ : st)
    t.at({"approved", "spread", "limit_reached"})++;
}
BENCHMARK(metrics_label_lookup_decision)->Threads(1)->Threads(2);

void metrics_label_lookup_instrument(benchmark::State& st) {
  // The feed's per-message data age: one label, two instruments.
  static label_table<instrument_feed, 1, 256> t;
  t.at({"BTCUSDT"});
  std::int64_t now = 0;
  for (auto _ : st)
    t.at({"ETHUSDT"}).last_data.store(++now, std::memory_order_relaxed);
}
BENCHMARK(metrics_label_lookup_instrument);

void metrics_count_feed(benchmark::State& st) {
  static node_metrics m;
  for (auto _ : st)
    count_feed(m, feed_kind::trade);
}
BENCHMARK(metrics_count_feed)->Threads(1)->Threads(2);

// -- actor throughput ---------------------------------------------------------

using sink_actor = caf::typed_actor<caf::reacts_to<int>,
                                    caf::replies_to<std::string>::with<int>>;

struct sink_state {
  int sum = 0;
};

template <class Self>
sink_actor::behavior_type sink_behavior(Self self) {
  return {
    [self](int x) { self->state.sum += x; },
    [self](const std::string&) { return self->state.sum; },
  };
}

sink_actor::behavior_type
plain_sink(sink_actor::stateful_pointer<sink_state> self, int) {
  return sink_behavior(self);
}

sink_actor::behavior_type
instrumented_sink(instrumented_pointer<sink_actor, sink_state> self,
                  std::shared_ptr<actor_stats> stats) {
  self->instrument(std::move(stats));
  return sink_behavior(self);
}

struct bench_config : caf::actor_system_config {
  bench_config() {
    caf::put(content, "scheduler.max-threads", 2);
    caf::put(content, "logger.console-verbosity", "quiet");
  }
};

template <class Spawn>
void run_sink(benchmark::State& st, Spawn spawn) {
  constexpr int messages = 100'000;
  bench_config cfg;
  caf::actor_system sys{cfg};
  auto sink = spawn(sys);
  caf::scoped_actor self{sys};
  std::int64_t n = 0;
  for (auto _ : st) {
    for (int i = 0; i < messages; ++i)
      self->send(sink, 1);
    self->request(sink, caf::infinite, std::string{"sum"})
      .receive([](int) {}, [](caf::error&) {});
    n += messages;
  }
  st.SetItemsProcessed(n);
  self->send_exit(sink, caf::exit_reason::kill);
}

void metrics_actor_plain(benchmark::State& st) {
  run_sink(st, [](caf::actor_system& sys) { return sys.spawn(plain_sink, 0); });
}
BENCHMARK(metrics_actor_plain)->Unit(benchmark::kMillisecond)->UseRealTime();

void metrics_actor_instrumented(benchmark::State& st) {
  auto m = std::make_shared<node_metrics>();
  run_sink(st, [m](caf::actor_system& sys) {
    return sys.spawn(instrumented_sink, stats_of(m, "risk"));
  });
}
BENCHMARK(metrics_actor_instrumented)
  ->Unit(benchmark::kMillisecond)
  ->UseRealTime();

} // namespace

// Stand-ins the latency benches share: the account and trading state risk
// needs, an actor system configured as cdb's, and execution and
// persistence actors that do no work but are instrumented and capped as
// the real ones. The execution stand-in tells a driver when each order
// arrives: (steady_clock ticks, reduce_only, the order's event time); the
// persistence stand-in acknowledges as the real one does and tells an
// observer of every risk decision: (decided_atom, approved, event time,
// the decision's init_time) and, when asked, of every signal:
// (signalled_atom, event time, the signal's init_time).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <caf/all.hpp>

#include "actors/persistence/persistence_actor.hpp"
#include "actors/risk/risk_actor.hpp"
#include "bench/bench_messages.hpp"
#include "messages/register.hpp"
#include "runtime/clock.hpp"
#include "runtime/cpu_placement.hpp"
#include "runtime/home_scheduler.hpp"
#include "runtime/instrumented.hpp"
#include "runtime/log.hpp"

namespace cdb::bench {

using steady = std::chrono::steady_clock;
using decided_atom = caf::atom_constant<caf::atom("decided")>;
using signalled_atom = caf::atom_constant<caf::atom("signalled")>;

inline portfolio_snapshot account(timestamp t) {
  portfolio_snapshot p;
  p.equity = p.cash = p.start_of_day_equity = 100000;
  p.event_time = t;
  return p;
}

inline trading_state active(timestamp t) {
  trading_state s;
  s.id = "bench";
  s.mode = trading_mode::active;
  s.since = t;
  return s;
}

/// The scheduler of the benches' actor systems: cdb's (run.scheduler=home,
/// runtime/home_scheduler.hpp), or CAF's work stealing when the environment
/// says CDB_BENCH_SCHEDULER=stealing.
inline std::string bench_scheduler() {
  auto name = std::getenv("CDB_BENCH_SCHEDULER");
  return name != nullptr && std::string{name} == "stealing" ? "stealing"
                                                            : "home";
}

/// An actor system of the benches: cdb's message types, `threads` workers
/// (cdb runs 2) on bench_scheduler(), CAF quiet.
struct bench_config : caf::actor_system_config {
  explicit bench_config(std::size_t threads = default_scheduler_threads) {
    register_messages(*this);
    caf::put(content, "scheduler.max-threads", threads);
    caf::put(content, "logger.console-verbosity", "quiet");
    if (bench_scheduler() == "home") {
      use_home_scheduler(*this);
      place_home_worker();
    }
  }

  /// CDB_BENCH_HOME_CPU=N: the home worker on CPU N, the other threads off
  /// it, as run.home_cpu=N does for cdb.
  static void place_home_worker() {
    auto cpu = std::getenv("CDB_BENCH_HOME_CPU");
    if (cpu == nullptr || *cpu == '\0')
      return;
    char* end = nullptr;
    auto n = std::strtol(cpu, &end, 10);
    std::string error;
    if (*end != '\0' || n < 0)
      error = "not a CPU number";
    else
      cpu_placement::set(static_cast<int>(n), error);
    if (!error.empty())
      std::fprintf(stderr, "CDB_BENCH_HOME_CPU=%s: %s\n", cpu, error.c_str());
  }
};

/// The actors' context on the wall clock, each actor handling `throughput`
/// messages per run (cdb: run.actor_throughput). Risk logs every decision
/// at info: only warnings from here on.
inline actor_context bench_context(std::size_t throughput) {
  cdb::log::set_level(cdb::log::level::warning);
  actor_context ctx;
  ctx.run_id = "bench";
  ctx.clock = std::make_shared<wall_clock>();
  ctx.metrics = std::make_shared<node_metrics>();
  ctx.throughput = throughput;
  return ctx;
}

/// What risk needs before it decides: a quote, the account, ACTIVE.
inline void prime_risk(caf::scoped_actor& self, const risk_actor& risk,
                       timestamp t) {
  self->send(risk, quote(29999, 30001, t));
  self->send(risk, account(t));
  self->send(risk, active(t));
}

struct exec_state {
  caf::actor driver;
};

/// Stands in for execution: tells the driver when each order arrives.
/// Instrumented and capped as the real one (one message per run).
inline execution_actor::behavior_type
fake_execution(instrumented_pointer<execution_actor, exec_state> self,
               const actor_context& ctx, caf::actor driver) {
  instrument(self, ctx, "execution");
  self->state.driver = std::move(driver);
  return {
    [](const quote_tick&) {},
    [](const trade_tick&) {},
    [](const trade_batch&) {},
    [](const market_history&) {},
    [](const book_snapshot&) {},
    [](const bar&) {},
    [](const mark_price&) {},
    [](const feed_status&) {},
    [self](const submit_order& o) {
      caf::anon_send(self->state.driver,
                     steady::now().time_since_epoch().count(),
                     o.value.reduce_only, o.value.event_time);
    },
    [](const cancel_order&) {},
    [](const amend_order&) {},
    [](const execution_wiring&) {},
    [](timer_atom) {},
    [](recover_account_atom) {},
    [](const persisted_ack&) {},
    [](flush_atom) { return std::uint64_t{0}; },
    [](snapshot_atom) { return portfolio_snapshot{}; },
    [](last_account_atom) { return portfolio_snapshot{}; },
  };
}

/// Stands in for persistence: takes everything, writes nothing, and
/// acknowledges as persistence does (per batch_size events, or every
/// flush_interval), so the producers' outboxes stay as small as in
/// production.
struct null_persistence_state {
  event_senders unacked;
};

/// `observer` (may be null) hears of every risk decision, approved or not,
/// and with `signals` of every signal. Instrumented and capped as the real
/// one.
inline persistence_actor::behavior_type null_persistence(
  instrumented_pointer<persistence_actor, null_persistence_state> self,
  const actor_context& ctx, const caf::actor& observer, bool signals) {
  instrument(self, ctx, "persistence");
  persistence_config cfg;
  auto keep = [self, batch = cfg.batch_size](const std::string& id) {
    if (auto sender = self->current_sender())
      self->state.unacked.emplace_back(std::move(sender), id);
    if (self->state.unacked.size() >= batch)
      acknowledge(self->state.unacked);
  };
  auto every = std::chrono::nanoseconds{cfg.flush_interval};
  self->delayed_send(self, every, timer_atom::value);
  return {
    [keep, observer, signals](const signal& x) {
      keep(x.id);
      if (observer && signals)
        caf::anon_send(observer, signalled_atom::value, x.event_time,
                       x.init_time);
    },
    [keep, observer](const risk_decision& x) {
      keep(x.id);
      if (observer)
        caf::anon_send(observer, decided_atom::value, x.approved, x.event_time,
                       x.init_time);
    },
    [keep](const order& x) { keep(x.id); },
    [keep](const order_event& x) { keep(x.id); },
    [keep](const fill& x) { keep(x.id); },
    [keep](const portfolio_snapshot& x) { keep(x.id); },
    [keep](const trading_state& x) { keep(x.id); },
    [](const feed_status&) {},
    [](const bar&) {},
    [self, every](timer_atom) {
      acknowledge(self->state.unacked);
      self->delayed_send(self, every, timer_atom::value);
    },
    [](flush_atom) { return std::uint64_t{0}; },
    [](recover_bars_atom, std::uint32_t) { return recorded_bars{}; },
    [](recover_atom) { return trading_state{}; },
    [](recover_account_atom) { return account_recovery{}; },
  };
}

} // namespace cdb::bench

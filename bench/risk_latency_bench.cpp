// Risk decision latency as percentiles (issue 5's targets: p99 <= 2 us for
// the pure decision, <= 20 us for the risk actor's signal-to-order path).
//   pure:  risk_engine::on_signal (sizing and every layer) per call;
//          half the signals are reversals (a closing and an opening
//          order), half open a position from flat
//   actor: a driver sends a signal to the risk actor of a running actor
//          system (scheduler threads as cdb runs: 2); the stand-in for
//          execution notes when the submit_order arrives; the next signal
//          goes once it has. Risk also sends its decision and order to a
//          stand-in persistence, as in production. "busy": the driver is an
//          actor (the scheduler's threads stay awake, as under a stream of
//          ticks); "idle": the driver is the blocked main thread, so each
//          signal also pays for waking threads up.
//   tick:  tick-to-order on the live path: a driver actor hands one trade
//          at a time to the real signal actor (ema_cross on 1 s bars, each
//          trade closing a bar, as the feed sends it: one message per
//          trade), which signals the real risk actor, which sends
//          submit_order to the execution stand-in; timed from handing the
//          trade over to the first order's arrival, for every trade that
//          became an order (the others only move the bars on). The next
//          trade goes once the last one is settled: the signal actor has
//          answered a status request queued behind it and every decision
//          it caused has reached the persistence stand-in (and, when
//          approved, its order has reached execution).
//   floor: one message between two bare CAF actors on the same scheduler
//          (send to handling, one in flight), the framework's own cost
//          per hop: the signal-to-order path is two hops.
// Usage: cdb_risk_latency [PURE_SIGNALS [ACTOR_SIGNALS [TICKS [THREADS
//                         [ACTOR_THROUGHPUT]]]]]
// (defaults 200000, 20000, 100000, 2 scheduler threads and 1 message per
// actor run, as cdb runs; ACTOR_THROUGHPUT 0 is CAF's default).
// Execution and persistence are stand-ins, instrumented and capped as the
// real ones.
// Results: docs/performance.md; reported, never asserted; the exit status says
// only whether every signal became an order.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/risk/risk_actor.hpp"
#include "actors/signal/signal_actor.hpp"
#include "bench/bench_messages.hpp"
#include "bench/stand_ins.hpp"
#include "runtime/clock.hpp"

namespace {

using namespace cdb;
using namespace cdb::bench;

/// CAF's worker threads in every actor system here: as cdb runs
/// (scheduler.max-threads), or the fourth argument.
std::size_t scheduler_threads = default_scheduler_threads;

/// Messages each of cdb's actors (and the stand-ins) handles per scheduler
/// run: 1 as cdb runs (run.actor_throughput), or the fifth argument (0: as
/// many as there are, CAF's default).
std::size_t actor_throughput = default_actor_throughput;

struct percentiles {
  double p50, p99, p999, max;
};

percentiles summarise(std::vector<double>& us) {
  std::sort(us.begin(), us.end());
  auto at = [&](double q) {
    return us[std::min(us.size() - 1, static_cast<std::size_t>(
                                        q * static_cast<double>(us.size())))];
  };
  return {at(0.5), at(0.99), at(0.999), us.back()};
}

void print(const char* what, std::size_t n, percentiles p) {
  std::printf("%-34s n=%-7zu p50 %7.2f us  p99 %7.2f us  p99.9 %7.2f us  "
              "max %8.2f us\n",
              what, n, p.p50, p.p99, p.p999, p.max);
}

/// Every call of the pure engine, timed one by one.
percentiles pure(std::size_t n) {
  wall_clock clock;
  auto t = clock.now();
  risk_engine engine{risk_config{}, id_source{"dec", "bench", 1},
                     id_source{"ord", "bench", 1}};
  engine.on_state(active(t));
  engine.on_portfolio(account(t));
  engine.on_quote(quote(29999, 30001, t));
  std::vector<double> us;
  us.reserve(n);
  std::size_t orders = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    auto d = i % 2 == 0 ? signal_side::buy : signal_side::sell;
    auto s = make_signal(d, i, t);
    auto start = steady::now();
    auto out = engine.on_signal(s, t);
    auto stop = steady::now();
    us.push_back(
      std::chrono::duration<double, std::micro>(stop - start).count());
    for (auto& o : out)
      orders += o.approved ? 1 : 0;
  }
  if (orders == 0)
    std::fprintf(stderr, "pure: no order approved\n");
  return summarise(us);
}

/// Sends the next quote and signal once the previous signal's opening order
/// reached execution; records each signal-to-order time.
struct driver_state {
  std::shared_ptr<std::vector<double>> us;
  std::uint64_t sent = 0;
  steady::rep start = 0;
};

caf::behavior driver_actor(caf::stateful_actor<driver_state>* self,
                           const risk_actor& risk, std::size_t n,
                           const caf::actor& done,
                           std::shared_ptr<std::vector<double>> us) {
  self->state.us = std::move(us);
  auto next = [self, risk] {
    auto& st = self->state;
    // Buy and sell alternately: from the second signal on, each reversal
    // yields a closing order and then an opening one (the one waited for).
    auto d = st.sent % 2 == 0 ? signal_side::buy : signal_side::sell;
    auto now = wall_clock{}.now();
    self->send(risk, quote(29999, 30001, now)); // risk sees quotes anyway
    st.start = steady::now().time_since_epoch().count();
    self->send(risk, make_signal(d, st.sent++, now));
  };
  return {
    [next](step_atom) { next(); },
    [self, next, n, done](steady::rep arrived, bool reduce_only, timestamp) {
      if (reduce_only)
        return;
      auto& st = self->state;
      st.us->push_back(static_cast<double>(arrived - st.start) / 1e3);
      if (st.us->size() == n) {
        self->send(done, drained_atom::value);
        self->quit();
        return;
      }
      next();
    },
  };
}

/// Signal sent to the risk actor -> submit_order at execution, one signal
/// in flight at a time. `blocking`: the driver is a scoped actor on the
/// main thread, so every signal also wakes sleeping threads (an idle
/// node); otherwise an actor on the scheduler's threads drives (a busy
/// node).
bool actor_path(std::size_t n, bool blocking, percentiles& out) {
  bench_config cfg{scheduler_threads};
  caf::actor_system sys{cfg};
  caf::scoped_actor main_thread{sys};
  auto ctx = bench_context(actor_throughput);
  auto risk = sys.spawn(spawn_risk, risk_config{}, ctx);
  auto us = std::make_shared<std::vector<double>>();
  us->reserve(n);
  caf::actor driver = blocking ? caf::actor{main_thread}
                               : sys.spawn(driver_actor, risk, n,
                                           caf::actor{main_thread}, us);
  auto exec = sys.spawn(fake_execution, ctx, driver);
  auto db = sys.spawn(null_persistence, ctx, caf::actor{}, false);
  auto t = ctx.clock->now();
  main_thread->send(risk, risk_wiring{feed_actor{}, exec, db, breaker_inbox{}});
  prime_risk(main_thread, risk, t);
  bool complete = true;
  if (!blocking) {
    main_thread->send(driver, step_atom::value);
    main_thread->receive([](drained_atom) {},
                         caf::after(std::chrono::seconds{60}) >>
                           [&] { complete = false; });
  }
  for (std::uint64_t i = 0; blocking && i < n && complete; ++i) {
    auto d = i % 2 == 0 ? signal_side::buy : signal_side::sell;
    auto now = ctx.clock->now();
    main_thread->send(risk, quote(29999, 30001, now));
    auto start = steady::now().time_since_epoch().count();
    main_thread->send(risk, make_signal(d, i, now));
    bool opened = false;
    while (!opened && complete)
      main_thread->receive(
        [&](steady::rep arrived, bool reduce_only, timestamp) {
          if (reduce_only)
            return;
          opened = true;
          us->push_back(static_cast<double>(arrived - start) / 1e3);
        },
        caf::after(std::chrono::seconds{5}) >> [&] { complete = false; });
  }
  for (const auto& h :
       {caf::actor_cast<caf::actor>(risk), caf::actor_cast<caf::actor>(exec),
        caf::actor_cast<caf::actor>(db)})
    main_thread->send_exit(h, caf::exit_reason::user_shutdown);
  if (!blocking)
    main_thread->send_exit(driver, caf::exit_reason::user_shutdown);
  if (!us->empty())
    out = summarise(*us);
  return complete && us->size() == n;
}

/// Hands one trade at a time to the signal actor and times each trade
/// that became an order (see the file's head).
struct tick_driver_state {
  std::shared_ptr<std::vector<double>> us;
  std::vector<trade_tick> trades;
  std::size_t next = 0;
  steady::rep start = 0;
  std::uint64_t signals_before = 0;
  bool answered = true;       ///< the signal actor handled the trade
  std::uint64_t expected = 0; ///< decisions the trade caused
  std::uint64_t decided = 0;
  std::uint64_t approved = 0;
  bool ordered = false; ///< the first order of this trade arrived
};

caf::behavior tick_driver(caf::stateful_actor<tick_driver_state>* self,
                          const signal_actor& sig, const risk_actor& risk,
                          const actor_context& ctx, const caf::actor& done,
                          std::shared_ptr<std::vector<double>> us,
                          std::vector<trade_tick> trades) {
  auto& st = self->state;
  st.us = std::move(us);
  st.trades = std::move(trades);
  auto metrics = ctx.metrics;
  auto send_next = [self, sig, risk, metrics, done] {
    auto& st = self->state;
    if (st.next == st.trades.size()) {
      self->send(done, drained_atom::value);
      self->quit();
      return;
    }
    auto& t = st.trades[st.next++];
    auto now = wall_clock{}.now();
    self->send(risk, quote(t.price - 1, t.price + 1, now)); // fresh quote
    st.signals_before = metrics->signals.load();
    st.answered = st.ordered = false;
    st.expected = st.decided = st.approved = 0;
    st.start = steady::now().time_since_epoch().count();
    self->send(sig, t);
    self->request(sig, caf::infinite, state_atom::value)
      .then([self, metrics](const signal_status&) {
        auto& st = self->state;
        st.answered = true;
        st.expected = metrics->signals.load() - st.signals_before;
        self->send(self, step_atom::value);
      });
  };
  auto settled = [self] {
    auto& st = self->state;
    return st.answered && st.decided >= st.expected
           && (st.approved == 0 || st.ordered);
  };
  return {
    [send_next, settled](step_atom) {
      if (settled())
        send_next();
    },
    [self, send_next, settled](decided_atom, bool approved, timestamp t,
                               timestamp) {
      auto& st = self->state;
      if (t != st.trades[st.next - 1].event_time)
        return; // a second decision of a trade already settled
      ++st.decided;
      st.approved += approved ? 1 : 0;
      if (settled())
        send_next();
    },
    [self, send_next, settled](steady::rep arrived, bool, timestamp t) {
      auto& st = self->state;
      if (t != st.trades[st.next - 1].event_time)
        return; // a second order of a trade already settled
      if (!st.ordered) {
        st.ordered = true;
        st.us->push_back(static_cast<double>(arrived - st.start) / 1e3);
      }
      if (settled())
        send_next();
    },
  };
}

/// A random walk of trades, one per second of event time: with 1 s bars
/// each closes the bar before it.
std::vector<trade_tick> walk(std::size_t n, timestamp t) {
  std::mt19937_64 rng{7};
  std::normal_distribution<double> step{0, 20};
  double price = 30000;
  std::vector<trade_tick> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto& x = out[i];
    x.instrument = "BTCUSDT";
    x.price = (price += step(rng));
    x.qty = 0.01;
    x.trade_id = std::to_string(i);
    x.event_time = x.recv_time = (t += 1'000'000'000);
  }
  return out;
}

/// Tick -> signal actor -> risk actor -> submit_order at execution.
bool tick_path(std::size_t ticks, percentiles& out, std::size_t& orders) {
  bench_config cfg{scheduler_threads};
  caf::actor_system sys{cfg};
  caf::scoped_actor main_thread{sys};
  auto ctx = bench_context(actor_throughput);
  auto t = ctx.clock->now();
  signal_config sc;
  sc.strategies = {"ema_cross * bars=1s fast=2 slow=5 atr=3 cooldown=0"};
  auto sig = sys.spawn(spawn_signal, sc, ctx);
  auto risk = sys.spawn(spawn_risk, risk_config{}, ctx);
  auto us = std::make_shared<std::vector<double>>();
  us->reserve(ticks / 2);
  auto driver = sys.spawn(tick_driver, sig, risk, ctx, caf::actor{main_thread},
                          us, walk(ticks, t));
  auto exec = sys.spawn(fake_execution, ctx, driver);
  auto db = sys.spawn(null_persistence, ctx, driver, false);
  main_thread->send(sig, signal_wiring{feed_actor{}, risk, db});
  main_thread->send(risk, risk_wiring{feed_actor{}, exec, db, breaker_inbox{}});
  prime_risk(main_thread, risk, t);
  main_thread->send(driver, step_atom::value);
  bool complete = true;
  main_thread->receive([](drained_atom) {},
                       caf::after(std::chrono::seconds{120}) >>
                         [&] { complete = false; });
  for (const auto& h :
       {caf::actor_cast<caf::actor>(sig), caf::actor_cast<caf::actor>(risk),
        caf::actor_cast<caf::actor>(exec), caf::actor_cast<caf::actor>(db),
        driver})
    main_thread->send_exit(h, caf::exit_reason::user_shutdown);
  orders = us->size();
  if (!us->empty())
    out = summarise(*us);
  return complete && !us->empty();
}

/// The framework's floor: one message from an actor to another on the
/// same scheduler (as many threads as cdb runs), timed from send to handling;
/// the receiver answers and the next goes once the answer is back (one in
/// flight, the driver busy on the scheduler like the driver above).
struct ping_state {
  std::shared_ptr<std::vector<double>> us;
  std::size_t n = 0;
};

bool ping_pong(std::size_t n, percentiles& out) {
  bench_config cfg{scheduler_threads};
  caf::actor_system sys{cfg};
  caf::scoped_actor main_thread{sys};
  auto us = std::make_shared<std::vector<double>>();
  us->reserve(n);
  // Both spawned with an argument: for none, CAF 0.17 binds a null tuple
  // (UBSan: reference binding to null pointer).
  auto pong = sys.spawn(
    [](caf::event_based_actor*, int) -> caf::behavior {
      return {[](steady::rep sent) {
        auto arrived = steady::now().time_since_epoch().count();
        return arrived - sent;
      }};
    },
    0);
  auto done = caf::actor{main_thread};
  auto ping = sys.spawn(
    [pong, n, us, done](caf::stateful_actor<ping_state>* self,
                        int) -> caf::behavior {
      auto next = [self, pong] {
        self->send(pong, steady::now().time_since_epoch().count());
      };
      return {
        [next](step_atom) { next(); },
        [self, next, n, us, done](steady::rep one_way) {
          us->push_back(static_cast<double>(one_way) / 1e3);
          if (us->size() == n) {
            self->send(done, drained_atom::value);
            self->quit();
            return;
          }
          next();
        },
      };
    },
    0);
  main_thread->send(ping, step_atom::value);
  bool complete = true;
  main_thread->receive([](drained_atom) {}, caf::after(std::chrono::seconds{60})
                                              >> [&] { complete = false; });
  main_thread->send_exit(pong, caf::exit_reason::user_shutdown);
  main_thread->send_exit(ping, caf::exit_reason::user_shutdown);
  if (!us->empty())
    out = summarise(*us);
  return complete && us->size() == n;
}

} // namespace

int main(int argc, char** argv) {
  std::size_t n_pure = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 200'000;
  std::size_t n_actor = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 20'000;
  std::size_t n_ticks = argc > 3 ? std::strtoull(argv[3], nullptr, 10)
                                 : 100'000;
  if (argc > 4)
    scheduler_threads = std::strtoull(argv[4], nullptr, 10);
  if (argc > 5)
    actor_throughput = std::strtoull(argv[5], nullptr, 10);
  if (n_pure == 0 || n_actor == 0 || n_ticks == 0 || scheduler_threads == 0) {
    std::fprintf(stderr, "usage: cdb_risk_latency [PURE_SIGNALS "
                         "[ACTOR_SIGNALS [TICKS [THREADS "
                         "[ACTOR_THROUGHPUT]]]]]\n");
    return 2;
  }
  std::string slack_error; // as cdb sets it (run.timer_slack)
  if (!set_timer_slack(default_timer_slack, slack_error))
    std::fprintf(stderr, "timer slack: %s\n", slack_error.c_str());
  auto home_cpu = std::getenv("CDB_BENCH_HOME_CPU");
  std::printf("CAF scheduler: %s, %zu worker thread(s)%s%s; actors handle %s "
              "per run\n",
              bench_scheduler().c_str(), scheduler_threads,
              home_cpu != nullptr ? ", home worker on CPU " : "",
              home_cpu != nullptr ? home_cpu : "",
              actor_throughput == 0
                ? "every queued message"
                : (std::to_string(actor_throughput) + " message(s)").c_str());
  print("risk decision, pure (on_signal)", n_pure, pure(n_pure));
  bool ok = true;
  for (bool blocking : {false, true}) {
    percentiles p{};
    ok = actor_path(n_actor, blocking, p) && ok;
    print(blocking ? "risk actor, signal -> order (idle)"
                   : "risk actor, signal -> order (busy)",
          n_actor, p);
  }
  percentiles tick{};
  std::size_t tick_orders = 0;
  if (tick_path(n_ticks, tick, tick_orders)) {
    print("tick -> signal -> risk -> order (live)", tick_orders, tick);
  } else {
    std::fprintf(stderr, "tick path: %zu orders from %zu ticks, incomplete\n",
                 tick_orders, n_ticks);
    ok = false;
  }
  percentiles floor{};
  ok = ping_pong(n_actor, floor) && ok;
  print("CAF floor: one message between two actors (busy)", n_actor, floor);
  if (!ok) {
    std::fprintf(stderr, "actor path: not every signal became an order\n");
    return 1;
  }
  return 0;
}

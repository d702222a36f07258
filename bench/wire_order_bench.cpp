// Wire-to-order latency on one node, the whole live path (issue 10, item 2):
// an in-process WebSocket server on loopback writes Binance trade and
// bookTicker messages at a steady rate; the real feed actor (its client
// thread, parser, sequence check, watchdog and history) publishes them to
// the real signal actor (ema_cross on 1 s bars) and the real risk actor,
// wired as a node wires them; risk sends submit_order to an execution
// stand-in. Each trade is one second of event time after the one before,
// so every trade closes a bar; a quote goes half a period before each
// trade, so risk always has a fresh one. Reported, for every trade that
// became an order: its first order's arrival at execution minus the moment
// the server started writing the trade (one steady clock), in
// microseconds; and on the way, the same trades' signal and first risk
// decision (their init_time, stamped by the signal and risk actors on the
// wall clock, against the server's wall clock). Open loop: the trades go at
// their rate whatever the node does, as a venue sends them. Usage:
// cdb_wire_order [TRADES [PER_SECOND [THREADS [TIMER_SLACK_NS]]]] (defaults
// 20000 trades at 5000/s; CAF worker threads and timer slack as cdb runs:
// 2 and 1000 ns). Results: docs/performance.md. Reported, never
// asserted; the exit status says only whether every trade arrived and every
// approved decision's order reached execution.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <caf/all.hpp>

#include "actors/feed/binance_format.hpp"
#include "actors/feed/feed_actor.hpp"
#include "actors/signal/signal_actor.hpp"
#include "bench/loopback_venue.hpp"
#include "bench/stand_ins.hpp"
#include "runtime/clock.hpp"

namespace {

using namespace cdb;
using namespace cdb::bench;

constexpr timestamp second = 1'000'000'000;

/// What the server, the collector and the main thread share. `sent` is
/// written by the server before `go`'s reader joins it; `ordered` and
/// `approved` by the collector, read once the counts say it is done.
struct shared {
  explicit shared(std::size_t n)
    : sent(n + 1), sent_wall(n + 1), signalled(n + 1), decided(n + 1),
      ordered(n + 1), approved(n + 1) {
    // nop
  }
  timestamp first = 0;              ///< Event time of trade 0 (whole s).
  std::vector<steady::rep> sent;    ///< Server starts writing trade i.
  std::vector<timestamp> sent_wall; ///< The same moment, wall clock.
  std::vector<timestamp> signalled; ///< Trade i's signal's init_time.
  std::vector<timestamp> decided;   ///< Its first decision's init_time.
  std::vector<steady::rep> ordered; ///< Trade i's first order (0: none).
  std::vector<char> approved;       ///< Trade i had an approved decision.
  std::atomic<bool> go{false};      ///< Every actor is wired.
  std::atomic<bool> stop{false};    ///< The main thread has everything.
  std::atomic<std::uint64_t> signals{0};
  std::atomic<std::uint64_t> decisions{0};
  std::atomic<std::uint64_t> approved_trades{0};
  std::atomic<std::uint64_t> ordered_trades{0};

  /// The trade an event time belongs to; 0 when none.
  std::size_t index(timestamp t) const {
    auto i = (t - first) / second;
    return i > 0 && static_cast<std::size_t>(i) < sent.size()
             ? static_cast<std::size_t>(i)
             : 0;
  }
};

/// Accepts one client and writes `n` trades, one every 1/rate seconds, each
/// half a period after a quote around its price.
void serve(loopback_venue& venue, shared& s, std::size_t n, double rate) {
  auto ws = venue.accept();
  while (!s.go.load())
    std::this_thread::sleep_for(std::chrono::milliseconds{1});
  auto half = std::chrono::nanoseconds{static_cast<long>(0.5e9 / rate)};
  auto next = steady::now();
  std::mt19937_64 rng{7};
  std::normal_distribution<double> step{0, 20};
  double price = 30000;
  trade_tick t{"BTCUSDT", price, 0.01, side::buy, "", 0, 0};
  quote_tick q;
  q.instrument = "BTCUSDT";
  q.bid_qty = q.ask_qty = 1;
  for (std::size_t i = 1; i <= n; ++i) {
    price += step(rng);
    q.bid = price - 1;
    q.ask = price + 1;
    ws.write(boost::asio::buffer(binance_book_ticker(q, i)));
    next += half;
    std::this_thread::sleep_until(next);
    t.price = price;
    t.event_time = s.first + static_cast<timestamp>(i) * second;
    auto msg = binance_trade(t, i);
    s.sent[i] = steady::now().time_since_epoch().count();
    s.sent_wall[i] = wall_clock{}.now();
    ws.write(boost::asio::buffer(msg));
    next += half;
    std::this_thread::sleep_until(next);
  }
  // Hold the connection until the main thread has everything.
  for (int i = 0; i < 2000 && !s.stop.load(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  boost::system::error_code ignored;
  ws.next_layer().close(ignored);
}

/// Hears of every signal and decision (from the persistence stand-in) and
/// every order (from the execution stand-in); notes each trade's signal,
/// first decision and first order.
caf::behavior collector(caf::event_based_actor*, shared* sp) {
  return {
    [sp](signalled_atom, timestamp t, timestamp init) {
      if (auto i = sp->index(t); i != 0 && sp->signalled[i] == 0)
        sp->signalled[i] = init;
      sp->signals.fetch_add(1);
    },
    [sp](decided_atom, bool approved, timestamp t, timestamp init) {
      auto i = sp->index(t);
      if (i != 0 && sp->decided[i] == 0)
        sp->decided[i] = init;
      if (approved && i != 0 && sp->approved[i] == 0) {
        sp->approved[i] = 1;
        sp->approved_trades.fetch_add(1);
      }
      sp->decisions.fetch_add(1);
    },
    [sp](steady::rep arrived, bool, timestamp t) {
      auto i = sp->index(t);
      if (i != 0 && sp->ordered[i] == 0) {
        sp->ordered[i] = arrived;
        sp->ordered_trades.fetch_add(1);
      }
    },
  };
}

/// Waits up to `limit` for `done`, polling every millisecond.
template <class Predicate>
bool wait_for(Predicate done, std::chrono::milliseconds limit) {
  auto until = steady::now() + limit;
  while (!done()) {
    if (steady::now() > until)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds{1});
  }
  return true;
}

} // namespace

int main(int argc, char** argv) {
  std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 20'000;
  double rate = argc > 2 ? std::strtod(argv[2], nullptr) : 5'000;
  std::size_t threads = argc > 3 ? std::strtoull(argv[3], nullptr, 10)
                                 : default_scheduler_threads;
  auto slack = argc > 4 ? std::strtoll(argv[4], nullptr, 10)
                        : default_timer_slack;
  if (n == 0 || !(rate > 0) || threads == 0) {
    std::fprintf(stderr, "usage: cdb_wire_order [TRADES [PER_SECOND "
                         "[THREADS [TIMER_SLACK_NS]]]]\n");
    return 2;
  }
  if (!bench_timer_slack("cdb_wire_order", slack))
    return 2;
  shared s{n};
  auto ctx = bench_context(default_actor_throughput);
  auto t0 = ctx.clock->now();
  // Whole seconds: each trade's event time is the end of the bar it closes.
  s.first = t0 - t0 % second;
  loopback_venue venue;
  auto port = venue.port();
  std::thread server{[&] { serve(venue, s, n, rate); }};

  bench_config cfg{threads};
  caf::actor_system sys{cfg};
  caf::scoped_actor main_thread{sys};
  feed_config fc;
  fc.source = "binance";
  fc.url = "ws://127.0.0.1:" + std::to_string(port)
           + "/stream?streams=btcusdt@trade/btcusdt@bookTicker";
  fc.rotate_after = 0;
  signal_config sc;
  sc.strategies = {"ema_cross * bars=1s fast=2 slow=5 atr=3 cooldown=0"};
  auto feed = sys.spawn(spawn_feed, fc, ctx, t0);
  auto sig = sys.spawn(spawn_signal, sc, ctx);
  auto risk = sys.spawn(spawn_risk, risk_config{}, ctx);
  auto coll = sys.spawn(collector, &s);
  auto exec = sys.spawn(fake_execution, ctx, coll);
  auto db = sys.spawn(null_persistence, ctx, coll, true);
  main_thread->send(sig, signal_wiring{feed, risk, db});
  main_thread->send(risk, risk_wiring{feed, exec, db, breaker_inbox{}});
  prime_risk(main_thread, risk, t0);
  // The signal actor answers once its wiring (and the feed's history) is
  // done; risk's subscription is one message to the feed.
  bool complete = true;
  main_thread->request(sig, std::chrono::seconds{10}, state_atom::value)
    .receive([](const signal_status&) {},
             [&](caf::error&) { complete = false; });
  std::this_thread::sleep_for(std::chrono::milliseconds{100});
  s.go = true;
  auto& metrics = *ctx.metrics;
  auto limit = std::chrono::milliseconds{
    10'000 + static_cast<long>(1e3 * static_cast<double>(n) / rate)};
  complete = complete
             && wait_for([&] { return metrics.ticks >= 2 * n; }, limit);
  // Queued behind every trade the feed published before counting it.
  main_thread->request(sig, std::chrono::seconds{10}, state_atom::value)
    .receive([](const signal_status&) {},
             [&](caf::error&) { complete = false; });
  // Every signal is at risk now. Settled: every signal and every decision
  // risk counted has reached the collector, every approved trade has its
  // order, and nothing moved for 100 ms (a signal may still have been
  // queued at risk).
  auto settled = [&] {
    return s.signals == metrics.signals.load()
           && s.decisions == metrics.approved + metrics.rejected
           && s.ordered_trades == s.approved_trades;
  };
  std::uint64_t seen = ~std::uint64_t{0};
  auto quiet_since = steady::now();
  complete = complete
             && wait_for(
               [&] {
                 if (!settled() || s.decisions != seen) {
                   seen = s.decisions;
                   quiet_since = steady::now();
                   return false;
                 }
                 return steady::now() - quiet_since
                        > std::chrono::milliseconds{100};
               },
               std::chrono::milliseconds{10'000});
  // The feed first, so that the server's close is no news to it.
  for (const auto& h :
       {caf::actor_cast<caf::actor>(feed), caf::actor_cast<caf::actor>(sig),
        caf::actor_cast<caf::actor>(risk), caf::actor_cast<caf::actor>(exec),
        caf::actor_cast<caf::actor>(db), coll})
    main_thread->send_exit(h, caf::exit_reason::user_shutdown);
  main_thread->wait_for(feed);
  s.stop = true;
  server.join();
  // Every trade that became an order: its signal, first decision, order.
  std::vector<double> us, to_signal, to_decision;
  for (std::size_t i = 1; i <= n; ++i) {
    if (s.ordered[i] == 0)
      continue;
    if (s.signalled[i] == 0 || s.decided[i] == 0) {
      complete = false; // an order without its signal or decision seen
      continue;
    }
    us.push_back(static_cast<double>(s.ordered[i] - s.sent[i]) / 1e3);
    to_signal.push_back(static_cast<double>(s.signalled[i] - s.sent_wall[i])
                        / 1e3);
    to_decision.push_back(static_cast<double>(s.decided[i] - s.sent_wall[i])
                          / 1e3);
  }
  std::printf("cdb_wire_order: %zu trades at %.0f/s over loopback, %zu "
              "scheduler thread(s) (%s), timer slack %lld ns: %llu ticks, %llu "
              "signals, %llu decisions (%llu approved, %llu rejected), %zu "
              "trades became orders\n",
              n, rate, threads, bench_scheduler().c_str(),
              static_cast<long long>(slack),
              static_cast<unsigned long long>(metrics.ticks.load()),
              static_cast<unsigned long long>(metrics.signals.load()),
              static_cast<unsigned long long>(s.decisions.load()),
              static_cast<unsigned long long>(metrics.approved.load()),
              static_cast<unsigned long long>(metrics.rejected.load()),
              us.size());
  if (!complete || us.empty()) {
    std::fprintf(stderr,
                 "cdb_wire_order: incomplete (every trade must "
                 "arrive, every approved decision's order too, and each "
                 "order's signal and decision)\n");
    return 1;
  }
  report_us("wire -> signal", 16, to_signal);
  report_us("wire -> decision", 16, to_decision);
  report_us("wire -> order", 16, us);
  return 0;
}

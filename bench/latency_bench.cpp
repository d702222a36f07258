// Wire-to-subscriber latency of the live feed (issue 3). An in-process
// WebSocket server on loopback writes Binance trade messages at a steady
// rate; the feed actor (its client thread, parser, duplicate/gap check and
// watchdog) publishes them; a subscriber actor notes when each trade
// reaches it. Reports percentiles of
//   wire:    subscriber handles the tick - server starts writing it
//   in-node: subscriber handles the tick - client thread received it
// in microseconds. Usage:
// cdb_latency [MESSAGES [PER_SECOND [POLICY [TIMER_SLACK_NS]]]]
// (defaults 20000 at 5000/s; POLICY: CAF's scheduler, stealing as cdb
// runs, or sharing; the timer slack as cdb runs, run.timer_slack: 1000;
// CAF worker threads as cdb runs: 2).
// Results: docs/performance.md. The numbers are reported, never asserted; the
// exit status says only whether every message arrived.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <caf/all.hpp>

#include "actors/feed/binance_format.hpp"
#include "actors/feed/feed_actor.hpp"
#include "bench/loopback_venue.hpp"
#include "messages/register.hpp"
#include "runtime/clock.hpp"
#include "runtime/context.hpp"

namespace {

using namespace cdb;
using namespace cdb::bench;

timestamp now_ns() {
  return wall_clock{}.now();
}

struct shared {
  explicit shared(std::size_t n) : sent(n + 1), handled(n + 1), recv(n + 1) {
    // nop
  }
  std::vector<timestamp> sent;    ///< Server thread; read after its join.
  std::vector<timestamp> handled; ///< Subscriber; read after `count` == n.
  std::vector<timestamp> recv;
  std::atomic<std::size_t> count{0};
};

/// Accepts one client and writes `n` trades, one every 1/rate seconds.
void serve(loopback_venue& venue, shared& s, std::size_t n, double rate) {
  auto ws = venue.accept();
  auto period = std::chrono::nanoseconds{static_cast<long>(1e9 / rate)};
  auto next = std::chrono::steady_clock::now();
  trade_tick t{"BTCUSDT", 46377.5, 0.01, side::buy, "", 0, 0};
  for (std::size_t i = 1; i <= n; ++i) {
    t.event_time = now_ns();
    auto msg = binance_trade(t, i);
    s.sent[i] = now_ns();
    ws.write(boost::asio::buffer(msg));
    next += period;
    std::this_thread::sleep_until(next);
  }
  // Hold the connection until the subscriber has everything.
  for (int i = 0; i < 500 && s.count.load() < n; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  boost::system::error_code ignored;
  ws.next_layer().close(ignored);
}

} // namespace

int main(int argc, char** argv) {
  std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 20'000;
  double rate = argc > 2 ? std::strtod(argv[2], nullptr) : 5'000;
  auto slack = argc > 4 ? std::strtoll(argv[4], nullptr, 10)
                        : default_timer_slack;
  if (n == 0 || !(rate > 0)) {
    std::fprintf(stderr, "usage: cdb_latency [MESSAGES [PER_SECOND [POLICY "
                         "[TIMER_SLACK_NS]]]]\n");
    return 2;
  }
  if (!bench_timer_slack("cdb_latency", slack))
    return 2;
  shared s{n};
  loopback_venue venue;
  auto port = venue.port();
  std::thread server{[&] { serve(venue, s, n, rate); }};

  caf::actor_system_config cfg;
  register_messages(cfg);
  caf::put(cfg.content, "scheduler.max-threads", default_scheduler_threads);
  if (argc > 3)
    caf::put(cfg.content, "scheduler.policy",
             caf::atom_from_string({argv[3], std::strlen(argv[3])}));
  caf::put(cfg.content, "logger.console-verbosity", "quiet");
  caf::actor_system sys{cfg};
  feed_config fc;
  fc.source = "binance";
  fc.url = "ws://127.0.0.1:" + std::to_string(port)
           + "/stream?streams=btcusdt@trade";
  fc.rotate_after = 0;
  actor_context ctx;
  ctx.run_id = "bench";
  ctx.clock = std::make_shared<wall_clock>();
  ctx.metrics = std::make_shared<node_metrics>();
  // The state comes in as an argument: CAF 0.17.6 dereferences a null
  // pointer when a function-based actor is spawned without one (UBSan).
  auto sink = sys.spawn(
    [](market_sink::pointer, shared* sp) -> market_sink::behavior_type {
      return {
        [sp](const trade_tick& t) {
          auto id = std::strtoull(t.trade_id.c_str(), nullptr, 10);
          if (id == 0 || id >= sp->handled.size())
            return;
          sp->handled[id] = now_ns();
          sp->recv[id] = t.recv_time;
          sp->count.fetch_add(1);
        },
        [](const trade_batch&) {},
        [](const market_history&) {},
        [](const quote_tick&) {},
        [](const book_snapshot&) {},
        [](const bar&) {},
        [](const mark_price&) {},
        [](const feed_status&) {},
      };
    },
    &s);
  auto feed = sys.spawn(spawn_feed, fc, ctx, now_ns());
  caf::anon_send(feed, subscribe_atom::value, sink);
  server.join();
  caf::anon_send_exit(feed, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(sink, caf::exit_reason::user_shutdown);
  auto got = s.count.load();
  std::printf("cdb_latency: %zu of %zu trades at %.0f/s over loopback, "
              "timer slack %lld ns\n",
              got, n, rate, static_cast<long long>(slack));
  if (got != n)
    return 1;
  std::vector<double> wire, node;
  for (std::size_t i = 1; i <= n; ++i) {
    wire.push_back(static_cast<double>(s.handled[i] - s.sent[i]) / 1e3);
    node.push_back(static_cast<double>(s.handled[i] - s.recv[i]) / 1e3);
  }
  report_us("wire", 9, wire);
  report_us("in-node", 9, node);
  return 0;
}

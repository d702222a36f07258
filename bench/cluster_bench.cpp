// Cross-node latency and throughput over CAF's network layer (issue 9).
// Three actor systems in one process, each with its own scheduler (one
// worker), its own middleman thread and real TCP links over 127.0.0.1,
// configured as `cdb node` configures them (heartbeat 500 ms, connection
// timeout 2 s). The messages are cdb's own types, serialized as between
// real nodes; the actors only forward them, so the figures are the cost of
// the links (the decisions' own cost: cdb_risk_latency, cdb_actor_bench).
//
// 1. tick-to-order across three nodes: a trade_tick handed to "signal" on
//    node A becomes a signal to "risk" on node B, which sends a
//    submit_order to "execution" on node C; the latency is the order's
//    arrival at C minus the moment the tick was handed to A (one steady
//    clock). Paced at PER_SECOND ticks/s: latency, not queueing.
// 2. market data from node A to a subscriber on node B: TRADES trades one
//    message each, then in trade_batch messages of 256.
// Usage: cdb_cluster_bench [TICKS [PER_SECOND [TRADES]]] (defaults 20000 at
// 5000/s, 200000 trades). Reported, never asserted; the exit status says
// only whether every message arrived.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "messages/register.hpp"

namespace {

using namespace cdb;
using steady = std::chrono::steady_clock;

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           steady::now().time_since_epoch())
    .count();
}

struct node_cfg : caf::actor_system_config {
  node_cfg() {
    register_messages(*this);
    load<caf::io::middleman>();
    caf::put(content, "scheduler.max-threads", 1);
    caf::put(content, "middleman.heartbeat-interval",
             caf::timespan{std::chrono::milliseconds{500}});
    caf::put(content, "middleman.connection-timeout",
             caf::timespan{std::chrono::seconds{2}});
  }
};

/// Latencies (ns) the execution stand-in records; one writer.
struct record {
  std::vector<std::int64_t> latency;
  std::atomic<std::size_t> count{0};
};

caf::behavior execution_node(caf::event_based_actor*,
                             const std::shared_ptr<record>& rec) {
  return {
    [rec](const submit_order& o) {
      auto i = rec->count.load(std::memory_order_relaxed);
      if (i < rec->latency.size())
        rec->latency[i] = steady_ns() - o.value.init_time;
      rec->count.store(i + 1, std::memory_order_release);
    },
  };
}

caf::behavior risk_node(caf::event_based_actor* self, const caf::actor& exec) {
  return {
    [self, exec](const signal& s) {
      order o;
      o.id = "ord-" + s.id;
      o.decision_id = "dec-" + s.id;
      o.signal_id = s.id;
      o.instrument = s.instrument;
      o.qty = 0.01;
      o.event_time = s.event_time;
      o.init_time = s.init_time;
      self->send(exec, submit_order{std::move(o)});
    },
  };
}

caf::behavior signal_node(caf::event_based_actor* self,
                          const caf::actor& risk) {
  return {
    [self, risk](const trade_tick& t) {
      signal s;
      s.id = t.trade_id;
      s.strategy = "ema_cross";
      s.instrument = t.instrument;
      s.ref_price = t.price;
      s.event_time = t.event_time;
      s.init_time = t.recv_time; // the moment the tick was handed over
      self->send(risk, std::move(s));
    },
  };
}

struct sink_state {
  std::shared_ptr<std::atomic<std::uint64_t>> seen;
};

caf::behavior market_sink_node(caf::stateful_actor<sink_state>* self,
                               std::shared_ptr<std::atomic<std::uint64_t>> n) {
  self->state.seen = std::move(n);
  return {
    [self](const trade_tick&) {
      self->state.seen->fetch_add(1, std::memory_order_release);
    },
    [self](const trade_batch& b) {
      self->state.seen->fetch_add(b.trades.size(), std::memory_order_release);
    },
  };
}

double pct(std::vector<std::int64_t> xs, double p) {
  std::sort(xs.begin(), xs.end());
  auto i = static_cast<std::size_t>(p * static_cast<double>(xs.size() - 1));
  return static_cast<double>(xs[i]) / 1000.0;
}

template <class Handle>
Handle connect(caf::actor_system& sys, std::uint16_t port) {
  auto h = sys.middleman().remote_actor<Handle>("127.0.0.1", port);
  if (!h)
    throw std::runtime_error{"connect to " + std::to_string(port)
                             + " failed: " + sys.render(h.error())};
  return *h;
}

trade_tick make_trade(std::size_t i) {
  trade_tick t;
  t.instrument = "BTCUSDT";
  t.price = 30000 + static_cast<double>(i % 100);
  t.qty = 0.01;
  t.trade_id = std::to_string(i);
  t.event_time = static_cast<timestamp>(i);
  return t;
}

bool wait_for(const std::function<bool()>& done, std::chrono::seconds limit) {
  auto until = steady::now() + limit;
  while (!done()) {
    if (steady::now() > until)
      return false;
    std::this_thread::sleep_for(std::chrono::microseconds{200});
  }
  return true;
}

} // namespace

int main(int argc, char** argv) {
  std::size_t ticks = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 20000;
  double rate = argc > 2 ? std::strtod(argv[2], nullptr) : 5000;
  std::size_t trades = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 200'000;
  node_cfg cfg_a, cfg_b, cfg_c;
  caf::actor_system a{cfg_a}, b{cfg_b}, c{cfg_c};
  std::printf("three actor systems (scheduler.max-threads=1 each, one "
              "middleman thread each), heartbeat 500 ms, connection timeout "
              "2 s, loopback TCP\n");
  // -- tick-to-order across three nodes ---------------------------------------
  auto rec = std::make_shared<record>();
  rec->latency.resize(ticks);
  auto exec = c.spawn(execution_node, rec);
  auto exec_port = c.middleman().publish(exec, 0, "127.0.0.1");
  auto risk = b.spawn(risk_node, connect<caf::actor>(b, *exec_port));
  auto risk_port = b.middleman().publish(risk, 0, "127.0.0.1");
  auto sig = a.spawn(signal_node, connect<caf::actor>(a, *risk_port));
  // Warm-up: links, proxies, first allocations.
  for (std::size_t i = 0; i < 200; ++i) {
    auto t = make_trade(i);
    t.recv_time = steady_ns();
    caf::anon_send(sig, t);
  }
  if (!wait_for([&] { return rec->count.load() >= 200; },
                std::chrono::seconds{20})) {
    std::fprintf(stderr, "warm-up orders did not arrive\n");
    return 1;
  }
  rec->count = 0;
  auto gap = std::chrono::nanoseconds{static_cast<std::int64_t>(1e9 / rate)};
  auto next = steady::now();
  for (std::size_t i = 0; i < ticks; ++i) {
    next += gap;
    while (steady::now() < next) {
      // spin: sleeping would add the timer's slack to the pacing
    }
    auto t = make_trade(i);
    t.recv_time = steady_ns();
    caf::anon_send(sig, t);
  }
  bool all = wait_for([&] { return rec->count.load() >= ticks; },
                      std::chrono::seconds{60});
  std::size_t got = std::min(rec->count.load(), ticks);
  std::vector<std::int64_t> lat(rec->latency.begin(),
                                rec->latency.begin()
                                  + static_cast<std::ptrdiff_t>(got));
  if (!lat.empty())
    std::printf("tick-to-order across 3 nodes, %zu ticks at %.0f/s: "
                "p50 %.1f us  p99 %.1f us  p99.9 %.1f us  max %.1f us\n",
                got, rate, pct(lat, 0.5), pct(lat, 0.99), pct(lat, 0.999),
                pct(lat, 1.0));
  // -- market data between two nodes ------------------------------------------
  auto seen = std::make_shared<std::atomic<std::uint64_t>>(0);
  auto sink = b.spawn(market_sink_node, seen);
  auto sink_port = b.middleman().publish(sink, 0, "127.0.0.1");
  auto remote_sink = connect<caf::actor>(a, *sink_port);
  bool all_md = true;
  for (std::size_t batch : {std::size_t{1}, std::size_t{256}}) {
    seen->store(0);
    auto start = steady::now();
    caf::scoped_actor self{a};
    if (batch == 1) {
      for (std::size_t i = 0; i < trades; ++i)
        self->send(remote_sink, make_trade(i));
    } else {
      for (std::size_t i = 0; i < trades; i += batch) {
        trade_batch tb;
        for (std::size_t j = i; j < std::min(trades, i + batch); ++j)
          tb.trades.push_back(make_trade(j));
        self->send(remote_sink, std::move(tb));
      }
    }
    bool ok = wait_for([&] { return seen->load() >= trades; },
                       std::chrono::seconds{120});
    all_md = all_md && ok;
    auto secs = std::chrono::duration<double>(steady::now() - start).count();
    std::printf("market data node A -> node B, %zu trades, %s: %.0f "
                "trades/s (%.2f s)%s\n",
                trades, batch == 1 ? "one message each" : "trade_batch of 256",
                static_cast<double>(seen->load()) / secs, secs,
                ok ? "" : " INCOMPLETE");
  }
  caf::anon_send_exit(sig, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(risk, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(exec, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(sink, caf::exit_reason::user_shutdown);
  return all && all_md ? 0 : 1;
}

// Persistence throughput and latency against a real PostgreSQL (issue 7's
// targets: >= 100 k events/s sustained; event-to-committed p99 <= 250 ms at
// 10 k events/s).
//   store:  mixed events (per round trip: signal, decision, order, two order
//           events, fill, account snapshot with a position) written by
//           store::write in batches of 500 and 5 000: events/s
//   actor:  a driver sends the same mix to a running persistence actor
//           (batch_size 500, flush_interval 100 ms, as shipped) at 10 k
//           events/s; latency from arrival to durable, from the actor's
//           own histogram (bucket bounds: quantiles up to 25 % high)
// Usage: cdb_persist_bench [EVENTS [SECONDS]] (defaults 200000 and 5), DSN
// from CDB_TEST_DSN or CDB_PERSISTENCE_DSN. Reported, never asserted; the
// exit status says whether every event reached the database.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <thread>

#include <caf/all.hpp>
#include <pqxx/pqxx>

#include "actors/persistence/persistence_actor.hpp"
#include "bench/stand_ins.hpp"
#include "messages/register.hpp"
#include "runtime/log.hpp"

namespace {

using namespace cdb;
using steady = std::chrono::steady_clock;

/// cdb's two workers on its scheduler (bench/stand_ins.hpp).
using bench::bench_config;

/// Seven events of one round trip, ids unique to `tag` and `n`.
void round_trip(event_batch& b, const std::string& tag, std::uint64_t n,
                timestamp t) {
  auto id = [&](const char* kind) {
    return std::string{kind} + '-' + tag + "-1-" + std::to_string(n);
  };
  signal s;
  s.id = id("sig");
  s.strategy = "ema_cross";
  s.instrument = "BTCUSDT";
  s.ref_price = 30000;
  s.reason = "EMA3 crossed above EMA8 at 30000";
  s.event_time = s.init_time = t;
  risk_decision d;
  d.id = id("dec");
  d.signal_id = s.id;
  d.order_id = id("ord");
  d.approved = true;
  d.layer = "position_limit";
  d.reason = "approved";
  d.requested_qty = d.approved_qty = 0.01;
  d.event_time = d.init_time = t;
  order o;
  o.id = d.order_id;
  o.decision_id = d.id;
  o.signal_id = s.id;
  o.instrument = s.instrument;
  o.qty = 0.01;
  o.stop_loss = 29000;
  o.event_time = o.init_time = t;
  order_event accepted;
  accepted.id = id("oev") + "a";
  accepted.order_id = o.id;
  accepted.event_time = accepted.init_time = t;
  auto filled = accepted;
  filled.id = id("oev") + "f";
  filled.kind = order_event_kind::filled;
  fill f;
  f.id = id("fil");
  f.order_id = o.id;
  f.instrument = s.instrument;
  f.qty = o.qty;
  f.price = 30000.5;
  f.fee = 0.18;
  f.event_time = f.init_time = t;
  portfolio_snapshot p;
  p.id = id("eq");
  p.equity = p.cash = 100000;
  p.event_time = t;
  position pos;
  pos.instrument = s.instrument;
  pos.qty = 0.01;
  pos.avg_price = pos.mark = 30000.5;
  p.positions.push_back(pos);
  b.signals.push_back(std::move(s));
  b.decisions.push_back(std::move(d));
  b.orders.push_back(std::move(o));
  b.order_events.push_back(std::move(accepted));
  b.order_events.push_back(std::move(filled));
  b.fills.push_back(std::move(f));
  b.snapshots.push_back(std::move(p));
}

std::string tag() {
  std::random_device rd;
  char buf[32];
  std::snprintf(buf, sizeof(buf), "b%08x", rd());
  return buf;
}

std::int64_t count_fills(const std::string& dsn, const std::string& t) {
  pqxx::connection c{dsn};
  pqxx::nontransaction w{c};
  return w
    .exec("SELECT count(*) FROM fills WHERE id LIKE 'fil-" + t + "-%'")[0][0]
    .as<std::int64_t>();
}

/// store::write in batches of `batch` events; returns events/s.
double store_throughput(const std::string& dsn, std::uint64_t events,
                        std::size_t batch, bool& complete) {
  store db{dsn};
  db.connect();
  auto t = tag();
  auto trips = events / 7;
  event_batch b;
  double busy = 0;
  std::uint64_t written = 0;
  timestamp now = 1'796'112'000'000'000'000;
  for (std::uint64_t n = 0; n < trips; ++n) {
    round_trip(b, t, n, now + static_cast<timestamp>(n) * 1000);
    if (b.size() >= batch || n + 1 == trips) {
      auto start = steady::now();
      db.write(b, "bench");
      busy += std::chrono::duration<double>(steady::now() - start).count();
      written += b.size();
      b.clear();
    }
  }
  complete = complete
             && count_fills(dsn, t) == static_cast<std::int64_t>(trips);
  return static_cast<double>(written) / busy;
}

} // namespace

int main(int argc, char** argv) {
  std::uint64_t events = argc > 1 ? std::strtoull(argv[1], nullptr, 10)
                                  : 200000;
  double seconds = argc > 2 ? std::strtod(argv[2], nullptr) : 5;
  const char* env = std::getenv("CDB_TEST_DSN");
  if (env == nullptr || *env == '\0')
    env = std::getenv("CDB_PERSISTENCE_DSN");
  if (env == nullptr || *env == '\0') {
    std::fprintf(stderr, "cdb_persist_bench: set CDB_TEST_DSN or "
                         "CDB_PERSISTENCE_DSN\n");
    return 2;
  }
  std::string dsn = env;
  cdb::log::set_level(cdb::log::level::error);
  bool complete = true;
  for (std::size_t batch : {500, 5000}) {
    auto rate = store_throughput(dsn, events, batch, complete);
    std::printf("store::write, batches of %-5zu %8llu events  %9.0f events/s\n",
                batch, static_cast<unsigned long long>(events), rate);
  }
  // The actor at a steady 10 000 events/s: 10 round trips (70 events) every
  // 7 ms.
  bench_config cfg;
  caf::actor_system sys{cfg};
  persistence_config pc;
  pc.dsn = dsn;
  auto t = tag();
  // The spool directory: the persistence actor creates nothing else there.
  auto dir = std::filesystem::temp_directory_path() / ("cdb-bench-" + t);
  std::filesystem::create_directories(dir);
  pc.spool_dir = dir.string();
  auto metrics = std::make_shared<node_metrics>();
  actor_context ctx{t, 1, std::make_shared<wall_clock>(), metrics, nullptr};
  run_info run{t, "bench", "0", "0", 0, "bench-" + t};
  auto db = sys.spawn<caf::detached>(spawn_persistence, pc, ctx, run);
  caf::scoped_actor self{sys};
  auto start = steady::now();
  auto next = start;
  std::uint64_t n = 0;
  std::uint64_t sent = 0;
  while (steady::now() - start < std::chrono::duration<double>(seconds)) {
    event_batch b;
    for (int i = 0; i < 10; ++i)
      round_trip(b, t, n++, 1'796'112'000'000'000'000);
    for (auto& x : b.signals)
      self->send(db, std::move(x));
    for (auto& x : b.decisions)
      self->send(db, std::move(x));
    for (auto& x : b.orders)
      self->send(db, std::move(x));
    for (auto& x : b.order_events)
      self->send(db, std::move(x));
    for (auto& x : b.fills)
      self->send(db, std::move(x));
    for (auto& x : b.snapshots)
      self->send(db, std::move(x));
    sent += b.size();
    next += std::chrono::milliseconds{7};
    std::this_thread::sleep_until(next);
  }
  self->request(db, caf::infinite, flush_atom::value)
    .receive([](std::uint64_t) {}, [&](caf::error&) { complete = false; });
  self->send_exit(db, caf::exit_reason::user_shutdown);
  auto& h = metrics->persist_latency;
  std::printf("persistence actor at %.0f events/s for %.1f s: %llu events, "
              "arrival to durable p50 <= %.1f ms  p99 <= %.1f ms  "
              "max <= %.1f ms\n",
              static_cast<double>(sent) / seconds, seconds,
              static_cast<unsigned long long>(sent), h.quantile(0.5) * 1e3,
              h.quantile(0.99) * 1e3, h.quantile(1.0) * 1e3);
  complete = complete && count_fills(dsn, t) == static_cast<std::int64_t>(n);
  if (!complete)
    std::fprintf(stderr, "cdb_persist_bench: events missing in the database\n");
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return complete ? 0 : 1;
}

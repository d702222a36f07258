// The persistence actor with a real PostgreSQL: producers hear which of
// their events are durable (persisted_ack) once committed, and also when
// the database is down and the batch went to the spool.
#define CAF_SUITE persistence_actor_pg
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>

#include <caf/all.hpp>
#include <caf/test/unit_test.hpp>
#include <pqxx/pqxx>

#include "actors/persistence/persistence_actor.hpp"
#include "messages/register.hpp"
#include "tests/support/builders.hpp"

using namespace cdb;

namespace {

struct system_config : caf::actor_system_config {
  system_config() {
    register_messages(*this);
    caf::put(content, "scheduler.max-threads", 2);
    caf::put(content, "logger.console-verbosity", "quiet");
  }
};

std::string unique(const char* prefix) {
  std::random_device rd;
  return prefix + std::to_string(rd() % 1000000000u);
}

signal make_signal(const std::string& id) {
  signal s;
  s.id = id;
  s.strategy = "ema_cross";
  s.instrument = "BTCUSDT";
  s.reason = "test";
  s.event_time = s.init_time = 1'796'112'000'000'000'000;
  return s;
}

/// Sends three signals as `self` and collects acknowledgements for 10 s.
std::vector<std::string> send_and_collect(caf::scoped_actor& self,
                                          const persistence_actor& db,
                                          const std::string& run) {
  for (int i = 1; i <= 3; ++i)
    self->send(db, make_signal("sig-" + run + "-1-" + std::to_string(i)));
  std::vector<std::string> acked;
  bool waiting = true;
  while (waiting && acked.size() < 3)
    self->receive(
      [&](persisted_ack& a) {
        acked.insert(acked.end(), a.ids.begin(), a.ids.end());
      },
      caf::after(std::chrono::seconds{10}) >> [&] { waiting = false; });
  return acked;
}

/// The database the test command started.
std::string test_dsn() {
  auto dsn = std::getenv("CDB_TEST_DSN");
  CAF_REQUIRE(dsn != nullptr); // make test sets it
  return dsn;
}

/// A persistence actor of its own node and run, spooling into a temporary
/// directory; the tests prepare the spool, then start() it.
struct fixture {
  test::temp_dir dir; // first in, last out: after the actor system stopped
  system_config cfg;
  caf::actor_system sys{cfg};
  std::string run = unique("r");
  std::string node = unique("n");
  actor_context ctx{run, 1, std::make_shared<wall_clock>(),
                    std::make_shared<node_metrics>(), nullptr};
  caf::scoped_actor self{sys};
  persistence_actor db;

  std::string spool_path() const {
    return dir.path() + "/" + node + ".spool";
  }

  void start(const std::string& dsn) {
    persistence_config pc;
    pc.dsn = dsn;
    pc.spool_dir = dir.path();
    db = sys.spawn<caf::detached>(spawn_persistence, pc, ctx,
                                  run_info{run, "paper", "0", "0", 0, node});
  }

  ~fixture() {
    if (db)
      self->send_exit(db, caf::exit_reason::user_shutdown);
  }

  int count(const std::string& sql) {
    pqxx::connection c{test_dsn()};
    pqxx::nontransaction w{c};
    return w.exec(sql)[0][0].as<int>();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(persistence_actor_pg_tests, fixture)

CAF_TEST(committed events are acknowledged to their sender) {
  start(test_dsn());
  auto acked = send_and_collect(self, db, run);
  CAF_CHECK_EQUAL(acked.size(), 3u);
  // Acknowledged means in the database.
  CAF_CHECK_EQUAL(
    count("SELECT count(*) FROM signals WHERE id LIKE 'sig-" + run + "-%'"), 3);
  CAF_CHECK_EQUAL(ctx.metrics->persist_spooled.load(), 0u);
}

CAF_TEST(spooled events are acknowledged while the database is down) {
  // No server listens there: every connect fails at once.
  start("host=" + dir.path() + " port=1 dbname=cdb user=cdb connect_timeout=1");
  auto acked = send_and_collect(self, db, run);
  CAF_CHECK_EQUAL(acked.size(), 3u);
  // The run row and the three signals wait on disk.
  CAF_CHECK_EQUAL(ctx.metrics->persist_spooled.load(), 4u);
  CAF_CHECK(ctx.metrics->persist_spool_bytes.load() > 0u);
}

CAF_TEST(an undecodable spool record is set aside and the rest goes on) {
  {
    spool s{spool_path()}; // a record from "another version": valid CRC
    s.append("not a serialised batch", 2);
  }
  start(test_dsn());
  auto acked = send_and_collect(self, db, run);
  CAF_CHECK_EQUAL(acked.size(), 3u);
  std::ifstream aside{spool_path() + ".undecodable", std::ios::binary};
  std::string kept{std::istreambuf_iterator<char>{aside}, {}};
  CAF_CHECK_EQUAL(kept, "not a serialised batch");
  CAF_CHECK_EQUAL(ctx.metrics->persist_spooled.load(), 0u);
}

CAF_TEST(a spool record from before bars were recorded is still written) {
  auto old_id = "sig-" + run + "-0-1";
  {
    event_batch old; // as cdb with schema 5 spooled it: no bars field
    old.signals.push_back(make_signal(old_id));
    std::vector<char> buf;
    caf::binary_serializer sink{sys, buf};
    CAF_REQUIRE(!sink(old.runs, old.signals, old.decisions, old.orders,
                      old.order_events, old.fills, old.snapshots, old.states,
                      old.feed_events));
    spool s{spool_path()};
    s.append(std::string_view{buf.data(), buf.size()}, 1);
  }
  start(test_dsn());
  auto acked = send_and_collect(self, db, run); // written behind the spool
  CAF_CHECK_EQUAL(acked.size(), 3u);
  CAF_CHECK_EQUAL(
    count("SELECT count(*) FROM signals WHERE id = '" + old_id + "'"), 1);
  std::ifstream aside{spool_path() + ".undecodable"};
  CAF_CHECK(!aside.good());
}

CAF_TEST_FIXTURE_SCOPE_END()

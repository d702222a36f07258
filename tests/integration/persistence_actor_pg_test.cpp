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

} // namespace

CAF_TEST(committed events are acknowledged to their sender) {
  auto dsn = std::getenv("CDB_TEST_DSN");
  CAF_REQUIRE(dsn != nullptr);
  system_config cfg;
  caf::actor_system sys{cfg};
  test::temp_dir dir;
  persistence_config pc;
  pc.dsn = dsn;
  pc.spool_dir = dir.path();
  auto run = unique("r");
  actor_context ctx{run, 1, std::make_shared<wall_clock>(),
                    std::make_shared<node_metrics>()};
  auto db = sys.spawn<caf::detached>(spawn_persistence, pc, ctx,
                                     run_info{run, "paper", "0", "0", 0,
                                              unique("n")});
  caf::scoped_actor self{sys};
  auto acked = send_and_collect(self, db, run);
  CAF_CHECK_EQUAL(acked.size(), 3u);
  pqxx::connection c{dsn};
  pqxx::nontransaction w{c};
  auto n = w.exec("SELECT count(*) FROM signals WHERE id LIKE 'sig-" + run
                  + "-%'")[0][0]
             .as<int>();
  CAF_CHECK_EQUAL(n, 3); // acknowledged means in the database
  CAF_CHECK_EQUAL(ctx.metrics->persist_spooled.load(), 0u);
  self->send_exit(db, caf::exit_reason::user_shutdown);
}

CAF_TEST(spooled events are acknowledged while the database is down) {
  system_config cfg;
  caf::actor_system sys{cfg};
  test::temp_dir dir;
  persistence_config pc;
  // No server listens there: every connect fails at once.
  pc.dsn = "host=" + dir.path()
           + " port=1 dbname=cdb user=cdb "
             "connect_timeout=1";
  pc.spool_dir = dir.path();
  auto run = unique("r");
  actor_context ctx{run, 1, std::make_shared<wall_clock>(),
                    std::make_shared<node_metrics>()};
  auto db = sys.spawn<caf::detached>(
    spawn_persistence, pc, ctx, run_info{run, "paper", "0", "0", 0, "down"});
  caf::scoped_actor self{sys};
  auto acked = send_and_collect(self, db, run);
  CAF_CHECK_EQUAL(acked.size(), 3u);
  // The run row and the three signals wait on disk.
  CAF_CHECK_EQUAL(ctx.metrics->persist_spooled.load(), 4u);
  CAF_CHECK(ctx.metrics->persist_spool_bytes.load() > 0u);
  self->send_exit(db, caf::exit_reason::user_shutdown);
}

CAF_TEST(an undecodable spool record is set aside and the rest goes on) {
  auto dsn = std::getenv("CDB_TEST_DSN");
  CAF_REQUIRE(dsn != nullptr);
  test::temp_dir dir;
  auto node = unique("n");
  auto path = dir.path() + "/" + node + ".spool";
  {
    spool s{path}; // a record from "another version": valid CRC, no batch
    s.append("not a serialised batch", 2);
  }
  system_config cfg;
  caf::actor_system sys{cfg};
  persistence_config pc;
  pc.dsn = dsn;
  pc.spool_dir = dir.path();
  auto run = unique("r");
  actor_context ctx{run, 1, std::make_shared<wall_clock>(),
                    std::make_shared<node_metrics>()};
  auto db = sys.spawn<caf::detached>(spawn_persistence, pc, ctx,
                                     run_info{run, "paper", "0", "0", 0, node});
  caf::scoped_actor self{sys};
  auto acked = send_and_collect(self, db, run);
  CAF_CHECK_EQUAL(acked.size(), 3u);
  std::ifstream aside{path + ".undecodable", std::ios::binary};
  std::string kept{std::istreambuf_iterator<char>{aside}, {}};
  CAF_CHECK_EQUAL(kept, "not a serialised batch");
  CAF_CHECK_EQUAL(ctx.metrics->persist_spooled.load(), 0u);
  self->send_exit(db, caf::exit_reason::user_shutdown);
}

CAF_TEST(a spool record from before bars were recorded is still written) {
  auto dsn = std::getenv("CDB_TEST_DSN");
  CAF_REQUIRE(dsn != nullptr);
  test::temp_dir dir;
  auto node = unique("n");
  auto path = dir.path() + "/" + node + ".spool";
  system_config cfg;
  caf::actor_system sys{cfg};
  auto run = unique("r");
  auto old_id = "sig-" + run + "-0-1";
  {
    event_batch_v5 old; // as cdb with schema 5 spooled it
    old.signals.push_back(make_signal(old_id));
    std::vector<char> buf;
    caf::binary_serializer sink{sys, buf};
    CAF_REQUIRE(!sink(old));
    spool s{path};
    s.append(std::string_view{buf.data(), buf.size()}, 1);
  }
  persistence_config pc;
  pc.dsn = dsn;
  pc.spool_dir = dir.path();
  actor_context ctx{run, 1, std::make_shared<wall_clock>(),
                    std::make_shared<node_metrics>()};
  auto db = sys.spawn<caf::detached>(spawn_persistence, pc, ctx,
                                     run_info{run, "paper", "0", "0", 0, node});
  caf::scoped_actor self{sys};
  auto acked = send_and_collect(self, db, run); // written behind the spool
  CAF_CHECK_EQUAL(acked.size(), 3u);
  pqxx::connection c{dsn};
  pqxx::nontransaction w{c};
  CAF_CHECK_EQUAL(
    w.exec("SELECT count(*) FROM signals WHERE id = " + w.quote(old_id))[0][0]
      .as<int>(),
    1);
  std::ifstream aside{path + ".undecodable"};
  CAF_CHECK(!aside.good());
  self->send_exit(db, caf::exit_reason::user_shutdown);
}

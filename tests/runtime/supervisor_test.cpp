#define CAF_SUITE supervisor
#include "runtime/outbox.hpp"
#include "runtime/supervisor.hpp"
#include "tests/support/fixtures.hpp"

using namespace cdb;

namespace {

using crash_atom = caf::atom_constant<caf::atom("crash")>;
using peer_atom = caf::atom_constant<caf::atom("peer")>;

/// A child that fails on demand.
caf::behavior worker(caf::event_based_actor* self, test::no_args) {
  return {
    [self](crash_atom) {
      self->quit(caf::make_error(caf::sec::runtime_error, "boom"));
    },
  };
}

/// A peer that keeps the worker handle the supervisor last wired to it.
struct peer_state {
  caf::actor current;
  int wirings = 0;
};

caf::behavior peer(caf::stateful_actor<peer_state>* self, test::no_args) {
  return {
    [self](peer_atom, caf::actor h) {
      self->state.current = std::move(h);
      ++self->state.wirings;
    },
  };
}

using db_atom = caf::atom_constant<caf::atom("db")>;

std::string event_id(int x) {
  return "ev-" + std::to_string(x);
}

/// What the fake persistences wrote: (incarnation, event); outlives them.
using written_log = std::vector<std::pair<std::uint32_t, int>>;

/// How a fake persistence answers `flush`.
enum class db_mode {
  writes,    ///< writes what it holds, acknowledges it, answers
  hangs,     ///< never answers (a persistence stuck in a slow connect)
  never_acks ///< answers but acknowledges nothing
};

struct db_state {
  std::vector<std::pair<caf::strong_actor_ptr, int>> held;
};

/// Stands in for persistence: holds events until a flush writes them.
caf::behavior fake_db(caf::stateful_actor<db_state>* self,
                      const std::shared_ptr<written_log>& log, std::uint32_t n,
                      db_mode mode) {
  return {
    [=](int x) { self->state.held.emplace_back(self->current_sender(), x); },
    [=](flush_atom) -> caf::result<std::uint64_t> {
      if (mode == db_mode::hangs)
        return self->make_response_promise<std::uint64_t>();
      for (auto& [sender, x] : self->state.held) {
        log->emplace_back(n, x);
        if (mode == db_mode::writes)
          self->send(caf::actor_cast<caf::actor>(sender),
                     persisted_ack{{event_id(x)}});
      }
      self->state.held.clear();
      return static_cast<std::uint64_t>(log->size());
    },
  };
}

struct producer_state {
  std::unique_ptr<outbox> box;
  caf::actor db;
};

/// A producer as the actors are: an outbox, settling on `flush`.
caf::behavior producer(caf::stateful_actor<producer_state>* self,
                       const metrics_ptr& metrics) {
  self->state.box = std::make_unique<outbox>("producer", 100, metrics);
  return {
    [self](db_atom, caf::actor& db) {
      auto& st = self->state;
      st.box->rewire(self, st.db, db);
      st.db = std::move(db);
    },
    [self](int x) {
      auto& st = self->state;
      st.box->send(self, st.db, event_id(x), caf::make_message(x));
    },
    [self](persisted_ack& a) { take_ack(self, *self->state.box, a); },
    [self](flush_atom) {
      auto& st = self->state;
      return settle(self, *st.box, st.db);
    },
  };
}

struct fixture : test::coordinator_fixture {
  caf::actor peer_handle = sys.spawn(peer, test::no_args{});
  std::vector<std::string> escalated;
  std::vector<std::string> restarted; ///< Failures reported for a restart.

  std::vector<std::string> lost;       ///< Roles reported lost.
  std::vector<std::string> back;       ///< Roles reported back.
  std::vector<std::size_t> wired_maps; ///< Size of each wired map.
  std::vector<std::size_t> local_maps; ///< Size of each local roster.
  std::vector<std::string> waiting;    ///< What the first wiring waited for.

  caf::actor start_supervisor(std::size_t max_restarts, bool critical,
                              std::vector<std::string> wait_for = {}) {
    supervisor_config cfg;
    cfg.max_restarts = max_restarts;
    cfg.window = 60'000'000'000;
    std::vector<child_spec> specs{{"worker",
                                   [](caf::actor_system& s, std::uint32_t) {
                                     return s.spawn(worker, test::no_args{});
                                   },
                                   critical, false}};
    supervisor_hooks hooks;
    auto p = peer_handle;
    hooks.wire = [p, this](caf::event_based_actor* self, const child_map& m) {
      wired_maps.push_back(m.size());
      auto i = m.find("worker");
      self->send(p, peer_atom::value, i == m.end() ? caf::actor{} : i->second);
    };
    hooks.failed = [this](caf::event_based_actor*, const child_map&,
                          const std::string& name, bool escalation,
                          const std::string&) {
      (escalation ? escalated : restarted).push_back(name);
    };
    hooks.lost = [this](caf::event_based_actor*, const child_map&,
                        const peer_lost& p) {
      lost.insert(lost.end(), p.roles.begin(), p.roles.end());
    };
    hooks.back = [this](caf::event_based_actor*, const child_map&,
                        const peer_back& p) {
      back.insert(back.end(), p.roles.begin(), p.roles.end());
    };
    hooks.local_changed = [this](caf::event_based_actor*,
                                 const child_map& local) {
      local_maps.push_back(local.size());
    };
    hooks.wait_for = std::move(wait_for);
    hooks.waiting = [this](const std::string& missing) {
      waiting.push_back(missing);
    };
    auto sup = sys.spawn(supervisor, cfg, specs, hooks, clock, metrics,
                         nanoseconds{0});
    sched.run();
    return sup;
  }

  /// feed (the source), producer (settles), db (flushes before its stop):
  /// db incarnation n behaves as modes[n - 1] (the last for any later).
  caf::actor start_pipeline(const std::shared_ptr<written_log>& log,
                            const std::vector<db_mode>& modes) {
    supervisor_config cfg;
    cfg.max_restarts = 3;
    cfg.window = 60'000'000'000;
    auto m = metrics;
    std::vector<child_spec> specs{
      {"feed",
       [](caf::actor_system& s, std::uint32_t) {
         return s.spawn(worker, test::no_args{});
       },
       false, false},
      {"producer",
       [m](caf::actor_system& s, std::uint32_t) {
         return s.spawn(producer, m);
       },
       true, false, true},
      {"db",
       [log, modes](caf::actor_system& s, std::uint32_t n) {
         return s.spawn(fake_db, log, n,
                        modes[std::min<std::size_t>(n, modes.size()) - 1]);
       },
       true, true}};
    supervisor_hooks hooks;
    hooks.wire = [this](caf::event_based_actor* self, const child_map& m) {
      auto p = m.find("producer");
      auto db = m.find("db");
      if (p != m.end())
        self->send(p->second, db_atom::value,
                   db == m.end() ? caf::actor{} : db->second);
      if (p != m.end())
        producer_handle = p->second;
    };
    hooks.failed = [this](caf::event_based_actor*, const child_map&,
                          const std::string& name, bool escalation,
                          const std::string&) {
      (escalation ? escalated : restarted).push_back(name);
    };
    auto sup = sys.spawn(supervisor, cfg, specs, hooks, clock, metrics,
                         nanoseconds{0});
    sched.run();
    return sup;
  }

  caf::actor producer_handle;

  /// Fires the next timer (earliest first) until the supervisor is down;
  /// its exit reason.
  caf::error run_until_down(const caf::actor& sup, int max_timers) {
    self->monitor(sup);
    caf::error reason;
    bool down = false;
    for (int i = 0; i < max_timers && !down; ++i) {
      sched.run();
      self->receive(
        [&](caf::down_msg& dm) {
          down = true;
          reason = dm.reason;
        },
        caf::after(std::chrono::seconds(0)) >> [] {});
      if (!down)
        sched.trigger_timeout();
    }
    CAF_REQUIRE(down);
    return reason;
  }

  peer_state& peer_view() {
    return deref<caf::stateful_actor<peer_state>>(peer_handle).state;
  }

  void crash_current() {
    auto h = peer_view().current;
    CAF_REQUIRE(h != nullptr);
    anon_send(h, crash_atom::value);
    sched.run();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(supervisor_tests, fixture)

CAF_TEST(crashed child is restarted and peers get the new handle) {
  auto sup = start_supervisor(3, true);
  auto first = peer_view().current;
  CAF_REQUIRE(first != nullptr);
  crash_current();
  // Restart waits for the backoff timer.
  CAF_CHECK_EQUAL(metrics->failures.load(), 1u);
  CAF_CHECK_EQUAL(metrics->restarts.load(), 0u);
  trigger_timeouts();
  sched.run();
  auto second = peer_view().current;
  CAF_REQUIRE(second != nullptr);
  CAF_CHECK_NOT_EQUAL(first, second);
  CAF_CHECK_EQUAL(metrics->restarts.load(), 1u);
  CAF_CHECK_EQUAL(peer_view().wirings, 2);
  // The new child works: it can fail and be restarted again.
  crash_current();
  trigger_timeouts();
  sched.run();
  CAF_CHECK_EQUAL(metrics->restarts.load(), 2u);
  CAF_CHECK(escalated.empty());
  // Each failure was reported, so the circuit breaker can count them.
  CAF_CHECK_EQUAL(restarted.size(), 2u);
  anon_send_exit(sup, caf::exit_reason::user_shutdown);
  sched.run();
}

CAF_TEST(exhausted budget escalates and a critical child stops the node) {
  auto sup = start_supervisor(2, true);
  self->monitor(sup);
  for (int i = 0; i < 2; ++i) {
    crash_current();
    trigger_timeouts();
    sched.run();
  }
  CAF_CHECK(escalated.empty());
  crash_current();
  CAF_REQUIRE_EQUAL(escalated.size(), 1u);
  CAF_CHECK_EQUAL(escalated[0], "worker");
  CAF_CHECK_EQUAL(metrics->failures.load(), 3u);
  bool down = false;
  self->receive(
    [&](caf::down_msg& dm) {
      down = true;
      CAF_CHECK_NOT_EQUAL(dm.reason, caf::error{});
    },
    caf::after(std::chrono::seconds(0)) >> [] {});
  CAF_CHECK(down);
}

CAF_TEST(exhausted budget of a non critical child keeps the node up) {
  auto sup = start_supervisor(1, false);
  crash_current();
  trigger_timeouts();
  sched.run();
  crash_current();
  CAF_REQUIRE_EQUAL(escalated.size(), 1u);
  // Peers were told the child is gone, never left with a dead handle.
  CAF_CHECK(peer_view().current == nullptr);
  auto answer = self->request(sup, caf::infinite, child_atom::value,
                              std::string{"worker"});
  sched.run();
  answer.receive([](caf::actor& h) { CAF_CHECK(h == nullptr); },
                 [](caf::error& err) { CAF_FAIL(caf::to_string(err)); });
  anon_send_exit(sup, caf::exit_reason::user_shutdown);
  sched.run();
}

CAF_TEST(shutdown stops children in order and quits cleanly) {
  auto sup = start_supervisor(3, true);
  self->monitor(sup);
  anon_send(sup, shutdown_atom::value);
  sched.run();
  trigger_timeouts(); // the drain delay after the first child
  sched.run();
  bool clean = false;
  self->receive(
    [&](caf::down_msg& dm) { clean = dm.reason == caf::exit_reason::normal; },
    caf::after(std::chrono::seconds(0)) >> [] {});
  CAF_CHECK(clean);
}

CAF_TEST(shutdown waits until persistence acknowledged producers events) {
  auto log = std::make_shared<written_log>();
  auto sup = start_pipeline(log, {db_mode::writes});
  anon_send(producer_handle, 1);
  anon_send(producer_handle, 2);
  sched.run();
  CAF_CHECK_EQUAL(metrics->persist_unacked.load(), 2u);
  anon_send(sup, shutdown_atom::value);
  auto reason = run_until_down(sup, 20);
  CAF_CHECK_EQUAL(reason, caf::error{});
  CAF_CHECK_EQUAL(*log, (written_log{{1, 1}, {1, 2}}));
  CAF_CHECK_EQUAL(metrics->persist_unacked.load(), 0u);
}

CAF_TEST(persistence dying at shutdown is restarted and loses nothing) {
  auto log = std::make_shared<written_log>();
  // The first persistence never answers a flush; it is killed while the
  // producers settle (the chaos hook, as signal_restart does).
  auto sup = start_pipeline(log, {db_mode::hangs, db_mode::writes});
  anon_send(producer_handle, 1);
  anon_send(producer_handle, 2);
  anon_send(sup, shutdown_atom::value);
  sched.run();
  sched.trigger_timeout(); // the drain: settling starts
  sched.run();
  CAF_CHECK(log->empty());
  anon_send(sup, kill_atom::value, std::string{"db"});
  auto reason = run_until_down(sup, 50);
  CAF_CHECK_EQUAL(reason, caf::error{});
  CAF_CHECK_EQUAL(restarted, (std::vector<std::string>{"db"}));
  CAF_CHECK_EQUAL(metrics->restarts.load(), 1u);
  // The producer resent both to the second persistence, which wrote them.
  CAF_CHECK_EQUAL(*log, (written_log{{2, 1}, {2, 2}}));
}

CAF_TEST(events never acknowledged make the shutdown fail after a bound) {
  auto log = std::make_shared<written_log>();
  auto sup = start_pipeline(log, {db_mode::never_acks});
  anon_send(producer_handle, 1);
  anon_send(sup, shutdown_atom::value);
  // Kicks every settle_kick until settle_timeout, then the stop goes on.
  auto reason = run_until_down(sup, 1000);
  CAF_CHECK_NOT_EQUAL(reason, caf::error{});
  CAF_CHECK_EQUAL(*log, (written_log{{1, 1}}));
}

CAF_TEST(a node of several wires once every actor it waits for is there) {
  auto sup = start_supervisor(3, true, {"worker", "risk"});
  CAF_CHECK(wired_maps.empty()); // risk lives on a peer not yet connected
  CAF_CHECK_EQUAL(waiting, (std::vector<std::string>{"risk"}));
  CAF_CHECK_EQUAL(local_maps, (std::vector<std::size_t>{1}));
  node_roster peers;
  peers.names = {"risk"};
  peers.handles = {peer_handle};
  self->send(sup, peers);
  sched.run();
  CAF_CHECK_EQUAL(wired_maps, (std::vector<std::size_t>{2}));
  CAF_CHECK_EQUAL(waiting, (std::vector<std::string>{"risk", ""}));
  CAF_CHECK(peer_view().current != nullptr);
  // The peer goes: wired again without it, and the loss is reported.
  self->send(sup, node_roster{});
  self->send(sup, peer_lost{"risk-node", {"risk"}, "link lost", "market-node"});
  sched.run();
  CAF_CHECK_EQUAL(wired_maps, (std::vector<std::size_t>{2, 1}));
  CAF_CHECK_EQUAL(lost, (std::vector<std::string>{"risk"}));
  CAF_CHECK(back.empty());
  // It returns: its roles are reported back.
  self->send(sup, peer_back{"risk-node", {"risk"}, "market-node"});
  sched.run();
  CAF_CHECK_EQUAL(back, (std::vector<std::string>{"risk"}));
  // A restart of a local child updates the directory's roster.
  crash_current();
  trigger_timeouts();
  sched.run();
  CAF_CHECK_EQUAL(local_maps.size(), 2u);
  anon_send_exit(sup, caf::exit_reason::user_shutdown);
  sched.run();
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST(restart budget forgets restarts older than the window) {
  supervisor_config cfg;
  cfg.max_restarts = 2;
  cfg.window = 100;
  restart_budget b{cfg};
  CAF_CHECK(b.admit(0));
  CAF_CHECK(b.admit(10));
  CAF_CHECK(!b.admit(20));
  CAF_CHECK(b.admit(110)); // 0 and 10 expired, 20 was not admitted
}

CAF_TEST(backoff doubles per recent restart up to the maximum) {
  supervisor_config cfg;
  cfg.max_restarts = 10;
  cfg.backoff_initial = 100;
  cfg.backoff_max = 350;
  restart_budget b{cfg};
  b.admit(0);
  CAF_CHECK_EQUAL(b.backoff(), 100);
  b.admit(1);
  CAF_CHECK_EQUAL(b.backoff(), 200);
  b.admit(2);
  CAF_CHECK_EQUAL(b.backoff(), 350);
}

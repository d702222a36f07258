#define CAF_SUITE supervisor
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

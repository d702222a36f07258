// The lockstep scheduler (runtime/lockstep.hpp) with a real actor system:
// the order of turns and timers follows the roles, not the order of the
// sends or of the timers' setting; the setup timers leave the market clock
// alone and count from the setup clock; a node's ready actors are taken by
// name.
#define CAF_SUITE lockstep
#include <caf/all.hpp>
#include <caf/test/dsl.hpp>

#include "runtime/lockstep.hpp"

using namespace cdb;

namespace {

using log_ptr = std::shared_ptr<std::vector<std::string>>;
using go_atom = caf::atom_constant<caf::atom("go")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;

/// An actor with a role's name: logs "name:what" for every message it
/// handles; on (go, targets) it sends `hello` to each target in order; on
/// (tick, d) it sets a timer d ms ahead.
class probe : public caf::event_based_actor {
public:
  probe(caf::actor_config& cfg, std::string name, log_ptr log)
    : caf::event_based_actor(cfg), name_(std::move(name)),
      log_(std::move(log)) {
    // nop
  }

  const char* name() const override {
    return name_.c_str();
  }

  caf::behavior make_behavior() override {
    return {
      [this](go_atom, const std::vector<caf::actor>& targets) {
        log_->push_back(name_ + ":go");
        for (auto& t : targets)
          send(t, std::string{"hello"});
      },
      [this](const std::string& what) { log_->push_back(name_ + ":" + what); },
      [this](tick_atom, int ms) {
        delayed_send(this, std::chrono::milliseconds{ms}, std::string{"timer"});
      },
    };
  }

private:
  std::string name_;
  log_ptr log_;
};

struct fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  lockstep_scheduler* sched = nullptr;
  log_ptr log = std::make_shared<std::vector<std::string>>();
  std::vector<caf::actor> spawned;

  fixture() {
    cfg.load<lockstep_scheduler>();
    sys = std::make_unique<caf::actor_system>(cfg);
    sched = &dynamic_cast<lockstep_scheduler&>(sys->scheduler());
  }

  ~fixture() {
    // The system waits for its actors before it stops the scheduler, and
    // only the test runs the scheduler.
    for (auto& a : spawned)
      caf::anon_send_exit(a, caf::exit_reason::kill);
    sched->run();
  }

  caf::actor spawn(const std::string& name) {
    spawned.push_back(sys->spawn<probe>(name, log));
    return spawned.back();
  }

  /// The rank of the timer to fire next and when it is due (-1: none).
  std::pair<int, caf::actor_clock::time_point> next_timer() {
    caf::actor_clock::time_point due;
    int rank = -1;
    sched->clock().next_due(due, rank);
    return {rank, due};
  }

  /// Who handled what after `feed` sent hello to `targets` in that order.
  std::vector<std::string> turns_after(const std::vector<caf::actor>& targets) {
    auto feed = spawn("feed");
    sched->run();
    log->clear();
    caf::anon_send(feed, go_atom::value, targets);
    sched->run();
    return *log;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(lockstep_tests, fixture)

CAF_TEST(roles have their places and any other actor comes last) {
  CAF_CHECK_EQUAL(role_rank("feed"), 0);
  CAF_CHECK_EQUAL(role_rank("signal"), 1);
  CAF_CHECK_EQUAL(role_rank("risk"), 2);
  CAF_CHECK_EQUAL(role_rank("circuit_breaker"), 3);
  CAF_CHECK_EQUAL(role_rank("execution"), 4);
  CAF_CHECK_EQUAL(role_rank("persistence"), 5);
  CAF_CHECK_EQUAL(role_rank("supervisor"), 6);
  CAF_CHECK_EQUAL(role_rank(""), 6);
}

CAF_TEST(the actors a turn wakes take their turns by role whatever the order of
           the sends) {
  auto exec = spawn("execution");
  auto risk = spawn("risk");
  auto other = spawn("supervisor");
  auto signal = spawn("signal");
  sched->run();
  std::vector<std::string> want{"feed:go", "signal:hello", "risk:hello",
                                "execution:hello", "supervisor:hello"};
  CAF_CHECK_EQUAL(turns_after({exec, other, risk, signal}), want);
  CAF_CHECK_EQUAL(turns_after({signal, risk, exec, other}), want);
  CAF_CHECK_EQUAL(turns_after({other, signal, exec, risk}), want);
  CAF_CHECK_EQUAL(sched->ready(), 0u);
}

CAF_TEST(a turn handles the whole mailbox and those already waiting go first) {
  auto risk = spawn("risk");
  auto exec = spawn("execution");
  auto signal = spawn("signal");
  sched->run();
  // execution is queued before the feed's turn wakes signal and risk.
  caf::anon_send(exec, std::string{"early"});
  caf::anon_send(exec, std::string{"early2"});
  auto feed = spawn("feed");
  caf::anon_send(feed, go_atom::value, std::vector<caf::actor>{risk, signal});
  sched->run();
  std::vector<std::string> want{"execution:early", "execution:early2",
                                "feed:go", "signal:hello", "risk:hello"};
  CAF_CHECK_EQUAL(*log, want);
}

CAF_TEST(timers due at the same time fire by role and move the clock) {
  auto& clock = sched->clock();
  auto start = clock.current_time;
  auto exec = spawn("execution");
  auto feed = spawn("feed");
  auto other = spawn("supervisor");
  for (auto& a : {other, exec, feed})
    caf::anon_send(a, tick_atom::value, 10);
  sched->run();
  log->clear();
  caf::actor_clock::time_point due;
  int rank = -1;
  CAF_REQUIRE(clock.next_due(due, rank));
  CAF_CHECK_EQUAL(rank, 0);
  CAF_CHECK(due == start + std::chrono::milliseconds{10});
  while (clock.fire_next())
    sched->run();
  std::vector<std::string> want{"feed:timer", "execution:timer",
                                "supervisor:timer"};
  CAF_CHECK_EQUAL(*log, want);
  CAF_CHECK(clock.current_time == start + std::chrono::milliseconds{10});
}

CAF_TEST(
  setup fires only the timers of actors without a role and leaves the clock) {
  auto& clock = sched->clock();
  auto start = clock.current_time;
  auto feed = spawn("feed");
  auto other = spawn("cluster");
  caf::anon_send(feed, tick_atom::value, 100);
  caf::anon_send(other, tick_atom::value, 100);
  caf::anon_send(other, tick_atom::value, 5000);
  sched->run();
  log->clear();
  CAF_CHECK_EQUAL(clock.fire_setup_timers(start + std::chrono::seconds{1}), 1u);
  sched->run();
  CAF_CHECK_EQUAL(*log, std::vector<std::string>{"cluster:timer"});
  CAF_CHECK(clock.current_time == start);
  CAF_CHECK_EQUAL(next_timer().first, 0); // the feed's still waits for the run
}

CAF_TEST(a timer set while the nodes link counts from the setup clock) {
  auto& clock = sched->clock();
  auto start = clock.current_time;
  auto feed = spawn("feed");
  auto other = spawn("cluster");
  sched->run();
  // A minute into linking (the market clock still at its start), the
  // cluster actor sets a 100 ms timer: it waits 100 ms of the setup clock.
  clock.fire_setup_timers(start + std::chrono::minutes{1});
  caf::anon_send(other, tick_atom::value, 100);
  caf::anon_send(feed, tick_atom::value, 100);
  sched->run();
  log->clear();
  auto ms = [&](int n) {
    return start + std::chrono::minutes{1} + std::chrono::milliseconds{n};
  };
  CAF_CHECK_EQUAL(clock.fire_setup_timers(ms(99)), 0u);
  CAF_CHECK_EQUAL(clock.fire_setup_timers(ms(100)), 1u);
  sched->run();
  CAF_CHECK_EQUAL(*log, std::vector<std::string>{"cluster:timer"});
  CAF_CHECK(clock.current_time == start);
  // The feed's timer counts from the market clock; after end_setup, so does
  // every timer.
  auto [rank, due] = next_timer();
  CAF_CHECK_EQUAL(rank, 0);
  CAF_CHECK(due == start + std::chrono::milliseconds{100});
  clock.end_setup();
  caf::anon_send(other, tick_atom::value, 50);
  sched->run();
  log->clear();
  CAF_REQUIRE(clock.fire_next());
  sched->run();
  CAF_CHECK_EQUAL(*log, std::vector<std::string>{"cluster:timer"});
  CAF_CHECK(clock.current_time == start + std::chrono::milliseconds{50});
}

CAF_TEST(a node takes the turn it is told and reports who became ready) {
  auto risk = spawn("risk");
  auto exec = spawn("execution");
  sched->run();
  sched->track_arrivals();
  caf::anon_send(exec, std::string{"a"});
  caf::anon_send(risk, std::string{"b"});
  caf::anon_send(exec, std::string{"c"}); // already ready: no arrival
  CAF_CHECK_EQUAL(sched->take_arrivals(),
                  (std::vector<std::string>{"execution", "risk"}));
  CAF_CHECK(sched->take_arrivals().empty());
  CAF_CHECK(!sched->run_turn("signal"));
  CAF_CHECK(sched->run_turn("risk"));
  CAF_CHECK_EQUAL(*log, std::vector<std::string>{"risk:b"});
  CAF_CHECK(sched->run_turn("execution"));
  CAF_CHECK_EQUAL(log->back(), "execution:c");
  CAF_CHECK_EQUAL(sched->ready(), 0u);
}

CAF_TEST_FIXTURE_SCOPE_END()

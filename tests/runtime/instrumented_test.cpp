#define CAF_SUITE instrumented
#include <limits>
#include <utility>

#include <caf/test/dsl.hpp>

#include "runtime/instrumented.hpp"
#include "tests/support/fixtures.hpp"

using namespace cdb;
using namespace cdb::test;

namespace {

using counter_actor = caf::typed_actor<caf::reacts_to<int>,
                                       caf::replies_to<std::string>::with<int>>;

struct counter_state {
  int sum = 0;
};

counter_actor::behavior_type
counting(instrumented_pointer<counter_actor, counter_state> self,
         std::shared_ptr<actor_stats> stats, std::size_t throughput) {
  self->instrument(std::move(stats));
  self->limit_throughput(throughput);
  return {
    [self](int x) { self->state.sum += x; },
    [self](const std::string&) { return self->state.sum; },
  };
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(instrumented_tests, coordinator_fixture)

CAF_TEST(messages are counted and timed and the mailbox depth follows) {
  auto stats = stats_of(metrics, "risk");
  auto a = sys.spawn(counting, stats, std::size_t{0});
  sched.run();
  CAF_CHECK(stats->owner.load() != nullptr);
  CAF_CHECK_EQUAL(stats->messages(), 0u);
  for (int i = 1; i <= 3; ++i)
    self->send(a, i);
  CAF_CHECK_EQUAL(stats->mailbox(), 3u);
  sched.run();
  CAF_CHECK_EQUAL(stats->mailbox(), 0u);
  CAF_CHECK_EQUAL(stats->messages(), 3u);
  self->send(a, std::string{"sum"});
  sched.run();
  expect((int), from(a).to(self).with(6));
  CAF_CHECK_EQUAL(stats->messages(), 4u);
  self->send_exit(a, caf::exit_reason::kill);
  sched.run();
}

CAF_TEST(a new incarnation takes over the mailbox gauge) {
  auto stats = stats_of(metrics, "signal");
  auto first = sys.spawn(counting, stats, std::size_t{0});
  sched.run();
  self->send(first, 1);
  CAF_CHECK_EQUAL(stats->mailbox(), 1u);
  auto second = sys.spawn(counting, stats, std::size_t{0});
  sched.run(); // both handle what they have; the second now owns the gauge
  self->send(first, 1);
  self->send(first, 1);
  // The old incarnation's mail no longer moves the gauge.
  CAF_CHECK_EQUAL(stats->mailbox(), 0u);
  self->send(second, 1);
  CAF_CHECK_EQUAL(stats->mailbox(), 1u);
  sched.run();
  CAF_CHECK_EQUAL(stats->mailbox(), 0u);
  self->send_exit(first, caf::exit_reason::kill);
  self->send_exit(second, caf::exit_reason::kill);
  sched.run();
}

CAF_TEST(without stats nothing is reported) {
  auto a = sys.spawn(counting, std::shared_ptr<actor_stats>{}, std::size_t{0});
  self->send(a, 5);
  sched.run();
  for (auto& s : metrics->actors)
    CAF_CHECK_EQUAL(s.messages(), 0u);
  self->send_exit(a, caf::exit_reason::kill);
  sched.run();
}

CAF_TEST(an actor keeps its stats alive beyond the node metrics) {
  auto own = std::make_shared<node_metrics>();
  auto a = sys.spawn(counting, stats_of(own, "feed"), std::size_t{0});
  std::weak_ptr<node_metrics> gone = own;
  own.reset();
  CAF_CHECK(!gone.expired()); // the actor holds them
  self->send(a, 1);           // and may still be sent to
  sched.run();
  self->send_exit(a, caf::exit_reason::kill);
  sched.run();
  CAF_CHECK_EQUAL(stats_of(metrics, "nobody"), nullptr);
}

/// A worker that nothing else is scheduled on (the runs below send
/// nothing).
struct bare_unit : caf::execution_unit {
  using caf::execution_unit::execution_unit;
  void exec_later(caf::resumable*) override {
    CAF_FAIL("nothing is sent in these runs");
  }
};

/// One scheduler run of `a`, as a worker thread does it, allowing CAF's
/// default of as many messages as there are.
caf::resumable::resume_result run_directly(caf::actor_system& sys,
                                           const caf::actor& a) {
  bare_unit unit{&sys};
  auto* job = dynamic_cast<caf::resumable*>(
    caf::actor_cast<caf::abstract_actor*>(a));
  return job->resume(&unit, std::numeric_limits<std::size_t>::max());
}

CAF_TEST(a capped actor handles one message per run and goes back in line) {
  auto stats = stats_of(metrics, "risk");
  auto a = caf::actor_cast<caf::actor>(
    sys.spawn(counting, stats, std::size_t{1}));
  sched.run();
  for (int i = 1; i <= 3; ++i)
    self->send(a, i);
  CAF_CHECK_EQUAL(run_directly(sys, a), caf::resumable::resume_later);
  CAF_CHECK_EQUAL(stats->messages(), 1u);
  CAF_CHECK_EQUAL(run_directly(sys, a), caf::resumable::resume_later);
  CAF_CHECK_EQUAL(stats->messages(), 2u);
  sched.run(); // the rest, and the test scheduler's own entry
  CAF_CHECK_EQUAL(stats->messages(), 3u);
  self->send(a, std::string{"sum"});
  sched.run();
  expect((int), from(a).to(self).with(6));
  self->send_exit(a, caf::exit_reason::kill);
  sched.run();
}

CAF_TEST(an uncapped actor empties its mailbox in one run) {
  auto stats = stats_of(metrics, "risk");
  auto a = caf::actor_cast<caf::actor>(
    sys.spawn(counting, stats, std::size_t{0}));
  sched.run();
  for (int i = 1; i <= 3; ++i)
    self->send(a, i);
  CAF_CHECK_EQUAL(run_directly(sys, a), caf::resumable::awaiting_message);
  CAF_CHECK_EQUAL(stats->messages(), 3u);
  sched.run();
  self->send_exit(a, caf::exit_reason::kill);
  sched.run();
}

CAF_TEST_FIXTURE_SCOPE_END()

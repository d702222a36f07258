#define CAF_SUITE instrumented
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
         std::shared_ptr<actor_stats> stats) {
  self->instrument(std::move(stats));
  return {
    [self](int x) { self->state.sum += x; },
    [self](const std::string&) { return self->state.sum; },
  };
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(instrumented_tests, coordinator_fixture)

CAF_TEST(messages are counted and timed and the mailbox depth follows) {
  auto stats = stats_of(metrics, "risk");
  auto a = sys.spawn(counting, stats);
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
  auto first = sys.spawn(counting, stats);
  sched.run();
  self->send(first, 1);
  CAF_CHECK_EQUAL(stats->mailbox(), 1u);
  auto second = sys.spawn(counting, stats);
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
  auto a = sys.spawn(counting, std::shared_ptr<actor_stats>{});
  self->send(a, 5);
  sched.run();
  for (auto& s : metrics->actors)
    CAF_CHECK_EQUAL(s.messages(), 0u);
  self->send_exit(a, caf::exit_reason::kill);
  sched.run();
}

CAF_TEST(an actor keeps its stats alive beyond the node metrics) {
  auto own = std::make_shared<node_metrics>();
  auto a = sys.spawn(counting, stats_of(own, "feed"));
  std::weak_ptr<node_metrics> gone = own;
  own.reset();
  CAF_CHECK(!gone.expired()); // the actor holds them
  self->send(a, 1);           // and may still be sent to
  sched.run();
  self->send_exit(a, caf::exit_reason::kill);
  sched.run();
  CAF_CHECK_EQUAL(stats_of(metrics, "nobody"), nullptr);
}

CAF_TEST_FIXTURE_SCOPE_END()

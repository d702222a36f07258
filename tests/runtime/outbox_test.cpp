#define CAF_SUITE outbox
#include <caf/test/dsl.hpp>

#include "runtime/outbox.hpp"
#include "tests/support/fixtures.hpp"

using namespace cdb;
using namespace cdb::test;

namespace {

std::string id_of(int i) {
  return "ev-" + std::to_string(i);
}

/// Keeps `n` events (ev-0 … ev-n-1) without a persistence to send them to.
void keep(outbox& box, int n, int from = 0) {
  for (int i = from; i < from + n; ++i)
    box.send(caf::actor{}, caf::actor{}, id_of(i), caf::make_message(i));
}

std::vector<std::string> ids(int from, int to) {
  std::vector<std::string> result;
  for (int i = from; i < to; ++i)
    result.push_back(id_of(i));
  return result;
}

/// Stands in for persistence: collects what it is sent.
struct collector_state {
  std::vector<int> got;
};

caf::behavior collector(caf::stateful_actor<collector_state>* self, no_args) {
  return {[self](int x) { self->state.got.push_back(x); }};
}

/// A producer as the actors are: an outbox, take_ack on acknowledgements,
/// and a log of what it handled, in order.
struct producer_state {
  std::unique_ptr<outbox> box;
  std::vector<std::string> handled;
  std::vector<std::size_t> kept_then;
  caf::actor db; ///< Its persistence (none: nothing will acknowledge).
};

caf::behavior producer(caf::stateful_actor<producer_state>* self,
                       const metrics_ptr& metrics, int events) {
  self->state.box = std::make_unique<outbox>("test", 1000, metrics);
  keep(*self->state.box, events);
  return {
    [self](persisted_ack& a) {
      self->state.handled.emplace_back("ack");
      take_ack(self, *self->state.box, a);
      self->state.kept_then.push_back(self->state.box->size());
    },
    [self](const std::string& what) {
      self->state.handled.push_back(what);
      self->state.kept_then.push_back(self->state.box->size());
    },
    [self](caf::actor& db) { // a wiring
      auto& st = self->state;
      st.box->rewire(self, st.db, db);
      st.db = std::move(db);
    },
    [self](flush_atom) {
      auto& st = self->state;
      return settle(self, *st.box, st.db);
    },
  };
}

/// Asks `target` to flush once and keeps the answers.
struct asker_state {
  std::vector<std::uint64_t> answers;
};

caf::behavior asker(caf::stateful_actor<asker_state>* self,
                    const caf::actor& target) {
  self->request(target, caf::infinite, flush_atom::value)
    .then([self](std::uint64_t n) { self->state.answers.push_back(n); });
  return {[](int) {}};
}

} // namespace

struct fixture : coordinator_fixture {
  /// Runs what is queued, then asks `target` to flush once: the answers
  /// so far (more may come later).
  std::vector<std::uint64_t>& ask_flush(const caf::actor& target) {
    sched.run();
    askers.push_back(sys.spawn(asker, target));
    sched.run();
    return deref<caf::stateful_actor<asker_state>>(askers.back()).state.answers;
  }

  std::vector<caf::actor> askers; ///< Kept alive for their answers.
};

CAF_TEST_FIXTURE_SCOPE(outbox_tests, fixture)

CAF_TEST(an event is kept until acknowledged and counted meanwhile) {
  outbox box{"test", 100, metrics};
  keep(box, 3);
  CAF_CHECK_EQUAL(box.size(), 3u);
  CAF_CHECK_EQUAL(metrics->persist_unacked.load(), 3u);
  auto acked = std::vector<std::string>{id_of(0), id_of(2)};
  CAF_CHECK(!box.ack(acked));
  CAF_CHECK(acked.empty());
  CAF_CHECK_EQUAL(box.size(), 1u);
  CAF_CHECK_EQUAL(metrics->persist_unacked.load(), 1u);
}

CAF_TEST(an acknowledgement twice or of an unknown event changes nothing) {
  outbox box{"test", 100, metrics};
  keep(box, 2);
  auto acked = std::vector<std::string>{id_of(0), id_of(0), "ev-unknown"};
  CAF_CHECK(!box.ack(acked));
  CAF_CHECK_EQUAL(box.size(), 1u);
  CAF_CHECK_EQUAL(metrics->persist_unacked.load(), 1u);
}

CAF_TEST(a large acknowledgement is forgotten one chunk per call) {
  constexpr int n = 3 * static_cast<int>(outbox_ack_chunk) + 5;
  outbox box{"test", 1000, metrics};
  keep(box, n);
  auto acked = ids(0, n);
  std::size_t calls = 1;
  while (box.ack(acked)) {
    CAF_CHECK_EQUAL(box.size(), n - calls * outbox_ack_chunk);
    CAF_CHECK_EQUAL(acked.size(), n - calls * outbox_ack_chunk);
    ++calls;
  }
  CAF_CHECK_EQUAL(calls, (n + outbox_ack_chunk - 1) / outbox_ack_chunk);
  CAF_CHECK_EQUAL(box.size(), 0u);
  CAF_CHECK_EQUAL(metrics->persist_unacked.load(), 0u);
}

CAF_TEST(the same id sent again is kept once with the newest message) {
  auto db = sys.spawn(collector, no_args{});
  outbox box{"test", 100, metrics};
  auto me = caf::actor_cast<caf::actor>(self);
  box.send(me, db, "ev", caf::make_message(1));
  box.send(me, db, "ev", caf::make_message(2));
  CAF_CHECK_EQUAL(box.size(), 1u);
  CAF_CHECK_EQUAL(metrics->persist_unacked.load(), 1u);
  auto fresh = sys.spawn(collector, no_args{});
  box.resend(me, fresh);
  sched.run();
  auto& first = deref<caf::stateful_actor<collector_state>>(db).state;
  CAF_CHECK_EQUAL(first.got, (std::vector<int>{1, 2}));
  auto& second = deref<caf::stateful_actor<collector_state>>(fresh).state;
  CAF_CHECK_EQUAL(second.got, (std::vector<int>{2}));
}

CAF_TEST(a new persistence gets everything kept in order and nothing acked) {
  outbox box{"test", 100, metrics};
  keep(box, 5);
  auto acked = std::vector<std::string>{id_of(1), id_of(3)};
  box.ack(acked);
  auto db = sys.spawn(collector, no_args{});
  auto me = caf::actor_cast<caf::actor>(self);
  box.rewire(me, caf::actor{}, db);
  sched.run();
  auto& st = deref<caf::stateful_actor<collector_state>>(db).state;
  CAF_CHECK_EQUAL(st.got, (std::vector<int>{0, 2, 4}));
  box.rewire(me, db, db); // the same persistence: nothing again
  sched.run();
  CAF_CHECK_EQUAL(st.got.size(), 3u);
}

CAF_TEST(beyond the limit the oldest event is dropped and counted) {
  outbox box{"test", 3, metrics};
  keep(box, 5);
  CAF_CHECK_EQUAL(box.size(), 3u);
  CAF_CHECK_EQUAL(metrics->persist_unacked.load(), 3u);
  CAF_CHECK_EQUAL(metrics->persist_dropped.load(), 2u);
  auto acked = ids(0, 2); // the dropped ones: nothing left to forget
  box.ack(acked);
  CAF_CHECK_EQUAL(box.size(), 3u);
}

CAF_TEST(a message arriving during a large acknowledgement waits one chunk) {
  constexpr int n = 3 * static_cast<int>(outbox_ack_chunk) + 5;
  auto p = sys.spawn(producer, metrics, n);
  sched.run();
  self->send(p, persisted_ack{ids(0, n)});
  self->send(p, std::string{"signal"});
  sched.run();
  auto& st = deref<caf::stateful_actor<producer_state>>(p).state;
  auto chunks = (n + outbox_ack_chunk - 1) / outbox_ack_chunk;
  CAF_REQUIRE_EQUAL(st.handled.size(), chunks + 1);
  CAF_CHECK_EQUAL(st.handled[0], "ack");
  CAF_CHECK_EQUAL(st.handled[1], "signal");
  CAF_CHECK_EQUAL(st.kept_then[1], n - outbox_ack_chunk);
  CAF_CHECK_EQUAL(st.kept_then.back(), 0u);
  CAF_CHECK_EQUAL(metrics->persist_unacked.load(), 0u);
  self->send_exit(p, caf::exit_reason::kill);
  sched.run();
}

CAF_TEST(a producer settles once the last event it kept is acknowledged) {
  auto p = sys.spawn(producer, metrics, 3);
  auto db = sys.spawn(collector, no_args{});
  self->send(p, db);
  auto& answers = ask_flush(p);
  CAF_CHECK(answers.empty()); // three kept
  self->send(p, persisted_ack{ids(0, 2)});
  sched.run();
  CAF_CHECK(answers.empty()); // one kept
  self->send(p, persisted_ack{ids(2, 3)});
  sched.run();
  CAF_CHECK_EQUAL(answers, (std::vector<std::uint64_t>{0}));
  // Settled already: the next answer comes at once.
  CAF_CHECK_EQUAL(ask_flush(p), (std::vector<std::uint64_t>{0}));
  self->send_exit(p, caf::exit_reason::kill);
  sched.run();
}

CAF_TEST(without a persistence a producer answers with what is lost) {
  auto p = sys.spawn(producer, metrics, 2);
  // Never wired: nothing will acknowledge.
  CAF_CHECK_EQUAL(ask_flush(p), (std::vector<std::uint64_t>{2}));
  // Waiting for a persistence that then goes: answered with what is kept.
  auto db = sys.spawn(collector, no_args{});
  self->send(p, db);
  auto& answers = ask_flush(p);
  CAF_CHECK(answers.empty());
  self->send(p, caf::actor{});
  sched.run();
  CAF_CHECK_EQUAL(answers, (std::vector<std::uint64_t>{2}));
  self->send_exit(p, caf::exit_reason::kill);
  sched.run();
}

CAF_TEST(dropping the outbox takes its events off the gauge) {
  {
    outbox box{"test", 100, metrics};
    keep(box, 4);
    CAF_CHECK_EQUAL(metrics->persist_unacked.load(), 4u);
  }
  CAF_CHECK_EQUAL(metrics->persist_unacked.load(), 0u);
}

CAF_TEST_FIXTURE_SCOPE_END()

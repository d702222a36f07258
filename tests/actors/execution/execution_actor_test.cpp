#define CAF_SUITE execution_actor
#include "actors/execution/execution_actor.hpp"
#include "tests/support/fakes.hpp"

using namespace cdb;

namespace {

using forward_atom = caf::atom_constant<caf::atom("forward")>;

/// Stands in for risk: forwards orders to execution, takes snapshots.
caf::behavior fake_risk(caf::event_based_actor* self, test::no_args) {
  return {
    [self](forward_atom, execution_actor exec, const order& o) {
      self->send(exec, submit_order{o});
    },
    [](const portfolio_snapshot&) {},
  };
}

struct fixture : test::coordinator_fixture {
  execution_actor exec = sys.spawn(spawn_execution, execution_config{},
                                   context());
  persistence_actor db = sys.spawn(test::recording_persistence,
                                   test::no_args{});
  caf::actor risk = sys.spawn(fake_risk, test::no_args{});

  fixture() {
    execution_wiring w;
    w.risk = caf::actor_cast<portfolio_sink>(risk);
    w.persistence = db;
    anon_send(exec, w);
    anon_send(exec, test::make_quote("BTC", 29999, 30001, clock->now()));
    sched.run();
  }

  ~fixture() override {
    // Dead actors drop their timers, so the base fixture's final run() ends.
    for (auto h : {caf::actor_cast<caf::actor>(exec),
                   caf::actor_cast<caf::actor>(db), risk})
      anon_send_exit(h, caf::exit_reason::user_shutdown);
    sched.run();
  }

  test::persistence_record& recorded() {
    return test::record_of(*this, db);
  }

  order make_order() {
    order o;
    o.id = "ord-1";
    o.decision_id = "dec-1";
    o.instrument = "BTC";
    o.direction = side::buy;
    o.qty = 0.1;
    return o;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(execution_actor_tests, fixture)

CAF_TEST(order from risk is filled at the ask) {
  anon_send(risk, forward_atom::value, exec, make_order());
  sched.run();
  CAF_REQUIRE_EQUAL(recorded().fills.size(), 1u);
  CAF_CHECK_EQUAL(recorded().fills[0].order_id, "ord-1");
  CAF_CHECK_EQUAL(recorded().fills[0].price, 30001.0);
  CAF_CHECK_EQUAL(metrics->fills.load(), 1u);
  CAF_CHECK_EQUAL(metrics->refused_orders.load(), 0u);
}

CAF_TEST(order sent to execution by any actor but risk is refused) {
  // An impostor with a dynamically typed handle gets past the compiler...
  auto impostor = sys.spawn(fake_risk, test::no_args{});
  anon_send(impostor, forward_atom::value, exec, make_order());
  sched.run();
  // ...but not past execution's sender check.
  CAF_CHECK_EQUAL(metrics->refused_orders.load(), 1u);
  CAF_CHECK(recorded().fills.empty());
  CAF_CHECK(recorded().order_events.empty());
  // Anonymous senders are refused too.
  anon_send(exec, submit_order{make_order()});
  sched.run();
  CAF_CHECK_EQUAL(metrics->refused_orders.load(), 2u);
  CAF_CHECK_EQUAL(metrics->fills.load(), 0u);
}

CAF_TEST(order without a quote is rejected with a reason) {
  auto o = make_order();
  o.instrument = "ETH";
  anon_send(risk, forward_atom::value, exec, o);
  sched.run();
  CAF_CHECK(recorded().fills.empty());
  CAF_REQUIRE_EQUAL(recorded().order_events.size(), 1u);
  CAF_CHECK(recorded().order_events[0].kind == order_event_kind::rejected);
  CAF_CHECK_EQUAL(recorded().order_events[0].reason, "no_quote");
}

CAF_TEST_FIXTURE_SCOPE_END()

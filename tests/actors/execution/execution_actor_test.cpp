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
    [self](forward_atom, execution_actor exec, const cancel_order& c) {
      self->send(exec, c);
    },
    [](const portfolio_snapshot&) {},
  };
}

execution_config config() {
  execution_config cfg; // latency 10 ms
  cfg.fallback_impact_bps = 0;
  return cfg;
}

struct fixture : test::coordinator_fixture {
  execution_actor exec = sys.spawn(spawn_execution, config(), context());
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
    o.event_time = o.init_time = clock->now();
    return o;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(execution_actor_tests, fixture)

CAF_TEST(order from risk fills at the first quote after the latency) {
  anon_send(risk, forward_atom::value, exec, make_order());
  sched.run();
  CAF_CHECK(recorded().fills.empty());
  CAF_REQUIRE_EQUAL(recorded().order_events.size(), 1u);
  CAF_CHECK(recorded().order_events[0].kind == order_event_kind::accepted);
  auto t = clock->now() + 10'000'000;
  anon_send(exec, test::make_quote("BTC", 30009, 30011, t));
  sched.run();
  CAF_REQUIRE_EQUAL(recorded().fills.size(), 1u);
  CAF_CHECK_EQUAL(recorded().fills[0].order_id, "ord-1");
  CAF_CHECK_EQUAL(recorded().fills[0].price, 30011.0);
  CAF_CHECK_EQUAL(recorded().fills[0].event_time, t);
  CAF_CHECK_EQUAL(metrics->fills.load(), 1u);
  CAF_CHECK_EQUAL(metrics->refused_orders.load(), 0u);
  // The account went out with the fill, at the fill's market time.
  CAF_REQUIRE(!recorded().snapshots.empty());
  auto snap = recorded().snapshots.back();
  CAF_CHECK_EQUAL(snap.event_time, t);
  CAF_REQUIRE_EQUAL(snap.positions.size(), 1u);
  CAF_CHECK_EQUAL(snap.positions[0].qty, 0.1);
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

CAF_TEST(order without market data expires when the feed goes down) {
  auto o = make_order();
  o.instrument = "ETH";
  anon_send(risk, forward_atom::value, exec, o);
  sched.run();
  CAF_CHECK_EQUAL(recorded().order_events.size(), 1u); // accepted, waiting
  feed_status down;
  down.instrument = "ETH";
  down.state = feed_health::disconnected;
  down.event_time = clock->now();
  anon_send(exec, down);
  sched.run();
  CAF_CHECK(recorded().fills.empty());
  CAF_REQUIRE_EQUAL(recorded().order_events.size(), 2u);
  CAF_CHECK(recorded().order_events[1].kind == order_event_kind::expired);
  CAF_CHECK_EQUAL(recorded().order_events[1].reason, "feed_disconnected");
  CAF_CHECK_EQUAL(metrics->venue_rejects.load(), 1u);
}

CAF_TEST(cancel from risk cancels and from anyone else is refused) {
  auto o = make_order();
  o.type = order_type::limit;
  o.limit_price = 29000;
  anon_send(risk, forward_atom::value, exec, o);
  sched.run();
  auto impostor = sys.spawn(fake_risk, test::no_args{});
  cancel_order c{"ord-1", "test", clock->now()};
  anon_send(impostor, forward_atom::value, exec, c);
  sched.run();
  CAF_CHECK_EQUAL(metrics->refused_orders.load(), 1u);
  CAF_CHECK_EQUAL(recorded().order_events.size(), 1u);
  anon_send(risk, forward_atom::value, exec, c);
  sched.run();
  CAF_REQUIRE_EQUAL(recorded().order_events.size(), 2u);
  CAF_CHECK(recorded().order_events[1].kind == order_event_kind::cancelled);
  CAF_CHECK_EQUAL(recorded().order_events[1].reason, "test");
  anon_send_exit(impostor, caf::exit_reason::user_shutdown);
}

CAF_TEST_FIXTURE_SCOPE_END()

#define CAF_SUITE risk_actor
#include "actors/circuit_breaker/breaker_actor.hpp"
#include "actors/risk/risk_actor.hpp"
#include "tests/support/fakes.hpp"

using namespace cdb;

namespace {

/// Stands in for execution: records the orders it is given.
struct orders_state {
  std::vector<order> orders;
};

execution_actor::behavior_type
fake_execution(execution_actor::stateful_pointer<orders_state> self,
               test::no_args) {
  return {
    [](const quote_tick&) {},
    [](const trade_tick&) {},
    [](const trade_batch&) {},
    [](const market_history&) {},
    [](const book_snapshot&) {},
    [](const bar&) {},
    [](const mark_price&) {},
    [](const feed_status&) {},
    [self](const submit_order& s) { self->state.orders.push_back(s.value); },
    [](const execution_wiring&) {},
    [](timer_atom) {},
    [](snapshot_atom) { return portfolio_snapshot{}; },
  };
}

struct fixture : test::coordinator_fixture {
  risk_actor risk = sys.spawn(spawn_risk, risk_config{}, context());
  persistence_actor db = sys.spawn(test::recording_persistence,
                                   test::no_args{});
  execution_actor exec = sys.spawn(fake_execution, test::no_args{});

  fixture() {
    anon_send(risk, risk_wiring{feed_actor{}, exec, db});
    anon_send(risk, test::make_quote("BTC", 29999, 30001, clock->now()));
    portfolio_snapshot p;
    p.equity = p.cash = 100000;
    p.event_time = clock->now();
    anon_send(risk, p);
    sched.run();
  }

  ~fixture() override {
    for (auto h :
         {caf::actor_cast<caf::actor>(risk), caf::actor_cast<caf::actor>(db),
          caf::actor_cast<caf::actor>(exec)})
      anon_send_exit(h, caf::exit_reason::user_shutdown);
    sched.run();
  }

  signal make_signal(const std::string& id) {
    signal s;
    s.id = id;
    s.instrument = "BTC";
    s.direction = signal_side::buy;
    s.ref_price = 30000;
    s.stop_hint = 300;
    s.event_time = s.init_time = clock->now();
    return s;
  }

  std::vector<order>& sent_orders() {
    return deref<execution_actor::stateful_base<orders_state>>(exec)
      .state.orders;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(risk_actor_tests, fixture)

CAF_TEST(nothing is approved before the breaker announces the state) {
  anon_send(risk, make_signal("sig-1"));
  sched.run();
  auto& rec = test::record_of(*this, db);
  CAF_REQUIRE_EQUAL(rec.decisions.size(), 1u);
  CAF_CHECK(!rec.decisions[0].approved);
  CAF_CHECK_EQUAL(rec.decisions[0].layer, "trading_state");
  CAF_CHECK(sent_orders().empty());
}

CAF_TEST(an approved order goes to execution and persistence) {
  anon_send(risk,
            trading_state{"st-1", trading_mode::active, "start", clock->now()});
  anon_send(risk, make_signal("sig-2"));
  sched.run();
  auto& rec = test::record_of(*this, db);
  CAF_REQUIRE_EQUAL(rec.decisions.size(), 1u);
  CAF_CHECK(rec.decisions[0].approved);
  CAF_REQUIRE_EQUAL(rec.orders.size(), 1u);
  CAF_REQUIRE_EQUAL(sent_orders().size(), 1u);
  CAF_CHECK_EQUAL(sent_orders()[0].id, rec.orders[0].id);
  CAF_CHECK_EQUAL(sent_orders()[0].decision_id, rec.decisions[0].id);
  CAF_CHECK_EQUAL(metrics->approved.load(), 1u);
}

CAF_TEST(a restarted breaker halts risk when it is wired) {
  anon_send(risk,
            trading_state{"st-1", trading_mode::active, "start", clock->now()});
  auto breaker = sys.spawn(spawn_breaker, breaker_config{}, context(2));
  anon_send(breaker, breaker_wiring{risk, db});
  sched.run();
  anon_send(risk, make_signal("sig-3"));
  sched.run();
  auto& rec = test::record_of(*this, db);
  CAF_REQUIRE(!rec.states.empty());
  CAF_CHECK(rec.states.back().mode == trading_mode::halted);
  CAF_REQUIRE_EQUAL(rec.decisions.size(), 1u);
  CAF_CHECK(!rec.decisions[0].approved);
  CAF_CHECK(sent_orders().empty());
  anon_send_exit(breaker, caf::exit_reason::user_shutdown);
  sched.run();
}

CAF_TEST_FIXTURE_SCOPE_END()

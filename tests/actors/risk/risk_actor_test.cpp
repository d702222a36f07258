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
    [](const cancel_order&) {},
    [](const amend_order&) {},
    [](const execution_wiring&) {},
    [](timer_atom) {},
    [](recover_account_atom) {},
    [](const persisted_ack&) {},
    [](flush_atom) { return std::uint64_t{0}; },
    [](snapshot_atom) { return portfolio_snapshot{}; },
    [](last_account_atom) { return portfolio_snapshot{}; },
  };
}

struct fixture : test::coordinator_fixture {
  risk_actor risk = sys.spawn(spawn_risk, risk_config{}, context());
  persistence_actor db = sys.spawn(test::recording_persistence,
                                   test::no_args{});
  execution_actor exec = sys.spawn(fake_execution, test::no_args{});

  fixture() {
    anon_send(risk, risk_wiring{feed_actor{}, exec, db, breaker_inbox{}});
    anon_send(risk, test::make_quote("BTC", 29999, 30001, clock->now()));
    sched.run();
  }

  ~fixture() override {
    for (const auto& h :
         {caf::actor_cast<caf::actor>(risk), caf::actor_cast<caf::actor>(db),
          caf::actor_cast<caf::actor>(exec)})
      anon_send_exit(h, caf::exit_reason::user_shutdown);
    sched.run();
  }

  portfolio_snapshot account(double btc = 0) {
    portfolio_snapshot p;
    p.equity = p.cash = p.start_of_day_equity = 100000;
    if (btc != 0)
      p.positions.push_back(test::make_position("BTC", btc, 30000));
    p.event_time = clock->now();
    return p;
  }

  /// Risk with the account and an ACTIVE state: ready to decide.
  void make_ready(double btc = 0) {
    anon_send(risk, account(btc));
    self->send(risk, test::state_of(trading_mode::active, "start", clock->now(),
                                    "st-1"));
    sched.run();
  }

  signal make_signal(const std::string& id,
                     signal_side dir = signal_side::buy) {
    signal s;
    s.id = id;
    s.instrument = "BTC";
    s.direction = dir;
    s.ref_price = 30000;
    s.stop_hint = 300;
    s.event_time = s.init_time = clock->now();
    return s;
  }

  std::vector<order>& sent_orders() {
    return deref<execution_actor::stateful_base<orders_state>>(exec)
      .state.orders;
  }

  test::persistence_record& recorded() {
    return test::record_of(*this, db);
  }

  circuit_breaker_actor spawn_breaker_on(std::uint32_t incarnation) {
    auto b = sys.spawn(spawn_breaker, breaker_config{}, context(incarnation));
    anon_send(b, breaker_wiring{feed_actor{}, risk,
                                caf::actor_cast<account_source>(exec), db});
    sched.run();
    return b;
  }

  /// The delayed messages to `b` waiting in the clock (its timer).
  std::size_t timers_of(const circuit_breaker_actor& b) {
    using clk = caf::detail::simple_actor_clock;
    auto target = caf::actor_cast<caf::strong_actor_ptr>(b);
    std::size_t n = 0;
    for (auto& kvp : sched.clock().schedule())
      if (kvp.second->subtype == clk::actor_msg_type
          && static_cast<const clk::actor_msg&>(*kvp.second).receiver == target)
        ++n;
    return n;
  }

  void stop(const circuit_breaker_actor& b) {
    anon_send_exit(b, caf::exit_reason::user_shutdown);
    sched.run();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(risk_actor_tests, fixture)

CAF_TEST(nothing is approved before the trading state and account arrive) {
  anon_send(risk, make_signal("sig-1"));
  sched.run();
  anon_send(risk, account());
  anon_send(risk, make_signal("sig-2"));
  sched.run();
  auto& rec = recorded();
  CAF_REQUIRE_EQUAL(rec.decisions.size(), 2u);
  for (auto& d : rec.decisions) {
    CAF_CHECK(!d.approved);
    CAF_CHECK_EQUAL(d.layer, "readiness");
    CAF_CHECK_EQUAL(d.reason, "not_ready");
  }
  CAF_CHECK(sent_orders().empty());
}

CAF_TEST(a restarted risk rejects signals not_ready until it has its view) {
  make_ready();
  anon_send_exit(risk, caf::exit_reason::kill);
  sched.run();
  risk = sys.spawn(spawn_risk, risk_config{}, context(2));
  anon_send(risk, risk_wiring{feed_actor{}, exec, db, breaker_inbox{}});
  anon_send(risk, test::make_quote("BTC", 29999, 30001, clock->now()));
  // Only the breaker's state so far: the account is still missing.
  self->send(risk, test::state_of(trading_mode::active, "start", clock->now()));
  anon_send(risk, make_signal("sig-during-recovery"));
  sched.run();
  auto& rec = recorded();
  CAF_REQUIRE_EQUAL(rec.decisions.size(), 1u);
  CAF_CHECK_EQUAL(rec.decisions[0].reason, "not_ready");
  CAF_CHECK(sent_orders().empty());
  anon_send(risk, account());
  anon_send(risk, make_signal("sig-after-recovery"));
  sched.run();
  CAF_REQUIRE_EQUAL(rec.decisions.size(), 2u);
  CAF_CHECK(rec.decisions[1].approved);
  CAF_CHECK_EQUAL(sent_orders().size(), 1u);
}

CAF_TEST(an approved order goes to execution and persistence) {
  make_ready();
  anon_send(risk, make_signal("sig-2"));
  sched.run();
  auto& rec = recorded();
  CAF_REQUIRE_EQUAL(rec.decisions.size(), 1u);
  CAF_CHECK(rec.decisions[0].approved);
  CAF_REQUIRE_EQUAL(rec.orders.size(), 1u);
  CAF_REQUIRE_EQUAL(sent_orders().size(), 1u);
  CAF_CHECK_EQUAL(sent_orders()[0].id, rec.orders[0].id);
  CAF_CHECK_EQUAL(sent_orders()[0].decision_id, rec.decisions[0].id);
  CAF_CHECK_EQUAL(metrics->approved.load(), 1u);
}

CAF_TEST(a halted system sends nothing to execution but a flatten) {
  anon_send(risk, account(0.5));
  sched.run();
  auto breaker = spawn_breaker_on(1);
  // A fresh record: the breaker starts ACTIVE and says so.
  CAF_REQUIRE(!recorded().states.empty());
  CAF_CHECK(recorded().states.back().mode == trading_mode::active);
  auto answer = self->request(breaker, caf::infinite,
                              halt_trading{"operator test"});
  sched.run();
  answer.receive(
    [](const trading_state& s) { CAF_CHECK(s.mode == trading_mode::halted); },
    [](const caf::error& e) { CAF_FAIL("halt failed: " << e); });
  for (auto dir : {signal_side::buy, signal_side::sell, signal_side::close}) {
    anon_send(risk, make_signal("sig-halted", dir));
    sched.run();
  }
  CAF_CHECK(sent_orders().empty());
  for (auto& d : recorded().decisions) {
    CAF_CHECK(!d.approved);
    CAF_CHECK_EQUAL(d.layer, "trading_state");
  }
  // The operator's flatten goes through the breaker to risk: reduce-only.
  self->send(breaker, flatten_positions{"operator test"});
  sched.run();
  CAF_REQUIRE_EQUAL(sent_orders().size(), 1u);
  CAF_CHECK(sent_orders()[0].reduce_only);
  CAF_CHECK(sent_orders()[0].direction == side::sell);
  CAF_CHECK_EQUAL(sent_orders()[0].qty, 0.5);
  stop(breaker);
}

CAF_TEST(the breaker recovers its trips after a restart) {
  anon_send(risk, account());
  sched.run();
  auto breaker = spawn_breaker_on(1);
  auto p = account();
  p.equity = 89000; // 11 % below the peak of 100k: the drawdown rule trips
  p.start_of_day_equity = 89000; // (and not the daily loss: a new day)
  anon_send(breaker, account());
  anon_send(breaker, p);
  sched.run();
  CAF_REQUIRE(!recorded().states.empty());
  auto tripped = recorded().states.back();
  CAF_CHECK(tripped.mode == trading_mode::halted);
  CAF_REQUIRE_EQUAL(tripped.trips.size(), 1u);
  CAF_CHECK_EQUAL(tripped.trips[0].rule, "drawdown");
  CAF_CHECK_EQUAL(tripped.peak_equity, 100000.0);
  anon_send_exit(breaker, caf::exit_reason::kill);
  sched.run();
  // The new incarnation recovers from persistence before it says anything.
  auto again = spawn_breaker_on(2);
  auto recovered = recorded().states.back();
  CAF_CHECK(recovered.mode == trading_mode::halted);
  CAF_REQUIRE_EQUAL(recovered.trips.size(), 1u);
  CAF_CHECK_EQUAL(recovered.trips[0].rule, "drawdown");
  CAF_CHECK_EQUAL(recovered.peak_equity, 100000.0);
  anon_send(risk, make_signal("sig-after-breaker-restart"));
  sched.run();
  CAF_CHECK(sent_orders().empty());
  CAF_CHECK_EQUAL(recorded().decisions.back().reason, "halted");
  // Neither an anonymous resume nor an ACTIVE state from anyone but the
  // breaker lifts it (a peer node could send both): refused and counted.
  anon_send(again, resume_trading{"anonymous"});
  trading_state forged;
  forged.id = "st-forged";
  forged.mode = trading_mode::active;
  anon_send(risk, forged);
  sched.run();
  CAF_CHECK(recorded().states.back().mode == trading_mode::halted);
  CAF_CHECK_EQUAL(metrics->refused_commands.load(), 2u);
  anon_send(risk, make_signal("sig-after-forged-state"));
  sched.run();
  CAF_CHECK(sent_orders().empty());
  // Only the operator's resume lifts it; then orders flow again.
  self->send(again, resume_trading{"operator test"});
  sched.run();
  CAF_CHECK(recorded().states.back().mode == trading_mode::active);
  anon_send(risk, make_signal("sig-after-resume"));
  sched.run();
  CAF_CHECK_EQUAL(sent_orders().size(), 1u);
  stop(again);
}

CAF_TEST(rejections reach the breaker and a burst trips reducing) {
  make_ready();
  auto breaker = spawn_breaker_on(1);
  anon_send(risk, risk_wiring{feed_actor{}, exec, db,
                              caf::actor_cast<breaker_inbox>(breaker)});
  sched.run();
  // Signals 10 s old: each is rejected by the signal timeout (2 s).
  for (int i = 0; i < 50; ++i) {
    auto s = make_signal("sig-old-" + std::to_string(i));
    s.event_time -= 10'000'000'000;
    anon_send(risk, s);
  }
  sched.run();
  CAF_CHECK(sent_orders().empty());
  auto st = recorded().states.back();
  CAF_CHECK(st.mode == trading_mode::reducing);
  CAF_REQUIRE_EQUAL(st.trips.size(), 1u);
  CAF_CHECK_EQUAL(st.trips[0].rule, "rejection_burst");
  stop(breaker);
}

CAF_TEST(execution going away for longer than allowed halts trading) {
  make_ready();
  auto breaker = spawn_breaker_on(1);
  anon_send_exit(exec, caf::exit_reason::kill);
  sched.run();
  CAF_CHECK(recorded().states.back().mode == trading_mode::active);
  clock->advance(2'000'000'000); // circuit_breaker.unreachable_after
  trigger_timeouts();
  sched.run();
  auto st = recorded().states.back();
  CAF_CHECK(st.mode == trading_mode::halted);
  CAF_REQUIRE_EQUAL(st.trips.size(), 1u);
  CAF_CHECK_EQUAL(st.trips[0].rule, "unreachable");
  stop(breaker);
}

CAF_TEST(the breaker checks on its grid only while time can change something) {
  make_ready();
  auto breaker = spawn_breaker_on(1); // its check every 0.5 s
  auto& timers = sched.clock();
  auto stale = [this](feed_health h) {
    feed_status s;
    s.instrument = "BTC";
    s.state = h;
    s.event_time = clock->now();
    return s;
  };
  // Nothing stale, down or tripped: the first check finds nothing that
  // time could change, and the next waits for an input.
  clock->advance(500'000'000);
  CAF_REQUIRE_EQUAL(timers_of(breaker), 1u);
  CAF_REQUIRE(timers.trigger_timeout());
  sched.run();
  CAF_CHECK_EQUAL(timers_of(breaker), 0u);
  // A stale feed 0.3 s later: the checks resume at 1.0 s, on their grid.
  clock->advance(300'000'000);
  anon_send(breaker, stale(feed_health::stale));
  sched.run();
  CAF_REQUIRE_EQUAL(timers_of(breaker), 1u);
  auto last = timers.current_time;
  clock->advance(200'000'000);
  CAF_REQUIRE(timers.trigger_timeout());
  CAF_CHECK_EQUAL(timers.current_time - last, std::chrono::milliseconds{200});
  sched.run();
  // Still stale: the next check is one period later.
  CAF_REQUIRE_EQUAL(timers_of(breaker), 1u);
  last = timers.current_time;
  anon_send(breaker, stale(feed_health::fresh));
  sched.run();
  clock->advance(500'000'000);
  CAF_REQUIRE(timers.trigger_timeout());
  CAF_CHECK_EQUAL(timers.current_time - last, std::chrono::milliseconds{500});
  sched.run();
  // Fresh again: that check was the last until the next input.
  CAF_CHECK_EQUAL(timers_of(breaker), 0u);
  CAF_CHECK(recorded().states.back().mode == trading_mode::active);
  stop(breaker);
}

CAF_TEST_FIXTURE_SCOPE_END()

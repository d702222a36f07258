#define CAF_SUITE execution_actor
#include "actors/execution/execution_actor.hpp"
#include "tests/support/fakes.hpp"

using namespace cdb;

namespace {

using forward_atom = caf::atom_constant<caf::atom("forward")>;

/// Stands in for risk: forwards orders to execution, takes snapshots.
caf::behavior fake_risk(caf::event_based_actor* self, test::no_args) {
  return {
    [self](forward_atom, const execution_actor& exec, const order& o) {
      self->send(exec, submit_order{o});
    },
    [self](forward_atom, const execution_actor& exec, const cancel_order& c) {
      self->send(exec, c);
    },
    [](const portfolio_snapshot&) {},
  };
}

execution_config config(bool hold_unchanged = false) {
  execution_config cfg; // latency 10 ms, a snapshot every second
  cfg.fallback_impact_bps = 0;
  cfg.hold_unchanged = hold_unchanged;
  return cfg;
}

/// Execution wired to a stand-in risk and a recording persistence, with a
/// BTC quote in; a backtest's (HoldUnchanged) or a live node's.
template <bool HoldUnchanged>
struct wired_fixture : test::coordinator_fixture {
  execution_actor exec = sys.spawn(spawn_execution, config(HoldUnchanged),
                                   context());
  persistence_actor db = sys.spawn(test::recording_persistence,
                                   test::no_args{});
  caf::actor risk = sys.spawn(fake_risk, test::no_args{});

  wired_fixture() {
    execution_wiring w;
    w.risk = caf::actor_cast<portfolio_sink>(risk);
    w.persistence = db;
    anon_send(exec, w);
    anon_send(exec, test::make_quote("BTC", 29999, 30001, clock->now()));
    sched.run();
  }

  ~wired_fixture() override {
    // Dead actors drop their timers, so the base fixture's final run() ends.
    for (const auto& h : {caf::actor_cast<caf::actor>(exec),
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

  /// One second later, execution's snapshot timer fires; returns how many
  /// snapshots persistence has by then.
  std::size_t tick() {
    clock->advance(1'000'000'000);
    sched.trigger_timeouts();
    sched.run();
    return recorded().snapshots.size();
  }

  /// What a backtest's recorder asks for at the end.
  portfolio_snapshot last_account() {
    portfolio_snapshot out;
    auto answer = self->request(exec, caf::infinite, last_account_atom::value);
    sched.run();
    answer.receive([&](portfolio_snapshot& x) { out = std::move(x); },
                   [](const caf::error& e) { CAF_FAIL("no account: " << e); });
    return out;
  }
};

using fixture = wired_fixture<false>;
using holding_fixture = wired_fixture<true>;

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

namespace {

/// A persistence that recorded an account with a long BTC position (from a
/// bracket) and that bracket's resting stop and target.
struct recovery_fixture : test::coordinator_fixture {
  persistence_actor db = sys.spawn(test::recording_persistence,
                                   test::no_args{});
  caf::actor risk = sys.spawn(fake_risk, test::no_args{});

  recovery_fixture() {
    portfolio_snapshot acct;
    acct.id = "eq-old-1-9";
    acct.cash = 50'000;
    acct.fees = 12;
    acct.start_of_day_equity = 99'000;
    acct.event_time = clock->now();
    auto pos = test::make_position("BTC", 1.5, 30'000);
    acct.positions.push_back(pos);
    acct.equity = 50'000 + 1.5 * 30'000;
    anon_send(db, acct);
    order entry;
    entry.id = "ord-old-1-1";
    entry.instrument = "BTC";
    entry.qty = 1.5;
    entry.stop_loss = 29'000;
    entry.take_profit = 32'000;
    entry.event_time = clock->now();
    anon_send(db, entry);
    anon_send(db, order_event{"oev-old-1-1", entry.id, order_event_kind::filled,
                              "", 0, 0});
    for (auto type : {order_type::stop_market, order_type::take_profit}) {
      order c;
      c.id = type == order_type::stop_market ? "xit-old-1-1" : "xit-old-1-2";
      c.instrument = "BTC";
      c.direction = side::sell;
      c.type = type;
      c.qty = 1.5;
      c.stop_price = type == order_type::stop_market ? 29'000 : 32'000;
      c.reduce_only = true;
      c.parent_id = entry.id;
      c.event_time = clock->now();
      anon_send(db, c);
    }
    sched.run();
  }

  ~recovery_fixture() override {
    for (const auto& h : {caf::actor_cast<caf::actor>(db), risk})
      anon_send_exit(h, caf::exit_reason::user_shutdown);
    sched.run();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(execution_recovery_tests, recovery_fixture)

CAF_TEST(a restarted execution takes over the account and open orders before
           any new order) {
  auto exec = sys.spawn(spawn_execution, config(), context(2));
  execution_wiring w;
  w.risk = caf::actor_cast<portfolio_sink>(risk);
  w.persistence = db;
  anon_send(exec, w);
  // An order that arrives while the account is being recovered waits.
  order o;
  o.id = "ord-new-2-1";
  o.instrument = "BTC";
  o.direction = side::sell;
  o.qty = 0.5;
  o.reduce_only = true;
  o.event_time = clock->now();
  anon_send(risk, forward_atom::value, exec, o);
  sched.run();
  auto& rec = test::record_of(*this, db);
  // The first account it published is the recovered one, not a fresh one.
  std::vector<portfolio_snapshot> published;
  for (auto& x : rec.snapshots)
    if (x.id != "eq-old-1-9")
      published.push_back(x);
  CAF_REQUIRE(!published.empty());
  CAF_CHECK_EQUAL(published[0].cash, 50'000.0);
  CAF_CHECK_EQUAL(published[0].fees, 12.0);
  CAF_REQUIRE_EQUAL(published[0].positions.size(), 1u);
  CAF_CHECK_EQUAL(published[0].positions[0].qty, 1.5);
  // The held order fills on the next quote: a reduce-only sale of 0.5.
  anon_send(exec,
            test::make_quote("BTC", 30'100, 30'101, clock->now() + 20'000'000));
  sched.run();
  CAF_REQUIRE_EQUAL(rec.fills.size(), 1u);
  CAF_CHECK_EQUAL(rec.fills[0].order_id, "ord-new-2-1");
  CAF_CHECK_EQUAL(rec.fills[0].price, 30'100.0);
  // The recovered target still works, one-cancels-other with the stop,
  // for what is left (1.0).
  anon_send(exec,
            test::make_quote("BTC", 32'000, 32'001, clock->now() + 40'000'000));
  sched.run();
  CAF_REQUIRE_EQUAL(rec.fills.size(), 2u);
  CAF_CHECK_EQUAL(rec.fills[1].order_id, "xit-old-1-2");
  CAF_CHECK_EQUAL(rec.fills[1].qty, 1.0);
  auto stop_cancelled = false;
  for (auto& e : rec.order_events)
    stop_cancelled |= e.order_id == "xit-old-1-1"
                      && e.kind == order_event_kind::cancelled;
  CAF_CHECK(stop_cancelled);
  anon_send_exit(exec, caf::exit_reason::user_shutdown);
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST_FIXTURE_SCOPE(execution_snapshot_tests, holding_fixture)

CAF_TEST(a backtest holds back a timed snapshot that tells nothing new) {
  auto n = recorded().snapshots.size();
  CAF_REQUIRE(n >= 1u); // the account it started with
  CAF_CHECK_EQUAL(tick(), n);
  CAF_CHECK_EQUAL(tick(), n);
  // The run's last account point is the newest held back, at its time.
  auto last = last_account();
  CAF_CHECK_EQUAL(last.event_time, clock->now());
  CAF_CHECK_EQUAL(last.equity, recorded().snapshots.back().equity);
  CAF_CHECK_NOT_EQUAL(last.id, recorded().snapshots.back().id);
  // Risk counts an order it sent until a snapshot replaces the estimate:
  // the next one goes out though equal (ETH has no data: the order waits).
  auto waiting = make_order();
  waiting.id = "ord-eth";
  waiting.instrument = "ETH";
  anon_send(risk, forward_atom::value, exec, waiting);
  sched.run();
  CAF_CHECK_EQUAL(tick(), n + 1);
  CAF_CHECK_EQUAL(tick(), n + 1);
  // A new trading day goes out though every figure is the same.
  auto day = recorded().snapshots.back().event_time / 86'400'000'000'000;
  clock->set((day + 1) * 86'400'000'000'000 - 1'000'000'000);
  CAF_CHECK_EQUAL(tick(), n + 2);
  auto& next_day = recorded().snapshots.back();
  CAF_CHECK_EQUAL(next_day.event_time / 86'400'000'000'000, day + 1);
  CAF_CHECK_EQUAL(next_day.equity, recorded().snapshots[n].equity);
  CAF_CHECK_EQUAL(tick(), n + 2);
  // A fill goes out at once; then a mark that moves the position.
  anon_send(risk, forward_atom::value, exec, make_order());
  sched.run();
  anon_send(exec,
            test::make_quote("BTC", 30009, 30011, clock->now() + 10'000'000));
  sched.run();
  CAF_REQUIRE_EQUAL(recorded().fills.size(), 1u);
  CAF_CHECK_EQUAL(recorded().snapshots.size(), n + 3);
  CAF_CHECK_EQUAL(tick(), n + 3);
  anon_send(exec,
            test::make_quote("BTC", 30109, 30111, clock->now() + 10'000'000));
  sched.run();
  CAF_CHECK_EQUAL(tick(), n + 4);
  CAF_CHECK_EQUAL(tick(), n + 4);
  CAF_CHECK_EQUAL(last_account().event_time, clock->now());
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST_FIXTURE_SCOPE(execution_live_snapshot_tests, fixture)

CAF_TEST(a live node publishes every timed snapshot) {
  auto n = recorded().snapshots.size();
  for (std::size_t i = 1; i <= 3; ++i)
    CAF_CHECK_EQUAL(tick(), n + i);
  CAF_CHECK_EQUAL(last_account().id, recorded().snapshots.back().id);
}

CAF_TEST_FIXTURE_SCOPE_END()

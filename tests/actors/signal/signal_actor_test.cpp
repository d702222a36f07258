#define CAF_SUITE signal_actor
#include <stdexcept>

#include "actors/signal/signal_actor.hpp"
#include "tests/support/fakes.hpp"

using namespace cdb;

namespace {

/// Buys on every bar once warm (two bars); throws on a close of 13.
class every_bar : public strategy {
public:
  explicit every_bar(strategy_params&) {
    // nop
  }

  void on_bar(const bar& b, intent_list& out) override {
    ++seen_;
    if (b.close == 13)
      throw std::runtime_error("unlucky");
    signal_intent s;
    s.ref_price = b.close;
    s.reason = "close " + price_text(b.close);
    out.push_back(s);
  }

  bool warm() const override {
    return seen_ >= 2;
  }

private:
  std::size_t seen_ = 0;
};

struct feed_record {
  std::vector<market_sink> history_requests;
};

feed_actor::behavior_type
fake_feed(feed_actor::stateful_pointer<feed_record> self, test::no_args) {
  return {
    [](subscribe_atom, market_sink&) {},
    [self](history_atom, market_sink& sink) {
      self->state.history_requests.push_back(sink);
    },
    [](subscribe_atom, status_sink&) {},
    [](unsubscribe_atom, market_sink&) {},
    [](timer_atom) {},
    [](watchdog_atom) {},
    [](ws_atom, std::string&, timestamp) {},
    [](ws_atom, bool, std::string&) {},
  };
}

struct risk_record {
  std::vector<signal> signals;
};

signal_sink::behavior_type
fake_risk(signal_sink::stateful_pointer<risk_record> self, test::no_args) {
  return {
    [self](const signal& s) { self->state.signals.push_back(s); },
  };
}

trade_tick trade(double px, timestamp t) {
  trade_tick x;
  x.instrument = "X";
  x.price = px;
  x.qty = 1;
  x.event_time = t;
  return x;
}

signal_config config() {
  auto reg = std::make_shared<strategy_registry>();
  reg->add("every_bar",
           [](strategy_params& p) { return std::make_unique<every_bar>(p); });
  signal_config cfg;
  cfg.registry = reg;
  cfg.strategies = {"every_bar X bars=ticks:1"};
  return cfg;
}

struct fixture : test::coordinator_fixture {
  feed_actor feed = sys.spawn(fake_feed, test::no_args{});
  signal_sink risk = sys.spawn(fake_risk, test::no_args{});
  persistence_actor db = sys.spawn(test::recording_persistence,
                                   test::no_args{});
  signal_actor sig = sys.spawn(spawn_signal, config(), context());

  fixture() {
    anon_send(sig, signal_wiring{feed, risk, db});
    sched.run();
  }

  ~fixture() override {
    for (auto h :
         {caf::actor_cast<caf::actor>(feed), caf::actor_cast<caf::actor>(risk),
          caf::actor_cast<caf::actor>(db), caf::actor_cast<caf::actor>(sig)})
      anon_send_exit(h, caf::exit_reason::user_shutdown);
    sched.run();
  }

  std::vector<signal>& to_risk() {
    return deref<signal_sink::stateful_base<risk_record>>(risk).state.signals;
  }

  signal_status status() {
    // The reply waits in the scoped actor's mailbox once the scheduler ran.
    signal_status out;
    self->send(sig, state_atom::value);
    sched.run();
    self->receive([&](signal_status& s) { out = std::move(s); });
    return out;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(signal_actor_tests, fixture)

CAF_TEST(a wired signal actor asks the feed for history before data) {
  auto& requests = deref<feed_actor::stateful_base<feed_record>>(feed)
                     .state.history_requests;
  CAF_REQUIRE_EQUAL(requests.size(), 1u);
  CAF_CHECK(requests[0].address() == sig.address());
  anon_send(sig, signal_wiring{feed, risk, db}); // the same feed: no repeat
  sched.run();
  CAF_CHECK_EQUAL(requests.size(), 1u);
}

CAF_TEST(history warms the strategies without a signal) {
  CAF_CHECK(!status().warm);
  market_history h;
  h.trades = {trade(10, 1), trade(11, 2), trade(12, 3)};
  anon_send(sig, h);
  sched.run();
  CAF_CHECK(to_risk().empty());
  auto st = status();
  CAF_CHECK(st.warm);
  CAF_CHECK_EQUAL(st.history_trades, 3u);
  CAF_REQUIRE_EQUAL(st.strategies.size(), 1u);
  CAF_CHECK_EQUAL(st.strategies[0].bars_seen, 3u);
  CAF_CHECK_EQUAL(st.strategies[0].suppressed, 3u);
  CAF_CHECK(metrics->signal_warm.load());
  // The first live trade signals at once, to risk and to persistence.
  anon_send(sig, trade(14, 4));
  sched.run();
  CAF_REQUIRE_EQUAL(to_risk().size(), 1u);
  auto& s = to_risk()[0];
  CAF_CHECK_EQUAL(s.id, "sig-test-1-1");
  CAF_CHECK_EQUAL(s.reason, "close 14");
  CAF_CHECK_EQUAL(s.event_time, 4);
  CAF_CHECK_EQUAL(s.init_time, clock->now());
  CAF_REQUIRE_EQUAL(test::record_of(*this, db).signals.size(), 1u);
  CAF_CHECK(test::record_of(*this, db).signals[0] == s);
  CAF_CHECK_EQUAL(metrics->signals.load(), 1u);
}

CAF_TEST(batches and single trades give the same signals) {
  trade_batch b;
  for (timestamp t = 1; t <= 5; ++t)
    b.trades.push_back(trade(static_cast<double>(t), t));
  anon_send(sig, b);
  sched.run();
  CAF_REQUIRE_EQUAL(to_risk().size(), 4u); // warm from the second bar on
  CAF_CHECK_EQUAL(to_risk()[0].reason, "close 2");
  CAF_CHECK_EQUAL(to_risk()[3].reason, "close 5");
}

CAF_TEST(a throwing strategy is counted and the actor lives on) {
  for (double px : {11, 12, 13, 14, 15, 16})
    anon_send(sig, trade(px, static_cast<timestamp>(px)));
  sched.run();
  // 12 signals; 13 throws (instance restarts cold); 14 and 15 warm it up
  // again (15 signals); 16 signals.
  CAF_REQUIRE_EQUAL(to_risk().size(), 3u);
  CAF_CHECK_EQUAL(to_risk()[1].reason, "close 15");
  CAF_CHECK_EQUAL(metrics->strategy_errors.load(), 1u);
  auto st = status();
  CAF_CHECK_EQUAL(st.strategies[0].errors, 1u);
  CAF_CHECK_EQUAL(st.strategies[0].last_error, "unlucky");
}

CAF_TEST_FIXTURE_SCOPE_END()

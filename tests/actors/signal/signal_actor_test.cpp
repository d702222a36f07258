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

/// The signal actor's peers (a fake feed and risk, a recording
/// persistence); start() spawns and wires the actor under test.
struct peers_fixture : test::coordinator_fixture {
  feed_actor feed = sys.spawn(fake_feed, test::no_args{});
  signal_sink risk = sys.spawn(fake_risk, test::no_args{});
  persistence_actor db = sys.spawn(test::recording_persistence,
                                   test::no_args{});
  signal_actor sig;

  void start(signal_config cfg) {
    sig = sys.spawn(spawn_signal, std::move(cfg), context());
    anon_send(sig, signal_wiring{feed, risk, db});
    sched.run();
  }

  ~peers_fixture() override {
    for (const auto& h :
         {caf::actor_cast<caf::actor>(feed), caf::actor_cast<caf::actor>(risk),
          caf::actor_cast<caf::actor>(db), caf::actor_cast<caf::actor>(sig)})
      if (h)
        anon_send_exit(h, caf::exit_reason::user_shutdown);
    sched.run();
  }

  std::vector<signal>& to_risk() {
    return deref<signal_sink::stateful_base<risk_record>>(risk).state.signals;
  }

  std::size_t history_requests() {
    return deref<feed_actor::stateful_base<feed_record>>(feed)
      .state.history_requests.size();
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

struct fixture : peers_fixture {
  fixture() {
    start(config());
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(signal_actor_tests, fixture)

CAF_TEST(a wired signal actor asks the feed for history before data) {
  auto& requests = deref<feed_actor::stateful_base<feed_record>>(feed)
                     .state.history_requests;
  CAF_REQUIRE_EQUAL(history_requests(), 1u);
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

namespace {

constexpr nanoseconds ms = 1'000'000;

bar time_bar(double close, timestamp start) {
  bar b;
  b.instrument = "X";
  b.interval = ms;
  b.open = b.high = b.low = b.close = close;
  b.volume = 1;
  b.start_time = start;
  b.end_time = start + ms;
  return b;
}

/// Two instances on 1 ms time bars, and persistence holding what the node
/// recorded before; each test starts the signal actor.
struct recorded_fixture : peers_fixture {
  void start_with(const std::vector<bar>& recorded) {
    test::record_of(*this, db).bars = recorded;
    auto cfg = config();
    cfg.strategies = {"every_bar X bars=1ms",
                      "every_bar X bars=1ms cooldown=1"};
    start(cfg);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(recorded_bar_tests, recorded_fixture)

CAF_TEST(recorded bars warm the strategies before the feed history) {
  auto now = clock->now();
  start_with({time_bar(10, now - 4 * ms), time_bar(11, now - 3 * ms),
              time_bar(12, now - 2 * ms)});
  auto st = status();
  CAF_CHECK(st.warm);
  CAF_REQUIRE_EQUAL(st.strategies.size(), 2u);
  CAF_CHECK_EQUAL(st.strategies[0].bars_seen, 3u);
  CAF_CHECK_EQUAL(st.strategies[1].bars_seen, 3u);
  CAF_CHECK(to_risk().empty());
  CAF_CHECK_EQUAL(history_requests(), 1u); // asked after the bars
  // Live trades build on from the last recorded bar: one in its interval
  // is late, the next bar closes with the trade after it and signals.
  anon_send(sig, trade(99, now - 2 * ms + 10));
  anon_send(sig, trade(13.5, now - ms + 10));
  anon_send(sig, trade(14, now + 10));
  sched.run();
  auto& signals = to_risk();
  CAF_REQUIRE_EQUAL(signals.size(), 2u);
  CAF_CHECK_EQUAL(signals[0].reason, "close 13.5");
}

CAF_TEST(a recorded series older than the max age is not replayed) {
  auto old = clock->now() - 700'000'000'000; // 11 min 40 s ago; max 10 min
  start_with(
    {time_bar(10, old), time_bar(11, old + ms), time_bar(12, old + 2 * ms)});
  auto st = status();
  CAF_CHECK(!st.warm);
  CAF_CHECK_EQUAL(st.strategies[0].bars_seen, 0u);
  CAF_CHECK_EQUAL(history_requests(), 1u);
}

CAF_TEST(a recorded series ending after now is not replayed) {
  // A replay run again on the same node: the bars recorded last time end
  // after this run's start. Replayed, they would make every new bar late.
  auto later = clock->now() + 10'000'000'000;
  start_with({time_bar(10, later), time_bar(11, later + ms)});
  auto before = status(); // CAF_CHECK_EQUAL keeps references: no temporary
  CAF_CHECK_EQUAL(before.strategies[0].bars_seen, 0u);
  auto t0 = clock->now();
  for (int i = 0; i < 3; ++i)
    anon_send(sig, trade(10 + i, t0 + i * ms));
  sched.run();
  auto after = status();
  CAF_CHECK_EQUAL(after.strategies[0].bars_seen, 2u);
  CAF_CHECK_EQUAL(to_risk().size(), 2u); // every_bar signals each bar
}

CAF_TEST(closed time bars go to persistence once per series) {
  start_with({});
  auto t0 = clock->now();
  for (int i = 0; i < 4; ++i)
    anon_send(sig, trade(10 + i, t0 + i * ms));
  sched.run();
  // Two instances close the same three bars: each is recorded once.
  auto& bars = test::record_of(*this, db).bars;
  CAF_REQUIRE_EQUAL(bars.size(), 3u);
  CAF_CHECK_EQUAL(bars[0].close, 10.0);
  CAF_CHECK_EQUAL(bars[2].close, 12.0);
  CAF_CHECK_EQUAL(bars[1].start_time, t0 + ms);
  CAF_CHECK_EQUAL(bars[1].interval, ms);
}

CAF_TEST_FIXTURE_SCOPE_END()

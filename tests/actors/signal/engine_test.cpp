#define CAF_SUITE signal_engine
#include <stdexcept>

#include <caf/test/unit_test.hpp>

#include "actors/signal/engine.hpp"

using namespace cdb;

namespace {

/// Says "buy" on every bar once it has seen `warm` bars; throws on a bar
/// whose close is `throw_at`; gives a NaN price on a close of `nan_at`.
class every_bar : public strategy {
public:
  explicit every_bar(strategy_params& p)
    : warm_after_(p.count("warm", 0, 0)),
      throw_at_(p.number("throw_at", -1, -1, 1e9)),
      nan_at_(p.number("nan_at", -1, -1, 1e9)) {
    // nop
  }

  void on_bar(const bar& b, intent_list& out) override {
    ++seen_;
    if (b.close == throw_at_)
      throw std::runtime_error("boom at " + price_text(b.close));
    signal_intent s;
    s.ref_price = b.close == nan_at_ ? NAN : b.close;
    s.strength = 7; // clamped to 1
    s.reason = "bar " + std::to_string(seen_);
    out.push_back(s);
  }

  bool warm() const override {
    return seen_ >= warm_after_;
  }

private:
  std::size_t warm_after_;
  double throw_at_;
  double nan_at_;
  std::size_t seen_ = 0;
};

signal_config config(std::vector<std::string> strategies) {
  auto reg = std::make_shared<strategy_registry>(*builtin_strategies());
  reg->add("every_bar",
           [](strategy_params& p) { return std::make_unique<every_bar>(p); });
  signal_config cfg;
  cfg.registry = reg;
  cfg.bars = "ticks:1"; // one bar per trade keeps the tests short
  cfg.strategies = std::move(strategies);
  std::vector<std::string> errors;
  cfg.validate(errors);
  if (!errors.empty())
    CAF_FAIL(errors.front());
  return cfg;
}

trade_tick trade(const std::string& instrument, double px, timestamp t) {
  trade_tick x;
  x.instrument = instrument;
  x.price = px;
  x.qty = 1;
  x.event_time = t;
  return x;
}

struct fixture {
  std::vector<signal> out;

  void feed(signal_engine& e, const std::string& instrument,
            const std::vector<double>& prices) {
    for (auto px : prices)
      e.on_trade(trade(instrument, px, ++now), out);
  }

  timestamp now = 0;
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(signal_engine_tests, fixture)

CAF_TEST(no signal before warm and the warm moment is reported) {
  signal_engine e{config({"every_bar X warm=3"})};
  CAF_CHECK(!e.warm());
  feed(e, "X", {1, 2});
  CAF_CHECK(out.empty());
  CAF_CHECK(e.take_events().empty());
  feed(e, "X", {3});
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  CAF_CHECK_EQUAL(out[0].reason, "bar 3");
  CAF_CHECK_EQUAL(out[0].strategy, "every_bar");
  CAF_CHECK_EQUAL(out[0].instrument, "X");
  CAF_CHECK_EQUAL(out[0].strength, 1.0);
  CAF_CHECK_EQUAL(out[0].event_time, 3);
  auto events = e.take_events();
  CAF_REQUIRE_EQUAL(events.size(), 1u);
  CAF_CHECK_EQUAL(events[0].text, "every_bar X warm after 3 bars of ticks:1");
  CAF_CHECK(e.warm());
  auto st = e.status();
  CAF_REQUIRE_EQUAL(st.size(), 1u);
  CAF_CHECK_EQUAL(st[0].suppressed, 2u);
  CAF_CHECK_EQUAL(st[0].signals, 1u);
}

CAF_TEST(the warmup parameter holds signals for that many bars) {
  signal_engine e{config({"every_bar X warmup=4"})};
  feed(e, "X", {1, 2, 3, 4, 5});
  CAF_REQUIRE_EQUAL(out.size(), 2u);
  CAF_CHECK_EQUAL(out[0].reason, "bar 4");
}

CAF_TEST(cooldown silences the bars after a signal) {
  signal_engine e{config({"every_bar X cooldown=2"})};
  feed(e, "X", {1, 2, 3, 4, 5, 6, 7});
  CAF_REQUIRE_EQUAL(out.size(), 3u);
  CAF_CHECK_EQUAL(out[0].reason, "bar 1");
  CAF_CHECK_EQUAL(out[1].reason, "bar 4");
  CAF_CHECK_EQUAL(out[2].reason, "bar 7");
}

CAF_TEST(a replay teaches the strategies and emits nothing) {
  signal_engine e{config({"every_bar X warm=3 cooldown=2"})};
  e.replaying(true);
  feed(e, "X", {1, 2, 3, 4});
  e.replaying(false);
  CAF_CHECK(out.empty());
  CAF_CHECK(e.warm());
  feed(e, "X", {5, 6, 7}); // bar 3 (replayed) started a cooldown: 4, 5 wait
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  CAF_CHECK_EQUAL(out[0].reason, "bar 6");
}

CAF_TEST(an exception is contained to its instance and counted) {
  signal_engine e{config(
    {"every_bar X throw_at=3 warm=1", "every_bar X warm=1 cooldown=100"})};
  feed(e, "X", {1, 2, 3, 4});
  // The second instance signalled once (bar 1), then cooled down; the first
  // signalled on 1 and 2, failed on 3, restarted, and warmed up again on 4.
  CAF_REQUIRE_EQUAL(out.size(), 4u);
  CAF_CHECK_EQUAL(out[3].reason, "bar 1"); // the fresh instance's first bar
  CAF_CHECK_EQUAL(e.errors(), 1u);
  auto st = e.status();
  CAF_CHECK_EQUAL(st[0].errors, 1u);
  CAF_CHECK_EQUAL(st[0].last_error, "boom at 3");
  CAF_CHECK(!st[0].disabled);
  CAF_CHECK_EQUAL(st[1].errors, 0u);
  bool logged = false;
  for (auto& ev : e.take_events())
    logged |= ev.kind == engine_event_kind::error
              && ev.text.find("every_bar X failed (1 of 3 allowed): boom at 3")
                   != std::string::npos;
  CAF_CHECK(logged);
}

CAF_TEST(an instance that keeps failing is disabled) {
  signal_engine e{config({"every_bar X throw_at=3", "every_bar X nan_at=9"})};
  feed(e, "X", {3, 3, 3, 3, 1});
  auto st = e.status();
  CAF_CHECK(st[0].disabled);
  CAF_CHECK_EQUAL(st[0].errors, 3u);
  CAF_CHECK(!e.warm());
  CAF_CHECK_EQUAL(st[1].signals, 5u); // the neighbour never noticed
  feed(e, "X", {9});                  // a NaN price is an error too
  st = e.status();
  CAF_CHECK_EQUAL(st[1].errors, 1u);
  CAF_CHECK_EQUAL(e.errors(), 4u);
  auto events = e.take_events();
  CAF_CHECK(events.back().kind == engine_event_kind::error);
  bool disabled = false;
  for (auto& ev : events)
    disabled |= ev.kind == engine_event_kind::disabled;
  CAF_CHECK(disabled);
}

CAF_TEST(wildcards follow new instruments and names stay put) {
  signal_engine e{config({"every_bar A", "every_bar *"})};
  CAF_CHECK_EQUAL(e.status().size(), 2u); // A: both, known from the start
  feed(e, "B", {1});
  feed(e, "A", {1});
  auto st = e.status();
  CAF_REQUIRE_EQUAL(st.size(), 3u);
  CAF_CHECK_EQUAL(st[2].instrument, "B");
  CAF_CHECK_EQUAL(out.size(), 3u);
}

CAF_TEST(venue bars are used as is by matching time bars) {
  signal_engine e{config({"every_bar X bars=1min", "every_bar X"})};
  bar k;
  k.instrument = "X";
  k.interval = 60'000'000'000;
  k.start_time = 0;
  k.end_time = k.interval;
  k.close = 5;
  e.on_bar(k, out);
  e.on_bar(k, out); // a repeat is dropped
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  CAF_CHECK_EQUAL(out[0].ref_price, 5.0);
  CAF_CHECK_EQUAL(out[0].event_time, k.end_time);
}

CAF_TEST(recording keeps each closed time bar of a series once) {
  // Two instances build the same 1 s bars of X, one builds 2 s bars of X,
  // the wildcard one 1 s bars of Y; a ticks bar is never recorded.
  signal_engine e{
    config({"every_bar X bars=1s", "every_bar X bars=1s", "every_bar X bars=2s",
            "every_bar Y bars=1s", "every_bar X"})};
  e.record_bars(true);
  constexpr timestamp s = 1'000'000'000;
  auto at = [&](const std::string& instrument, timestamp t) {
    e.on_trade(trade(instrument, 1, t), out);
  };
  at("X", s / 10); // opens X's bars at 0
  at("Y", s / 10); // and Y's
  at("X", s + 1);  // closes X 1 s [0, 1)
  CAF_CHECK(e.has_built_bars());
  at("X", 2 * s + 1); // closes X 1 s [1, 2) and X 2 s [0, 2)
  at("Y", 2 * s + 1); // closes Y 1 s [0, 1)
  auto first = e.take_built_bars();
  CAF_CHECK(!e.has_built_bars());
  std::vector<std::string> got;
  got.reserve(first.size());
  for (auto& b : first)
    got.push_back(b.instrument + ' ' + std::to_string(b.interval / s) + ' '
                  + std::to_string(b.start_time / s));
  std::vector<std::string> want{"X 1 0", "X 1 1", "X 2 0", "Y 1 0"};
  CAF_CHECK_EQUAL(got, want);
  at("X", 3 * s + 1); // closes X 1 s [2, 3) only
  auto second = e.take_built_bars();
  CAF_REQUIRE_EQUAL(second.size(), 1u);
  CAF_CHECK_EQUAL(second[0].interval, s);
  CAF_CHECK_EQUAL(second[0].start_time, 2 * s);
  e.record_bars(false);
  at("X", 5 * s + 1);
  CAF_CHECK(!e.has_built_bars());
}

CAF_TEST_FIXTURE_SCOPE_END()

#define CAF_SUITE signal_strategies
#include <caf/test/unit_test.hpp>

#include "actors/signal/registry.hpp"
#include "actors/signal/signal_config.hpp"

using namespace cdb;

namespace {

/// Builds `name` with `params` ("k=v k=v"); fails the test on errors.
std::unique_ptr<strategy> make(const std::string& name,
                               const std::string& params) {
  strategy_spec spec;
  std::string why;
  if (!parse_strategy_spec(name + " X " + params, spec, why))
    CAF_FAIL(why);
  std::vector<std::string> errors;
  strategy_params p{spec.text, spec.params, errors};
  auto out = builtin_strategies()->make(name, p);
  if (!out)
    CAF_FAIL("cannot make " << name << ": " << errors.front());
  return out;
}

bar make_bar(double close, double volume = 1, double range = 1) {
  bar b;
  b.instrument = "X";
  b.open = close;
  b.high = close + range;
  b.low = close - range;
  b.close = close;
  b.volume = volume;
  return b;
}

intent_list run(strategy& s, const std::vector<bar>& bars) {
  intent_list out;
  for (auto& b : bars)
    s.on_bar(b, out);
  return out;
}

} // namespace

CAF_TEST(ema cross signals once per crossing after warm up) {
  auto s = make("ema_cross", "fast=2 slow=4 atr=2");
  std::vector<bar> bars;
  for (double px : {10, 10, 10, 10, 9, 8, 7, 6, 7, 9, 12, 15, 16})
    bars.push_back(make_bar(px));
  auto out = run(*s, bars);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  CAF_CHECK(out[0].direction == signal_side::buy);
  CAF_CHECK_EQUAL(out[0].ref_price, 9.0); // 8.28 over 7.91
  CAF_CHECK(out[0].stop_hint > 0);
  CAF_CHECK_EQUAL(out[0].reason, "EMA2 crossed above EMA4 at 9");
  CAF_CHECK(s->warm());
}

CAF_TEST(breakout needs a fresh break on volume) {
  auto s = make("breakout", "period=3 volume_period=3 volume_factor=2 atr=2");
  std::vector<bar> bars;
  for (double px : {100, 101, 100, 101, 100})
    bars.push_back(make_bar(px, 10));
  bars.push_back(make_bar(105, 10)); // breaks out on ordinary volume: no
  auto out = run(*s, bars);
  CAF_CHECK(out.empty());
  bars = {make_bar(101, 10), make_bar(100, 10), make_bar(101, 10)};
  bars.push_back(make_bar(108, 30)); // back inside, then a loud break
  bars.push_back(make_bar(112, 30)); // not fresh: still outside
  out = run(*s, bars);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  CAF_CHECK(out[0].direction == signal_side::buy);
  CAF_CHECK_EQUAL(out[0].reason, "close 108 broke above the 3-bar high 102 "
                                 "on 3.0x average volume");
  auto down = make("breakout", "period=2 volume_period=2 volume_factor=0 "
                               "atr=1");
  out = run(*down, {make_bar(50), make_bar(50), make_bar(50), make_bar(40)});
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  CAF_CHECK(out[0].direction == signal_side::sell);
}

CAF_TEST(mean reversion buys the dip and closes at the middle) {
  auto s = make("mean_reversion", "bb=5 k=1.5 rsi=3 atr=3");
  std::vector<bar> bars;
  for (double px :
       {100.0, 101.0, 100.0, 101.0, 100.0, 101.0, 95.0, 92.0, 96.0, 100.5})
    bars.push_back(make_bar(px));
  auto out = run(*s, bars);
  CAF_REQUIRE_EQUAL(out.size(), 2u);
  CAF_CHECK(out[0].direction == signal_side::buy);
  CAF_CHECK_EQUAL(out[0].ref_price, 95.0);
  CAF_CHECK(out[0].reason.find("below lower Bollinger(5,1.5)")
            != std::string::npos);
  CAF_CHECK(out[0].reason.find("with RSI3 ") != std::string::npos);
  CAF_CHECK(out[1].direction == signal_side::close);
  CAF_CHECK(out[1].reason.find("after a buy") != std::string::npos);
  CAF_CHECK(out[0].strength > 0 && out[0].strength <= 1);
}

CAF_TEST(strategy specs parse) {
  strategy_spec s;
  std::string why;
  CAF_REQUIRE(parse_strategy_spec(
    "ema_cross BTCUSDT,ETHUSDT bars=ticks:50 warmup=5 cooldown=2 fast=3", s,
    why));
  CAF_CHECK_EQUAL(s.name, "ema_cross");
  CAF_CHECK_EQUAL(s.instruments.size(), 2u);
  CAF_CHECK(s.applies_to("ETHUSDT") && !s.applies_to("XRPETH"));
  CAF_CHECK(s.own_bars && s.bars.kind == bar_kind::ticks);
  CAF_CHECK_EQUAL(s.warmup, 5u);
  CAF_CHECK_EQUAL(s.cooldown, 2u);
  CAF_CHECK_EQUAL(s.params.size(), 1u);
  CAF_REQUIRE(parse_strategy_spec("breakout *", s, why));
  CAF_CHECK(s.instruments.empty() && s.applies_to("ANY"));
  for (auto bad :
       {"ema_cross", "ema_cross X fast", "ema_cross X =3",
        "ema_cross X fast=1 fast=2", "ema_cross X cooldown=1 cooldown=2",
        "ema_cross X bars=2x", "ema_cross X cooldown=-1", "ema_cross ,"})
    CAF_CHECK(!parse_strategy_spec(bad, s, why));
}

CAF_TEST(bad strategy entries name entry key value and rule) {
  signal_config cfg;
  cfg.strategies = {"ema_cross X fast=0", "ema_cross X fast=30", "nope X",
                    "breakout X colour=red",
                    "mean_reversion X oversold=80 overbought=20"};
  cfg.bars = "5 minutes";
  cfg.max_strategy_errors = 0;
  std::vector<std::string> errors;
  cfg.validate(errors);
  auto has = [&](const std::string& text) {
    for (auto& e : errors)
      if (e.find(text) != std::string::npos)
        return true;
    CAF_MESSAGE("missing: " << text);
    return false;
  };
  CAF_CHECK(has("signal.bars = 5 minutes: must be a duration"));
  CAF_CHECK(has("signal.max_strategy_errors = 0: must be >= 1"));
  CAF_CHECK(has("signal.strategies[0] \"ema_cross X fast=0\": fast = 0: "
                "must be a whole number >= 1"));
  CAF_CHECK(has("signal.strategies[1] \"ema_cross X fast=30\": slow = "
                "(default): must be > fast"));
  CAF_CHECK(has("signal.strategies[2] \"nope X\": unknown strategy nope "
                "(known: breakout, ema_cross, mean_reversion)"));
  CAF_CHECK(has("signal.strategies[3] \"breakout X colour=red\": colour = "
                "red: unknown parameter (known: bars, warmup, cooldown, "
                "period, "));
  CAF_CHECK(has("overbought = 20: must be > oversold"));
  CAF_CHECK_EQUAL(errors.size(), 7u);
}

CAF_TEST(price text has no exponent) {
  CAF_CHECK_EQUAL(price_text(46377.5), "46377.5");
  CAF_CHECK_EQUAL(price_text(0.00123456), "0.00123456");
  CAF_CHECK_EQUAL(price_text(0.0000001234), "0.0000001234");
  CAF_CHECK_EQUAL(price_text(2), "2");
}

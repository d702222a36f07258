#define CAF_SUITE signal_strategy
#include <cmath>

#include <caf/test/unit_test.hpp>

#include "actors/signal/bar_builder.hpp"
#include "actors/signal/ema_cross.hpp"

using namespace cdb;

CAF_TEST(ema matches hand computed values) {
  ema e{3};
  for (double x : {1.0, 2.0, 3.0})
    e.update(x);
  CAF_REQUIRE(e.ready());
  CAF_CHECK(std::fabs(e.value() - 2.0) < 1e-12); // seed: mean
  e.update(6.0);                                 // 2 + 0.5 * (6 - 2)
  CAF_CHECK(std::fabs(e.value() - 4.0) < 1e-12);
}

CAF_TEST(atr uses the true range across gaps) {
  atr a{2};
  a.update(10, 8, 9);   // tr 2
  a.update(15, 12, 14); // tr max(3, |15-9|, |12-9|) = 6
  CAF_REQUIRE(a.ready());
  CAF_CHECK(std::fabs(a.value() - 4.0) < 1e-12);
  a.update(14, 13, 13.5); // tr 1 -> (4 * 1 + 1) / 2
  CAF_CHECK(std::fabs(a.value() - 2.5) < 1e-12);
}

CAF_TEST(bar closes on the first trade after its end) {
  bar_builder b{"X", 100};
  auto trade = [](double px, timestamp t) {
    trade_tick x;
    x.instrument = "X";
    x.price = px;
    x.qty = 1;
    x.event_time = t;
    return x;
  };
  CAF_CHECK(!b.add(trade(10, 0)));
  CAF_CHECK(!b.add(trade(12, 50)));
  CAF_CHECK(!b.add(trade(9, 99)));
  auto closed = b.add(trade(11, 100));
  CAF_REQUIRE(closed);
  CAF_CHECK_EQUAL(closed->open, 10.0);
  CAF_CHECK_EQUAL(closed->high, 12.0);
  CAF_CHECK_EQUAL(closed->low, 9.0);
  CAF_CHECK_EQUAL(closed->close, 9.0);
  CAF_CHECK_EQUAL(closed->volume, 3.0);
  CAF_CHECK_EQUAL(closed->end_time, 100);
}

CAF_TEST(ema cross signals once per crossing after warm up) {
  ema_cross_config cfg;
  cfg.fast = 2;
  cfg.slow = 4;
  cfg.atr_period = 2;
  cfg.cooldown_bars = 0;
  ema_cross s{cfg};
  auto feed = [&](double px) {
    bar b;
    b.open = b.high = b.low = b.close = px;
    b.high += 1;
    b.low -= 1;
    return s.on_bar(b);
  };
  std::vector<signal_intent> out;
  for (double px : {10, 10, 10, 10, 9, 8, 7, 6, 7, 9, 12, 15, 16})
    if (auto x = feed(px))
      out.push_back(*x);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  CAF_CHECK(out[0].direction == signal_side::buy);
  CAF_CHECK(out[0].stop_hint > 0);
  CAF_CHECK(out[0].reason.find("crossed above") != std::string::npos);
}

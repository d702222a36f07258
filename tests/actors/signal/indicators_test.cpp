#define CAF_SUITE signal_indicators
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <caf/test/unit_test.hpp>

#include "actors/signal/indicators.hpp"
#include "actors/signal/window_indicators.hpp"

using namespace cdb;

namespace {

bool near(double x, double y, double tol = 1e-9) {
  return std::fabs(x - y) <= tol;
}

} // namespace

CAF_TEST(ema matches hand computed values) {
  ema e{3};
  for (double x : {1.0, 2.0, 3.0})
    e.update(x);
  CAF_REQUIRE(e.ready());
  CAF_CHECK(near(e.value(), 2.0)); // seed: mean
  e.update(6.0);                   // 2 + 0.5 * (6 - 2)
  CAF_CHECK(near(e.value(), 4.0));
}

CAF_TEST(atr uses the true range across gaps) {
  atr a{2};
  a.update(10, 8, 9);   // tr 2
  a.update(15, 12, 14); // tr max(3, |15-9|, |12-9|) = 6
  CAF_REQUIRE(a.ready());
  CAF_CHECK(near(a.value(), 4.0));
  a.update(14, 13, 13.5); // tr 1 -> (4 * 1 + 1) / 2
  CAF_CHECK(near(a.value(), 2.5));
}

CAF_TEST(rsi follows wilder by hand) {
  rsi r{2};
  r.update(10);
  r.update(12); // +2
  CAF_CHECK(!r.ready());
  r.update(11); // -1: gain 1, loss 0.5 -> RS 2 -> 66.67
  CAF_REQUIRE(r.ready());
  CAF_CHECK(near(r.value(), 100.0 - 100.0 / 3.0));
  r.update(8); // -3: gain 0.5, loss 1.75
  CAF_CHECK(near(r.value(), 100.0 - 100.0 / (1.0 + 0.5 / 1.75)));
  rsi flat{3};
  for (int i = 0; i < 5; ++i)
    flat.update(7);
  CAF_CHECK_EQUAL(flat.value(), 50.0);
  rsi up{2};
  for (double x : {1.0, 2.0, 3.0})
    up.update(x);
  CAF_CHECK_EQUAL(up.value(), 100.0);
}

CAF_TEST(bollinger sma zscore and donchian by hand) {
  bollinger b{4, 2.0};
  sma s{4};
  zscore z{4};
  donchian d{3};
  for (double x : {2.0, 4.0, 4.0, 6.0}) {
    b.update(x);
    s.update(x);
    z.update(x);
    d.update(x + 1, x - 1);
  }
  CAF_REQUIRE(b.ready());
  CAF_CHECK(near(s.value(), 4.0));
  CAF_CHECK(near(b.stdev(), std::sqrt(2.0))); // (4 + 0 + 0 + 4) / 4
  CAF_CHECK(near(b.upper(), 4.0 + 2 * std::sqrt(2.0)));
  CAF_CHECK(near(z.value(), 2.0 / std::sqrt(2.0)));
  CAF_CHECK_EQUAL(d.upper(), 7.0); // highs 5 5 7
  CAF_CHECK_EQUAL(d.lower(), 3.0); // lows of the last 3 bars: 3 3 5
  d.update(3, 2);
  CAF_CHECK_EQUAL(d.upper(), 7.0);
  CAF_CHECK_EQUAL(d.lower(), 2.0);
}

CAF_TEST(volatility and vwap by hand) {
  volatility v{2};
  v.update(100);
  v.update(110);
  v.update(99);
  CAF_REQUIRE(v.ready());
  auto r1 = std::log(1.1);
  auto r2 = std::log(0.9);
  auto m = (r1 + r2) / 2;
  auto sd = std::sqrt((r1 - m) * (r1 - m) + (r2 - m) * (r2 - m));
  CAF_CHECK(near(v.value(), sd));
  CAF_CHECK(near(v.annualised(525'600), sd * std::sqrt(525'600.0)));
  vwap w{2};
  w.update(10, 1);
  w.update(20, 3);
  CAF_CHECK(near(w.value(), 70.0 / 4));
  w.update(30, 0); // window: (20, 3), (30, 0)
  CAF_CHECK(near(w.value(), 20.0));
}

CAF_TEST(non finite inputs leave indicators untouched) {
  ema e{2};
  sma s{2};
  atr a{1};
  for (double x : {1.0, 3.0}) {
    e.update(x);
    s.update(x);
  }
  a.update(2, 1, 1.5);
  e.update(NAN);
  s.update(INFINITY);
  a.update(NAN, 1, 1);
  CAF_CHECK(near(e.value(), 2.0));
  CAF_CHECK(near(s.value(), 2.0));
  CAF_CHECK(near(a.value(), 1.0));
}

#define CAF_SUITE risk_market_stats
#include <cmath>

#include <caf/test/unit_test.hpp>

#include "actors/risk/engine.hpp"
#include "actors/risk/market_stats.hpp"

using namespace cdb;

namespace {

constexpr nanoseconds minute = 60'000'000'000;

} // namespace

CAF_TEST(volatility of mid bars is annualised once enough bars closed) {
  market_stats s{minute, 100, 3, 2};
  // Closes alternate 100 and 110 at each minute: returns ±ln(1.1).
  for (int i = 0; i <= 4; ++i) {
    s.on_mid(i % 2 == 0 ? 100 : 110, i * minute);
    s.on_mid(i % 2 == 0 ? 101 : 111, i * minute + minute / 2); // the close
  }
  // Four closed bars give three returns: just enough.
  CAF_CHECK_EQUAL(s.bars(), 4u);
  auto r = std::log(111.0 / 101.0);
  // Returns +r, -r, +r: sample stdev = sqrt(((r/3*2)^2*2 + (4r/3)^2)/2).
  auto m = r / 3;
  auto sd = std::sqrt(((r - m) * (r - m) * 2 + (-r - m) * (-r - m)) / 2);
  CAF_CHECK(std::fabs(s.volatility() - sd * std::sqrt(525'600.0)) < 1e-9);
  CAF_CHECK(s.atr() > 0);
  market_stats fresh{minute, 100};
  fresh.on_mid(100, 0);
  CAF_CHECK_EQUAL(fresh.volatility(), 0.0); // unknown, not zero risk
  CAF_CHECK_EQUAL(fresh.atr(), 0.0);
}

CAF_TEST(bad mids and old times are ignored) {
  market_stats s{minute, 10, 2, 1};
  s.on_mid(100, 5 * minute);
  s.on_mid(NAN, 6 * minute);
  s.on_mid(-1, 6 * minute);
  s.on_mid(200, 1 * minute); // older than the open bar
  s.on_mid(101, 6 * minute);
  CAF_CHECK_EQUAL(s.bars(), 1u);
}

CAF_TEST(the engine sizes with the configured method) {
  risk_config cfg;
  cfg.sizing_method = "volatility_target";
  cfg.vol_bar = minute;
  cfg.max_position_pct = 100;
  cfg.max_exposure_pct = 100;
  risk_engine engine{cfg, id_source{"dec", "t", 1}, id_source{"ord", "t", 1}};
  trading_state st;
  st.mode = trading_mode::active;
  engine.on_state(st);
  portfolio_snapshot p;
  p.equity = p.cash = p.start_of_day_equity = 100000;
  engine.on_portfolio(p);
  auto quote = [&](double mid, timestamp t) {
    quote_tick q;
    q.instrument = "X";
    q.bid = mid - 0.5;
    q.ask = mid + 0.5;
    q.event_time = t;
    engine.on_quote(q);
  };
  signal s;
  s.id = "sig-1";
  s.instrument = "X";
  s.direction = signal_side::buy;
  s.ref_price = 1000;
  s.stop_hint = 10;
  quote(1000, 0);
  s.event_time = 0;
  auto out = engine.on_signal(s, 0);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  CAF_CHECK(!out[0].decision.approved); // no volatility yet: no guess
  CAF_CHECK_EQUAL(out[0].decision.reason, "volatility_unknown");
  CAF_CHECK_EQUAL(out[0].decision.layer, "sizing");
  timestamp t = 0;
  for (int i = 1; i <= 30; ++i)
    quote(i % 2 == 0 ? 1000 : 1010, t = i * minute);
  s.event_time = t;
  out = engine.on_signal(s, t);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  CAF_REQUIRE(out[0].decision.approved);
  auto vol = engine.stats("X")->volatility();
  CAF_REQUIRE(vol > 0);
  auto want = 100000 * 0.2 / vol / 1000.5; // entry at the ask
  CAF_CHECK(std::fabs(out[0].decision.approved_qty - want)
            <= cfg.sizing.lot_step);
  CAF_CHECK(out[0].decision.notes.find("method=volatility_target")
            != std::string::npos);
}

CAF_TEST(an unknown sizing method names the key) {
  risk_config cfg;
  cfg.sizing_method = "martingale";
  cfg.vol_bar = 0;
  std::vector<std::string> errors;
  cfg.validate(errors);
  CAF_REQUIRE_EQUAL(errors.size(), 2u);
  CAF_CHECK(errors[0].find("risk.sizing_method = martingale: must be") == 0);
  CAF_CHECK(errors[1].find("risk.vol_bar = 0s: must be >= 1s") == 0);
}

CAF_TEST(traded volume per bar is averaged over closed bars) {
  constexpr nanoseconds minute = 60'000'000'000;
  market_stats s{minute, 100};
  CAF_CHECK_EQUAL(s.bar_volume(), 0.0); // unknown until a bar closed
  s.on_volume(2, 0);
  s.on_volume(3, minute - 1);
  CAF_CHECK_EQUAL(s.bar_volume(), 0.0);
  s.on_volume(1, minute); // closes the first bar: 5
  CAF_CHECK_EQUAL(s.bar_volume(), 5.0);
  s.on_volume(-1, minute);    // ignored
  s.on_volume(7, minute - 5); // older than the open bar: ignored
  s.on_volume(4, 3 * minute); // closes bar 2 (1) and an empty bar 3 (0)
  CAF_CHECK_EQUAL(s.bar_volume(), 2.0); // (5 + 1 + 0) / 3
}

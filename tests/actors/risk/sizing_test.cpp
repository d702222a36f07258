#define CAF_SUITE risk_sizing
#include <cmath>
#include <limits>
#include <random>
#include <set>
#include <sstream>

#include <caf/test/unit_test.hpp>

#include "actors/risk/sizing_methods.hpp"

using namespace cdb;

namespace {

bool near(double x, double y, double tol = 1e-9) {
  return std::fabs(x - y) <= tol;
}

sizing_config with(sizing_method m) {
  sizing_config cfg;
  cfg.method = m;
  return cfg;
}

sizing_inputs inputs(double stop_hint = 400, double vol = 0, double atr = 0) {
  sizing_inputs in;
  in.equity = 100000;
  in.entry = 40000;
  in.stop_hint = stop_hint;
  in.volatility = vol;
  in.atr = atr;
  return in;
}

bool has(const sizing_result& r, const std::string& text) {
  if (r.audit.find(text) != std::string::npos)
    return true;
  CAF_MESSAGE("audit lacks " << text << ": " << r.audit);
  return false;
}

} // namespace

CAF_TEST(fixed fractional risks the fraction between entry and stop) {
  auto r = size_position(with(sizing_method::fixed_fractional), inputs(300));
  CAF_REQUIRE(r.ok);
  CAF_CHECK(near(r.qty, 1.6666, 1e-9)); // 500 / 300, rounded down to 0.0001
  CAF_CHECK_EQUAL(r.stop_distance, 300.0);
  CAF_CHECK(has(r, "method=fixed_fractional"));
  CAF_CHECK(has(r, "factor=0.005"));
  auto d = size_position(with(sizing_method::fixed_fractional), inputs(0));
  CAF_CHECK_EQUAL(d.stop_distance, 400.0); // 1 % of 40 000 without a hint
}

CAF_TEST(volatility targeting sizes the position volatility) {
  // 20 % of 100 000 over an annualised vol of 80 %: 25 000 notional.
  auto r = size_position(with(sizing_method::volatility_target),
                         inputs(400, 0.8));
  CAF_REQUIRE(r.ok);
  CAF_CHECK(near(r.qty, 0.625));
  CAF_CHECK(has(r, "vol=0.8"));
  CAF_CHECK_EQUAL(size_position(with(sizing_method::volatility_target),
                                inputs(400, 0))
                    .reason,
                  "volatility_unknown");
}

CAF_TEST(kelly uses config until enough trades then the record) {
  auto cfg = with(sizing_method::kelly);
  // p 0.5, b 1.5: full Kelly 1/6, a quarter of it 4.17 %, capped at 2 %.
  auto r = size_position(cfg, inputs(400));
  CAF_REQUIRE(r.ok);
  CAF_CHECK(near(r.qty, 5.0)); // 2 000 at risk over a 400 stop
  CAF_CHECK(has(r, "note=config_inputs(0<30_trades)"));
  CAF_CHECK(has(r, "note=capped_at_2_pct"));
  cfg.kelly_cap_pct = 10;
  auto in = inputs(400);
  in.stats = {50, 0.4, 300, 100}; // b 3: full Kelly 0.2, a quarter 5 %
  r = size_position(cfg, in);
  CAF_REQUIRE(r.ok);
  CAF_CHECK(near(r.qty, 12.5));
  CAF_CHECK(has(r, "trades=50"));
  in.stats = {50, 0.3, 100, 100}; // a losing record: no edge, no order
  CAF_CHECK_EQUAL(size_position(cfg, in).reason, "no_edge");
  in.stats = {50, 1.5, 100, 100};
  CAF_CHECK_EQUAL(size_position(cfg, in).reason, "invalid_trade_stats");
  in.stats = {50, 0.5, 100, 0};
  CAF_CHECK_EQUAL(size_position(cfg, in).reason, "invalid_trade_stats");
}

CAF_TEST(atr sizing puts the stop at k atr) {
  auto r = size_position(with(sizing_method::atr), inputs(999, 0, 150));
  CAF_REQUIRE(r.ok);
  CAF_CHECK_EQUAL(r.stop_distance, 300.0); // 2 x 150, not the hint
  CAF_CHECK(near(r.qty, 1.6666));
  CAF_CHECK_EQUAL(size_position(with(sizing_method::atr), inputs()).reason,
                  "atr_unknown");
}

CAF_TEST(the regime picks volatility targeting in a storm) {
  auto cfg = with(sizing_method::regime);
  auto storm = size_position(cfg, inputs(400, 0.9));
  CAF_REQUIRE(storm.ok);
  CAF_CHECK_EQUAL(storm.audit,
                  "method=regime equity=100000 entry=40000 "
                  "note=regime_high(vol>=80pct)->volatility_target vol=0.9 "
                  "target_pct=20 factor=0.222222 raw_qty=0.555556");
  CAF_CHECK(near(storm.qty, 0.5555)); // 20 000 / 0.9 / 40 000, rounded down
  auto calm = size_position(cfg, inputs(400, 0.3));
  CAF_CHECK(has(calm, "regime_normal->fixed_fractional"));
  CAF_CHECK(near(calm.qty, 1.25));
  auto blind = size_position(cfg, inputs(400, 0));
  CAF_CHECK(has(blind, "volatility_unknown->fixed_fractional"));
  CAF_CHECK(blind.ok);
}

CAF_TEST(a rejection carries the value it compared and its bound) {
  auto ff = with(sizing_method::fixed_fractional);
  // 500 at risk over a 4-unit stop: 125 BTC, 5 M notional; the bound is
  // 1 000 % of 100 000 equity.
  auto absurd = size_position(ff, inputs(4));
  CAF_REQUIRE_EQUAL(absurd.reason, "size_absurd");
  CAF_CHECK(near(absurd.observed, 500.0 / 4 * 40000, 1e-6));
  CAF_CHECK_EQUAL(absurd.limit, 1e6);
  auto close = size_position(ff, inputs(1));
  CAF_REQUIRE_EQUAL(close.reason, "stop_too_close");
  CAF_CHECK_EQUAL(close.observed, 1.0);
  CAF_CHECK(near(close.limit, 4.0)); // one basis point of 40 000
  auto in = inputs(400);
  in.equity = 5;
  auto small = size_position(ff, in);
  CAF_REQUIRE_EQUAL(small.reason, "below_min_notional");
  CAF_CHECK_EQUAL(small.observed, 0.0); // 0.0000625 rounds down to no lot
  CAF_CHECK_EQUAL(small.limit, ff.min_notional);
  in.equity = -3;
  auto broke = size_position(ff, in);
  CAF_REQUIRE_EQUAL(broke.reason, "invalid_equity");
  CAF_CHECK_EQUAL(broke.observed, -3.0);
  auto kelly = with(sizing_method::kelly);
  in = inputs(400);
  in.stats = {50, 0.3, 100, 100}; // full Kelly 0.3 - 0.7 = -0.4
  auto edge = size_position(kelly, in);
  CAF_REQUIRE_EQUAL(edge.reason, "no_edge");
  CAF_CHECK(near(edge.observed, -0.4));
  CAF_CHECK_EQUAL(edge.limit, 0.0);
  in.stats = {50, 1.5, 100, 100};
  CAF_CHECK(has(size_position(kelly, in), "recorded_win_rate=1.5"));
}

CAF_TEST(bad and absurd inputs are named rejections) {
  auto ff = with(sizing_method::fixed_fractional);
  auto reason = [&](sizing_config cfg, sizing_inputs in) {
    auto r = size_position(cfg, in);
    CAF_CHECK(!r.ok);
    CAF_CHECK_EQUAL(r.qty, 0.0);
    return r.reason;
  };
  auto in = inputs();
  in.equity = NAN;
  CAF_CHECK_EQUAL(reason(ff, in), "invalid_equity");
  in = inputs();
  in.equity = -1;
  CAF_CHECK_EQUAL(reason(ff, in), "invalid_equity");
  in = inputs();
  in.entry = INFINITY;
  CAF_CHECK_EQUAL(reason(ff, in), "invalid_price");
  CAF_CHECK_EQUAL(reason(ff, inputs(400, NAN)), "invalid_volatility");
  CAF_CHECK_EQUAL(reason(ff, inputs(400, -0.5)), "invalid_volatility");
  CAF_CHECK_EQUAL(reason(ff, inputs(400, 0, NAN)), "invalid_atr");
  CAF_CHECK_EQUAL(reason(ff, inputs(1e-9)), "stop_too_close");
  CAF_CHECK_EQUAL(reason(with(sizing_method::volatility_target),
                         inputs(400, 1e-7)),
                  "size_absurd");
  in = inputs(400);
  in.equity = 5; // 0.025 at risk over 400: less than one lot
  CAF_CHECK_EQUAL(reason(ff, in), "below_min_notional");
}

CAF_TEST(random inputs give an order only when it is sane) {
  std::mt19937_64 rng{42};
  std::uniform_real_distribution<double> u(0, 1);
  constexpr double inf = std::numeric_limits<double>::infinity();
  const double specials[] = {
    0.0,   -1.0,   std::numeric_limits<double>::quiet_NaN(),
    inf,   -inf,   1e-12,
    1e300, 1e-300, 5e-5};
  auto pick = [&](double typical) {
    if (u(rng) < 0.15)
      return specials[rng() % 9];
    return typical * std::pow(10.0, u(rng) * 6 - 3);
  };
  std::set<std::string> reasons;
  std::string first_bad;
  int approved = 0;
  for (int n = 0; n < 50'000; ++n) {
    auto cfg = with(static_cast<sizing_method>(rng() % 5));
    cfg.lot_step = std::pow(10.0, -static_cast<int>(rng() % 6));
    cfg.kelly_cap_pct = 0.5 + u(rng) * 20;
    sizing_inputs in;
    in.equity = pick(1e5);
    in.entry = pick(3e4);
    in.stop_hint = pick(300);
    in.volatility = pick(0.5);
    in.atr = pick(150);
    in.stats = {rng() % 100, pick(0.5), pick(100), pick(80)};
    auto r = size_position(cfg, in);
    if (r.ok) {
      ++approved;
      auto steps = r.qty / cfg.lot_step;
      bool sane = std::isfinite(r.qty) && r.qty > 0
                  && std::fabs(steps - std::round(steps))
                       <= 1e-6 + 1e-12 * steps
                  && r.qty * in.entry >= cfg.min_notional
                  && r.qty * in.entry
                       <= in.equity * cfg.max_notional_pct / 100 * (1 + 1e-12)
                  && std::isfinite(in.equity) && in.equity > 0
                  && std::isfinite(r.stop_distance) && r.stop_distance > 0;
      if (!sane && first_bad.empty()) {
        std::ostringstream out;
        out << "case " << n << ": qty " << r.qty << " " << r.audit;
        first_bad = out.str();
      }
    } else {
      reasons.insert(r.reason);
      if (r.qty != 0 && first_bad.empty())
        first_bad = "rejection with a quantity: " + r.audit;
      // A bound rejection names a value beyond its bound.
      bool over = r.reason == "size_absurd";
      bool under = r.reason == "stop_too_close"
                   || r.reason == "below_min_notional";
      if (((over && !(r.observed > r.limit))
           || (under && !(r.observed < r.limit)))
          && first_bad.empty())
        first_bad = r.reason + " observed " + std::to_string(r.observed)
                    + " limit " + std::to_string(r.limit) + ": " + r.audit;
    }
    if (r.audit.rfind("method=", 0) != 0 && first_bad.empty())
      first_bad = "audit without method: " + r.audit;
  }
  CAF_CHECK_EQUAL(first_bad, "");
  CAF_CHECK(approved > 1000); // the generator does produce sane cases
  const std::set<std::string> known{
    "invalid_equity", "invalid_price",       "invalid_volatility",
    "invalid_atr",    "volatility_unknown",  "atr_unknown",
    "no_edge",        "invalid_trade_stats", "stop_too_close",
    "size_absurd",    "below_min_notional",  "invalid_size"};
  for (auto& r : reasons)
    if (known.count(r) == 0)
      CAF_FAIL("unknown rejection reason \"" << r << "\"");
  CAF_CHECK(reasons.size() >= 9);
}

CAF_TEST(sizing config rules name their keys) {
  sizing_config cfg;
  cfg.kelly_fraction = 1.5;
  cfg.kelly_win_rate = -0.1;
  cfg.atr_stop_multiple = 0;
  std::vector<std::string> errors;
  cfg.validate(errors);
  CAF_REQUIRE_EQUAL(errors.size(), 3u);
  CAF_CHECK(errors[0].find("risk.kelly_fraction = 1.5") == 0);
  CAF_CHECK(errors[1].find("risk.kelly_win_rate = -0.1") == 0);
  CAF_CHECK(errors[2].find("risk.atr_stop_multiple = 0") == 0);
  sizing_method m;
  CAF_CHECK(from_string("kelly", m) && m == sizing_method::kelly);
  CAF_CHECK(!from_string("martingale", m));
}

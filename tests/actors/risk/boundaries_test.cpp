// Every risk limit at, just below and just above its boundary. The values
// are chosen so the compared numbers are exact in binary floating point
// (checked: 20 / 10 000 × 1e4 is exactly 20, 5 000 / 100 000 × 100 exactly
// 5), so "at the limit" really is at it. docs/risk.md lists the rules.
#define CAF_SUITE risk_boundaries
#include <caf/test/unit_test.hpp>

#include "actors/risk/layers.hpp"

using namespace cdb;

namespace {

constexpr timestamp t0 = 1'700'000'000'000'000'000;

order_intent buy(double qty, double price, timestamp signal_time = t0) {
  order_intent o;
  o.direction = side::buy;
  o.qty = qty;
  o.price = price;
  o.signal_time = signal_time;
  return o;
}

account_view account(double equity, double sod, double exposure = 0,
                     double pos = 0) {
  return {equity, sod, exposure, pos};
}

bool passes(const layer_result& r) {
  return r.outcome == layer_outcome::pass;
}

bool rejects(const layer_result& r, const char* reason) {
  return r.outcome == layer_outcome::reject && r.reason == reason;
}

} // namespace

CAF_TEST(signal timeout is inclusive) {
  risk_config cfg; // 2 s
  auto limit = cfg.signal_timeout;
  CAF_CHECK(passes(check_signal_timeout(cfg, buy(1, 1), t0 + limit - 1)));
  CAF_CHECK(passes(check_signal_timeout(cfg, buy(1, 1), t0 + limit)));
  CAF_CHECK(rejects(check_signal_timeout(cfg, buy(1, 1), t0 + limit + 1),
                    "signal_expired"));
}

CAF_TEST(stale data timeout is inclusive) {
  risk_config cfg; // 2 s
  market_view m{true, 9990, 10010, t0};
  auto limit = cfg.data_stale_timeout;
  CAF_CHECK(passes(check_data_quality(cfg, m, t0 + limit - 1, 1)));
  CAF_CHECK(passes(check_data_quality(cfg, m, t0 + limit, 1)));
  CAF_CHECK(
    rejects(check_data_quality(cfg, m, t0 + limit + 1, 1), "stale_data"));
}

CAF_TEST(spread limit is inclusive) {
  risk_config cfg; // 20 bps
  // 9990 / 10010: exactly 20 bps around a mid of 10 000.
  CAF_CHECK(passes(check_spread(cfg, {true, 9990, 10010, t0}, 1)));
  CAF_CHECK(passes(check_spread(cfg, {true, 9990.01, 10010, t0}, 1)));
  auto r = check_spread(cfg, {true, 9989.99, 10010, t0}, 1);
  CAF_CHECK(rejects(r, "spread_too_wide"));
  CAF_CHECK(r.observed > 20 && r.limit == 20);
}

CAF_TEST(daily drawdown blocks at the limit) {
  risk_config cfg; // 5 %
  CAF_CHECK(passes(check_daily_drawdown(cfg, account(95000.01, 1e5), 1)));
  CAF_CHECK(rejects(check_daily_drawdown(cfg, account(95000, 1e5), 1),
                    "daily_drawdown_reached"));
  CAF_CHECK(rejects(check_daily_drawdown(cfg, account(94999.99, 1e5), 1),
                    "daily_drawdown_reached"));
}

CAF_TEST(position limit is inclusive and caps above it) {
  risk_config cfg; // 10 % of 100 000 = 10 000 notional
  auto a = account(1e5, 1e5);
  CAF_CHECK(passes(check_position_limit(cfg, a, buy(0.9999, 10000))));
  CAF_CHECK(passes(check_position_limit(cfg, a, buy(1, 10000))));
  auto r = check_position_limit(cfg, a, buy(1.0001, 10000));
  CAF_CHECK(r.outcome == layer_outcome::cap);
  CAF_CHECK_EQUAL(r.qty, 1.0);
  CAF_CHECK_EQUAL(r.limit, 10000.0);
  // Held 0.5: room for exactly 0.5 more.
  auto half = account(1e5, 1e5, 0, 0.5);
  CAF_CHECK(passes(check_position_limit(cfg, half, buy(0.5, 10000))));
  CAF_CHECK_EQUAL(check_position_limit(cfg, half, buy(0.6, 10000)).qty, 0.5);
}

CAF_TEST(exposure limit is inclusive) {
  risk_config cfg; // 30 % of 100 000 = 30 000 notional
  CAF_CHECK(
    passes(check_exposure(cfg, account(1e5, 1e5, 20000), buy(0.9999, 10000))));
  CAF_CHECK(
    passes(check_exposure(cfg, account(1e5, 1e5, 20000), buy(1, 10000))));
  CAF_CHECK(
    rejects(check_exposure(cfg, account(1e5, 1e5, 20000), buy(1.0001, 10000)),
            "exposure_limit"));
}

CAF_TEST(min notional is inclusive for a capped order) {
  risk_config cfg;
  cfg.sizing.min_notional = 1000; // room of 0.1 at 10 000: exactly 1 000
  auto a = account(1e5, 1e5, 0, 0.9);
  auto r = check_position_limit(cfg, a, buy(0.5, 10000));
  CAF_CHECK(r.outcome == layer_outcome::cap);
  CAF_CHECK(std::abs(r.qty - 0.1) < 1e-12);
  cfg.sizing.min_notional = 1000.01;
  CAF_CHECK(rejects(check_position_limit(cfg, a, buy(0.5, 10000)),
                    "position_limit_reached"));
}

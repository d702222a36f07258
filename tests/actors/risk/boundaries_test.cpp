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

namespace {

market_view perpetual_quote() {
  market_view m;
  m.known = true;
  m.bid = 9990;
  m.ask = 10010;
  m.quote_time = t0;
  m.perpetual = true;
  m.funding_known = true;
  m.funding_rate = 0;
  return m;
}

} // namespace

CAF_TEST(liquidation distance passes at the limit) {
  risk_config cfg;
  cfg.leverage = 4;                  // 25 % initial margin
  cfg.maintenance_margin_pct = 12.5; // distance exactly 12.5 %
  auto m = perpetual_quote();
  cfg.min_liquidation_distance_pct = 12.4;
  CAF_CHECK(passes(check_perpetual(cfg, m, buy(1, 10000))));
  cfg.min_liquidation_distance_pct = 12.5;
  CAF_CHECK(passes(check_perpetual(cfg, m, buy(1, 10000))));
  cfg.min_liquidation_distance_pct = 12.500001;
  auto r = check_perpetual(cfg, m, buy(1, 10000));
  CAF_CHECK(rejects(r, "liquidation_too_close"));
  CAF_CHECK_EQUAL(r.observed, 12.5);
  // Not a perpetual: no perpetual check.
  m.perpetual = false;
  CAF_CHECK(passes(check_perpetual(cfg, m, buy(1, 10000))));
}

CAF_TEST(daily funding cost passes at the limit and only the payer pays) {
  risk_config cfg;
  auto m = perpetual_quote();
  m.funding_rate = 0x1p-13;                  // per 8 h
  cfg.max_daily_funding_pct = 0.03662109375; // exactly 3 x rate x 100
  CAF_CHECK(passes(check_perpetual(cfg, m, buy(1, 10000))));
  m.funding_rate = 0x1.0000000000001p-13;
  CAF_CHECK(
    rejects(check_perpetual(cfg, m, buy(1, 10000)), "funding_too_expensive"));
  auto sell = buy(1, 10000);
  sell.direction = side::sell; // shorts receive a positive rate
  CAF_CHECK(passes(check_perpetual(cfg, m, sell)));
  // Without a rate from the feed, the configured fallback stands in.
  m.funding_known = false;
  cfg.funding_rate_fallback = 0.001; // 0.3 %/day
  CAF_CHECK(
    rejects(check_perpetual(cfg, m, buy(1, 10000)), "funding_too_expensive"));
}

CAF_TEST(slippage estimate passes at the limit) {
  risk_config cfg;
  auto m = perpetual_quote(); // half spread 10 bps
  m.bar_sigma = 0x1p-10;
  m.bar_volume = 100;
  // 10 + 1 x 2^-10 x sqrt(25 / 100) x 1e4 = 14.8828125 bps, exactly.
  CAF_CHECK_EQUAL(estimate_slippage_bps(cfg, m, 25), 14.8828125);
  cfg.max_slippage_bps = 14.8828125;
  CAF_CHECK(passes(check_perpetual(cfg, m, buy(25, 10000))));
  CAF_CHECK(passes(check_perpetual(cfg, m, buy(24, 10000))));
  CAF_CHECK(
    rejects(check_perpetual(cfg, m, buy(26, 10000)), "slippage_too_high"));
  // Unknown volatility or volume: the estimate is the half spread alone.
  m.bar_volume = 0;
  CAF_CHECK_EQUAL(estimate_slippage_bps(cfg, m, 1e9), 10.0);
}

CAF_TEST(the perpetual layer runs after exposure and not for reducing orders) {
  risk_config cfg;
  cfg.leverage = 10; // distance 9.5 % < 15 %
  auto m = perpetual_quote();
  auto r = evaluate(cfg, trading_mode::active, buy(0.1, 10010), m,
                    account(100000, 100000), t0);
  CAF_CHECK_EQUAL(r.layer, risk_layer::perpetual);
  CAF_CHECK(rejects(r, "liquidation_too_close"));
  auto close = buy(0.1, 10010);
  close.reduces = true;
  CAF_CHECK(passes(evaluate(cfg, trading_mode::active, close, m,
                            account(100000, 100000, 1001, -0.1), t0)));
}

#define CAF_SUITE risk_layers
#include <cmath>

#include <caf/test/unit_test.hpp>

#include "actors/risk/engine.hpp"
#include "actors/risk/layers.hpp"
#include "actors/risk/sizing.hpp"

using namespace cdb;

namespace {

constexpr timestamp t0 = 1'700'000'000'000'000'000;

market_view quote(double bid, double ask, timestamp t = t0) {
  return {true, bid, ask, t};
}

account_view account(double equity, double exposure = 0, double pos = 0) {
  return {equity, equity, exposure, pos};
}

order_intent buy(double qty, double price) {
  order_intent o;
  o.direction = side::buy;
  o.qty = qty;
  o.price = price;
  o.signal_time = t0;
  return o;
}

} // namespace

CAF_TEST(order while halted is rejected by the trading state layer) {
  risk_config cfg;
  auto r = evaluate(cfg, trading_mode::halted, buy(1, 100), quote(99, 100),
                    account(100000), t0);
  CAF_CHECK(r.outcome == layer_outcome::reject);
  CAF_CHECK_EQUAL(r.layer, risk_layer::trading_state);
  CAF_CHECK_EQUAL(r.reason, "halted");
}

CAF_TEST(reducing state admits only orders that reduce) {
  risk_config cfg;
  auto o = buy(1, 100);
  auto r = check_trading_state(trading_mode::reducing, o);
  CAF_CHECK_EQUAL(r.reason, "reducing_only");
  o.reduces = true;
  CAF_CHECK(check_trading_state(trading_mode::reducing, o).outcome
            == layer_outcome::pass);
}

CAF_TEST(signal older than the timeout is rejected at the exact boundary) {
  risk_config cfg;
  auto o = buy(1, 100);
  CAF_CHECK(check_signal_timeout(cfg, o, t0 + cfg.signal_timeout).outcome
            == layer_outcome::pass);
  auto r = check_signal_timeout(cfg, o, t0 + cfg.signal_timeout + 1);
  CAF_CHECK_EQUAL(r.reason, "signal_expired");
}

CAF_TEST(data quality rejects missing nan crossed and stale quotes) {
  risk_config cfg;
  CAF_CHECK_EQUAL(check_data_quality(cfg, market_view{}, t0, 1).reason,
                  "no_market_data");
  CAF_CHECK_EQUAL(check_data_quality(cfg, quote(NAN, 100), t0, 1).reason,
                  "invalid_quote");
  CAF_CHECK_EQUAL(check_data_quality(cfg, quote(0, 100), t0, 1).reason,
                  "invalid_quote");
  CAF_CHECK_EQUAL(check_data_quality(cfg, quote(101, 100), t0, 1).reason,
                  "crossed_book");
  auto stale = t0 + cfg.data_stale_timeout + 1;
  CAF_CHECK_EQUAL(check_data_quality(cfg, quote(99, 100), stale, 1).reason,
                  "stale_data");
  CAF_CHECK(check_data_quality(cfg, quote(99, 100), t0, 1).outcome
            == layer_outcome::pass);
}

CAF_TEST(spread wider than the limit is rejected) {
  risk_config cfg;
  cfg.max_spread_bps = 10;
  // 100 bps wide.
  auto r = check_spread(cfg, quote(99.5, 100.5), 1);
  CAF_CHECK_EQUAL(r.reason, "spread_too_wide");
  CAF_CHECK(std::fabs(r.observed - 100) < 1e-9);
  CAF_CHECK(check_spread(cfg, quote(99.99, 100.0), 1).outcome
            == layer_outcome::pass);
}

CAF_TEST(daily drawdown blocks once the loss reaches the limit) {
  risk_config cfg; // 5 %
  account_view a{95000, 100000, 0, 0};
  auto r = check_daily_drawdown(cfg, a, 1);
  CAF_CHECK_EQUAL(r.reason, "daily_drawdown_reached");
  a.equity = 95001;
  CAF_CHECK(check_daily_drawdown(cfg, a, 1).outcome == layer_outcome::pass);
}

CAF_TEST(oversize order is capped by the position limit not rejected) {
  risk_config cfg; // 10 % of 100k = 10k notional
  auto r = check_position_limit(cfg, account(100000), buy(2, 10000));
  CAF_CHECK(r.outcome == layer_outcome::cap);
  CAF_CHECK_EQUAL(r.reason, "position_capped");
  CAF_CHECK(std::fabs(r.qty - 1.0) < 1e-9);
  // Exactly at the limit passes: limits are inclusive.
  CAF_CHECK(check_position_limit(cfg, account(100000), buy(1, 10000)).outcome
            == layer_outcome::pass);
}

CAF_TEST(full position leaves no room and is rejected) {
  risk_config cfg;
  auto r = check_position_limit(cfg, account(100000, 10000, 1), buy(1, 10000));
  CAF_CHECK(r.outcome == layer_outcome::reject);
  CAF_CHECK_EQUAL(r.reason, "position_limit_reached");
}

CAF_TEST(exposure beyond the limit is rejected) {
  risk_config cfg; // 30 % of 100k
  auto r = check_exposure(cfg, account(100000, 25000), buy(1, 6000));
  CAF_CHECK_EQUAL(r.reason, "exposure_limit");
  CAF_CHECK(check_exposure(cfg, account(100000, 24000), buy(1, 6000)).outcome
            == layer_outcome::pass);
}

CAF_TEST(evaluate reports the cap and the final quantity) {
  risk_config cfg;
  layer_result cap;
  auto r = evaluate(cfg, trading_mode::active, buy(2, 10000),
                    quote(9999.99, 10000), account(100000), t0, &cap);
  CAF_CHECK(r.outcome == layer_outcome::cap);
  CAF_CHECK_EQUAL(cap.layer, risk_layer::position_limit);
  CAF_CHECK(std::fabs(r.qty - 1.0) < 1e-9);
}

CAF_TEST(config validation names every bad key at once) {
  risk_config cfg;
  cfg.max_position_pct = 150;
  cfg.max_spread_bps = -1;
  std::vector<std::string> errors;
  cfg.validate(errors);
  CAF_CHECK_EQUAL(errors.size(), 3u);
  CAF_CHECK(errors[0].find("risk.max_position_pct = 150") == 0);
  CAF_CHECK(errors[1].find("must be <= risk.max_exposure_pct")
            != std::string::npos);
  CAF_CHECK(errors[2].find("risk.max_spread_bps") == 0);
}

#define CAF_SUITE risk_engine
#include <cmath>

#include <caf/test/unit_test.hpp>

#include "actors/risk/engine.hpp"
#include "tests/support/builders.hpp"

using namespace cdb;

namespace {

constexpr timestamp t0 = 1'700'000'000'000'000'000;

struct fixture {
  risk_engine engine{risk_config{}, id_source{"dec", "t", 1},
                     id_source{"ord", "t", 1}};

  fixture() {
    engine.on_state(test::state_of(trading_mode::active, "test", t0));
    engine.on_quote(test::make_quote("BTC", 29999, 30001, t0));
    portfolio_snapshot s;
    s.equity = 100000;
    s.event_time = t0;
    engine.on_portfolio(s);
  }

  signal make(signal_side d) {
    signal s;
    s.id = "sig-1";
    s.instrument = "BTC";
    s.direction = d;
    s.ref_price = 30000;
    s.stop_hint = 300;
    s.event_time = t0;
    return s;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(risk_engine_tests, fixture)

CAF_TEST(buy signal yields one approved order with stop and target) {
  auto out = engine.on_signal(make(signal_side::buy), t0);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  CAF_REQUIRE(out[0].approved);
  auto& o = *out[0].approved;
  CAF_CHECK_EQUAL(o.decision_id, out[0].decision.id);
  CAF_CHECK_EQUAL(out[0].decision.order_id, o.id);
  CAF_CHECK(o.direction == side::buy);
  CAF_CHECK(std::fabs(o.stop_loss - (30001 - 300)) < 1e-9);
  CAF_CHECK(std::fabs(o.take_profit - (30001 + 600)) < 1e-9);
  CAF_CHECK(!o.reduce_only);
}

CAF_TEST(reversal closes the position first then opens the other side) {
  engine.on_signal(make(signal_side::buy), t0);
  auto out = engine.on_signal(make(signal_side::sell), t0);
  CAF_REQUIRE_EQUAL(out.size(), 2u);
  CAF_REQUIRE(out[0].approved);
  CAF_CHECK(out[0].approved->reduce_only);
  CAF_CHECK(out[0].approved->direction == side::sell);
  CAF_REQUIRE(out[1].approved);
  CAF_CHECK(!out[1].approved->reduce_only);
}

CAF_TEST(signal while halted is rejected and names the layer) {
  engine.on_state(test::state_of(trading_mode::halted, "test", t0, "s"));
  auto out = engine.on_signal(make(signal_side::buy), t0);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  CAF_CHECK(!out[0].approved);
  CAF_CHECK_EQUAL(out[0].decision.layer, "trading_state");
  CAF_CHECK_EQUAL(out[0].decision.order_id, "");
}

CAF_TEST(flatten closes every position even while halted) {
  engine.on_signal(make(signal_side::buy), t0);
  engine.on_state(test::state_of(trading_mode::halted, "test", t0, "s"));
  auto out = engine.flatten("drill", t0);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  CAF_REQUIRE(out[0].approved);
  CAF_CHECK(out[0].approved->reduce_only);
  CAF_CHECK_EQUAL(out[0].decision.layer, "flatten");
  CAF_CHECK_EQUAL(engine.position_qty("BTC"), 0.0);
}

CAF_TEST(ids are unique across decisions and orders) {
  auto a = engine.on_signal(make(signal_side::buy), t0);
  auto b = engine.on_signal(make(signal_side::sell), t0);
  CAF_CHECK_NOT_EQUAL(a[0].decision.id, b[0].decision.id);
  CAF_CHECK_NOT_EQUAL(b[0].decision.id, b[1].decision.id);
}

CAF_TEST(a restarted engine keeps the daily drawdown base execution reports) {
  // Today began at 100k; equity is now 94.9k (5.1 % down). A fresh engine
  // (risk restarted) must measure from 100k, not from 94.9k.
  risk_engine fresh{risk_config{}, id_source{"dec", "t", 2},
                    id_source{"ord", "t", 2}};
  fresh.on_state(test::state_of(trading_mode::active, "test", t0, "s"));
  fresh.on_quote(test::make_quote("BTC", 29999, 30001, t0));
  portfolio_snapshot s;
  s.equity = 94'900; // 5.1 % below the start of the day
  s.start_of_day_equity = 100'000;
  s.event_time = t0;
  fresh.on_portfolio(s);
  auto out = fresh.on_signal(make(signal_side::buy), t0);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  CAF_CHECK(!out[0].approved);
  CAF_CHECK_EQUAL(out[0].decision.layer, "daily_drawdown");
}

CAF_TEST(an engine without state or account rejects not ready) {
  risk_engine fresh{risk_config{}, id_source{"dec", "t", 3},
                    id_source{"ord", "t", 3}};
  fresh.on_quote(test::make_quote("BTC", 29999, 30001, t0));
  CAF_CHECK(!fresh.ready());
  auto out = fresh.on_signal(make(signal_side::buy), t0);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  CAF_CHECK(!out[0].approved);
  CAF_CHECK_EQUAL(out[0].decision.layer, "readiness");
  CAF_CHECK_EQUAL(out[0].decision.reason, "not_ready");
  fresh.on_state(test::state_of(trading_mode::active, "test", t0));
  CAF_CHECK(!fresh.ready()); // the account is still missing
  auto waiting = fresh.on_signal(make(signal_side::buy), t0);
  CAF_REQUIRE_EQUAL(waiting.size(), 1u);
  CAF_CHECK_EQUAL(waiting[0].decision.reason, "not_ready");
  portfolio_snapshot s;
  s.equity = 100000;
  s.event_time = t0;
  fresh.on_portfolio(s);
  CAF_CHECK(fresh.ready());
  auto ready = fresh.on_signal(make(signal_side::buy), t0);
  CAF_REQUIRE_EQUAL(ready.size(), 1u);
  CAF_CHECK(ready[0].approved);
}

CAF_TEST(the daily drawdown base follows the configured day start) {
  risk_config cfg;
  cfg.day_start = 8LL * 3'600'000'000'000; // days start 08:00 UTC
  risk_engine e{cfg, id_source{"dec", "t", 4}, id_source{"ord", "t", 4}};
  e.on_state(test::state_of(trading_mode::active, "test", t0));
  constexpr timestamp midnight = 19'000LL * 86'400'000'000'000;
  constexpr timestamp hour = 3'600'000'000'000;
  portfolio_snapshot s;
  s.equity = 100000; // no base from execution: the first equity of the day
  s.event_time = midnight + 9 * hour;
  e.on_portfolio(s);
  CAF_CHECK_EQUAL(e.account().start_of_day_equity, 100000.0);
  s.equity = 90000; // 01:00 next day UTC is still the same trading day
  s.event_time = midnight + 25 * hour;
  e.on_portfolio(s);
  CAF_CHECK_EQUAL(e.account().start_of_day_equity, 100000.0);
  s.event_time = midnight + 32 * hour; // 08:00: a new trading day
  e.on_portfolio(s);
  CAF_CHECK_EQUAL(e.account().start_of_day_equity, 90000.0);
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST(a mark price makes an instrument perpetual and its funding counts) {
  fixture f;
  mark_price mp;
  mp.instrument = "BTC";
  mp.mark = 30000;
  mp.funding_rate = 0.001; // 0.3 % a day for longs: above 0.1 %
  mp.event_time = t0;
  f.engine.on_mark(mp);
  auto out = f.engine.on_signal(f.make(signal_side::buy), t0);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  CAF_CHECK(!out[0].approved);
  CAF_CHECK_EQUAL(out[0].decision.layer, "perpetual");
  CAF_CHECK_EQUAL(out[0].decision.reason, "funding_too_expensive");
  // Shorts receive that funding.
  auto sell = f.engine.on_signal(f.make(signal_side::sell), t0);
  CAF_REQUIRE_EQUAL(sell.size(), 1u);
  CAF_CHECK(sell[0].approved);
}

CAF_TEST(configured perpetuals are checked without a mark price) {
  risk_config cfg;
  cfg.perpetuals = {"*"};
  cfg.leverage = 20; // 4.5 % from entry to liquidation
  risk_engine e{cfg, id_source{"dec", "t", 5}, id_source{"ord", "t", 5}};
  e.on_state(test::state_of(trading_mode::active, "test", t0));
  e.on_quote(test::make_quote("BTC", 29999, 30001, t0));
  portfolio_snapshot s;
  s.equity = 100000;
  s.event_time = t0;
  e.on_portfolio(s);
  fixture f;
  auto out = e.on_signal(f.make(signal_side::buy), t0);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  CAF_CHECK_EQUAL(out[0].decision.reason, "liquidation_too_close");
}

CAF_TEST(a trade batch counts the volume of each instrument) {
  fixture f;
  auto trade = [](const char* instrument, double qty, timestamp t) {
    trade_tick x;
    x.instrument = instrument;
    x.price = 100;
    x.qty = qty;
    x.event_time = t;
    return x;
  };
  constexpr nanoseconds minute = 60'000'000'000;
  f.engine.on_trades({trade("BTC", 1, t0), trade("BTC", 2, t0),
                      trade("ETH", 5, t0), trade("BTC", 3, t0)});
  // The next bar's trades close the first: BTC 6, ETH 5.
  f.engine.on_trades({trade("ETH", 1, t0 + minute)});
  f.engine.on_trade(trade("BTC", 1, t0 + minute));
  CAF_REQUIRE(f.engine.stats("BTC") != nullptr);
  CAF_REQUIRE(f.engine.stats("ETH") != nullptr);
  CAF_CHECK_EQUAL(f.engine.stats("BTC")->bar_volume(), 6.0);
  CAF_CHECK_EQUAL(f.engine.stats("ETH")->bar_volume(), 5.0);
}

CAF_TEST(a sizing rejection records what it compared) {
  // A 4-unit stop risks 500 on 125 BTC: 3.75 M notional where 10 x equity
  // (1 M) is the most sizing accepts.
  fixture f;
  auto s = f.make(signal_side::buy);
  s.stop_hint = 4;
  auto out = f.engine.on_signal(s, t0);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  auto& d = out[0].decision;
  CAF_CHECK(!d.approved);
  CAF_CHECK_EQUAL(d.layer, "sizing");
  CAF_CHECK_EQUAL(d.reason, "size_absurd");
  CAF_CHECK(std::fabs(d.observed - 125.0 * 30001) < 1e-6);
  CAF_CHECK_EQUAL(d.limit, 1e6);
  CAF_CHECK(d.notes.find("notional=") != std::string::npos);
}

CAF_TEST(a halted engine refuses a new position before sizing it) {
  fixture f;
  f.engine.on_state(test::state_of(trading_mode::halted, "test", t0));
  auto s = f.make(signal_side::buy);
  s.stop_hint = 1e-9; // sizing alone would call this absurd
  auto out = f.engine.on_signal(s, t0);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  CAF_CHECK_EQUAL(out[0].decision.layer, "trading_state");
  CAF_CHECK_EQUAL(out[0].decision.reason, "halted");
  f.engine.on_state(test::state_of(trading_mode::reducing, "test", t0));
  auto reducing = f.engine.on_signal(s, t0);
  CAF_REQUIRE_EQUAL(reducing.size(), 1u);
  CAF_CHECK_EQUAL(reducing[0].decision.reason, "reducing_only");
}

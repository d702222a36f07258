#define CAF_SUITE portfolio
#include <cmath>

#include <caf/test/unit_test.hpp>

#include "actors/execution/fill_model.hpp"
#include "actors/execution/portfolio.hpp"

using namespace cdb;

namespace {

fill make_fill(side d, double qty, double price, double fee = 0) {
  fill f;
  f.id = "f";
  f.instrument = "BTC";
  f.direction = d;
  f.qty = qty;
  f.price = price;
  f.fee = fee;
  return f;
}

bool near(double x, double y) {
  return std::fabs(x - y) < 1e-6;
}

} // namespace

CAF_TEST(round trip books realized pnl and fees) {
  portfolio p{1000};
  p.apply(make_fill(side::buy, 2, 100, 0.12));
  CAF_CHECK(near(p.position_qty("BTC"), 2));
  p.apply(make_fill(side::sell, 2, 110, 0.13));
  CAF_CHECK(near(p.position_qty("BTC"), 0));
  auto s = p.snapshot("s", 0);
  CAF_CHECK(near(s.realized_pnl, 20));
  CAF_CHECK(near(s.fees, 0.25));
  CAF_CHECK(near(s.equity, 1000 + 20 - 0.25));
  CAF_CHECK(s.positions.empty());
}

CAF_TEST(short position gains when the price falls) {
  portfolio p{1000};
  p.apply(make_fill(side::sell, 1, 100));
  p.mark("BTC", 90);
  auto s = p.snapshot("s", 0);
  CAF_CHECK(near(s.unrealized_pnl, 10));
  CAF_CHECK(near(s.equity, 1010));
  CAF_CHECK(near(s.exposure, 90));
}

CAF_TEST(adding to a position averages the entry) {
  portfolio p{1000};
  p.apply(make_fill(side::buy, 1, 100));
  p.apply(make_fill(side::buy, 3, 120));
  CAF_CHECK(near(p.positions().at("BTC").avg_price, 115));
}

CAF_TEST(flip through zero starts a new entry at the fill price) {
  portfolio p{1000};
  p.apply(make_fill(side::buy, 1, 100));
  p.apply(make_fill(side::sell, 3, 110));
  auto& pos = p.positions().at("BTC");
  CAF_CHECK(near(pos.qty, -2));
  CAF_CHECK(near(pos.avg_price, 110));
  CAF_CHECK(near(pos.realized_pnl, 10));
}

CAF_TEST(market order crosses the spread and pays the taker fee) {
  execution_config cfg; // 0.06 %
  quote_tick q;
  q.bid = 99;
  q.ask = 101;
  auto b = price_market_order(cfg, side::buy, 2, q);
  CAF_REQUIRE(b.ok);
  CAF_CHECK(near(b.price, 101));
  CAF_CHECK(near(b.fee, 2 * 101 * 0.0006));
  auto s = price_market_order(cfg, side::sell, 2, q);
  CAF_CHECK(near(s.price, 99));
}

CAF_TEST(invalid or crossed quotes yield no fill) {
  execution_config cfg;
  quote_tick q;
  q.bid = 101;
  q.ask = 100;
  CAF_CHECK_EQUAL(price_market_order(cfg, side::buy, 1, q).reason,
                  "crossed_quote");
  q.bid = 0;
  CAF_CHECK_EQUAL(price_market_order(cfg, side::buy, 1, q).reason,
                  "no_valid_quote");
  q.bid = 99;
  CAF_CHECK_EQUAL(price_market_order(cfg, side::buy, 0, q).reason,
                  "invalid_quantity");
}

CAF_TEST(stop loss and take profit trigger on the exit side of the quote) {
  position p;
  p.qty = 1;
  p.stop_loss = 95;
  p.take_profit = 110;
  quote_tick q;
  q.bid = 96;
  q.ask = 97;
  CAF_CHECK(!exit_trigger(p, q));
  q.bid = 95;
  CAF_CHECK_EQUAL(exit_trigger(p, q).value_or("none"), "stop_loss");
  q.bid = 110;
  CAF_CHECK_EQUAL(exit_trigger(p, q).value_or("none"), "take_profit");
  p.qty = -1;
  p.stop_loss = 105;
  p.take_profit = 90;
  q.bid = 104;
  q.ask = 105;
  CAF_CHECK_EQUAL(exit_trigger(p, q).value_or("none"), "stop_loss");
}

CAF_TEST(start of day equity is fixed by the first snapshot of a UTC day) {
  constexpr timestamp day = 86'400'000'000'000;
  portfolio p{1000};
  p.apply(make_fill(side::buy, 1, 100));
  p.mark("BTC", 100);
  CAF_CHECK(near(p.snapshot("s1", 3 * day + 5).start_of_day_equity, 1000));
  p.mark("BTC", 50); // equity 950 later the same day
  auto same_day = p.snapshot("s2", 4 * day - 1);
  CAF_CHECK(near(same_day.equity, 950));
  CAF_CHECK(near(same_day.start_of_day_equity, 1000));
  CAF_CHECK(near(p.snapshot("s3", 4 * day).start_of_day_equity, 950));
}

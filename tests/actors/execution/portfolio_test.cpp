#define CAF_SUITE portfolio
#include <cmath>
#include <random>

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
  auto opened = p.apply(make_fill(side::buy, 2, 100, 0.12));
  CAF_CHECK_EQUAL(opened, 0.0);
  CAF_CHECK(near(p.position_qty("BTC"), 2));
  auto closed = p.apply(make_fill(side::sell, 2, 110, 0.13));
  CAF_CHECK(near(closed, 20)); // the fill reports what it realized
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
  auto realized = p.apply(make_fill(side::sell, 3, 110));
  CAF_CHECK(near(realized, 10)); // only the closed unit realizes
  auto& pos = p.positions().at("BTC");
  CAF_CHECK(near(pos.qty, -2));
  CAF_CHECK(near(pos.avg_price, 110));
  CAF_CHECK(near(pos.realized_pnl, 10));
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

CAF_TEST(a perpetual holds its margin out of the free cash) {
  portfolio p{1000};
  p.set_terms("BTC", {true, 5});
  p.apply(make_fill(side::buy, 2, 100, 0.12));
  // Margin 2 x 100 / 5 = 40; the fee leaves too.
  CAF_CHECK(near(p.margin_used(), 40));
  CAF_CHECK(near(p.cash(), 1000 - 40 - 0.12));
  p.mark("BTC", 110);
  // equity = cash + margin + unrealized = 959.88 + 40 + 20
  CAF_CHECK(near(p.equity(), 1019.88));
  auto s = p.snapshot("s", 0);
  CAF_CHECK(near(s.exposure, 220));
  CAF_CHECK(near(s.margin_used, 40));
  CAF_REQUIRE_EQUAL(s.positions.size(), 1u);
  CAF_CHECK(s.positions[0].perpetual);
  // Isolated long: 40 + 2 (P - 100) = 0.005 x 2 P  =>  P = 160 / 1.99.
  CAF_CHECK(near(s.positions[0].liquidation_price, 160 / 1.99));
  p.apply(make_fill(side::sell, 2, 110, 0.132));
  CAF_CHECK(near(p.margin_used(), 0));
  CAF_CHECK(near(p.cash(), 1000 - 0.12 + 20 - 0.132));
  CAF_CHECK(near(p.equity(), p.cash()));
}

CAF_TEST(cross margin backs a position with the whole free cash) {
  margin_terms cross;
  cross.mode = margin_mode::cross;
  portfolio p{1000, 0, cross};
  p.set_terms("BTC", {true, 10});
  p.apply(make_fill(side::sell, 1, 100));
  // Short: cash 990 + margin 10 + (100 - P) = 0.005 P  =>  P = 1100 / 1.005.
  CAF_CHECK(near(p.liquidation_price("BTC"), 1100 / 1.005));
  portfolio iso{1000};
  iso.set_terms("BTC", {true, 10});
  iso.apply(make_fill(side::sell, 1, 100));
  // Isolated: 10 + (100 - P) = 0.005 P  =>  P = 110 / 1.005.
  CAF_CHECK(near(iso.liquidation_price("BTC"), 110 / 1.005));
  // The venue acts at 109.4527 x (1 - 0.5 %) = 108.9055.
  iso.mark("BTC", 108.9);
  CAF_CHECK(!iso.liquidation_due("BTC"));
  iso.mark("BTC", 108.95);
  CAF_CHECK(iso.liquidation_due("BTC"));
}

CAF_TEST(funding moves cash by qty x mark x rate) {
  portfolio p{1000};
  p.set_terms("BTC", {true, 2});
  p.apply(make_fill(side::sell, 3, 100));
  CAF_CHECK(near(p.settle_funding("BTC", 0.0001, 101), -3 * 101 * 0.0001));
  CAF_CHECK(near(p.snapshot("s", 0).funding, -0.0303)); // received
  portfolio spot{1000};
  spot.apply(make_fill(side::buy, 1, 100));
  CAF_CHECK_EQUAL(spot.settle_funding("BTC", 0.0001, 100), 0.0);
}

CAF_TEST(a buy the cash cannot pay for is unaffordable) {
  portfolio p{1000};
  CAF_CHECK_EQUAL(p.affordability(make_fill(side::buy, 10, 100, 1)),
                  "insufficient_funds");
  CAF_CHECK_EQUAL(p.affordability(make_fill(side::buy, 9, 100, 1)), "");
  p.set_terms("BTC", {true, 10});
  CAF_CHECK_EQUAL(p.affordability(make_fill(side::buy, 100, 100, 0)), "");
  CAF_CHECK_EQUAL(p.affordability(make_fill(side::buy, 100, 100, 1)),
                  "insufficient_margin");
}

CAF_TEST(accounting invariants hold over random fills and marks) {
  std::mt19937_64 rng{20261124};
  std::uniform_real_distribution<double> unit{0, 1};
  const char* names[] = {"SPOT", "PERP", "CROSS"};
  for (int run = 0; run < 200; ++run) {
    margin_terms terms;
    terms.mode = run % 2 == 0 ? margin_mode::isolated : margin_mode::cross;
    portfolio p{10'000, 0, terms};
    p.set_terms("PERP", {true, 1 + 9 * unit(rng)});
    p.set_terms("CROSS", {true, 3});
    std::map<std::string, double> qty;
    double fees = 0;
    bool perps = false;
    for (int i = 0; i < 60; ++i) {
      auto name = names[rng() % 3];
      auto f = make_fill(unit(rng) < 0.5 ? side::buy : side::sell,
                         0.01 + 5 * unit(rng), 50 + 100 * unit(rng),
                         0.05 * unit(rng));
      f.instrument = name;
      auto spot = f.instrument == std::string{"SPOT"};
      if (spot && f.direction == side::sell) // spot: no shorts here
        f.qty = std::min(f.qty, qty["SPOT"]);
      if (f.qty <= 0 || !p.affordability(f).empty())
        continue;
      perps |= !spot;
      p.apply(f);
      qty[name] += f.direction == side::buy ? f.qty : -f.qty;
      fees += f.fee;
      p.mark(name, 50 + 100 * unit(rng));
      // No negative cash without margin: spot buys are paid for. (Perp
      // losses past the margin are what liquidation is for.)
      if (!perps)
        CAF_CHECK_GREATER_OR_EQUAL(p.cash(), -1e-9);
      auto s = p.snapshot("s", 0);
      auto expected = s.cash;
      auto margin = 0.0;
      for (auto& pos : s.positions) {
        expected += pos.perpetual
                      ? pos.margin + pos.qty * (pos.mark - pos.avg_price)
                      : pos.qty * pos.mark;
        margin += pos.margin;
      }
      CAF_CHECK(near(s.equity, expected));
      CAF_CHECK(near(s.margin_used, margin));
      CAF_CHECK(near(s.fees, fees));
      for (auto& kvp : qty)
        CAF_CHECK(std::fabs(p.position_qty(kvp.first) - kvp.second) < 1e-9);
    }
  }
}

CAF_TEST(same_account tells apart every figure the day and the positions) {
  constexpr nanoseconds hour = 3'600'000'000'000;
  constexpr timestamp midnight = 19'675LL * 24 * hour; // a UTC midnight
  portfolio p{10'000};
  p.apply(make_fill(side::buy, 0.1, 30'000, 3));
  p.mark("BTC", 30'100);
  auto a = p.snapshot("eq-1", midnight + 7 * hour);
  auto b = a;
  b.id = "eq-2";
  b.event_time = midnight + 8 * hour;
  CAF_CHECK(same_account(a, b, 0));
  // Each figure.
  for (double portfolio_snapshot::*f :
       {&portfolio_snapshot::equity, &portfolio_snapshot::cash,
        &portfolio_snapshot::exposure, &portfolio_snapshot::realized_pnl,
        &portfolio_snapshot::unrealized_pnl, &portfolio_snapshot::fees,
        &portfolio_snapshot::start_of_day_equity,
        &portfolio_snapshot::margin_used, &portfolio_snapshot::funding}) {
    auto c = b;
    c.*f += 0.01;
    CAF_CHECK(!same_account(a, c, 0));
    c.*f = std::nan("");
    CAF_CHECK(!same_account(a, c, 0));
  }
  // A position's mark, a position more.
  auto c = b;
  c.positions[0].mark += 1;
  CAF_CHECK(!same_account(a, c, 0));
  c = b;
  c.positions.push_back(c.positions[0]);
  c.positions.back().instrument = "ETH";
  CAF_CHECK(!same_account(a, c, 0));
  // The trading day: past midnight, unless the day starts later.
  c = b;
  c.event_time = midnight + 24 * hour + 1;
  CAF_CHECK(!same_account(a, c, 0));
  CAF_CHECK(same_account(a, c, 6 * hour));
  c.event_time = midnight + 30 * hour;
  CAF_CHECK(!same_account(a, c, 6 * hour));
}

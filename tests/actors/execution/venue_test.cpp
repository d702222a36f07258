#define CAF_SUITE venue
#include <cmath>
#include <cstddef>

#include <caf/test/unit_test.hpp>

#include "actors/execution/venue.hpp"
#include "actors/feed/replay_reader.hpp"
#include "tests/support/builders.hpp"

using namespace cdb;

namespace {

constexpr timestamp ms = 1'000'000;
constexpr timestamp sec = 1'000 * ms;
constexpr timestamp t0 = 1'600'000'000 * sec;

bool near(double x, double y, double tol = 1e-9) {
  return std::fabs(x - y) <= tol * std::max(1.0, std::fabs(y));
}

std::string data(const char* name) {
  return std::string{CDB_SHARED_DATA} + "/" + name;
}

/// Remembers everything the venue reports.
struct recorder : venue_sink {
  std::vector<order> orders;
  std::vector<order_event> events;
  std::vector<fill> fills;
  std::vector<std::string> alarms;
  double funding = 0;
  int settlements = 0;

  void on_order(const order& o) override {
    orders.push_back(o);
  }
  void on_event(const order_event& e) override {
    events.push_back(e);
  }
  void on_fill(const fill& f) override {
    fills.push_back(f);
  }
  void on_funding(const std::string&, double, double paid, timestamp) override {
    funding += paid;
    ++settlements;
  }
  void on_alarm(const std::string& what, timestamp) override {
    alarms.push_back(what);
  }

  /// The kinds and reasons of one order's events, "kind:reason" each.
  std::vector<std::string> story(const std::string& id) const {
    std::vector<std::string> out;
    for (auto& e : events)
      if (e.order_id == id)
        out.push_back(std::string{to_string(e.kind)}
                      + (e.reason.empty() ? "" : ":" + e.reason));
    return out;
  }

  std::string last(const std::string& id) const {
    auto s = story(id);
    return s.empty() ? "none" : s.back();
  }
};

venue_ids ids() {
  return {{"oev", "r", 0}, {"fil", "r", 0}, {"xit", "r", 0}, {"liq", "r", 0}};
}

/// Fees and impact off unless a test turns them on: prices stay round.
execution_config plain() {
  execution_config cfg;
  cfg.taker_fee_pct = 0;
  cfg.maker_fee_pct = 0;
  cfg.fallback_impact_bps = 0;
  cfg.initial_cash = 1'000'000;
  return cfg;
}

order market(const std::string& id, side s, double qty, timestamp t) {
  order o;
  o.id = id;
  o.instrument = "BTC";
  o.direction = s;
  o.qty = qty;
  o.event_time = o.init_time = t;
  return o;
}

order limit(const std::string& id, side s, double qty, double price,
            timestamp t, time_in_force tif = time_in_force::gtc) {
  auto o = market(id, s, qty, t);
  o.type = order_type::limit;
  o.limit_price = price;
  o.tif = tif;
  return o;
}

trade_tick trade(double price, double qty, side aggressor, timestamp t) {
  trade_tick x;
  x.instrument = "BTC";
  x.price = price;
  x.qty = qty;
  x.aggressor = aggressor;
  x.event_time = x.recv_time = t;
  return x;
}

quote_tick quote(double bid, double ask, timestamp t, double size = 1) {
  auto q = test::make_quote("BTC", bid, ask, t);
  q.bid_qty = q.ask_qty = size;
  return q;
}

struct fixture {
  execution_config cfg = plain();
  recorder out;
  std::unique_ptr<venue> v;

  fixture() {
    reset();
  }

  void reset() {
    out = recorder{};
    v = std::make_unique<venue>(cfg, ids(), out);
  }
};

/// Reads every record of a shared data file.
std::vector<market_message> read_file(const char* name) {
  std::string error;
  auto f = replay_file::open(data(name), {}, error);
  std::vector<market_message> out;
  if (!f)
    return out;
  market_message m;
  while (f->next(m))
    out.push_back(m);
  return out;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(venue_tests, fixture)

CAF_TEST(a market order fills against the first quote at
         or after its due time) {
  v->on_quote(quote(100, 100.1, t0), 0);
  v->submit(market("m1", side::buy, 2, t0), 0);
  CAF_CHECK_EQUAL(out.last("m1"), "accepted"); // latency: 10 ms
  v->on_quote(quote(100.2, 100.3, t0 + 5 * ms), 0);
  CAF_CHECK(out.fills.empty());
  v->on_quote(quote(100.4, 100.5, t0 + 10 * ms), 0);
  CAF_REQUIRE_EQUAL(out.fills.size(), 1u);
  CAF_CHECK_EQUAL(out.fills[0].price, 100.5);
  CAF_CHECK_EQUAL(out.fills[0].event_time, t0 + 10 * ms);
  CAF_CHECK(out.fills[0].role == liquidity::taker);
  CAF_CHECK_EQUAL(out.last("m1"), "filled:impact_fallback");
  // Slippage against the mid when it became due: (100.5 - 100.45) / 100.45.
  CAF_CHECK(near(out.fills[0].slippage_bps, 0.05 / 100.45 * 1e4));
}

CAF_TEST(fees and the fallback impact by hand) {
  cfg.taker_fee_pct = 0.06;
  cfg.fallback_impact_bps = 5;
  cfg.latency = 0;
  reset();
  v->on_quote(quote(100, 100.1, t0), 0);
  v->submit(market("m1", side::buy, 2, t0), 0);
  CAF_REQUIRE_EQUAL(out.fills.size(), 1u);
  // ask + mid x 5 bps = 100.1 + 100.05 x 0.0005
  auto price = 100.1 + 100.05 * 0.0005;
  CAF_CHECK(near(out.fills[0].price, price));
  CAF_CHECK(near(out.fills[0].fee, 2 * price * 0.0006));
  CAF_CHECK(near(v->account().cash(), 1'000'000 - 2 * price * 1.0006));
}

CAF_TEST(the fills do not depend on whether the order or the data came first) {
  auto run = [&](bool order_first) {
    reset();
    v->on_quote(quote(100, 100.1, t0), 0);
    auto o = market("m1", side::buy, 2, t0);
    auto l = limit("l1", side::sell, 1, 100.6, t0);
    if (order_first) {
      v->submit(o, 0);
      v->submit(l, 0);
    }
    v->on_quote(quote(100.2, 100.3, t0 + 4 * ms), 0);
    v->on_quote(quote(100.4, 100.5, t0 + 12 * ms), 0);
    v->on_trade(trade(100.7, 3, side::buy, t0 + 20 * ms), 0);
    v->on_quote(quote(100.6, 100.7, t0 + 30 * ms), 0);
    if (!order_first) {
      v->submit(o, 0);
      v->submit(l, 0);
    }
    return out.fills;
  };
  auto a = run(true);
  auto b = run(false);
  CAF_REQUIRE_EQUAL(a.size(), 2u);
  CAF_REQUIRE_EQUAL(b.size(), 2u);
  for (size_t i = 0; i < a.size(); ++i) {
    CAF_CHECK_EQUAL(a[i].order_id, b[i].order_id);
    CAF_CHECK_EQUAL(a[i].price, b[i].price);
    CAF_CHECK_EQUAL(a[i].qty, b[i].qty);
    CAF_CHECK_EQUAL(a[i].event_time, b[i].event_time);
    CAF_CHECK(a[i].role == b[i].role);
  }
  CAF_CHECK_EQUAL(a[0].price, 100.5); // the market buy, at 12 ms
  CAF_CHECK_EQUAL(a[1].price, 100.6); // the limit sell, traded through
}

CAF_TEST(a market order walks the recorded book25 levels) {
  auto books = read_file("binance-futures-btcusdt-book25-2020-09-01.csv");
  CAF_REQUIRE_EQUAL(books.size(), 10u);
  cfg.taker_fee_pct = 0.06;
  cfg.latency = 0;
  reset();
  auto b = books[0].book;
  b.instrument = "BTC";
  v->on_book(b, 0);
  auto t = b.event_time;
  v->submit(market("b7", side::buy, 7, t), 0);
  CAF_REQUIRE_EQUAL(out.fills.size(), 1u);
  // 1.714 @ 11657.08, then 5.286 of the 5.4 @ 11657.54.
  auto vwap = (1.714 * 11657.08 + 5.286 * 11657.54) / 7;
  CAF_CHECK(near(out.fills[0].price, vwap));
  CAF_CHECK(near(out.fills[0].price, 11657.4273657143, 1e-12));
  CAF_CHECK(near(out.fills[0].fee, 7 * vwap * 0.0006));
  CAF_CHECK_EQUAL(out.last("b7"), "filled:depth");
  // A sale of 11.5: 10.896 @ 11657.07, 0.2 @ 11656.97, 0.2 @ 11655.78,
  // 0.204 of the 0.98 @ 11655.77.
  v->submit(market("s11", side::sell, 11.5, t), 0);
  CAF_REQUIRE_EQUAL(out.fills.size(), 2u);
  auto sold = (10.896 * 11657.07 + 0.2 * 11656.97 + 0.2 * 11655.78
               + 0.204 * 11655.77)
              / 11.5;
  CAF_CHECK(near(out.fills[1].price, sold));
  // Slippage of the buy against the mid (11657.075), in bps.
  CAF_CHECK(near(out.fills[0].slippage_bps,
                 (vwap - 11657.075) / 11657.075 * 1e4, 1e-6));
}

CAF_TEST(depth running out fills partially and cancels or keeps the rest) {
  auto books = read_file("binance-futures-btcusdt-book25-2020-09-01.csv");
  CAF_REQUIRE_EQUAL(books.size(), 10u);
  cfg.latency = 0;
  reset();
  auto b = books[0].book;
  b.instrument = "BTC";
  auto depth = 0.0;
  for (auto& lvl : b.asks)
    depth += lvl.qty;
  v->on_book(b, 0);
  v->submit(market("big", side::buy, depth + 5, b.event_time), 0);
  CAF_REQUIRE_EQUAL(out.fills.size(), 1u);
  CAF_CHECK(near(out.fills[0].qty, depth));
  CAF_CHECK_EQUAL(out.last("big"), "cancelled:depth_exhausted");
  CAF_CHECK(near(v->account().position_qty("BTC"), depth));
  // Kept: the rest waits for the next book and takes from it.
  cfg.partial_remainder = "keep";
  reset();
  v->on_book(b, 0);
  v->submit(market("big", side::buy, depth + 5, b.event_time), 0);
  CAF_CHECK_EQUAL(out.last("big"), "partially_filled:depth");
  v->on_trade(trade(11657.08, 0.1, side::buy, b.event_time + ms), 0);
  CAF_CHECK_EQUAL(out.fills.size(), 1u); // not the emptied book again
  auto next = books[1].book;
  next.instrument = "BTC";
  v->on_book(next, 0);
  CAF_REQUIRE_EQUAL(out.fills.size(), 2u);
  CAF_CHECK(near(out.fills[1].qty, 5));
  CAF_CHECK_EQUAL(out.last("big"), "filled:depth");
}

CAF_TEST(recorded quotes : the fill is at the first quote after the latency) {
  auto quotes = read_file("binance-futures-btcusdt-quotes-2020-02-22.csv");
  CAF_REQUIRE_GREATER(quotes.size(), 200u);
  cfg.latency = 25 * ms;
  cfg.fallback_impact_bps = 5;
  reset();
  for (size_t i = 0; i < 100; ++i) {
    auto q = quotes[i].quote;
    q.instrument = "BTC";
    v->on_quote(q, 0);
  }
  auto t = quotes[99].quote.event_time;
  v->submit(market("q", side::sell, 0.5, t), 0);
  const quote_tick* expected = nullptr;
  for (size_t i = 100; i < quotes.size(); ++i) {
    auto q = quotes[i].quote;
    q.instrument = "BTC";
    v->on_quote(q, 0);
    if (expected == nullptr && q.event_time >= t + 25 * ms)
      expected = &quotes[i].quote;
    if (!out.fills.empty())
      break;
  }
  CAF_REQUIRE(expected != nullptr);
  CAF_REQUIRE_EQUAL(out.fills.size(), 1u);
  // bid - mid x 5 bps of the first quote at or after t + 25 ms.
  auto mid = (expected->bid + expected->ask) / 2;
  CAF_CHECK(near(out.fills[0].price, expected->bid - mid * 0.0005));
  CAF_CHECK_EQUAL(out.fills[0].event_time, expected->event_time);
}

CAF_TEST(the square root impact by hand) {
  book_state b;
  b.take(quote(100, 100.2, t0));
  market_conditions m{0.001, 100}; // sigma 10 bps per bar, 100 per bar
  // qty 4: 1 x 0.001 x sqrt(4 / 100) x 1e4 = 2 bps of the mid 100.1.
  auto p = price_taker(cfg, side::buy, 4, 0, b, m);
  CAF_CHECK_EQUAL(p.note, "impact");
  CAF_CHECK(near(p.price, 100.2 + 100.1 * 2e-4));
  CAF_CHECK(near(p.slippage_bps, (0.1 + 100.1 * 2e-4) / 100.1 * 1e4));
  // qty 1e6: 1000 bps, capped at 100.
  p = price_taker(cfg, side::sell, 1e6, 0, b, m);
  CAF_CHECK_EQUAL(p.note, "impact_capped");
  CAF_CHECK(near(p.price, 100 - 100.1 * 0.01));
  // A limit 1 bp beyond the touch takes the size whose impact is 1 bp:
  // 4 x (1 / 2)^2 = 1.
  auto lim = 100.2 + 100.1 * 1e-4;
  p = price_taker(cfg, side::buy, 4, lim, b, m);
  CAF_CHECK_EQUAL(p.reason, "limit_price");
  CAF_CHECK(near(p.qty, 1));
  CAF_CHECK(p.price <= lim);
  // Unknown volume: the fallback.
  cfg.fallback_impact_bps = 5;
  p = price_taker(cfg, side::buy, 4, 0, b, market_conditions{0.001, 0});
  CAF_CHECK_EQUAL(p.note, "impact_fallback");
  CAF_CHECK(near(p.price, 100.2 + 100.1 * 5e-4));
}

CAF_TEST(a resting limit order waits its turn in the queue) {
  cfg.maker_fee_pct = 0.02;
  reset();
  v->on_quote(quote(100, 100.1, t0, 1), 0);
  v->submit(limit("l", side::buy, 1, 100, t0), 0);
  v->on_quote(quote(100, 100.1, t0 + 10 * ms, 1), 0);
  CAF_CHECK(out.fills.empty()); // rests behind the 1 shown at 100
  v->on_trade(trade(100.05, 2, side::sell, t0 + 11 * ms), 0);
  CAF_CHECK(out.fills.empty()); // above the limit
  v->on_trade(trade(100, 0.5, side::sell, t0 + 12 * ms), 0);
  CAF_CHECK(out.fills.empty()); // the queue ahead: 1 -> 0.5
  v->on_trade(trade(100, 0.8, side::sell, t0 + 13 * ms), 0);
  CAF_REQUIRE_EQUAL(out.fills.size(), 1u); // 0.3 past the queue
  CAF_CHECK(near(out.fills[0].qty, 0.3));
  CAF_CHECK_EQUAL(out.fills[0].price, 100.0);
  CAF_CHECK(out.fills[0].role == liquidity::maker);
  CAF_CHECK(near(out.fills[0].fee, 0.3 * 100 * 0.0002));
  CAF_CHECK_EQUAL(out.last("l"), "partially_filled:traded_at_price");
  v->on_trade(trade(99.9, 0.1, side::sell, t0 + 14 * ms), 0);
  CAF_REQUIRE_EQUAL(out.fills.size(), 2u); // traded through: all the rest
  CAF_CHECK(near(out.fills[1].qty, 0.7));
  CAF_CHECK_EQUAL(out.last("l"), "filled:traded_through");
}

CAF_TEST(
  at the front of the queue a limit fills on the first trade at its price) {
  cfg.queue_position = 0;
  reset();
  v->on_quote(quote(100, 100.1, t0, 5), 0);
  v->submit(limit("l", side::sell, 1, 100.1, t0), 0);
  v->on_trade(trade(100.1, 0.4, side::buy, t0 + 20 * ms), 0);
  CAF_REQUIRE_EQUAL(out.fills.size(), 1u);
  CAF_CHECK(near(out.fills[0].qty, 0.4));
  // The book moving through fills the rest.
  v->on_quote(quote(100.15, 100.2, t0 + 30 * ms), 0);
  CAF_REQUIRE_EQUAL(out.fills.size(), 2u);
  CAF_CHECK(near(out.fills[1].qty, 0.6));
  CAF_CHECK_EQUAL(out.last("l"), "filled:book_through");
}

CAF_TEST(limit orders that cross on arrival take or are refused) {
  cfg.latency = 0;
  cfg.taker_fee_pct = 0.06;
  reset();
  v->on_quote(quote(100, 100.1, t0), 0);
  v->submit(limit("take", side::buy, 1, 100.2, t0), 0);
  CAF_REQUIRE_EQUAL(out.fills.size(), 1u);
  CAF_CHECK(out.fills[0].role == liquidity::taker);
  CAF_CHECK_EQUAL(out.fills[0].price, 100.1);
  CAF_CHECK(near(out.fills[0].fee, 100.1 * 0.0006));
  v->submit(limit("po", side::buy, 1, 100.2, t0, time_in_force::post_only), 0);
  CAF_CHECK_EQUAL(out.last("po"), "rejected:post_only_would_take");
  v->submit(limit("po2", side::buy, 1, 100, t0, time_in_force::post_only), 0);
  CAF_CHECK_EQUAL(out.last("po2"), "accepted");
  v->submit(limit("ioc", side::buy, 1, 100, t0, time_in_force::ioc), 0);
  CAF_CHECK_EQUAL(out.last("ioc"), "cancelled:ioc_not_marketable");
  CAF_CHECK_EQUAL(out.fills.size(), 1u);
}

CAF_TEST(an ioc limit takes what its price allows and cancels the rest) {
  cfg.latency = 0;
  reset();
  book_snapshot b;
  b.instrument = "BTC";
  b.bids = {{99, 5}};
  b.asks = {{100, 1}, {100.5, 1}, {101, 1}};
  b.event_time = t0;
  v->on_book(b, 0);
  v->submit(limit("ioc", side::buy, 5, 100.5, t0, time_in_force::ioc), 0);
  CAF_REQUIRE_EQUAL(out.fills.size(), 1u);
  CAF_CHECK(near(out.fills[0].qty, 2));
  CAF_CHECK(near(out.fills[0].price, 100.25));
  CAF_CHECK_EQUAL(out.last("ioc"), "cancelled:ioc_remainder");
}

CAF_TEST(stop and take profit orders trigger on the side they close) {
  cfg.latency = 0;
  reset();
  v->on_quote(quote(100, 100.1, t0), 0);
  v->submit(market("buy", side::buy, 1, t0), 0);
  auto stop = market("stop", side::sell, 1, t0);
  stop.type = order_type::stop_market;
  stop.stop_price = 95;
  stop.reduce_only = true;
  v->submit(stop, 0);
  v->on_quote(quote(96, 96.1, t0 + sec), 0);
  CAF_CHECK_EQUAL(out.fills.size(), 1u);
  v->on_quote(quote(94.5, 94.6, t0 + 2 * sec), 0); // gapped through
  CAF_REQUIRE_EQUAL(out.fills.size(), 2u);
  CAF_CHECK_EQUAL(out.fills[1].price, 94.5); // at the bid, not at 95
  auto story = out.story("stop");
  CAF_REQUIRE_EQUAL(story.size(), 3u);
  CAF_CHECK_EQUAL(story[1], "accepted:triggered at 94.5");
  CAF_CHECK_EQUAL(v->account().position_qty("BTC"), 0.0);
  // A short's target: a buy when the ask falls to it.
  v->submit(market("sell", side::sell, 1, t0 + 2 * sec), 0);
  auto tp = market("tp", side::buy, 1, t0 + 2 * sec);
  tp.type = order_type::take_profit;
  tp.stop_price = 90;
  tp.reduce_only = true;
  v->submit(tp, 0);
  v->on_trade(trade(90.5, 1, side::sell, t0 + 3 * sec), 0);
  CAF_CHECK_EQUAL(out.fills.size(), 3u);
  v->on_trade(trade(90, 1, side::sell, t0 + 3500 * ms), 0); // trades at it
  CAF_REQUIRE_EQUAL(out.fills.size(), 4u);
  CAF_CHECK_EQUAL(out.fills[3].price, 94.6); // the book, not the print
}

CAF_TEST(a bracket places its stop and target and one cancels the other) {
  cfg.latency = 0;
  reset();
  v->on_quote(quote(100, 100.1, t0), 0);
  auto o = market("entry", side::buy, 2, t0);
  o.stop_loss = 95;
  o.take_profit = 110;
  o.decision_id = "dec";
  v->submit(o, 0);
  CAF_REQUIRE_EQUAL(out.orders.size(), 2u);
  auto& stop = out.orders[0];
  auto& target = out.orders[1];
  CAF_CHECK(stop.type == order_type::stop_market);
  CAF_CHECK_EQUAL(stop.stop_price, 95.0);
  CAF_CHECK(target.type == order_type::take_profit);
  CAF_CHECK_EQUAL(target.stop_price, 110.0);
  for (auto& c : out.orders) {
    CAF_CHECK_EQUAL(c.parent_id, "entry");
    CAF_CHECK_EQUAL(c.decision_id, "dec");
    CAF_CHECK(c.reduce_only);
    CAF_CHECK(c.direction == side::sell);
    CAF_CHECK_EQUAL(c.qty, 2.0);
  }
  auto& pos = v->account().positions().at("BTC");
  CAF_CHECK_EQUAL(pos.stop_loss, 95.0);
  CAF_CHECK_EQUAL(pos.take_profit, 110.0);
  v->on_quote(quote(110, 110.1, t0 + sec), 0);
  CAF_REQUIRE_EQUAL(out.fills.size(), 2u);
  CAF_CHECK_EQUAL(out.fills[1].order_id, target.id);
  CAF_CHECK_EQUAL(out.last(stop.id), "cancelled:oco: " + target.id + " filled");
  CAF_CHECK_EQUAL(v->account().position_qty("BTC"), 0.0);
  CAF_CHECK(v->open_orders().empty());
}

CAF_TEST(reduce only orders never grow or flip a position) {
  cfg.latency = 0;
  reset();
  v->on_quote(quote(100, 100.1, t0), 0);
  auto r = market("r0", side::sell, 1, t0);
  r.reduce_only = true;
  v->submit(r, 0);
  CAF_CHECK_EQUAL(out.last("r0"), "rejected:reduce_only_no_position");
  v->submit(market("buy", side::buy, 1, t0), 0);
  r.id = "r1";
  r.qty = 3;
  v->submit(r, 0);
  CAF_CHECK(near(out.fills.back().qty, 1));
  CAF_CHECK_EQUAL(out.last("r1"), "cancelled:reduce_only_capped");
  CAF_CHECK_EQUAL(v->account().position_qty("BTC"), 0.0);
}

CAF_TEST(cancel and amend of a resting order) {
  v->on_quote(quote(100, 100.1, t0, 2), 0);
  v->submit(limit("l", side::buy, 1, 99, t0), 0);
  v->on_quote(quote(100, 100.1, t0 + 10 * ms, 2), 0);
  amend_order a;
  a.order_id = "l";
  a.qty = 3;
  a.limit_price = 99.5;
  v->amend(a, 0);
  CAF_CHECK_EQUAL(out.last("l"), "amended:qty 1->3 limit 99->99.5");
  auto open = v->open_orders();
  CAF_REQUIRE_EQUAL(open.size(), 1u);
  CAF_CHECK_EQUAL(open[0].qty, 3.0);
  a.limit_price = 0;
  a.qty = 0;
  a.stop_price = 90;
  v->amend(a, 0);
  CAF_CHECK_EQUAL(out.last("l"),
                  "request_rejected:amend: stop price of an order without a "
                  "pending trigger");
  // Amended across the spread, it takes at once.
  a.stop_price = 0;
  a.limit_price = 100.1;
  v->amend(a, 0);
  CAF_REQUIRE_EQUAL(out.fills.size(), 1u);
  CAF_CHECK(out.fills[0].role == liquidity::taker);
  CAF_CHECK_EQUAL(out.last("l"), "filled:impact_fallback");
  v->cancel({"l", "operator", t0 + 20 * ms}, 0);
  CAF_CHECK_EQUAL(out.last("l"), "request_rejected:cancel: order is final");
  v->cancel({"nope", "", t0}, 0);
  CAF_CHECK_EQUAL(out.last("nope"), "request_rejected:cancel: unknown order");
  v->submit(limit("l2", side::buy, 1, 99, t0 + 20 * ms), 0);
  v->cancel({"l2", "signal reversed", t0 + 21 * ms}, 0);
  CAF_CHECK_EQUAL(out.last("l2"), "cancelled:signal reversed");
  v->cancel({"l2", "", t0 + 22 * ms}, 0);
  CAF_CHECK_EQUAL(out.last("l2"), "request_rejected:cancel: order is final");
}

CAF_TEST(bad books never fill and the order expires with the reason) {
  // Crossed.
  v->on_quote(quote(100.2, 100.1, t0), 0);
  v->submit(market("x", side::buy, 1, t0), 0);
  v->on_quote(quote(100.2, 100.1, t0 + sec), 0);
  CAF_CHECK_EQUAL(out.last("x"), "accepted");
  v->on_quote(quote(100.2, 100.1, t0 + 6 * sec), 0);
  CAF_CHECK_EQUAL(out.last("x"), "expired:crossed_quote");
  // Empty side of a depth book.
  reset();
  book_snapshot b;
  b.instrument = "BTC";
  b.bids = {{99, 1}};
  b.event_time = t0;
  v->on_book(b, 0);
  v->submit(market("e", side::buy, 1, t0), 0);
  b.event_time = t0 + 6 * sec;
  v->on_book(b, 0);
  CAF_CHECK_EQUAL(out.last("e"), "expired:empty_book_side");
  // Stale: trades keep coming, the quote does not.
  reset();
  v->on_quote(quote(100, 100.1, t0), 0);
  v->submit(market("s", side::buy, 1, t0 + 3 * sec), 0);
  v->on_trade(trade(100, 1, side::buy, t0 + 3 * sec + 20 * ms), 0);
  CAF_CHECK_EQUAL(out.last("s"), "accepted");
  v->expire(t0 + 9 * sec, 0);
  CAF_CHECK_EQUAL(out.last("s"), "expired:stale_quote");
  // No data at all, and a feed that goes down.
  reset();
  v->submit(market("n", side::buy, 1, t0), 0);
  v->on_feed_down("BTC", "feed_disconnected", t0 + sec, 0);
  CAF_CHECK_EQUAL(out.last("n"), "expired:feed_disconnected");
  CAF_CHECK(out.fills.empty());
}

CAF_TEST(extreme volatility refuses taker orders) {
  cfg.latency = 0;
  reset();
  // 30 one-minute bars whose mid swings 8 % each bar.
  for (int i = 0; i < 30; ++i) {
    auto mid = i % 2 == 0 ? 100.0 : 108.0;
    v->on_quote(quote(mid - 0.05, mid + 0.05, t0 + std::int64_t{i} * 60 * sec),
                0);
  }
  v->submit(market("m", side::buy, 1, t0 + std::int64_t{29} * 60 * sec), 0);
  CAF_CHECK(out.fills.empty());
  auto last = out.last("m");
  CAF_CHECK_EQUAL(last.rfind("rejected:extreme_volatility", 0), 0u);
}

CAF_TEST(a perpetual long is liquidated at the offset price by hand) {
  cfg.perpetuals = {"BTC"};
  cfg.leverage = 10;
  cfg.initial_cash = 10'000;
  cfg.latency = 0;
  reset();
  v->on_quote(quote(99.95, 100, t0), 0);
  v->submit(market("long", side::buy, 1, t0), 0);
  auto& acct = v->account();
  // Margin 100 / 10 = 10 leaves the free cash.
  CAF_CHECK(near(acct.margin_used(), 10));
  CAF_CHECK(near(acct.cash(), 9'990));
  // Isolated: 10 + (P - 100) = 0.005 P  =>  P = 90 / 0.995.
  auto liq = 90 / 0.995;
  CAF_CHECK(near(acct.liquidation_price("BTC"), liq));
  // The venue acts 0.5 % earlier: at 90.9045...
  v->on_quote(quote(90.95, 91.05, t0 + sec), 0);
  CAF_CHECK(out.alarms.empty());
  v->on_quote(quote(90.85, 90.9, t0 + 2 * sec), 0); // mid 90.875
  CAF_REQUIRE_EQUAL(out.alarms.size(), 1u);
  CAF_REQUIRE_EQUAL(out.orders.size(), 1u);
  CAF_CHECK_EQUAL(out.orders[0].id.rfind("liq-", 0), 0u);
  CAF_REQUIRE_EQUAL(out.fills.size(), 2u);
  CAF_CHECK_EQUAL(out.fills[1].price, 90.85); // the bid
  CAF_CHECK_EQUAL(acct.position_qty("BTC"), 0.0);
  // Lost 100 - 90.85 = 9.15 of the 10 margin; the rest returns to cash.
  CAF_CHECK(near(acct.cash(), 10'000 - 9.15));
  CAF_CHECK(near(acct.equity(), 10'000 - 9.15));
}

CAF_TEST(funding is settled at the announced time with the announced rate) {
  cfg.perpetuals = {"BTC"};
  cfg.latency = 0;
  reset();
  constexpr timestamp h8 = std::int64_t{8} * 3600 * sec;
  auto base = (t0 / h8 + 1) * h8; // a funding time
  mark_price m;
  m.instrument = "BTC";
  m.mark = 100;
  m.funding_rate = 0.0001;
  m.next_funding_time = base;
  m.event_time = base - 60 * sec;
  v->on_quote(quote(99.95, 100.05, base - 120 * sec), 0);
  v->submit(market("long", side::buy, 2, base - 120 * sec), 0);
  v->on_mark(m, 0);
  CAF_CHECK_EQUAL(out.settlements, 0);
  m.mark = 102;
  m.funding_rate = 0.0003; // announced for the next period
  m.next_funding_time = base + h8;
  m.event_time = base + sec;
  v->on_mark(m, 0);
  CAF_REQUIRE_EQUAL(out.settlements, 1);
  // 2 x 102 x 0.0001: the long pays the rate announced before the time.
  CAF_CHECK(near(out.funding, 2 * 102 * 0.0001));
  CAF_CHECK(near(v->account().snapshot("s", base).funding, 0.0204));
  CAF_CHECK(out.alarms.empty()); // 0.03 % / 8 h is below 0.1 %/h
  m.funding_rate = 0.01;         // 1 % per 8 h = 0.125 %/h
  m.event_time = base + 2 * sec;
  v->on_mark(m, 0);
  CAF_CHECK_EQUAL(out.alarms.size(), 1u);
  m.event_time = base + 3 * sec;
  v->on_mark(m, 0);
  CAF_CHECK_EQUAL(out.alarms.size(), 1u); // once per period
}

CAF_TEST(replay without marks settles the configured rate every interval) {
  cfg.perpetuals = {"*"};
  cfg.latency = 0;
  cfg.funding_rate_fallback = -0.0002; // shorts pay
  reset();
  constexpr timestamp h8 = std::int64_t{8} * 3600 * sec;
  auto base = (t0 / h8 + 1) * h8;
  v->on_quote(quote(99.95, 100.05, base - h8 + sec), 0);
  v->submit(market("short", side::sell, 3, base - h8 + sec), 0);
  v->on_quote(quote(109.95, 110.05, base + 2 * h8 + sec), 0);
  // Three boundaries crossed (base, base + 8 h, base + 16 h); each settles
  // at the mark then, the mid 110: -3 x 110 x -0.0002 = 0.066 paid.
  CAF_CHECK_EQUAL(out.settlements, 3);
  CAF_CHECK(near(out.funding, 3 * 0.066));
}

CAF_TEST(the breaker counts venue faults but neither refusals by the terms of an
           order nor expiries by a restart) {
  auto ev = [](order_event_kind k, const char* why) {
    return order_event{"e", "o", k, why, 0, 0};
  };
  CAF_CHECK(venue_error(ev(order_event_kind::rejected, "insufficient_funds")));
  CAF_CHECK(venue_error(ev(order_event_kind::expired, "feed_stale")));
  CAF_CHECK(
    !venue_error(ev(order_event_kind::rejected, "post_only_would_take")));
  CAF_CHECK(
    !venue_error(ev(order_event_kind::rejected, "reduce_only_no_position")));
  CAF_CHECK(!venue_error(ev(order_event_kind::expired, "restarted")));
  CAF_CHECK(!venue_error(ev(order_event_kind::cancelled, "test")));
  CAF_CHECK(!venue_error(ev(order_event_kind::filled, "")));
}

CAF_TEST_FIXTURE_SCOPE_END()

#define CAF_SUITE trade_quotes
#include <algorithm>
#include <cmath>

#include <caf/test/unit_test.hpp>

#include "actors/feed/trade_quotes.hpp"

using namespace cdb;

namespace {

constexpr timestamp sec = 1'000'000'000;
constexpr timestamp t0 = 1'582'329'602'111'000'000; // 2020-02-22T00:00:02.111Z

trade_tick trade(const std::string& instrument, timestamp t, double price,
                 side s = side::buy, double qty = 0.5) {
  trade_tick x;
  x.instrument = instrument;
  x.price = price;
  x.qty = qty;
  x.aggressor = s;
  x.event_time = t;
  x.recv_time = t + 7;
  return x;
}

} // namespace

CAF_TEST(a buy shows its price as the ask and a sell as the bid) {
  trade_quotes q{10.0, 5 * sec}; // 10 bps
  auto buy = q.on_trade(trade("BTCUSDT", t0, 10'000.0)).quote;
  CAF_REQUIRE(buy);
  CAF_CHECK_EQUAL(buy->instrument, "BTCUSDT");
  CAF_CHECK_EQUAL(buy->ask, 10'000.0);
  CAF_CHECK_EQUAL(buy->bid, 9'990.0);
  CAF_CHECK_EQUAL(buy->bid_qty, 0.5);
  CAF_CHECK_EQUAL(buy->ask_qty, 0.5);
  CAF_CHECK_EQUAL(buy->event_time, t0);
  CAF_CHECK_EQUAL(buy->recv_time, t0 + 7);
  auto sell = q.on_trade(trade("BTCUSDT", t0 + 1, 10'000.0, side::sell, 2))
                .quote;
  CAF_REQUIRE(sell);
  CAF_CHECK_EQUAL(sell->bid, 10'000.0);
  CAF_CHECK_EQUAL(sell->ask, 10'010.0);
  CAF_CHECK_EQUAL(sell->ask_qty, 2.0);
}

CAF_TEST(a fresh recorded quote makes none until it is stale) {
  trade_quotes q{1.0, 5 * sec};
  q.recorded("BTCUSDT", t0);
  CAF_CHECK(!q.on_trade(trade("BTCUSDT", t0 + sec, 100)).quote);
  CAF_CHECK(!q.on_trade(trade("BTCUSDT", t0 + 5 * sec, 100)).quote); // edge
  CAF_CHECK(q.on_trade(trade("BTCUSDT", t0 + 5 * sec + 1, 100)).quote);
  // A book counts as a recorded quote too, and only for its instrument.
  q.recorded("BTCUSDT", t0 + 6 * sec);
  CAF_CHECK(!q.on_trade(trade("BTCUSDT", t0 + 7 * sec, 100)).quote);
  CAF_CHECK(q.on_trade(trade("ETHUSDT", t0 + 7 * sec, 100)).quote);
  // An older recorded time does not move the freshness back.
  q.recorded("BTCUSDT", t0);
  CAF_CHECK(!q.on_trade(trade("BTCUSDT", t0 + 10 * sec, 100)).quote);
}

CAF_TEST(a trade without a usable price makes no quote) {
  trade_quotes q{1.0, 5 * sec};
  CAF_CHECK(!q.on_trade(trade("BTCUSDT", t0, 0)).quote);
  CAF_CHECK(!q.on_trade(trade("BTCUSDT", t0, -1)).quote);
  CAF_CHECK(!q.on_trade(trade("BTCUSDT", t0, std::nan(""))).quote);
}

CAF_TEST(unpriced trades are told once after stale_after) {
  trade_quotes watch{0.0, 5 * sec}; // no quotes made, only watching
  // Trades at 0..10 s, no quote: told at the first over 5 s after the first.
  std::vector<bool> told;
  for (int i = 0; i <= 10; ++i) {
    auto out = watch.on_trade(trade("BTCUSDT", t0 + i * sec, 100));
    CAF_CHECK(!out.quote);
    told.push_back(out.tell);
    if (out.tell)
      CAF_CHECK_EQUAL(out.since, t0);
  }
  CAF_CHECK_EQUAL(std::count(told.begin(), told.end(), true), 1);
  CAF_CHECK(told[6]);
  // A trade just before the first quote of a recording is not told: the
  // quote resets the run of unpriced trades.
  trade_quotes q{0.0, 5 * sec};
  CAF_CHECK(!q.on_trade(trade("ETHUSDT", t0, 100)).tell);
  q.recorded("ETHUSDT", t0 + 1);
  for (int i = 1; i <= 5; ++i)
    CAF_CHECK(!q.on_trade(trade("ETHUSDT", t0 + i * sec, 100)).tell);
  // Then the quotes stop: told from the first trade without a fresh one.
  bool any = false;
  for (int i = 6; i <= 20; ++i) {
    auto out = q.on_trade(trade("ETHUSDT", t0 + i * sec, 100));
    if (out.tell) {
      any = true;
      CAF_CHECK_EQUAL(out.since, t0 + 6 * sec);
      CAF_CHECK_EQUAL(i, 12);
    }
  }
  CAF_CHECK(any);
}

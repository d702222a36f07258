#define CAF_SUITE feed_actor
#include <cstdio>

#include <unistd.h>

#include "actors/feed/feed_actor.hpp"
#include "tests/support/fixtures.hpp"

using namespace cdb;

namespace {

constexpr timestamp t0 = 1'582'329'600'000'000'000; // 2020-02-22 00:00 UTC
constexpr nanoseconds sec = 1'000'000'000;

/// What a subscriber of the feed received.
struct sink_state {
  std::vector<quote_tick> quotes;
  std::vector<trade_tick> trades;
  std::vector<book_snapshot> books;
  std::vector<bar> bars;
  std::vector<feed_status> statuses;
  std::vector<market_history> histories;
};

market_sink::behavior_type
recorder(market_sink::stateful_pointer<sink_state> self, test::no_args) {
  return {
    [self](const trade_tick& t) { self->state.trades.push_back(t); },
    [self](const trade_batch& b) {
      for (auto& t : b.trades)
        self->state.trades.push_back(t);
    },
    [self](const market_history& h) { self->state.histories.push_back(h); },
    [self](const quote_tick& q) { self->state.quotes.push_back(q); },
    [self](const book_snapshot& b) { self->state.books.push_back(b); },
    [self](const bar& b) { self->state.bars.push_back(b); },
    [](const mark_price&) {},
    [self](const feed_status& s) { self->state.statuses.push_back(s); },
  };
}

std::string us(timestamp t) {
  return std::to_string(t / 1000);
}

struct fixture : test::coordinator_fixture {
  std::unique_ptr<test::temp_file> quotes;
  std::unique_ptr<test::temp_file> trades;
  feed_actor feed;
  market_sink sink = sys.spawn(recorder, test::no_args{});

  /// Replays `files` (speed 1, stale after 2 s) into the recorder.
  void replay(std::vector<std::string> files, double trade_spread_bps = 0) {
    feed_config cfg;
    cfg.source = "replay";
    cfg.files = std::move(files);
    cfg.trade_quote_spread_bps = trade_spread_bps;
    cfg.speed = 1;
    cfg.stale_after = 2 * sec;
    cfg.await_subscribers = 1;
    feed = sys.spawn(spawn_feed, cfg, context(), t0);
    anon_send(feed, subscribe_atom::value, sink);
    sched.run();
  }

  fixture() {
    clock->set(t0);
    // Quotes at 0 s, 1 s and 10 s: silence from 1 s to 10 s.
    std::string q = "exchange,symbol,timestamp,local_timestamp,ask_amount,"
                    "ask_price,bid_price,bid_amount\n";
    for (auto t : {t0, t0 + sec, t0 + 10 * sec})
      q += "x,BTCUSDT," + us(t) + "," + us(t) + ",1,101,100,1\n";
    quotes = std::make_unique<test::temp_file>(q);
    // Trade ids 1, 2, 2 (a duplicate), 5 (a gap of two).
    std::string tr = "exchange,symbol,timestamp,local_timestamp,id,side,"
                     "price,amount\n";
    int i = 0;
    for (auto id : {1, 2, 2, 5})
      tr += "x,BTCUSDT," + us(t0 + std::int64_t{i++} * 100'000'000) + ","
            + us(t0) + "," + std::to_string(id) + ",buy,100.5,0.1\n";
    trades = std::make_unique<test::temp_file>(tr);
  }

  ~fixture() override {
    anon_send_exit(feed, caf::exit_reason::user_shutdown);
    anon_send_exit(sink, caf::exit_reason::user_shutdown);
    sched.run();
  }

  sink_state& got() {
    return deref<market_sink::stateful_base<sink_state>>(sink).state;
  }

  /// Moves the market clock to `t` and fires every due timer.
  void at(timestamp t) {
    clock->set(t);
    sched.trigger_timeouts();
    sched.run();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(feed_actor_tests, fixture)

CAF_TEST(replay publishes on the market clock and reports silence) {
  replay({quotes->path(), trades->path()});
  // At t0: the first quote and the first trade are due.
  CAF_CHECK_EQUAL(got().quotes.size(), 1u);
  CAF_CHECK_EQUAL(got().trades.size(), 1u);
  CAF_REQUIRE_EQUAL(got().statuses.size(), 1u);
  CAF_CHECK(got().statuses[0].state == feed_health::fresh);
  at(t0 + sec);
  CAF_CHECK_EQUAL(got().quotes.size(), 2u);
  // Trade 2 once; its duplicate dropped; 5 after a gap.
  CAF_REQUIRE_EQUAL(got().trades.size(), 3u);
  CAF_CHECK_EQUAL(got().trades[1].trade_id, "2");
  CAF_CHECK_EQUAL(got().trades[2].trade_id, "5");
  at(t0 + 4 * sec); // 3 s without data: stale
  CAF_REQUIRE_EQUAL(got().statuses.size(), 2u);
  CAF_CHECK(got().statuses[1].state == feed_health::stale);
  CAF_CHECK_EQUAL(got().statuses[1].instrument, "BTCUSDT");
  at(t0 + 10 * sec); // data again, then the files end
  CAF_CHECK_EQUAL(got().quotes.size(), 3u);
  CAF_REQUIRE_EQUAL(got().statuses.size(), 4u);
  CAF_CHECK(got().statuses[2].state == feed_health::fresh);
  CAF_CHECK(got().statuses[3].state == feed_health::disconnected);
  CAF_CHECK(metrics->feed_done);
  CAF_CHECK_EQUAL(metrics->ticks.load(), 6u);
}

CAF_TEST(books and bars reach subscribers and a repeated bar does not ) {
  // Two one-second bars, the second repeated, and a two-level book.
  std::string b = "timestamp,open,high,low,close,volume\n";
  for (auto t : {t0, t0 + sec, t0 + sec})
    b += std::to_string(t / 1'000'000) + ",100,102,99,101,5\n";
  test::temp_file bars{b};
  test::temp_file book{
    "exchange,symbol,timestamp,local_timestamp,asks[0].price,"
    "asks[0].amount,bids[0].price,bids[0].amount,asks[1].price,"
    "asks[1].amount,bids[1].price,bids[1].amount\n"
    "x,BTCUSDT,"
    + us(t0) + "," + us(t0) + ",101,1,100,2,102,3,99,4\n"};
  replay({bars.path(), book.path()});
  at(t0 + 62 * sec); // a bar is due when it closes (feed.bar_interval 1min)
  CAF_REQUIRE_EQUAL(got().books.size(), 1u);
  CAF_REQUIRE_EQUAL(got().books[0].bids.size(), 2u);
  CAF_CHECK_EQUAL(got().books[0].bids[1].price, 99.0);
  CAF_CHECK_EQUAL(got().books[0].asks[1].qty, 3.0);
  CAF_REQUIRE_EQUAL(got().bars.size(), 2u);
  CAF_CHECK_EQUAL(got().bars[1].start_time, t0 + sec);
  CAF_CHECK_EQUAL(got().bars[1].close, 101.0);
  CAF_CHECK_EQUAL(metrics->ticks.load(), 0u); // books and bars are no ticks
  CAF_CHECK(metrics->feed_done);
}

CAF_TEST(a late subscriber gets the history first and nothing twice) {
  replay({trades->path()});
  at(t0 + sec); // three trades published (one duplicate dropped)
  market_sink late = sys.spawn(recorder, test::no_args{});
  anon_send(feed, history_atom::value, late);
  sched.run();
  auto& l = deref<market_sink::stateful_base<sink_state>>(late).state;
  CAF_REQUIRE_EQUAL(l.histories.size(), 1u);
  CAF_REQUIRE_EQUAL(l.histories[0].trades.size(), 3u);
  CAF_CHECK_EQUAL(l.histories[0].trades[2].trade_id, "5");
  CAF_CHECK(l.trades.empty());                // all of it came as history
  anon_send(feed, history_atom::value, late); // subscribed: no second copy
  sched.run();
  CAF_CHECK_EQUAL(l.histories.size(), 1u);
  anon_send_exit(late, caf::exit_reason::user_shutdown);
}

CAF_TEST(trades without a fresh recorded quote make quotes at their price) {
  // Quotes at 0, 1 and 10 s; trades at 0.1 s (quotes fresh), then 4 s and
  // 5 s (the last quote 3 and 4 s old, stale after 2 s).
  std::string tr = "exchange,symbol,timestamp,local_timestamp,id,side,"
                   "price,amount\n";
  tr += "x,BTCUSDT," + us(t0 + sec / 10) + "," + us(t0) + ",1,buy,100.5,0.1\n";
  tr += "x,BTCUSDT," + us(t0 + 4 * sec) + "," + us(t0) + ",2,buy,100.5,0.3\n";
  tr += "x,BTCUSDT," + us(t0 + 5 * sec) + "," + us(t0) + ",3,sell,100.4,0.2\n";
  test::temp_file later{tr};
  replay({quotes->path(), later.path()}, 2.0);
  at(t0 + 5 * sec);
  // The recorded quotes at 0 and 1 s, then one made before each late trade.
  CAF_REQUIRE_EQUAL(got().quotes.size(), 4u);
  auto& buy = got().quotes[2];
  CAF_CHECK_EQUAL(buy.ask, 100.5); // a buy took the ask
  CAF_CHECK_EQUAL(buy.bid, 100.5 - 100.5 * 2.0 / 1e4);
  CAF_CHECK_EQUAL(buy.ask_qty, 0.3);
  CAF_CHECK_EQUAL(buy.event_time, t0 + 4 * sec);
  auto& sell = got().quotes[3];
  CAF_CHECK_EQUAL(sell.bid, 100.4); // a sell hit the bid
  CAF_CHECK_EQUAL(sell.ask, 100.4 + 100.4 * 2.0 / 1e4);
  CAF_CHECK_EQUAL(sell.bid_qty, 0.2);
  CAF_CHECK_EQUAL(got().trades.size(), 3u);
  at(t0 + 10 * sec); // the recorded quote at 10 s, nothing made
  CAF_CHECK_EQUAL(got().quotes.size(), 5u);
  CAF_CHECK_EQUAL(metrics->ticks.load(), 8u); // 3 + 3 recorded, 2 made
}

CAF_TEST(without the option trades make no quote) {
  std::string tr = "exchange,symbol,timestamp,local_timestamp,id,side,"
                   "price,amount\n";
  tr += "x,BTCUSDT," + us(t0 + 4 * sec) + "," + us(t0) + ",2,buy,100.5,0.3\n";
  test::temp_file later{tr};
  replay({quotes->path(), later.path()});
  at(t0 + 5 * sec);
  CAF_CHECK_EQUAL(got().quotes.size(), 2u);
  CAF_CHECK_EQUAL(got().trades.size(), 1u);
}

CAF_TEST(every turn to stale counts in the instrument metric) {
  replay({quotes->path()});
  at(t0 + sec);
  at(t0 + 4 * sec);  // stale after the quote at 1 s
  at(t0 + 10 * sec); // data again, then the end: disconnected, as planned
  auto& cell = metrics->feed_instruments.at({"BTCUSDT"});
  CAF_CHECK_EQUAL(cell.stale.load(), 1u);
  CAF_CHECK_EQUAL(cell.health.load(),
                  static_cast<int>(feed_health::disconnected));
}

CAF_TEST_FIXTURE_SCOPE_END()

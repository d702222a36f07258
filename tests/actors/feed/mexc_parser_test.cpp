#define CAF_SUITE mexc_parser
#include <string>
#include <vector>

#include <caf/test/unit_test.hpp>

#include "actors/feed/mexc_format.hpp"
#include "actors/feed/mexc_parser.hpp"

using namespace cdb;

namespace {

constexpr timestamp recv = 1'700'000'000'123'000'000;
constexpr timestamp ms = 1'000'000;

struct fixture {
  mexc_parser parser{contract_sizes{{"BTC_USDT", 0.0001}, {"ETH_USDT", 0.01}}};
  std::vector<market_message> out;

  parse_error parse(const std::string& msg) {
    return parser.parse(msg, recv, out);
  }

  std::uint64_t errors(parse_error e) const {
    return parser.errors()[static_cast<std::size_t>(e)];
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(mexc_parser_tests, fixture)

CAF_TEST(a deal object yields one trade in base units) {
  auto e = parse(R"({"channel":"push.deal","data":{"M":1,"O":1,"T":1,)"
                 R"("p":6866.5,"t":1587442049632,"v":2362},)"
                 R"("symbol":"BTC_USDT","ts":1587442049632})");
  CAF_REQUIRE_EQUAL(e, parse_error::none);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  auto& t = out[0].trade;
  CAF_CHECK(out[0].kind == market_kind::trade);
  CAF_CHECK_EQUAL(t.instrument, "BTCUSDT");
  CAF_CHECK_EQUAL(t.price, 6866.5);
  CAF_CHECK_EQUAL(t.qty, 2362 * 0.0001); // contracts x contract size
  CAF_CHECK(t.aggressor == side::buy);
  CAF_CHECK_EQUAL(t.event_time, 1587442049632 * ms);
  CAF_CHECK_EQUAL(t.recv_time, recv);
  CAF_CHECK_EQUAL(out[0].sequence, 0u); // MEXC deals carry no id
}

CAF_TEST(a deal array yields every trade in order) {
  auto e = parse(R"({"channel":"push.deal","data":[)"
                 R"({"M":1,"O":3,"T":2,"p":"3001.5","t":1700000000001,"v":7},)"
                 R"({"M":2,"O":1,"T":1,"p":3001.6,"t":1700000000002,"v":1}],)"
                 R"("symbol":"ETH_USDT","ts":1700000000003})");
  CAF_REQUIRE_EQUAL(e, parse_error::none);
  CAF_REQUIRE_EQUAL(out.size(), 2u);
  CAF_CHECK_EQUAL(out[0].trade.price, 3001.5);
  CAF_CHECK_EQUAL(out[0].trade.qty, 0.07);
  CAF_CHECK(out[0].trade.aggressor == side::sell);
  CAF_CHECK_EQUAL(out[1].trade.price, 3001.6);
  CAF_CHECK_EQUAL(out[1].trade.event_time, 1700000000002 * ms);
  CAF_CHECK_EQUAL(parser.parsed(), 1u);
}

CAF_TEST(an empty deal array or a bad direction is rejected) {
  CAF_CHECK_EQUAL(parse(R"({"channel":"push.deal","data":[],)"
                        R"("symbol":"BTC_USDT"})"),
                  parse_error::missing_field);
  CAF_CHECK_EQUAL(parse(R"({"channel":"push.deal","data":{"T":3,"p":1,)"
                        R"("t":1,"v":1},"symbol":"BTC_USDT"})"),
                  parse_error::bad_number);
  // One bad deal in an array rejects the whole message: nothing half-done.
  CAF_CHECK_EQUAL(parse(R"({"channel":"push.deal","data":[{"T":1,"p":1,)"
                        R"("t":1,"v":1},{"T":1,"p":-1,"t":1,"v":1}],)"
                        R"("symbol":"BTC_USDT"})"),
                  parse_error::bad_number);
  CAF_CHECK(out.empty());
}

CAF_TEST(a symbol without a contract size is rejected by name) {
  CAF_CHECK_EQUAL(parse(R"({"channel":"push.deal","data":{"T":1,"p":1,)"
                        R"("t":1,"v":1},"symbol":"DOGE_USDT"})"),
                  parse_error::unknown_instrument);
  CAF_CHECK_EQUAL(errors(parse_error::unknown_instrument), 1u);
}

CAF_TEST(a ticker yields a quote and a mark price with funding) {
  auto e = parse(
    R"({"channel":"push.ticker","data":{"ask1":6866.5,"bid1":6865,)"
    R"("contractId":1,"fairPrice":6867.4,"fundingRate":0.0008,)"
    R"("high24Price":7223.5,"indexPrice":6861.6,"lastPrice":6865.5,)"
    R"("symbol":"BTC_USDT","timestamp":1587442022003,"volume24":164586129},)"
    R"("symbol":"BTC_USDT","ts":1587442022003})");
  CAF_REQUIRE_EQUAL(e, parse_error::none);
  CAF_REQUIRE_EQUAL(out.size(), 2u);
  CAF_CHECK(out[0].kind == market_kind::quote);
  CAF_CHECK_EQUAL(out[0].quote.bid, 6865.0);
  CAF_CHECK_EQUAL(out[0].quote.ask, 6866.5);
  CAF_CHECK_EQUAL(out[0].quote.event_time, 1587442022003 * ms);
  CAF_CHECK(out[1].kind == market_kind::mark);
  CAF_CHECK_EQUAL(out[1].mark.mark, 6867.4);
  CAF_CHECK_EQUAL(out[1].mark.index, 6861.6);
  CAF_CHECK_EQUAL(out[1].mark.funding_rate, 0.0008);
}

CAF_TEST(a full depth push yields a book in base units with its version) {
  auto e = parse(R"({"channel":"push.depth.full","data":{)"
                 R"("asks":[[6859.5,3251,1],[6860,10,2]],)"
                 R"("bids":[[6859,100,3]],"version":96801927},)"
                 R"("symbol":"BTC_USDT","ts":1587442022003})");
  CAF_REQUIRE_EQUAL(e, parse_error::none);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  auto& b = out[0].book;
  CAF_CHECK_EQUAL(out[0].sequence, 96801927u);
  CAF_REQUIRE_EQUAL(b.asks.size(), 2u);
  CAF_CHECK_EQUAL(b.asks[0].price, 6859.5);
  CAF_CHECK_EQUAL(b.asks[0].qty, 3251 * 0.0001);
  CAF_REQUIRE_EQUAL(b.bids.size(), 1u);
  CAF_CHECK_EQUAL(b.bids[0].qty, 100 * 0.0001);
  CAF_CHECK_EQUAL(b.event_time, 1587442022003 * ms);
}

CAF_TEST(a kline is emitted once the next bar starts) {
  auto k = [](int t, double c, int q) {
    return R"({"channel":"push.kline","data":{"a":1,"c":)" + std::to_string(c)
           + R"(,"h":7000,"interval":"Min1","l":6800,"o":6900,"q":)"
           + std::to_string(q) + R"(,"symbol":"BTC_USDT","t":)"
           + std::to_string(t) + R"(},"symbol":"BTC_USDT","ts":1})";
  };
  CAF_CHECK_EQUAL(parse(k(1587448800, 6885, 100)), parse_error::open_kline);
  CAF_CHECK_EQUAL(parse(k(1587448800, 6890, 150)), parse_error::open_kline);
  CAF_REQUIRE_EQUAL(parse(k(1587448860, 6895, 5)), parse_error::none);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  auto& b = out[0].kline;
  CAF_CHECK_EQUAL(b.instrument, "BTCUSDT");
  CAF_CHECK_EQUAL(b.interval, 60'000'000'000);
  CAF_CHECK_EQUAL(b.start_time, 1587448800'000'000'000);
  CAF_CHECK_EQUAL(b.close, 6890.0); // the last update of the bar
  CAF_CHECK_EQUAL(b.volume, 150 * 0.0001);
  // A late update of a bar already emitted changes nothing.
  CAF_CHECK_EQUAL(parse(k(1587448800, 6850, 1)), parse_error::open_kline);
}

CAF_TEST(pongs and acks are control and failures venue errors) {
  CAF_CHECK_EQUAL(parse(R"({"channel":"pong","data":1587453241453})"),
                  parse_error::control);
  CAF_CHECK_EQUAL(parse(R"({"channel":"rs.sub.deal","data":"success",)"
                        R"("ts":1587442022003})"),
                  parse_error::control);
  CAF_CHECK_EQUAL(parse(R"({"channel":"rs.sub.deal","data":"contract not )"
                        R"(exists","ts":1})"),
                  parse_error::venue_error);
  CAF_CHECK_EQUAL(parse(R"({"channel":"rs.error","data":"bad","ts":1})"),
                  parse_error::venue_error);
  CAF_CHECK_EQUAL(parse(R"({"channel":"push.funding.rate","data":{}})"),
                  parse_error::unknown_message);
}

CAF_TEST(malformed messages are counted by reason) {
  CAF_CHECK_EQUAL(parse("not json"), parse_error::not_json);
  CAF_CHECK_EQUAL(parse(R"({"channel":"push.deal","data":{"T":1)"),
                  parse_error::truncated);
  CAF_CHECK_EQUAL(parse(R"({"data":{}})"), parse_error::missing_field);
  CAF_CHECK_EQUAL(parse(R"({"channel":"push.deal","data":{"T":1,"p":"x",)"
                        R"("t":1,"v":1},"symbol":"BTC_USDT"})"),
                  parse_error::bad_number);
  CAF_CHECK_EQUAL(parse(std::string(70'000, ' ')), parse_error::oversized);
  CAF_CHECK_EQUAL(errors(parse_error::not_json), 1u);
  CAF_CHECK_EQUAL(parser.parsed(), 0u);
}

CAF_TEST(the simulator pushes parse back to the ticks they came from) {
  trade_tick t{"BTCUSDT",          46377.5, 0.0123, side::sell, "",
               1700000000000 * ms, 0};
  for (bool as_array : {false, true}) {
    CAF_REQUIRE_EQUAL(parse(mexc_deal(t, 0.0001, as_array)), parse_error::none);
    CAF_REQUIRE_EQUAL(out.size(), 1u);
    CAF_CHECK_EQUAL(out[0].trade.instrument, "BTCUSDT");
    CAF_CHECK_EQUAL(out[0].trade.price, 46377.5);
    CAF_CHECK_EQUAL(out[0].trade.qty, 123 * 0.0001);
    CAF_CHECK(out[0].trade.aggressor == side::sell);
    CAF_CHECK_EQUAL(out[0].trade.event_time, t.event_time);
  }
  quote_tick q{"BTCUSDT", 46377, 1, 46378, 2, 1700000000001 * ms, 0};
  CAF_REQUIRE_EQUAL(parse(mexc_ticker(q, 0.0001)), parse_error::none);
  CAF_CHECK_EQUAL(out[0].quote.bid, 46377.0);
  CAF_CHECK_EQUAL(out[0].quote.ask, 46378.0);
  CAF_CHECK_EQUAL(out[1].mark.funding_rate, 0.0001);
}

CAF_TEST(subscriptions come from config specs) {
  mexc_channel c;
  CAF_REQUIRE(mexc_channel::parse("BTC_USDT@deal", c));
  CAF_CHECK_EQUAL(mexc_subscribe(c),
                  R"({"method":"sub.deal","param":{"symbol":"BTC_USDT"}})");
  CAF_REQUIRE(mexc_channel::parse("BTC_USDT@depth20", c));
  CAF_CHECK_EQUAL(mexc_subscribe(c), R"({"method":"sub.depth.full","param":)"
                                     R"({"symbol":"BTC_USDT","limit":20}})");
  CAF_REQUIRE(mexc_channel::parse("ETH_USDT@kline_Min15", c));
  CAF_CHECK_EQUAL(mexc_subscribe(c), R"({"method":"sub.kline","param":)"
                                     R"({"symbol":"ETH_USDT",)"
                                     R"("interval":"Min15"}})");
  CAF_CHECK(!mexc_channel::parse("BTC_USDT@kline_1m", c));
  CAF_CHECK(!mexc_channel::parse("BTC_USDT@depth7", c));
  CAF_CHECK(!mexc_channel::parse("@deal", c));
  CAF_CHECK(!mexc_channel::parse("BTC_USDT", c));
  CAF_CHECK_EQUAL(mexc_symbol("BTCUSDT"), "BTC_USDT");
  CAF_CHECK_EQUAL(mexc_symbol("ETHUSDC"), "ETH_USDC");
  CAF_CHECK_EQUAL(mexc_instrument("BTC_USDT"), "BTCUSDT");
}

CAF_TEST_FIXTURE_SCOPE_END()

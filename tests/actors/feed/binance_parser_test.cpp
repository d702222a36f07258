#define CAF_SUITE binance_parser
#include <fstream>
#include <string>

#include <caf/test/unit_test.hpp>

#include "actors/feed/binance_format.hpp"
#include "actors/feed/binance_parser.hpp"
#include "actors/feed/ws_client.hpp"

using namespace cdb;

namespace {

constexpr timestamp recv = 1'700'000'000'123'000'000;
constexpr timestamp ms = 1'000'000;

struct fixture {
  binance_parser parser;
  market_message out;

  parse_error parse(const std::string& msg) {
    return parser.parse(msg, recv, out);
  }

  std::uint64_t errors(parse_error e) const {
    return parser.errors()[static_cast<std::size_t>(e)];
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(binance_parser_tests, fixture)

CAF_TEST(combined stream trade yields a trade tick with the aggressor) {
  auto e = parse(R"({"stream":"btcusdt@trade","data":{"e":"trade",)"
                 R"("E":1672515782136,"s":"BTCUSDT","t":12345,"p":"16500.10",)"
                 R"("q":"0.002","b":88,"a":50,"T":1672515782134,"m":true,)"
                 R"("M":true}})");
  CAF_REQUIRE_EQUAL(e, parse_error::none);
  CAF_REQUIRE(out.kind == market_kind::trade);
  CAF_CHECK_EQUAL(out.trade.instrument, "BTCUSDT");
  CAF_CHECK_EQUAL(out.sequence, 12345u);
  CAF_CHECK_EQUAL(out.trade.trade_id, "12345");
  CAF_CHECK_EQUAL(out.trade.price, 16500.10);
  CAF_CHECK_EQUAL(out.trade.qty, 0.002);
  CAF_CHECK(out.trade.aggressor == side::sell); // buyer was the maker
  CAF_CHECK_EQUAL(out.trade.event_time, 1672515782134 * ms);
  CAF_CHECK_EQUAL(out.trade.recv_time, recv);
}

CAF_TEST(raw agg trade with the buyer as taker) {
  auto e = parse(R"({"e":"aggTrade","E":1570752011620,"s":"XRPETH",)"
                 R"("a":13519807,"p":"0.00141342","q":"23.00000000",)"
                 R"("f":15373518,"l":15373518,"T":1570752011620,"m":false,)"
                 R"("M":true})");
  CAF_REQUIRE_EQUAL(e, parse_error::none);
  CAF_CHECK_EQUAL(out.sequence, 13519807u);
  CAF_CHECK_EQUAL(out.trade.price, 0.00141342);
  CAF_CHECK_EQUAL(out.trade.qty, 23.0);
  CAF_CHECK(out.trade.aggressor == side::buy);
}

CAF_TEST(spot book ticker is routed by stream name and stamped on receipt) {
  auto e = parse(R"({"stream":"bnbusdt@bookTicker","data":{"u":400900217,)"
                 R"("s":"BNBUSDT","b":"25.35190000","B":"31.21000000",)"
                 R"("a":"25.36520000","A":"40.66000000"}})");
  CAF_REQUIRE_EQUAL(e, parse_error::none);
  CAF_REQUIRE(out.kind == market_kind::quote);
  CAF_CHECK_EQUAL(out.quote.instrument, "BNBUSDT");
  CAF_CHECK_EQUAL(out.quote.bid, 25.3519);
  CAF_CHECK_EQUAL(out.quote.bid_qty, 31.21);
  CAF_CHECK_EQUAL(out.quote.ask, 25.3652);
  CAF_CHECK_EQUAL(out.quote.ask_qty, 40.66);
  CAF_CHECK_EQUAL(out.quote.event_time, recv);
  CAF_CHECK_EQUAL(out.sequence, 400900217u);
  // Without the envelope it is recognised by its update id.
  e = parse(R"({"u":7,"s":"BNBUSDT","b":"1","B":"2","a":"3","A":"4"})");
  CAF_CHECK_EQUAL(e, parse_error::none);
  CAF_CHECK(out.kind == market_kind::quote);
}

CAF_TEST(futures book ticker carries its transaction time) {
  auto e = parse(R"({"e":"bookTicker","u":400900217,"E":1568014460893,)"
                 R"("T":1568014460891,"s":"BNBUSDT","b":"25.35190000",)"
                 R"("B":"31.21000000","a":"25.36520000","A":"40.66000000"})");
  CAF_REQUIRE_EQUAL(e, parse_error::none);
  CAF_CHECK_EQUAL(out.quote.event_time, 1568014460891 * ms);
}

CAF_TEST(spot partial depth takes the symbol from the stream) {
  auto e = parse(R"({"stream":"btcusdt@depth5@100ms","data":{)"
                 R"("lastUpdateId":160,"bids":[["0.0024","10"],)"
                 R"(["0.0023","5"]],"asks":[["0.0026","100"]]}})");
  CAF_REQUIRE_EQUAL(e, parse_error::none);
  CAF_REQUIRE(out.kind == market_kind::book);
  CAF_CHECK_EQUAL(out.book.instrument, "BTCUSDT");
  CAF_CHECK_EQUAL(out.sequence, 160u);
  CAF_REQUIRE_EQUAL(out.book.bids.size(), 2u);
  CAF_CHECK_EQUAL(out.book.bids[1].price, 0.0023);
  CAF_CHECK_EQUAL(out.book.bids[1].qty, 5.0);
  CAF_REQUIRE_EQUAL(out.book.asks.size(), 1u);
  CAF_CHECK_EQUAL(out.book.asks[0].qty, 100.0);
}

CAF_TEST(futures depth update) {
  auto e = parse(R"({"e":"depthUpdate","E":1571889248277,"T":1571889248276,)"
                 R"("s":"BTCUSDT","U":390497796,"u":390497878,)"
                 R"("pu":390497794,"b":[["7403.89","0.002"]],)"
                 R"("a":[["7405.96","3.340"],["7406.63","4.525"]]})");
  CAF_REQUIRE_EQUAL(e, parse_error::none);
  CAF_CHECK_EQUAL(out.sequence, 390497878u);
  CAF_CHECK_EQUAL(out.book.event_time, 1571889248276 * ms);
  CAF_CHECK_EQUAL(out.book.asks.size(), 2u);
  CAF_CHECK_EQUAL(out.book.bids[0].price, 7403.89);
}

CAF_TEST(closed kline becomes a bar and an open one is skipped) {
  std::string k = R"({"e":"kline","E":1672515782136,"s":"BNBBTC","k":{)"
                  R"("t":1672515780000,"T":1672515839999,"s":"BNBBTC",)"
                  R"("i":"1m","f":100,"L":200,"o":"0.0016","c":"0.0020",)"
                  R"("h":"0.0025","l":"0.0015","v":"1000","n":100,"x":true,)"
                  R"("q":"1.0000","V":"500","Q":"0.500","B":"123456"}})";
  CAF_REQUIRE_EQUAL(parse(k), parse_error::none);
  CAF_REQUIRE(out.kind == market_kind::bar);
  CAF_CHECK_EQUAL(out.kline.instrument, "BNBBTC");
  CAF_CHECK_EQUAL(out.kline.interval, 60'000 * ms);
  CAF_CHECK_EQUAL(out.kline.start_time, 1672515780000 * ms);
  CAF_CHECK_EQUAL(out.kline.end_time, 1672515840000 * ms);
  CAF_CHECK_EQUAL(out.kline.high, 0.0025);
  CAF_CHECK_EQUAL(out.kline.volume, 1000.0);
  auto open = k;
  open.replace(open.find("\"x\":true"), 8, "\"x\":false");
  CAF_CHECK_EQUAL(parse(open), parse_error::open_kline);
  CAF_CHECK(out.kind == market_kind::none);
  auto inverted = k;
  inverted.replace(inverted.find("\"h\":\"0.0025\""), 12, "\"h\":\"0.0001\"");
  CAF_CHECK_EQUAL(parse(inverted), parse_error::bad_number);
}

CAF_TEST(mark price carries funding) {
  auto e = parse(R"({"stream":"btcusdt@markPrice@1s","data":{)"
                 R"("e":"markPriceUpdate","E":1562305380000,"s":"BTCUSDT",)"
                 R"("p":"11794.15000000","i":"11784.62659091",)"
                 R"("P":"11784.25641265","r":"-0.00038167",)"
                 R"("T":1562306400000}})");
  CAF_REQUIRE_EQUAL(e, parse_error::none);
  CAF_REQUIRE(out.kind == market_kind::mark);
  CAF_CHECK_EQUAL(out.mark.mark, 11794.15);
  CAF_CHECK_EQUAL(out.mark.index, 11784.62659091);
  CAF_CHECK_EQUAL(out.mark.funding_rate, -0.00038167);
  CAF_CHECK_EQUAL(out.mark.next_funding_time, 1562306400000 * ms);
}

CAF_TEST(bad messages are counted by reason and the parser survives) {
  std::string good = R"({"e":"trade","E":1,"s":"X","t":1,"p":"1.5","q":"2",)"
                     R"("T":1,"m":false})";
  CAF_CHECK_EQUAL(parse(""), parse_error::not_json);
  CAF_CHECK_EQUAL(parse("hello"), parse_error::not_json);
  CAF_CHECK_EQUAL(parse("[1,2]"), parse_error::not_json);
  CAF_CHECK_EQUAL(parse(good.substr(0, good.size() - 1)),
                  parse_error::truncated);
  CAF_CHECK_EQUAL(parse(R"({"e":"trade","s":"X"})"),
                  parse_error::missing_field);
  CAF_CHECK_EQUAL(parse(R"({"e":"trade","E":1,"s":"X","t":1,"p":"abc",)"
                        R"("q":"2","T":1,"m":false})"),
                  parse_error::bad_number);
  for (auto p : {"-1", "0", "nan", "inf", "1e400", "1.5x"}) {
    auto msg = good;
    msg.replace(msg.find("\"1.5\""), 5, std::string{"\""} + p + "\"");
    CAF_CHECK_EQUAL(parse(msg), parse_error::bad_number);
  }
  CAF_CHECK_EQUAL(parse(R"({"e":"24hrTicker","s":"X"})"),
                  parse_error::unknown_message);
  CAF_CHECK_EQUAL(parse(R"({"stream":"x@trade","data":5})"),
                  parse_error::missing_field);
  CAF_CHECK_EQUAL(parse(R"({"e":"trade","s":"X","p":"1",}})"),
                  parse_error::not_json);
  CAF_CHECK_EQUAL(parse("{\"e\":\"trade\",\"s\":\"\xff\xfe\"}"),
                  parse_error::not_json);
  binance_parser small{64};
  CAF_CHECK_EQUAL(small.parse(good + std::string(64, ' '), recv, out),
                  parse_error::oversized);
  CAF_CHECK_EQUAL(small.errors()[1], 1u);
  CAF_CHECK_EQUAL(errors(parse_error::not_json), 5u);
  CAF_CHECK_EQUAL(errors(parse_error::bad_number), 7u);
  CAF_CHECK_EQUAL(errors(parse_error::missing_field), 2u);
  CAF_CHECK_EQUAL(errors(parse_error::truncated), 1u);
  CAF_CHECK_EQUAL(errors(parse_error::unknown_message), 1u);
  CAF_CHECK_EQUAL(parse(good), parse_error::none);
  CAF_CHECK_EQUAL(out.trade.price, 1.5);
  CAF_CHECK_EQUAL(parser.parsed(), 1u);
}

CAF_TEST(every line of the recorded agg trade stream parses) {
  std::ifstream in{CDB_SHARED_DATA
                   "/binance-spot-xrpeth-aggtrade-ws-2019-10.jsonl"};
  CAF_REQUIRE(in.good());
  std::string line;
  std::size_t lines = 0;
  std::size_t sells = 0;
  std::uint64_t last_seq = 0;
  bool ordered = true;
  market_message first;
  while (std::getline(in, line)) {
    ++lines;
    CAF_REQUIRE_EQUAL(parse(line), parse_error::none);
    if (lines == 1)
      first = out;
    if (out.trade.aggressor == side::sell)
      ++sells;
    ordered = ordered && out.sequence > last_seq;
    last_seq = out.sequence;
  }
  CAF_CHECK_EQUAL(lines, 12477u);
  CAF_CHECK_EQUAL(parser.parsed(), 12477u);
  CAF_CHECK_EQUAL(sells, 5953u); // lines with "m":true
  CAF_CHECK(ordered);
  CAF_CHECK_EQUAL(first.trade.instrument, "XRPETH");
  CAF_CHECK_EQUAL(first.sequence, 13519807u);
  CAF_CHECK_EQUAL(first.trade.price, 0.00141342);
  CAF_CHECK_EQUAL(out.sequence, 13532283u);
  CAF_CHECK_EQUAL(out.trade.price, 0.00152787);
  CAF_CHECK_EQUAL(out.trade.qty, 130.0);
  CAF_CHECK_EQUAL(out.trade.event_time, 1570965568844 * ms);
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST(what the exchange simulator writes the parser reads back) {
  trade_tick t;
  t.instrument = "BTCUSDT";
  t.price = 30001.5;
  t.qty = 0.25;
  t.aggressor = side::sell;
  t.event_time = 1'700'000'000'123'000'000;
  binance_parser p;
  market_message m;
  CAF_REQUIRE_EQUAL(p.parse(binance_trade(t, 77), recv, m), parse_error::none);
  CAF_CHECK_EQUAL(m.trade.instrument, "BTCUSDT");
  CAF_CHECK_EQUAL(m.sequence, 77u);
  CAF_CHECK_EQUAL(m.trade.price, 30001.5);
  CAF_CHECK_EQUAL(m.trade.qty, 0.25);
  CAF_CHECK(m.trade.aggressor == side::sell);
  CAF_CHECK_EQUAL(m.trade.event_time, t.event_time);
  quote_tick q;
  q.instrument = "ETHUSDT";
  q.bid = 1999.5;
  q.ask = 2000.25;
  q.bid_qty = 3;
  q.ask_qty = 4;
  CAF_REQUIRE_EQUAL(p.parse(binance_book_ticker(q, 9), recv, m),
                    parse_error::none);
  CAF_CHECK(m.kind == market_kind::quote);
  CAF_CHECK_EQUAL(m.quote.ask, 2000.25);
  CAF_CHECK_EQUAL(m.sequence, 9u);
}

CAF_TEST(websocket urls) {
  ws_url u;
  CAF_REQUIRE(ws_url::parse("ws://127.0.0.1:9443/stream?streams=a@trade", u));
  CAF_CHECK_EQUAL(u.host, "127.0.0.1");
  CAF_CHECK_EQUAL(u.port, "9443");
  CAF_CHECK_EQUAL(u.target, "/stream?streams=a@trade");
  CAF_REQUIRE(ws_url::parse("ws://localhost", u));
  CAF_CHECK_EQUAL(u.port, "80");
  CAF_CHECK_EQUAL(u.target, "/");
  CAF_CHECK(!u.tls);
  CAF_REQUIRE(ws_url::parse("wss://stream.binance.com:9443/ws", u));
  CAF_CHECK(u.tls);
  CAF_CHECK_EQUAL(u.port, "9443");
  CAF_REQUIRE(ws_url::parse("wss://fstream.binance.com/stream", u));
  CAF_CHECK_EQUAL(u.port, "443");
  CAF_CHECK(!ws_url::parse("http://x:1/", u));
  CAF_CHECK(!ws_url::parse("ws://:1/", u));
  CAF_CHECK(!ws_url::parse("ws://x:port/", u));
}

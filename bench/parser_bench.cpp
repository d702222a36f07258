// Parse throughput of the Binance and MEXC stream parsers, one core. Target
// (issue 3):
// >= 2 M trade messages/s, depth20 >= 300 k/s. Results: docs/performance.md.
#include <fstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "actors/feed/binance_parser.hpp"
#include "actors/feed/mexc_parser.hpp"

namespace {

using namespace cdb;

/// Runs the parser over `messages` round-robin; reports messages/s.
void parse_all(benchmark::State& st, const std::vector<std::string>& messages) {
  binance_parser parser;
  market_message out;
  std::size_t i = 0;
  for (auto _ : st) {
    auto e = parser.parse(messages[i], 0, out);
    benchmark::DoNotOptimize(e);
    if (++i == messages.size())
      i = 0;
  }
  if (parser.parsed() != static_cast<std::uint64_t>(st.iterations()))
    st.SkipWithError("a benchmark message failed to parse");
  st.SetItemsProcessed(st.iterations());
}

std::vector<std::string> agg_trades_from_file() {
  std::vector<std::string> out;
  std::ifstream in{CDB_SHARED_DATA
                   "/binance-spot-xrpeth-aggtrade-ws-2019-10.jsonl"};
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

void binance_agg_trade_recorded(benchmark::State& st) {
  static const auto lines = agg_trades_from_file();
  if (lines.empty()) {
    st.SkipWithError("shared data file missing");
    return;
  }
  parse_all(st, lines);
}
BENCHMARK(binance_agg_trade_recorded);

void binance_trade_combined(benchmark::State& st) {
  parse_all(st, {R"({"stream":"btcusdt@trade","data":{"e":"trade",)"
                 R"("E":1672515782136,"s":"BTCUSDT","t":12345,)"
                 R"("p":"16500.10000000","q":"0.00200000","b":88,"a":50,)"
                 R"("T":1672515782134,"m":true,"M":true}})"});
}
BENCHMARK(binance_trade_combined);

void binance_book_ticker(benchmark::State& st) {
  parse_all(st, {R"({"stream":"btcusdt@bookTicker","data":{"u":400900217,)"
                 R"("s":"BTCUSDT","b":"16500.10000000","B":"31.21000000",)"
                 R"("a":"16500.20000000","A":"40.66000000"}})"});
}
BENCHMARK(binance_book_ticker);

std::string depth20() {
  std::string m = R"({"stream":"btcusdt@depth20@100ms","data":{)"
                  R"("lastUpdateId":160,"bids":[)";
  for (int i = 0; i < 20; ++i)
    m += (i ? "," : "") + std::string{"[\"1650"} + std::to_string(i)
         + ".12000000\",\"1.23400000\"]";
  m += R"(],"asks":[)";
  for (int i = 0; i < 20; ++i)
    m += (i ? "," : "") + std::string{"[\"1660"} + std::to_string(i)
         + ".12000000\",\"0.50000000\"]";
  return m + "]}}";
}

void binance_depth20(benchmark::State& st) {
  parse_all(st, {depth20()});
}
BENCHMARK(binance_depth20);

/// MEXC push.deal: one deal as an object, or three in an array.
void mexc_deal(benchmark::State& st, const std::string& msg,
               std::size_t per_message) {
  mexc_parser parser{contract_sizes{{"BTC_USDT", 0.0001}}};
  std::vector<market_message> out;
  for (auto _ : st) {
    auto e = parser.parse(msg, 0, out);
    benchmark::DoNotOptimize(e);
  }
  if (parser.parsed() != static_cast<std::uint64_t>(st.iterations())
      || out.size() != per_message)
    st.SkipWithError("a benchmark message failed to parse");
  st.SetItemsProcessed(st.iterations());
  st.counters["trades/s"] = benchmark::Counter(
    static_cast<double>(st.iterations() * per_message),
    benchmark::Counter::kIsRate);
}

void mexc_push_deal(benchmark::State& st) {
  mexc_deal(st,
            R"({"channel":"push.deal","data":{"M":1,"O":1,"T":1,)"
            R"("p":46377.5,"t":1700000000123,"v":2362},)"
            R"("symbol":"BTC_USDT","ts":1700000000123})",
            1);
}
BENCHMARK(mexc_push_deal);

void mexc_push_deal_array3(benchmark::State& st) {
  std::string deal = R"({"M":1,"O":1,"T":2,"p":46377.5,"t":1700000000123,)"
                     R"("v":12})";
  mexc_deal(st,
            R"({"channel":"push.deal","data":[)" + deal + ',' + deal + ','
              + deal + R"(],"symbol":"BTC_USDT","ts":1700000000123})",
            3);
}
BENCHMARK(mexc_push_deal_array3);

} // namespace

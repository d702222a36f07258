// Parse throughput of the Binance stream parser, one core. Target (issue 3):
// >= 2 M trade messages/s, depth20 >= 300 k/s. Results: docs/performance.md.
#include <fstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "actors/feed/binance_parser.hpp"

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

} // namespace

// Replay throughput: records per second read from each recorded file format
// into typed ticks (file I/O from the page cache, parsing, validation).
#include <string>

#include <benchmark/benchmark.h>

#include "actors/feed/replay_reader.hpp"

namespace {

using namespace cdb;

void replay(benchmark::State& st, const char* name) {
  std::string path = std::string{CDB_SHARED_DATA} + "/" + name;
  std::size_t records = 0;
  for (auto _ : st) {
    std::string error;
    auto file = replay_file::open(path, replay_options{}, error);
    if (!file) {
      st.SkipWithError(error.c_str());
      return;
    }
    market_message m;
    while (file->next(m))
      ++records;
  }
  st.SetItemsProcessed(static_cast<std::int64_t>(records));
}

BENCHMARK_CAPTURE(replay, tardis_trades,
                  "binance-futures-btcusdt-trades-2020-02-22.csv")
  ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(replay, tardis_quotes,
                  "binance-futures-btcusdt-quotes-2020-02-22.csv")
  ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(replay, tardis_book25,
                  "binance-futures-btcusdt-book25-2020-09-01.csv")
  ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(replay, ohlcv_bars, "ftx-btcperp-1m-2022-01.csv")
  ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(replay, ws_jsonl,
                  "binance-spot-xrpeth-aggtrade-ws-2019-10.jsonl")
  ->Unit(benchmark::kMillisecond);

} // namespace

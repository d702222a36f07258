#define CAF_SUITE replay_reader
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <caf/test/unit_test.hpp>

#include "actors/feed/replay_reader.hpp"
#include "actors/feed/replay_text.hpp"
#include "tests/support/builders.hpp"

using namespace cdb;

namespace {

constexpr timestamp us = 1'000;
constexpr timestamp sec = 1'000'000'000;

std::string data(const char* name) {
  return std::string{CDB_SHARED_DATA} + "/" + name;
}

/// Reads a whole file; returns the records, first and last.
struct read_all {
  std::unique_ptr<replay_file> file;
  std::string error;
  std::size_t count = 0;
  market_message first;
  market_message last;

  explicit read_all(const std::string& path, const replay_options& opts = {}) {
    file = replay_file::open(path, opts, error);
    if (!file)
      return;
    market_message m;
    while (file->next(m)) {
      if (count++ == 0)
        first = m;
      last = m;
    }
  }
};

} // namespace

CAF_TEST(time text in every recorded form) {
  timestamp t = 0;
  CAF_CHECK(read_any_time("1582329602111000", t)); // µs
  CAF_CHECK_EQUAL(t, 1582329602111000 * us);
  CAF_CHECK(read_any_time("1570752011620", t)); // ms
  CAF_CHECK_EQUAL(t, 1570752011620'000'000);
  CAF_CHECK(read_any_time("1640991660", t)); // s
  CAF_CHECK_EQUAL(t, 1640991660 * sec);
  CAF_CHECK(read_any_time("1640991660.5", t));
  CAF_CHECK_EQUAL(t, 1640991660 * sec + 500'000'000);
  // Seconds with a fraction beyond int64 nanoseconds (found by the fuzzer).
  CAF_CHECK(!read_any_time("99999999999.5", t));
  CAF_CHECK(read_any_time("1640991660123456789", t)); // ns
  CAF_CHECK_EQUAL(t, 1640991660123456789);
  CAF_CHECK(read_any_time("2021-12-31 23:01:00.000000", t));
  CAF_CHECK_EQUAL(t, 1640991660 * sec);
  CAF_CHECK(read_any_time("2021-12-31T23:01:00.25Z", t));
  CAF_CHECK_EQUAL(t, 1640991660 * sec + 250'000'000);
  CAF_CHECK(read_any_time("2024-02-29", t));
  CAF_CHECK_EQUAL(t, 1709164800 * sec);
  for (auto bad : {"", "yesterday", "2021-13-01", "2021-12-31 25:00:00",
                   "2021-12-31 23:01:00+02:00", "12.5.2021", "-5", "9999-12-31",
                   "1969-12-31"}) // beyond int64 ns: found by fuzzing
    CAF_CHECK(!read_any_time(bad, t));
}

CAF_TEST(tardis trades file) {
  read_all r{data("binance-futures-btcusdt-trades-2020-02-22.csv")};
  CAF_REQUIRE(r.file);
  CAF_CHECK(r.file->format() == record_format::tardis_trades);
  CAF_CHECK_EQUAL(r.count, 9999u);
  CAF_CHECK_EQUAL(r.file->bad_rows(), 0u);
  CAF_REQUIRE(r.first.kind == market_kind::trade);
  CAF_CHECK_EQUAL(r.first.trade.instrument, "BTCUSDT");
  CAF_CHECK_EQUAL(r.first.trade.trade_id, "42377944");
  CAF_CHECK_EQUAL(r.first.sequence, 42377944u);
  CAF_CHECK(r.first.trade.aggressor == side::buy);
  CAF_CHECK_EQUAL(r.first.trade.price, 9682.0);
  CAF_CHECK_EQUAL(r.first.trade.qty, 0.132);
  CAF_CHECK_EQUAL(r.first.trade.event_time, 1582329602111000 * us);
  CAF_CHECK_EQUAL(r.first.trade.recv_time, 1582329602418379 * us);
  CAF_CHECK_EQUAL(r.last.sequence, 42387942u);
  CAF_CHECK(r.last.trade.aggressor == side::sell);
  CAF_CHECK_EQUAL(r.last.trade.price, 9666.84);
  CAF_CHECK_EQUAL(r.last.trade.qty, 0.07);
}

CAF_TEST(tardis quotes file) {
  read_all r{data("binance-futures-btcusdt-quotes-2020-02-22.csv")};
  CAF_REQUIRE(r.file);
  CAF_CHECK(r.file->format() == record_format::tardis_quotes);
  CAF_CHECK_EQUAL(r.count, 9999u);
  CAF_CHECK_EQUAL(r.first.quote.bid, 9681.92);
  CAF_CHECK_EQUAL(r.first.quote.bid_qty, 0.67);
  CAF_CHECK_EQUAL(r.first.quote.ask, 9682.0);
  CAF_CHECK_EQUAL(r.first.quote.ask_qty, 0.84);
  CAF_CHECK_EQUAL(r.first.quote.event_time, 1582329601096000 * us);
  CAF_CHECK_EQUAL(r.last.quote.bid, 9671.19);
  CAF_CHECK_EQUAL(r.last.quote.ask, 9672.09);
  CAF_CHECK_EQUAL(r.last.quote.ask_qty, 0.031);
}

CAF_TEST(tardis book snapshots with 25 levels) {
  read_all r{data("binance-futures-btcusdt-book25-2020-09-01.csv")};
  CAF_REQUIRE(r.file);
  CAF_CHECK(r.file->format() == record_format::tardis_book);
  CAF_CHECK_EQUAL(r.count, 10u);
  CAF_REQUIRE_EQUAL(r.first.book.asks.size(), 25u);
  CAF_REQUIRE_EQUAL(r.first.book.bids.size(), 25u);
  CAF_CHECK_EQUAL(r.first.book.asks[0].price, 11657.08);
  CAF_CHECK_EQUAL(r.first.book.asks[0].qty, 1.714);
  CAF_CHECK_EQUAL(r.first.book.bids[0].price, 11657.07);
  CAF_CHECK_EQUAL(r.first.book.bids[0].qty, 10.896);
  CAF_CHECK_EQUAL(r.last.book.asks[0].qty, 1.475);
  CAF_CHECK_EQUAL(r.last.book.bids[0].qty, 10.881);
  CAF_CHECK_EQUAL(r.first.book.event_time, 1598918403696000 * us);
  CAF_CHECK_EQUAL(r.last.book.event_time, 1598918404005000 * us);
  CAF_CHECK_EQUAL(r.last.book.asks[24].price, 11659.28);
  CAF_CHECK_EQUAL(r.last.book.bids[24].qty, 1.003);
}

CAF_TEST(ohlcv bars with iso timestamps) {
  replay_options opts;
  opts.instrument = "BTC-PERP";
  read_all r{data("ftx-btcperp-1m-2022-01.csv"), opts};
  CAF_REQUIRE(r.file);
  CAF_CHECK(r.file->format() == record_format::ohlcv_bars);
  CAF_CHECK_EQUAL(r.count, 45031u);
  CAF_CHECK_EQUAL(r.file->bad_rows(), 0u);
  CAF_CHECK_EQUAL(r.first.kline.instrument, "BTC-PERP");
  CAF_CHECK_EQUAL(r.first.kline.start_time, 1640991660 * sec);
  CAF_CHECK_EQUAL(r.first.kline.end_time, 1640991720 * sec);
  CAF_CHECK_EQUAL(r.first.kline.open, 46319.0);
  CAF_CHECK_EQUAL(r.first.kline.high, 46385.0);
  CAF_CHECK_EQUAL(r.first.kline.volume, 2300413.7295);
  CAF_CHECK_EQUAL(r.last.kline.start_time, 1643693460 * sec);
  CAF_CHECK_EQUAL(r.last.kline.close, 38544.0);
}

CAF_TEST(websocket jsonl recording) {
  read_all r{data("binance-spot-xrpeth-aggtrade-ws-2019-10.jsonl")};
  CAF_REQUIRE(r.file);
  CAF_CHECK(r.file->format() == record_format::ws_jsonl);
  CAF_CHECK_EQUAL(r.count, 12477u);
  CAF_CHECK_EQUAL(r.first.sequence, 13519807u);
  CAF_CHECK_EQUAL(r.last.trade.price, 0.00152787);
  // Without a recorded receive time the exchange time stands in.
  CAF_CHECK_EQUAL(r.last.trade.recv_time, r.last.trade.event_time);
}

CAF_TEST(binance kline csv without a header) {
  test::temp_file f{"1640991660000,46319.0,46385.0,46319.0,46377.0,12.5,"
                    "1640991719999,579000.1,100,6.1,282000.2,0\n"
                    "1640991720000,46377.0,46411.0,46377.0,46411.0,10.1,"
                    "1640991779999,468000.1,90,5.1,236000.2,0\n"};
  read_all r{f.path()};
  CAF_REQUIRE(r.file);
  CAF_CHECK(r.file->format() == record_format::binance_klines);
  CAF_CHECK_EQUAL(r.count, 2u);
  CAF_CHECK_EQUAL(r.first.kline.interval, 60 * sec);
  CAF_CHECK_EQUAL(r.last.kline.end_time, 1640991780 * sec);
  CAF_CHECK_EQUAL(r.last.kline.volume, 10.1);
}

CAF_TEST(bad rows are counted with file and line and skipped) {
  test::temp_file f{
    "exchange,symbol,timestamp,local_timestamp,id,side,price,"
    "amount\n"
    "x,BTCUSDT,1582329602111000,1582329602418379,1,buy,9682,0.1\n"
    "x,BTCUSDT,1582329602111000,1582329602418379,2,buy,abc,0.1\n"
    "x,BTCUSDT,1582329602111000\n"
    "x,BTCUSDT,1582329602111000,1582329602418379,3,hold,9682,1\n"
    "x,BTCUSDT,1582329602111000,1582329602418379,4,buy,-1,1\n"
    "\n"
    "x,BTCUSDT,1582329602112000,1582329602418379,5,sell,9681,2\n"};
  read_all r{f.path()};
  CAF_REQUIRE(r.file);
  CAF_CHECK_EQUAL(r.count, 2u);
  CAF_CHECK_EQUAL(r.last.sequence, 5u);
  CAF_CHECK_EQUAL(r.file->bad_rows(), 4u);
  auto& ex = r.file->bad_examples();
  CAF_REQUIRE_EQUAL(ex.size(), 4u);
  CAF_CHECK_EQUAL(ex[0], f.path() + ":3: bad price \"abc\"");
  CAF_CHECK_EQUAL(ex[1], f.path() + ":4: expected 8 fields, got 3");
  CAF_CHECK_EQUAL(ex[2],
                  f.path() + ":5: side must be buy or sell, not \"hold\"");
  CAF_CHECK_EQUAL(ex[3], f.path() + ":6: price must be > 0");
}

namespace {

/// What a record says, as text: kind, times, sequence and its values.
std::string describe(const market_message& m) {
  std::ostringstream out;
  out << static_cast<int>(m.kind) << ' ' << event_time_of(m) << ' '
      << recv_time_of(m) << ' ' << m.sequence << ' ';
  switch (m.kind) {
    case market_kind::trade:
      out << m.trade.instrument << ' ' << m.trade.trade_id << ' '
          << m.trade.price << ' ' << m.trade.qty;
      break;
    case market_kind::quote:
      out << m.quote.instrument << ' ' << m.quote.bid << ' ' << m.quote.bid_qty
          << ' ' << m.quote.ask << ' ' << m.quote.ask_qty;
      break;
    case market_kind::bar:
      out << m.kline.open << ' ' << m.kline.high << ' ' << m.kline.low << ' '
          << m.kline.close << ' ' << m.kline.volume;
      break;
    case market_kind::book:
      out << m.book.bids.size() << ' ' << m.book.asks.size();
      break;
    default: break;
  }
  return out.str();
}

/// Every record of `path` described, then the bad rows' examples.
std::vector<std::string> read_described(const std::string& path,
                                        std::size_t block) {
  replay_options opts;
  opts.read_block = block;
  std::string error;
  auto f = replay_file::open(path, opts, error);
  if (!f)
    return {error};
  std::vector<std::string> out;
  market_message m;
  while (f->next(m))
    out.push_back(describe(m));
  out.push_back(std::to_string(f->bad_rows()) + " bad rows");
  for (auto& ex : f->bad_examples())
    out.push_back(ex);
  return out;
}

} // namespace

CAF_TEST(the records do not depend on how much of the file is read at once) {
  // A block of 1 byte puts a block boundary at every byte of every line,
  // 7 inside most fields, 4096 at a few places of each file.
  test::temp_file with_bad_rows{
    "exchange,symbol,timestamp,local_timestamp,id,side,price,amount\r\n"
    "x,BTCUSDT,1582329602111000,1582329602418379,1,buy,9682,0.1\r\n"
    "x,BTCUSDT,1582329602111000,1582329602418379,2,buy,abc,0.1\r\n"
    "\r\n"
    "x,BTCUSDT,1582329602112000,1582329602418379,5,sell,9681,2"};
  for (const auto& path :
       {data("binance-futures-btcusdt-trades-2020-02-22.csv"),
        data("binance-futures-btcusdt-quotes-2020-02-22.csv"),
        data("binance-futures-btcusdt-book25-2020-09-01.csv"),
        data("binance-spot-xrpeth-aggtrade-ws-2019-10.jsonl"),
        with_bad_rows.path()}) {
    auto whole = read_described(path, 1 << 16);
    CAF_MESSAGE(path << ": " << whole.size() << " lines described");
    CAF_CHECK_GREATER(whole.size(), 2u);
    for (std::size_t block : {1, 7, 4096})
      CAF_CHECK(read_described(path, block) == whole);
  }
  auto few = read_described(with_bad_rows.path(), 1);
  CAF_REQUIRE_EQUAL(few.size(), 4u);
  CAF_CHECK_EQUAL(few[2], "1 bad rows");
  CAF_CHECK_EQUAL(few[3], with_bad_rows.path() + ":3: bad price \"abc\"");
}

CAF_TEST(one file merged alone keeps its window and stays at its end) {
  auto path = data("binance-futures-btcusdt-trades-2020-02-22.csv");
  auto open_one = [&] {
    std::vector<std::unique_ptr<replay_file>> files;
    std::string error;
    files.push_back(replay_file::open(path, replay_options{}, error));
    CAF_REQUIRE(files[0]);
    return replay_merge{std::move(files)};
  };
  read_all direct{path};
  auto all = open_one();
  market_message m;
  std::size_t n = 0;
  timestamp first = 0;
  timestamp last = 0;
  while (all.next(m)) {
    if (n++ == 0)
      first = event_time_of(m);
    last = event_time_of(m);
  }
  CAF_CHECK_EQUAL(n, direct.count);
  CAF_CHECK_EQUAL(first, event_time_of(direct.first));
  CAF_CHECK_EQUAL(last, event_time_of(direct.last));
  CAF_CHECK(!all.next(m));
  // From the 100th second to the 200th of the file's span.
  auto from = first + 100 * sec;
  auto to = first + 200 * sec;
  std::size_t inside = 0;
  {
    auto count = open_one();
    while (count.next(m))
      if (event_time_of(m) >= from && event_time_of(m) < to)
        ++inside;
  }
  CAF_REQUIRE_GREATER(inside, 0u);
  CAF_REQUIRE_LESS(inside, n);
  auto windowed = open_one();
  windowed.window(from, to);
  std::size_t seen = 0;
  bool within = true;
  while (windowed.next(m)) {
    ++seen;
    within = within && event_time_of(m) >= from && event_time_of(m) < to;
  }
  CAF_CHECK(within);
  CAF_CHECK_EQUAL(seen, inside);
  // Past the window's end, next() stays false.
  CAF_CHECK(!windowed.next(m));
}

CAF_TEST(a file that is not the format it claims fails clearly) {
  replay_options opts;
  opts.format = record_format::tardis_quotes;
  std::string error;
  auto f = replay_file::open(
    data("binance-futures-btcusdt-trades-2020-02-22.csv"), opts, error);
  CAF_CHECK(!f);
  CAF_CHECK(error.find("trades-2020-02-22.csv: is not tardis_quotes (first "
                       "line: \"exchange,symbol,timestamp")
            != std::string::npos);
  test::temp_file junk{"hello world\nmore\n"};
  f = replay_file::open(junk.path(), replay_options{}, error);
  CAF_CHECK(!f);
  CAF_CHECK_EQUAL(error, junk.path()
                           + ": cannot tell the format (first line: "
                             "\"hello world\")");
  f = replay_file::open("/nonexistent/x.csv", replay_options{}, error);
  CAF_CHECK_EQUAL(
    error, "/nonexistent/x.csv: cannot open (No such file or directory)");
  test::temp_dir dir;
  f = replay_file::open(dir.path(), replay_options{}, error);
  CAF_CHECK(!f);
  CAF_CHECK_EQUAL(error, dir.path() + ": a directory, not a file");
  test::temp_file empty{""};
  f = replay_file::open(empty.path(), replay_options{}, error);
  CAF_CHECK(!f);
  CAF_CHECK_EQUAL(error, empty.path() + ": empty file");
}

CAF_TEST(several files merge in event time order) {
  std::vector<std::unique_ptr<replay_file>> files;
  std::string error;
  for (auto name : {"binance-futures-btcusdt-trades-2020-02-22.csv",
                    "binance-futures-btcusdt-quotes-2020-02-22.csv"})
    files.push_back(replay_file::open(data(name), replay_options{}, error));
  CAF_REQUIRE(files[0] && files[1]);
  replay_merge merge{std::move(files)};
  market_message m;
  std::size_t trades = 0;
  std::size_t quotes = 0;
  timestamp previous = 0;
  bool ordered = true;
  while (merge.next(m)) {
    ordered = ordered && event_time_of(m) >= previous;
    previous = event_time_of(m);
    (m.kind == market_kind::trade ? trades : quotes)++;
  }
  CAF_CHECK(ordered);
  CAF_CHECK_EQUAL(trades, 9999u);
  CAF_CHECK_EQUAL(quotes, 9999u);
}

CAF_TEST(merged files count the bytes they read for the progress bar) {
  std::atomic<std::uint64_t> bytes{0};
  replay_options opts;
  opts.bytes_read = &bytes;
  opts.read_block = 4096;
  std::vector<std::unique_ptr<replay_file>> files;
  std::uint64_t total = 0;
  std::string error;
  for (auto name : {"binance-futures-btcusdt-trades-2020-02-22.csv",
                    "binance-futures-btcusdt-quotes-2020-02-22.csv"}) {
    files.push_back(replay_file::open(data(name), opts, error));
    total += std::filesystem::file_size(data(name));
  }
  CAF_REQUIRE(files[0] && files[1]);
  replay_merge merge{std::move(files)};
  market_message m;
  std::size_t n = 0;
  std::uint64_t at_half = 0;
  while (merge.next(m))
    if (++n == 9999) // half of the records
      at_half = bytes.load();
  CAF_CHECK_EQUAL(n, 19998u);
  CAF_CHECK_EQUAL(bytes.load(), total);
  // Halfway through the records, about halfway through the bytes (the
  // two files are of the same length; each reads 4 KB ahead).
  CAF_MESSAGE("half the records: " << at_half << " of " << total << " bytes");
  CAF_CHECK_GREATER(at_half, total * 4 / 10);
  CAF_CHECK_LESS(at_half, total * 6 / 10);
}

namespace {

/// One `cdb record` line: receive time, tab, the raw message.
std::string recorded(timestamp recv, const std::string& msg) {
  return std::to_string(recv) + '\t' + msg + '\n';
}

std::string trade_msg(int id, std::int64_t trade_ms) {
  return R"({"stream":"btcusdt@trade","data":{"e":"trade","E":)"
         + std::to_string(trade_ms) + R"(,"s":"BTCUSDT","t":)"
         + std::to_string(id) + R"(,"p":"16500.1","q":"0.002","T":)"
         + std::to_string(trade_ms) + R"(,"m":true}})";
}

std::string quote_msg(int id) {
  return R"({"stream":"btcusdt@bookTicker","data":{"u":)" + std::to_string(id)
         + R"(,"s":"BTCUSDT","b":"16500.0","B":"1","a":"16500.2","A":"2"}})";
}

} // namespace

CAF_TEST(rotated recordings merge in receive order across the boundary) {
  // Trades carry the exchange's millisecond, quotes are stamped on receipt
  // (2 ms later here), so event time goes back at every trade after a quote.
  // The rotation splits trades of the same millisecond: by event time the
  // second file's trade 3 would come before the first file's trade 2.
  constexpr std::int64_t t0_ms = 1672515782134;
  constexpr timestamp recv0 = (t0_ms + 2) * 1'000'000;
  test::temp_file first{recorded(recv0 + 100 * us, trade_msg(1, t0_ms))
                        + recorded(recv0 + 300 * us, quote_msg(50))
                        + recorded(recv0 + 400 * us, trade_msg(2, t0_ms))};
  test::temp_file second{recorded(recv0 + 600 * us, trade_msg(3, t0_ms))
                         + recorded(recv0 + 700 * us, quote_msg(51))};
  auto open_both = [&] {
    std::vector<std::unique_ptr<replay_file>> files;
    std::string error;
    for (auto* f : {&first, &second})
      files.push_back(replay_file::open(f->path(), replay_options{}, error));
    CAF_REQUIRE(files[0] && files[1]);
    CAF_REQUIRE(files[0]->format() == record_format::ws_jsonl);
    return replay_merge{std::move(files)};
  };
  auto merge = open_both();
  market_message m;
  std::vector<std::string> order;
  timestamp previous = 0;
  bool by_receive_time = true;
  while (merge.next(m)) {
    order.push_back(m.kind == market_kind::trade
                      ? "t" + m.trade.trade_id
                      : "q" + std::to_string(m.sequence));
    by_receive_time = by_receive_time && recv_time_of(m) >= previous;
    previous = recv_time_of(m);
  }
  CAF_CHECK_EQUAL(order,
                  (std::vector<std::string>{"t1", "q50", "t2", "t3", "q51"}));
  CAF_CHECK(by_receive_time);
  // The window is on the same time: receive time for these records.
  auto windowed = open_both();
  windowed.window(recv0 + 300 * us, recv0 + 650 * us);
  order.clear();
  while (windowed.next(m))
    order.push_back(m.kind == market_kind::trade ? "t" + m.trade.trade_id
                                                 : "q");
  CAF_CHECK_EQUAL(order, (std::vector<std::string>{"q", "t2", "t3"}));
  // A record without a receive time (a bar) keeps its event time.
  market_message bar_msg;
  bar_msg.kind = market_kind::bar;
  bar_msg.kline.end_time = 42;
  CAF_CHECK_EQUAL(merge_time_of(record_format::ws_jsonl, bar_msg), 42);
}

#define CAF_SUITE replay_stream
#include <memory>
#include <string>
#include <vector>

#include <caf/test/unit_test.hpp>

#include "actors/feed/replay_stream.hpp"
#include "tests/support/builders.hpp"

using namespace cdb;

namespace {

std::string data(const char* name) {
  return std::string{CDB_SHARED_DATA} + "/" + name;
}

/// What the feed reads of a record: its kind, sequence and member.
struct seen {
  std::vector<trade_tick> trades;
  std::vector<quote_tick> quotes;
  std::vector<std::pair<market_kind, std::uint64_t>> order;
  std::uint64_t bad_rows = 0;
};

seen read(const std::vector<std::string>& paths, bool ahead, std::size_t block,
          std::size_t blocks) {
  std::vector<std::unique_ptr<replay_file>> files;
  std::string error;
  files.reserve(paths.size());
  for (auto& p : paths)
    files.push_back(replay_file::open(p, replay_options{}, error));
  for (auto& f : files)
    CAF_REQUIRE(f != nullptr);
  replay_stream s{std::make_unique<replay_merge>(std::move(files)), ahead,
                  block, blocks};
  CAF_CHECK_EQUAL(s.ahead(), ahead && block > 0);
  seen out;
  market_message m;
  while (s.next(m)) {
    out.order.emplace_back(m.kind, m.sequence);
    if (m.kind == market_kind::trade)
      out.trades.push_back(m.trade);
    else if (m.kind == market_kind::quote)
      out.quotes.push_back(m.quote);
  }
  CAF_CHECK(!s.next(m));
  for (auto& f : s.files())
    out.bad_rows += f->bad_rows();
  return out;
}

void check_same(const seen& a, const seen& b) {
  CAF_CHECK(a.order == b.order);
  CAF_CHECK(a.trades == b.trades);
  CAF_CHECK(a.quotes == b.quotes);
  CAF_CHECK_EQUAL(a.bad_rows, b.bad_rows);
}

} // namespace

CAF_TEST(read ahead the records and bad rows are those read in turn) {
  // Bad rows among good ones, at the start of the merge.
  test::temp_file bad{
    "exchange,symbol,timestamp,local_timestamp,id,side,price,amount\n"
    "x,ETHUSDT,1582329602111000,1582329602418379,1,buy,260,0.1\n"
    "x,ETHUSDT,1582329602111000,1582329602418379,2,buy,abc,0.1\n"
    "x,ETHUSDT,1582329602112000\n"
    "x,ETHUSDT,1582329602113000,1582329602418379,3,sell,259,2\n"};
  std::vector<std::string> paths{
    data("binance-futures-btcusdt-trades-2020-02-22.csv"),
    data("binance-futures-btcusdt-quotes-2020-02-22.csv"), bad.path()};
  auto in_turn = read(paths, false, 0, 0);
  CAF_REQUIRE_EQUAL(in_turn.order.size(), 9999u + 9999u + 2u);
  CAF_CHECK_EQUAL(in_turn.bad_rows, 2u);
  check_same(read(paths, true, 7, 2), in_turn);
  check_same(read(paths, true, 1, 1), in_turn);
  check_same(read(paths, true, 1024, 4), in_turn);
}

CAF_TEST(a replay stopped early ends its thread) {
  std::vector<std::unique_ptr<replay_file>> files;
  std::string error;
  files.push_back(
    replay_file::open(data("binance-futures-btcusdt-quotes-2020-02-22.csv"),
                      replay_options{}, error));
  CAF_REQUIRE(files.back() != nullptr);
  replay_stream s{std::make_unique<replay_merge>(std::move(files)), true, 16,
                  2};
  market_message m;
  CAF_CHECK(s.next(m));
  CAF_CHECK(m.kind == market_kind::quote);
}

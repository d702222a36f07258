#define CAF_SUITE trade_report
#include <cmath>

#include <caf/test/unit_test.hpp>

#include "runtime/backtest.hpp"
#include "runtime/flags.hpp"
#include "runtime/trade_report.hpp"
#include "tests/support/builders.hpp"

using namespace cdb;

namespace {

constexpr timestamp sec = 1'000'000'000;
constexpr timestamp min = 60 * sec;

bool near(double x, double y, double eps = 1e-9) {
  return std::fabs(x - y) <= eps * std::max(1.0, std::fabs(y));
}

report_fill make_fill(timestamp t, const char* instrument, const char* strategy,
                      side d, double qty, double price, double fee,
                      double realized) {
  report_fill f;
  f.t = t;
  f.instrument = instrument;
  f.strategy = strategy;
  f.direction = d;
  f.qty = qty;
  f.price = price;
  f.fee = fee;
  f.realized_pnl = realized;
  return f;
}

/// Four minutes, per-minute equity 1000, 1100, 990, 1089, 1089, and five
/// fills making three round trips (one reversal).
run_record fixed_run() {
  run_record r;
  r.title = "fixed";
  r.initial_cash = 1000;
  r.equity = {{0, 1000, false},
              {1 * min, 1100, true},
              {2 * min, 990, true},
              {3 * min, 1089, true},
              {4 * min, 1089, false}};
  r.fills = {
    make_fill(30 * sec, "BTC", "A", side::buy, 1, 100, 1, 0),
    make_fill(1 * min, "BTC", "A", side::sell, 1, 110, 1, 10),
    make_fill(90 * sec, "ETH", "B", side::sell, 2, 50, 0.5, 0),
    make_fill(2 * min, "ETH", "B", side::buy, 3, 55, 1.5, -10),
    make_fill(3 * min, "ETH", "B", side::sell, 1, 60, 0.5, 5),
  };
  r.fills[1].slippage_bps = 10; // 110 × 1 × 0.001 = 0.11 paid
  r.signals = {{"A", 4}, {"B", 6}};
  r.instrument_signals = {{"BTC", 3}, {"ETH", 7}};
  r.approved = 5;
  r.rejections = {{"position_limit", 2}, {"trading_state", 1}};
  r.decided_signals = 8; // two closes while flat came to nothing
  r.trips = {{2 * min, "drawdown", "halted", "too deep"}};
  return r;
}

} // namespace

CAF_TEST(returns and ratios match a hand computation) {
  auto rep = compute_report(fixed_run());
  CAF_CHECK_EQUAL(rep.period, 1 * min); // a run under a day: minutes
  CAF_CHECK_EQUAL(rep.periods, 4);
  CAF_CHECK(near(rep.total_return, 0.089));
  // Per-minute returns 0.1, -0.1, 0.1, 0: mean 0.025, sample standard
  // deviation sqrt(0.0275 / 3), downside deviation sqrt(0.02 / 4) = 0.05;
  // 525 600 minutes a year.
  auto per_year = std::sqrt(525600.0);
  auto sd = std::sqrt(0.0275 / 3);
  CAF_CHECK(near(rep.volatility, sd * per_year));
  CAF_CHECK(near(rep.sharpe, 0.025 / sd * per_year));
  CAF_CHECK(near(rep.sharpe, 189.30495, 1e-6));
  CAF_CHECK(near(rep.sortino, 0.025 / 0.05 * per_year));
  // 4 minutes compounded to a year.
  CAF_CHECK(near(rep.annual_return, std::pow(1.089, 525600.0 / 4) - 1, 1e-6)
            || !std::isfinite(rep.annual_return));
}

CAF_TEST(max drawdown and its duration match a hand computation) {
  auto rep = compute_report(fixed_run());
  // Peak 1100, trough 990: 10 %; below the peak from minute 2 to the end.
  CAF_CHECK(near(rep.max_drawdown, 0.1));
  CAF_CHECK_EQUAL(rep.max_drawdown_duration, 2 * min);
  // A recovery ends the episode: 100, 80, 100, 90 → 20 %, 1 min (the
  // longest episode), then 1 min again to the end.
  run_record r;
  r.initial_cash = 100;
  r.equity = {
    {0, 100}, {1 * min, 80}, {2 * min, 100}, {3 * min, 90}, {4 * min, 95}};
  auto rep2 = compute_report(r);
  CAF_CHECK(near(rep2.max_drawdown, 0.2));
  CAF_CHECK_EQUAL(rep2.max_drawdown_duration, 1 * min);
  CAF_CHECK(near(rep2.calmar, rep2.annual_return / 0.2)
            || !std::isfinite(rep2.annual_return));
}

CAF_TEST(trades are round trips and a reversal closes one and opens the next) {
  auto rep = compute_report(fixed_run());
  // BTC: +10 - 2 fees = 8. ETH short 2 @ 50, bought 3 @ 55: -10 realized,
  // 0.5 + 2/3 of 1.5 fees: -11.5; the remaining long 1 (fee 0.5) sold
  // @ 60: +5 - 0.5 - 0.5 = 4.
  CAF_REQUIRE_EQUAL(rep.round_trips.size(), 3u);
  CAF_CHECK(near(rep.round_trips[0].pnl, 8));
  CAF_CHECK(near(rep.round_trips[1].pnl, -11.5));
  CAF_CHECK(near(rep.round_trips[1].fees, 1.5));
  CAF_CHECK(rep.round_trips[1].direction == side::sell);
  CAF_CHECK(near(rep.round_trips[2].pnl, 4));
  CAF_CHECK(rep.round_trips[2].direction == side::buy);
  CAF_CHECK_EQUAL(rep.round_trips[2].opened, 2 * min);
  CAF_CHECK_EQUAL(rep.trades, 3);
  CAF_CHECK_EQUAL(rep.open_trades, 0);
  CAF_CHECK_EQUAL(rep.wins, 2);
  CAF_CHECK(near(rep.win_rate, 2.0 / 3));
  CAF_CHECK(near(rep.profit_factor, 12 / 11.5));
  CAF_CHECK(near(rep.expectancy, 0.5 / 3));
  CAF_CHECK(near(rep.avg_win, 6));
  CAF_CHECK(near(rep.avg_loss, -11.5));
  CAF_CHECK_EQUAL(rep.avg_holding, 40 * sec); // (30 + 30 + 60) / 3
  CAF_CHECK(near(rep.fees, 4.5));
  CAF_CHECK(near(rep.slippage, 0.11));
  CAF_CHECK(near(rep.exposure, 0.75)); // invested for 3 of 4 minutes
  CAF_CHECK_EQUAL(rep.fills, 5);
}

CAF_TEST(rows per strategy and instrument with rejections and trips) {
  auto rep = compute_report(fixed_run());
  CAF_REQUIRE_EQUAL(rep.strategies.size(), 2u);
  CAF_CHECK_EQUAL(rep.strategies[0].name, "A");
  CAF_CHECK_EQUAL(rep.strategies[0].signals, 4);
  CAF_CHECK_EQUAL(rep.strategies[0].fills, 2);
  CAF_CHECK_EQUAL(rep.strategies[0].trades, 1);
  CAF_CHECK(near(rep.strategies[0].pnl, 8));
  CAF_CHECK_EQUAL(rep.strategies[1].trades, 2);
  CAF_CHECK_EQUAL(rep.strategies[1].wins, 1);
  CAF_CHECK(near(rep.strategies[1].pnl, -7.5));
  CAF_REQUIRE_EQUAL(rep.instruments.size(), 2u);
  CAF_CHECK_EQUAL(rep.instruments[1].name, "ETH");
  CAF_CHECK_EQUAL(rep.instruments[1].fills, 3);
  CAF_CHECK_EQUAL(rep.instruments[1].signals, 7);
  CAF_CHECK_EQUAL(rep.signals, 10);
  CAF_CHECK_EQUAL(rep.rejected, 3);
  CAF_CHECK_EQUAL(rep.undecided, 2);
  CAF_CHECK_EQUAL(rep.trips.size(), 1u);
  auto table = report_table(rep);
  CAF_CHECK(table.find("without a decision       2 (a close signal")
            != std::string::npos);
  auto r = fixed_run();
  CAF_CHECK(report_json(rep, r, "{}").find("\"signals_without_decision\": 2")
            != std::string::npos);
  r.decided_signals = 10; // every signal decided: no such line
  CAF_CHECK(report_table(compute_report(r)).find("without a decision")
            == std::string::npos);
}

CAF_TEST(a trade still open at the end is not counted) {
  run_record r;
  r.initial_cash = 1000;
  r.equity = {{0, 1000}, {1 * min, 1000}};
  r.fills = {make_fill(10 * sec, "BTC", "A", side::buy, 1, 100, 1, 0)};
  auto rep = compute_report(r);
  CAF_CHECK_EQUAL(rep.trades, 0);
  CAF_CHECK_EQUAL(rep.open_trades, 1);
  CAF_CHECK_EQUAL(rep.profit_factor, 0.0);
}

CAF_TEST(the return period follows the length of the run) {
  CAF_CHECK_EQUAL(return_period(std::int64_t{23} * 60 * min), 1 * min);
  CAF_CHECK_EQUAL(return_period(std::int64_t{30} * 24 * 60 * min), 60 * min);
  CAF_CHECK_EQUAL(return_period(400LL * 24 * 60 * min),
                  std::int64_t{24} * 60 * min);
}

CAF_TEST(the JSON is the same for the same record and keeps timing apart) {
  auto r = fixed_run();
  auto a = report_json(compute_report(r), r, "{\"wall_seconds\": 1}");
  auto b = report_json(compute_report(r), r, "{\"wall_seconds\": 1}");
  CAF_CHECK_EQUAL(a, b);
  CAF_CHECK(a.find("\"timing\": {\n    \"wall_seconds\": 1")
            != std::string::npos);
  CAF_CHECK(a.find("\"sharpe\": 189.30") != std::string::npos);
  // No losing trade: the profit factor is infinite, written as null.
  run_record w;
  w.initial_cash = 100;
  w.equity = {{0, 100}, {1 * min, 101}};
  w.fills = {make_fill(1, "X", "A", side::buy, 1, 10, 0, 0),
             make_fill(2, "X", "A", side::sell, 1, 11, 0, 1)};
  auto j = report_json(compute_report(w), w, "");
  CAF_CHECK(j.find("\"profit_factor\": null") != std::string::npos);
}

CAF_TEST(the HTML page draws the equity curve over the whole run) {
  auto r = fixed_run();
  r.prices["BTC"] = {{0, 100}, {1 * min, 110}, {2 * min, 105}};
  auto html = report_html(compute_report(r), r);
  auto at = html.find("<path id=\"equity-path\" d=\"M");
  CAF_REQUIRE(at != std::string::npos);
  auto d = html.substr(at + 27, html.find('"', at + 27) - at - 27);
  // From the left edge of the plot (x = 80) to its right edge (960 - 24),
  // one point per equity point.
  CAF_CHECK_EQUAL(d.substr(0, 5), "80.0,");
  CAF_CHECK(d.find("L936.0,") != std::string::npos);
  CAF_CHECK_EQUAL(std::count(d.begin(), d.end(), 'L'), 4);
  CAF_CHECK(html.find("id=\"drawdown-path\"") != std::string::npos);
  CAF_CHECK(html.find("id=\"price-BTC\"") != std::string::npos);
  CAF_CHECK_EQUAL(html.find("http://") == std::string::npos
                    || html.find("http://www.w3.org/2000/svg")
                         != std::string::npos,
                  true);
  CAF_CHECK(html.find("<script") == std::string::npos);
  CAF_CHECK(html.find("class=\"buy\"") != std::string::npos);
  CAF_CHECK(html.find("class=\"sell\"") != std::string::npos);
}

CAF_TEST(backtest times parse as UTC) {
  timestamp t = 0;
  CAF_CHECK(parse_utc("2020-02-22", t));
  CAF_CHECK_EQUAL(t, 1'582'329'600 * sec);
  CAF_CHECK(parse_utc("2020-02-22T01:30:00Z", t));
  CAF_CHECK_EQUAL(t, (1'582'329'600 + 5400) * sec);
  CAF_CHECK(parse_utc("2020-02-22 01:30:15.5", t));
  CAF_CHECK_EQUAL(t, (1'582'329'600 + 5415) * sec + sec / 2);
  CAF_CHECK(parse_utc("2024-02-29T23:59", t));
  CAF_CHECK_EQUAL(t, (1'709'251'200 - 60) * sec);
  for (auto bad : {"yesterday", "2020-13-01", "2020-02-22T25:00",
                   "2020-02-22T01:30+02", "2020-02-22x"})
    CAF_CHECK(!parse_utc(bad, t));
}

CAF_TEST(backtest progress follows the clock or the tick budget) {
  constexpr timestamp t0 = 1'767'225'600 * sec;
  constexpr timestamp hour = 60 * min;
  // An hour's run, a quarter of it gone.
  CAF_CHECK(
    near(progress_fraction(t0, t0 + hour, t0 + hour / 4, 0, 0, 10, 0), 0.25));
  // A budget of 1 000 ticks reached before the clock's end: the budget
  // tells (a 100 000 h run capped at 1 M ticks was at "0.0 %").
  CAF_CHECK(
    near(progress_fraction(t0, t0 + 100'000 * hour, t0 + hour, 0, 0, 600, 1000),
         0.6));
  // ... and the clock when it is further.
  CAF_CHECK(
    near(progress_fraction(t0, t0 + hour, t0 + hour / 2, 0, 0, 1, 1000), 0.5));
  // Recorded files without an end: bytes read of the files' bytes, whatever
  // the events (a file of bars makes a quote per bar).
  CAF_CHECK(
    near(progress_fraction(t0, 0, t0 + hour, 3'000, 12'000, 900, 0), 0.25));
  // ... and the budget when it is further.
  CAF_CHECK(
    near(progress_fraction(t0, 0, t0 + hour, 3'000, 12'000, 900, 1000), 0.9));
  // Never 100 % before the end, never below 0, 0 when nothing tells.
  CAF_CHECK(
    near(progress_fraction(t0, t0 + hour, t0 + 2 * hour, 0, 0, 5, 0), 0.999));
  CAF_CHECK(near(progress_fraction(t0, 0, t0, 20'000, 12'000, 5, 0), 0.999));
  CAF_CHECK(near(progress_fraction(t0, t0 + hour, t0 - hour, 0, 0, 0, 0), 0.0));
  CAF_CHECK(near(progress_fraction(t0, 0, t0, 0, 0, 50, 0), 0.0));
}

CAF_TEST(backtest flags are taken and the rest left for the options) {
  std::vector<std::string> args{
    "--data", "a.csv",    "b.csv",     "--from=2020-02-22", "--run.x=1",
    "--json", "out.json", "--persist", "--html=r.html"};
  std::vector<std::string> errors;
  auto bt = take_backtest_args(args, errors);
  CAF_CHECK(errors.empty());
  CAF_CHECK_EQUAL(bt.data, (std::vector<std::string>{"a.csv", "b.csv"}));
  CAF_CHECK_EQUAL(bt.from, 1'582'329'600 * sec);
  CAF_CHECK_EQUAL(bt.json, "out.json");
  CAF_CHECK_EQUAL(bt.html, "r.html");
  CAF_CHECK(bt.persist);
  CAF_CHECK_EQUAL(args, (std::vector<std::string>{"--run.x=1"}));
  std::vector<std::string> bad{"--from", "soon", "--json"};
  take_backtest_args(bad, errors);
  CAF_REQUIRE_EQUAL(errors.size(), 2u);
  CAF_CHECK(errors[0].find("--from = soon: must be a UTC time")
            != std::string::npos);
  CAF_CHECK_EQUAL(errors[1], "--json: needs a value");
  errors.clear();
  std::vector<std::string> order{"--from=2020-02-22", "--to=2020-02-21"};
  take_backtest_args(order, errors);
  CAF_CHECK_EQUAL(errors,
                  (std::vector<std::string>{"--to must be after --from"}));
}

CAF_TEST(report files that could not be written are refused before the run) {
  test::temp_dir dir;
  test::temp_file file{"x"};
  std::vector<std::string> args{"--json", dir.path() + "/none/r.json", "--html",
                                dir.path()};
  std::vector<std::string> errors;
  take_backtest_args(args, errors);
  CAF_CHECK_EQUAL(errors,
                  (std::vector<std::string>{
                    "--json = " + dir.path() + "/none/r.json: the directory "
                      + dir.path() + "/none does not exist",
                    "--html = " + dir.path() + ": a directory, not a file"}));
  CAF_CHECK_EQUAL(unwritable(file.path() + "/r.html"),
                  file.path() + " is not a directory");
  CAF_CHECK_EQUAL(unwritable(dir.path() + "/r.html"), "");
  CAF_CHECK_EQUAL(unwritable(file.path()), ""); // overwritten at the end
  CAF_CHECK_EQUAL(unwritable("r.html"), "");    // the working directory
}

CAF_TEST(an empty backtest window says what the files hold) {
  test::temp_file f{
    "exchange,symbol,timestamp,local_timestamp,id,side,price,amount\n"
    "x,BTCUSDT,1582329602111000,1582329602418379,1,buy,9682,0.1\n"
    "x,BTCUSDT,1582329602111000,1582329602418379,2,buy,abc,0.1\n"
    "x,BTCUSDT,1582333202500000,1582333202600000,3,sell,9681,2\n"};
  feed_config feed;
  feed.source = "replay";
  feed.files = {f.path()};
  timestamp from = 0;
  CAF_REQUIRE(parse_utc("2021-01-01", from));
  CAF_CHECK_EQUAL(empty_window_words(feed, from, 0),
                  "no record to replay in the window from "
                  "2021-01-01T00:00:00.000Z to the end: the files' 2 records "
                  "run from 2020-02-22T00:00:02.111Z to "
                  "2020-02-22T01:00:02.500Z (1 malformed row skipped)");
  test::temp_file junk{
    "exchange,symbol,timestamp,local_timestamp,id,side,price,amount\n"
    "x,BTCUSDT,1582329602111000,1582329602418379,2,buy,abc,0.1\n"};
  feed.files = {junk.path()};
  CAF_CHECK_EQUAL(empty_window_words(feed, 0, 0),
                  "no record to replay in the window: the files have no "
                  "readable record (1 malformed row)");
  feed.files = {"/nonexistent/x.csv"};
  CAF_CHECK_EQUAL(empty_window_words(feed, 0, 0),
                  "/nonexistent/x.csv: cannot open (No such file or "
                  "directory)");
}

// Backtest throughput (issue 10): market events per second through
//   actors: `cdb backtest` in this process (the node's actors on the
//           lockstep scheduler, reports built as usual), the feed handing
//           market data to its subscribers by calls (the default), and
//           again with `--messages` (a message per tick and subscriber, as
//           a live node delivers), and
//   loop:   the same signal engine, risk engine and venue (fill model and
//           account) called in a plain loop, no actors, no messages: the
//           practical limit of this logic on this machine,
// over the same data (the synthetic market computed ahead on a second
// thread on both sides, as in `cdb backtest`; recorded files read into
// memory before the loop's clock starts, parsed as they go for the actors),
// side by side, with the ratio:
//   - N synthetic ticks (the built-in market, config/paper.conf), and
//   - the shipped trades and quotes of ../shared/data (2.1 market hours,
//     sparse: the node's periodic timers outnumber the records), and
//   - a dense recording: the shipped quotes COPIES times over, each copy
//     shifted past the one before (written to /tmp, removed after).
// Usage: cdb_backtest_bench [SYNTHETIC_TICKS [CONFIG [COPIES [ROUNDS]]]]
// (defaults 10 000 000, config/paper.conf, 100 and 3). Actors and loop run
// in turns, ROUNDS times each (--messages once). Prints one line per run,
// and a final table: each side's best round, their ratio, and the ratios
// of the single rounds (median, range). The numbers are reported, never
// asserted; the exit status says only that both sides saw every event.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "actors/execution/venue.hpp"
#include "actors/feed/replay_reader.hpp"
#include "actors/feed/synthetic_market.hpp"
#include "actors/feed/synthetic_stream.hpp"
#include "actors/risk/engine.hpp"
#include "actors/signal/engine.hpp"
#include "runtime/backtest.hpp"
#include "runtime/cpu_trials.hpp"
#include "runtime/log.hpp"
#include "runtime/node.hpp"
#include "runtime/options.hpp"

using namespace cdb;

namespace {

/// Counts what the venue reports; the loop publishes the account after a
/// fill, as execution does.
struct counting_sink : venue_sink {
  std::uint64_t fills = 0;
  bool filled = false;
  void on_order(const order&) override {
    // nop: a bracket child, booked by the venue itself
  }
  void on_event(const order_event&) override {
    // nop
  }
  void on_fill(const fill&) override {
    ++fills;
    filled = true;
  }
  void on_funding(const std::string&, double, double, timestamp) override {
    filled = true;
  }
  void on_alarm(const std::string&, timestamp) override {
    // nop
  }
};

/// feed → signal → risk → venue, and the account back to risk, in one
/// loop, the way the actors do it (same engines, same config).
class plain_loop {
public:
  explicit plain_loop(const node_config& n)
    : sig_(n.signal),
      risk_(n.risk, id_source{"dec", "loop", 1}, id_source{"ord", "loop", 1}),
      venue_(execution_settings(n),
             venue_ids{id_source{"oev", "loop", 1}, id_source{"fil", "loop", 1},
                       id_source{"xit", "loop", 1},
                       id_source{"liq", "loop", 1}},
             sink_),
      snaps_("eq", "loop", 1) {
    trading_state active;
    active.mode = trading_mode::active;
    risk_.on_state(active);
  }

  void start(timestamp t) {
    risk_.on_portfolio(venue_.account().snapshot(snaps_.next(), t));
  }

  void on_quote(const quote_tick& q) {
    risk_.on_quote(q);
    venue_.on_quote(q, q.event_time);
    sig_.on_quote(q, out_);
    after(q.event_time);
  }

  void on_trade(const trade_tick& t) {
    risk_.on_trade(t);
    venue_.on_trade(t, t.event_time);
    sig_.on_trade(t, out_);
    after(t.event_time);
  }

  std::uint64_t fills() const {
    return sink_.fills;
  }
  std::uint64_t signals() const {
    return signals_;
  }

private:
  void after(timestamp now) {
    if (sink_.filled) {
      sink_.filled = false;
      risk_.on_portfolio(venue_.account().snapshot(snaps_.next(), now));
    }
    for (auto& s : out_) {
      ++signals_;
      for (auto& d : risk_.on_signal(s, now))
        if (d.approved)
          venue_.submit(*d.approved, now);
    }
    out_.clear();
  }

  signal_engine sig_;
  risk_engine risk_;
  counting_sink sink_;
  venue venue_;
  id_source snaps_;
  std::vector<signal> out_;
  std::uint64_t signals_ = 0;
};

using steady = std::chrono::steady_clock;

double seconds_since(steady::time_point t0) {
  return std::chrono::duration<double>(steady::now() - t0).count();
}

/// One data set's figures. Actors (by calls) and the loop run in turns,
/// `rounds` times: the host's noise only ever slows a run, so each side's
/// best round is its own cost, and the ratio of each round says how much
/// one spell of noise moves it.
struct figure {
  std::string what;
  std::uint64_t events = 0;
  std::vector<double> actors; ///< events/s by round, data handed over by calls
  double messages = 0;        ///< events/s, a message per tick and subscriber
  std::vector<double> loop;   ///< events/s by round

  static double best(const std::vector<double>& xs) {
    return xs.empty() ? 0.0 : *std::max_element(xs.begin(), xs.end());
  }

  /// Each round's actors / loop, in %, sorted.
  std::vector<double> ratios() const {
    std::vector<double> out;
    for (std::size_t i = 0; i < actors.size() && i < loop.size(); ++i)
      out.push_back(loop[i] > 0 ? 100 * actors[i] / loop[i] : 0.0);
    std::sort(out.begin(), out.end());
    return out;
  }

  static double median(const std::vector<double>& sorted) {
    auto n = sorted.size();
    if (n == 0)
      return 0;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
};

/// The loop's thread tries the CPUs as `cdb backtest` does its actors'
/// (run.pick_home_cpu: runtime/cpu_trials.hpp), so that both sides run
/// where they go fastest, the data thread off it; nullptr without.
std::unique_ptr<home_trials> loop_placement(bool pick) {
  return pick ? std::make_unique<home_trials>() : nullptr;
}

/// ", CPU 1 at the end, 1 moves", or "" without trials.
std::string placement_text(const std::unique_ptr<home_trials>& p) {
  const auto* t = p ? p->trials() : nullptr;
  if (t == nullptr)
    return "";
  return ", CPU " + std::to_string(t->current()) + " at the end, "
         + std::to_string(t->moves()) + " moves";
}

/// Checks the loop's placement every this many events.
constexpr std::uint64_t placement_every = 4096;

/// The plain loop over `ticks` synthetic ticks.
double loop_synthetic(const node_config& n, bool pick, std::uint64_t ticks,
                      std::uint64_t& seen) {
  plain_loop loop{n};
  constexpr timestamp start = 1'767'225'600'000'000'000; // as cdb backtest
  // The same data source as the feed's in a backtest: computed ahead on
  // a second thread.
  synthetic_stream market{
    std::make_unique<synthetic_market>(n.feed.synthetic, start), true};
  std::vector<quote_tick> quotes;
  std::vector<trade_tick> trades;
  loop.start(start);
  seen = 0;
  auto place = loop_placement(pick);
  auto t0 = steady::now();
  for (std::uint64_t checked = 0; seen < ticks;) {
    market.step(quotes, trades);
    for (auto& q : quotes)
      loop.on_quote(q);
    for (auto& t : trades)
      loop.on_trade(t);
    seen += quotes.size() + trades.size();
    quotes.clear();
    trades.clear();
    if (seen - checked >= placement_every) {
      checked = seen;
      if (place)
        place->progress(seen);
    }
  }
  auto s = seconds_since(t0);
  std::printf("loop   synthetic: %llu ticks in %.2f s, %llu signals, %llu "
              "fills%s\n",
              static_cast<unsigned long long>(seen), s,
              static_cast<unsigned long long>(loop.signals()),
              static_cast<unsigned long long>(loop.fills()),
              placement_text(place).c_str());
  return static_cast<double>(seen) / s;
}

/// The plain loop over recorded files.
double loop_files(const node_config& n, bool pick, std::uint64_t& seen) {
  std::string error;
  auto replay = n.feed.open_replay(error);
  if (!replay) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 0;
  }
  std::vector<market_message> all;
  market_message m;
  while (replay->next(m))
    all.push_back(m);
  plain_loop loop{n};
  loop.start(all.empty() ? 0 : event_time_of(all.front()));
  seen = 0;
  auto place = loop_placement(pick);
  auto t0 = steady::now();
  for (auto& x : all) {
    if (x.kind == market_kind::trade)
      loop.on_trade(x.trade);
    else if (x.kind == market_kind::quote)
      loop.on_quote(x.quote);
    else
      continue;
    if (++seen % placement_every == 0 && place)
      place->progress(seen);
  }
  auto s = seconds_since(t0);
  std::printf("loop   files: %llu ticks in %.4f s, %llu signals, %llu "
              "fills%s\n",
              static_cast<unsigned long long>(seen), s,
              static_cast<unsigned long long>(loop.signals()),
              static_cast<unsigned long long>(loop.fills()),
              placement_text(place).c_str());
  return static_cast<double>(seen) / s;
}

/// `cdb backtest` in this process; its report's timing member.
double actors(std::vector<std::string> args, std::uint64_t& seen) {
  auto json = std::string{"/tmp/cdb_backtest_bench_"}
              + std::to_string(::getpid()) + ".json";
  args.push_back("--json=" + json);
  args.emplace_back("--no-progress");
  std::vector<std::string> errors;
  auto bt = take_backtest_args(args, errors);
  cdb_options cfg;
  bool help = false;
  auto more = load_options(cfg, args, std::getenv, help);
  errors.insert(errors.end(), more.begin(), more.end());
  prepare_backtest(cfg, bt);
  cfg.validate(errors);
  if (!errors.empty()) {
    for (auto& e : errors)
      std::fprintf(stderr, "config error: %s\n", e.c_str());
    return 0;
  }
  // The report table goes to stdout: keep the bench's output to figures.
  std::ostringstream swallowed;
  auto* old = std::cout.rdbuf(swallowed.rdbuf());
  auto status = run_backtest(cfg, bt);
  std::cout.rdbuf(old);
  std::ifstream in{json};
  auto j = nlohmann::json::parse(in, nullptr, false);
  std::remove(json.c_str());
  if (status != 0 || j.is_discarded())
    return 0;
  seen = j["timing"]["events"].get<std::uint64_t>();
  auto cpu = j["timing"]["actors_cpu"].get<int>();
  std::printf("actors%s %s: %llu ticks in %.2f s, %lld signals, %lld "
              "fills%s\n",
              bt.messages ? " (--messages)" : "",
              bt.data.empty() ? "synthetic" : "files",
              static_cast<unsigned long long>(seen),
              j["timing"]["wall_seconds"].get<double>(),
              j["signals"].get<long long>(), j["fills"].get<long long>(),
              cpu < 0
                ? ""
                : (", CPU " + std::to_string(cpu) + " at the end, "
                   + std::to_string(j["timing"]["actors_cpu_moves"].get<int>())
                   + " moves")
                    .c_str());
  return j["timing"]["events_per_second"].get<double>();
}

/// `copies` copies of the Tardis CSV at `src`, each shifted in time past
/// the one before, into `dst`: a dense recording as long as wanted, made
/// of real quotes (the shipped file is four minutes). False if unreadable.
bool write_repeated(const std::string& src, int copies,
                    const std::string& dst) {
  std::ifstream in{src};
  std::string header;
  if (!std::getline(in, header))
    return false;
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> fields;
    std::stringstream ss{line};
    for (std::string f; std::getline(ss, f, ',');)
      fields.push_back(f);
    if (fields.size() > 3)
      rows.push_back(std::move(fields));
  }
  if (rows.empty())
    return false;
  // Columns 2 and 3: exchange and local timestamps, in microseconds.
  auto first = std::stoll(rows.front()[2]);
  auto span = std::stoll(rows.back()[2]) - first + 1000;
  std::ofstream out{dst, std::ios::trunc};
  out << header << '\n';
  for (int k = 0; k < copies; ++k)
    for (auto& r : rows) {
      for (std::size_t i = 0; i < r.size(); ++i) {
        out << (i > 0 ? "," : "");
        if (i == 2 || i == 3)
          out << std::stoll(r[i]) + k * span;
        else
          out << r[i];
      }
      out << '\n';
    }
  return static_cast<bool>(out);
}

/// Fills `f`: `cdb backtest ARGS` (by calls) and `loop` in turns,
/// `rounds` times, then the backtest with --messages once. True if every
/// run saw the same events, at least `least`; f.events is that count.
bool in_rounds(figure& f, std::vector<std::string> args, int rounds,
               std::uint64_t least,
               const std::function<double(std::uint64_t&)>& loop) {
  bool same = true;
  for (int r = 0; r < rounds; ++r) {
    std::uint64_t a = 0;
    std::uint64_t l = 0;
    f.actors.push_back(actors(args, a));
    f.loop.push_back(loop(l));
    same &= a == l && (r == 0 || l == f.events);
    f.events = l;
  }
  std::uint64_t m = 0;
  args.emplace_back("--messages");
  f.messages = actors(args, m);
  return same && m == f.events && f.events >= least && f.events > 0;
}

/// Actors and the plain loop over `files`.
figure files_figure(std::string what, const node_config& node, bool pick,
                    const std::string& conf,
                    const std::vector<std::string>& files, int rounds,
                    bool& complete) {
  auto n = node;
  n.feed.source = "replay";
  n.feed.files = files;
  figure f;
  f.what = std::move(what);
  std::vector<std::string> args{"--config", conf, "--data"};
  args.insert(args.end(), files.begin(), files.end());
  complete &= in_rounds(f, args, rounds, 1, [&n, pick](std::uint64_t& seen) {
    return loop_files(n, pick, seen);
  });
  return f;
}

} // namespace

int main(int argc, char** argv) {
  std::uint64_t ticks = argc > 1 ? std::strtoull(argv[1], nullptr, 10)
                                 : 10'000'000;
  std::string conf = argc > 2 ? argv[2] : "config/paper.conf";
  int copies = argc > 3 ? static_cast<int>(std::strtol(argv[3], nullptr, 10))
                        : 100;
  int rounds = argc > 4 ? static_cast<int>(std::strtol(argv[4], nullptr, 10))
                        : 3;
  rounds = std::max(rounds, 1);
  std::string data = CDB_SHARED_DATA;
  std::vector<std::string> files{
    data + "/binance-futures-btcusdt-trades-2020-02-22.csv",
    data + "/binance-futures-btcusdt-quotes-2020-02-22.csv"};
  log::set_level(log::level::error);
  cdb_options cfg;
  bool help = false;
  auto errors = load_options(cfg, {"--config", conf}, std::getenv, help);
  if (!errors.empty()) {
    for (auto& e : errors)
      std::fprintf(stderr, "config error: %s\n", e.c_str());
    return 2;
  }
  std::vector<figure> figures;
  bool complete = true;
  {
    figure f;
    f.what = "synthetic market";
    std::vector<std::string> args{"--config", conf,
                                  "--feed.max_ticks=" + std::to_string(ticks),
                                  "--run.duration=100000h"};
    complete &= in_rounds(f, args, rounds, ticks, [&](std::uint64_t& seen) {
      return loop_synthetic(cfg.node, cfg.pick_home_cpu, ticks, seen);
    });
    figures.push_back(f);
  }
  figures.push_back(files_figure("shipped trades+quotes", cfg.node,
                                 cfg.pick_home_cpu, conf, files, rounds,
                                 complete));
  {
    auto dense = std::string{"/tmp/cdb_backtest_bench_"}
                 + std::to_string(::getpid()) + ".csv";
    if (write_repeated(files[1], copies, dense))
      figures.push_back(files_figure(
        "shipped quotes x" + std::to_string(copies) + ", shifted", cfg.node,
        cfg.pick_home_cpu, conf, {dense}, rounds, complete));
    else
      complete = false;
    std::remove(dense.c_str());
  }
  std::printf("\n%d rounds: actors and plain loop at their best round; "
              "--messages once\n",
              rounds);
  std::printf("| data | events | actors (events/s) | actors, --messages "
              "(events/s) | plain loop (events/s) | actors / loop | by round: "
              "median (range) |\n"
              "|---|---:|---:|---:|---:|---:|---:|\n");
  for (auto& f : figures) {
    auto a = figure::best(f.actors);
    auto l = figure::best(f.loop);
    auto r = f.ratios();
    auto median = figure::median(r);
    std::printf("| %s | %llu | %.0f | %.0f | %.0f | %.1f %% | %.1f %% "
                "(%.1f–%.1f %%) |\n",
                f.what.c_str(), static_cast<unsigned long long>(f.events), a,
                f.messages, l, l > 0 ? 100 * a / l : 0.0, median,
                r.empty() ? 0.0 : r.front(), r.empty() ? 0.0 : r.back());
  }
  if (!complete)
    std::fprintf(stderr, "not every event was seen by both sides\n");
  return complete ? 0 : 1;
}

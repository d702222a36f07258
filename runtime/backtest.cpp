#include "runtime/backtest.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include <sys/resource.h>
#include <unistd.h>

#include <caf/all.hpp>

#include "actors/feed/replay_reader.hpp"
#include "actors/feed/replay_text.hpp"
#include "actors/persistence/persistence_actor.hpp"
#include "messages/interfaces.hpp"
#include "messages/register.hpp"
#include "runtime/backtest_recorder.hpp"
#include "runtime/bar_hints.hpp"
#include "runtime/cpu_placement.hpp"
#include "runtime/cpu_trials.hpp"
#include "runtime/direct_market.hpp"
#include "runtime/flags.hpp"
#include "runtime/lockstep.hpp"
#include "runtime/log.hpp"
#include "runtime/node.hpp"
#include "runtime/run_node.hpp"
#include "runtime/split_backtest.hpp"
#include "runtime/trade_report.hpp"

namespace cdb {

namespace {

/// SIGINT or SIGTERM during a backtest on one node: the run stops at the
/// market instant it is at, with the report of the run so far (a second
/// signal ends the process at once: SA_RESETHAND).
std::atomic<int> interrupted{0};

extern "C" void on_interrupt(int sig) {
  interrupted.store(sig, std::memory_order_relaxed);
}

/// Installs on_interrupt for SIGTERM, and for SIGINT unless the process
/// was started with it ignored (a background job of a shell keeps
/// ignoring the terminal's Ctrl-C).
void catch_interrupts() {
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sa.sa_flags = SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  struct sigaction old {};
  if (sigaction(SIGINT, nullptr, &old) == 0 && old.sa_handler != SIG_IGN)
    sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

/// The market clock of a backtest: the actor clock of CAF's deterministic
/// scheduler, which moves only when the driver triggers the next timer.
class sim_clock : public clock {
public:
  explicit sim_clock(const caf::detail::test_actor_clock& c) : c_(c) {
    // nop
  }

  timestamp now() const override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
             c_.current_time.time_since_epoch())
      .count();
  }

private:
  const caf::detail::test_actor_clock& c_;
};

/// The size of `path` in bytes, for the progress bar's fraction; 0 if it
/// cannot be read (the bar then tells no fraction).
std::uint64_t file_bytes(const std::string& path) {
  std::error_code ec;
  auto n = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<std::uint64_t>(n);
}

std::string seconds_text(double s) {
  char buf[32];
  if (s < 60)
    std::snprintf(buf, sizeof(buf), "%.0f s", s);
  else
    std::snprintf(buf, sizeof(buf), "%.0f min %02.0f s", std::floor(s / 60),
                  std::fmod(s, 60));
  return buf;
}

/// Resident set size now, in MB (0 where /proc is not there).
double rss_mb() {
  std::ifstream in{"/proc/self/statm"};
  long pages = 0;
  long resident = 0;
  in >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(getpagesize())
         / (1024.0 * 1024.0);
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out{path, std::ios::binary | std::ios::trunc};
  out << text;
  out.close();
  if (!out) {
    CDB_ERROR("backtest", "cannot write " << path);
    return false;
  }
  return true;
}

/// What the backtest's progress and report need, on one node or split.
struct backtest_run {
  const backtest_args* args = nullptr;
  std::shared_ptr<sim_clock> clock;
  metrics_ptr metrics;
  std::shared_ptr<run_record> rec;
  std::chrono::steady_clock::time_point wall_start;
  std::chrono::steady_clock::time_point last_print;
  timestamp origin = 0;
  timestamp end = 0;
  std::uint64_t total_bytes = 0; ///< Of the replayed files.
  std::uint64_t max_ticks = 0;   ///< feed.max_ticks: the run's tick budget.
  bool as_bar = false;
  int interrupted = 0; ///< The signal that stopped the run early, if any.
  /// Memory at the end of each market hour: the first and the last say
  /// whether a long run grows.
  std::vector<double> hourly_rss;
  timestamp next_hour = 0;
  /// The feed's direct delivery; nullptr with --messages or split.
  std::shared_ptr<direct_market> direct;
  /// run.pick_home_cpu on one node: the actors' thread tries the CPUs.
  std::unique_ptr<home_trials> placement;
};

constexpr timestamp market_hour = 3'600'000'000'000;

} // namespace

double progress_fraction(timestamp origin, timestamp end, timestamp now,
                         std::uint64_t bytes_read, std::uint64_t total_bytes,
                         std::uint64_t events, std::uint64_t max_ticks) {
  double frac = 0;
  if (end > origin)
    frac = static_cast<double>(now - origin)
           / static_cast<double>(end - origin);
  else if (total_bytes > 0)
    frac = static_cast<double>(bytes_read) / static_cast<double>(total_bytes);
  if (max_ticks > 0)
    frac = std::max(frac, static_cast<double>(events)
                            / static_cast<double>(max_ticks));
  return std::clamp(frac, 0.0, 0.999);
}

namespace {

void print_progress(backtest_run& bt, bool final) {
  auto now = std::chrono::steady_clock::now();
  if (!final
      && now - bt.last_print < (bt.as_bar ? std::chrono::milliseconds{250}
                                          : std::chrono::milliseconds{10'000}))
    return;
  bt.last_print = now;
  auto secs = std::chrono::duration<double>(now - bt.wall_start).count();
  auto ticks = bt.metrics->ticks.load();
  auto events = static_cast<double>(ticks);
  auto t = bt.clock->now();
  auto frac = final && bt.interrupted == 0
                ? 1.0
                : progress_fraction(bt.origin, bt.end, t,
                                    bt.metrics->replay_bytes.load(),
                                    bt.total_bytes, ticks, bt.max_ticks);
  auto rate = secs > 0 ? events / secs : 0.0;
  auto eta = frac > 0 ? secs * (1 - frac) / frac : 0.0;
  char buf[200];
  if (bt.as_bar) {
    std::string fill(static_cast<std::size_t>(frac * 30), '#');
    fill.resize(30, '.');
    std::snprintf(buf, sizeof(buf), "[%s] %5.1f%%  %s  %.3g events/s  ETA %s",
                  fill.c_str(), 100 * frac, format_time(t).c_str(), rate,
                  seconds_text(eta).c_str());
    // The bar stays at the bottom: the run's log lines go above it.
    log::status(buf);
    if (final)
      log::end_status();
  } else {
    std::snprintf(buf, sizeof(buf),
                  "progress %5.1f%% market time %s, %.3g events/s, ETA %s\n",
                  100 * frac, format_time(t).c_str(), rate,
                  seconds_text(eta).c_str());
    std::cerr << buf << std::flush;
  }
}

/// Prints the report and writes its files, from the record as it is now:
/// the data is done and every consequence has run (`events`: the market
/// events the feed handed out). Returns the exit status.
int report(backtest_run& bt, std::uint64_t events) {
  auto wall = std::chrono::duration<double>(std::chrono::steady_clock::now()
                                            - bt.wall_start)
                .count();
  auto& rec = *bt.rec;
  auto report = compute_report(rec);
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  const auto* trials = bt.placement ? bt.placement->trials() : nullptr;
  char timing[480];
  std::snprintf(timing, sizeof(timing),
                "{\"wall_seconds\": %.3f, \"events\": %llu, "
                "\"events_per_second\": %.0f, \"peak_rss_mb\": %.1f, "
                "\"rss_first_hour_mb\": %.1f, \"rss_last_hour_mb\": %.1f, "
                "\"market_hours\": %zu, \"actors_cpu\": %d, "
                "\"actors_cpu_moves\": %llu}",
                wall, static_cast<unsigned long long>(events),
                wall > 0 ? static_cast<double>(events) / wall : 0.0,
                static_cast<double>(ru.ru_maxrss) / 1024.0,
                bt.hourly_rss.empty() ? 0.0 : bt.hourly_rss.front(),
                bt.hourly_rss.empty() ? 0.0 : bt.hourly_rss.back(),
                bt.hourly_rss.size(), cpu_placement::home(),
                static_cast<unsigned long long>(trials ? trials->moves() : 0));
  if (trials)
    CDB_INFO("backtest", "actors' thread on CPU "
                           << cpu_placement::home() << " at the end, "
                           << trials->moves()
                           << " moves; events by CPU in its latest window: "
                           << bt.placement->rates_text());
  std::cout << rec.title << "\n"
            << report_table(report) << "market events " << events << " in "
            << seconds_text(wall) << " ("
            << static_cast<std::uint64_t>(
                 wall > 0 ? static_cast<double>(events) / wall : 0)
            << " events/s)\n"
            << std::flush;
  bool ok = true;
  if (!bt.args->json.empty())
    ok &= write_file(bt.args->json, report_json(report, rec, timing));
  if (!bt.args->html.empty())
    ok &= write_file(bt.args->html, report_html(report, rec));
  return ok ? 0 : 2;
}

/// The backtest on one node: turns until none is left, then the next timer,
/// until the data is done; then the report and the shutdown.
int run_alone(backtest_run& bt, lockstep_scheduler& sched,
              const caf::actor& sup, const bool& sup_done,
              const caf::actor& recorder) {
  int status = 0;
  bool stopping = false;
  std::uint64_t steps = 0;
  bt.next_hour = bt.origin + market_hour;
  for (;;) {
    // The feed runs ahead at most to the end and to the next hourly sample.
    if (bt.direct)
      bt.direct->horizon = bt.end > 0 ? std::min(bt.end, bt.next_hour)
                                      : bt.next_hour;
    sched.run();
    if (sup_done)
      break;
    // The end comes once every timer of this instant has fired: an account
    // point at the end time belongs to the run.
    caf::actor_clock::time_point due;
    int rank = 0;
    bool instant_done = !sched.clock().next_due(due, rank)
                        || due > sched.clock().current_time;
    auto sig = interrupted.load(std::memory_order_relaxed);
    if (!stopping && instant_done
        && (bt.metrics->feed_done || (bt.end > 0 && bt.clock->now() >= bt.end)
            || sig != 0)) {
      stopping = true;
      if (sig != 0 && !bt.metrics->feed_done) {
        bt.interrupted = sig;
        auto at = format_time(bt.clock->now());
        CDB_WARN("backtest", (sig == SIGINT ? "SIGINT" : "SIGTERM")
                               << ": stopped at market time " << at
                               << "; the report covers the run up to there");
        bt.rec->title += " (interrupted at " + at + ")";
      }
      // The recorder adds the last account point; the report is taken
      // before the shutdown, at the point a split run takes it.
      caf::anon_send(recorder, flush_atom::value);
      sched.run();
      print_progress(bt, true);
      status = report(bt, bt.metrics->ticks.load());
      if (status == 0 && bt.interrupted != 0)
        status = 128 + bt.interrupted;
      caf::anon_send(sup, shutdown_atom::value);
      continue;
    }
    if (!sched.clock().fire_next()) {
      CDB_ERROR("backtest", "nothing left to do before the end: stalled at "
                              << format_time(bt.clock->now()));
      if (!stopping)
        status = report(bt, bt.metrics->ticks.load());
      break;
    }
    if (bt.clock->now() >= bt.next_hour) {
      bt.hourly_rss.push_back(rss_mb());
      while (bt.next_hour <= bt.clock->now())
        bt.next_hour += market_hour;
    }
    ++steps;
    if (bt.placement && (steps & 0x3f) == 0 && !stopping)
      bt.placement->progress(bt.metrics->ticks.load());
    if ((steps & 0x3ff) == 0 && !stopping)
      print_progress(bt, false);
  }
  return status;
}

/// Warns, key by key, what a recording of bars only lacks in the config.
void warn_bars_only(const replay_merge& probe, const market_message& first,
                    const node_config& n) {
  for (auto& f : probe.files())
    if (f->format() != record_format::ohlcv_bars
        && f->format() != record_format::binance_klines)
      return;
  if (first.kind != market_kind::bar)
    return;
  for (auto& hint : bar_recording_hints(n, first.kline.interval))
    CDB_WARN("backtest", "the recording has bars only: " << hint);
}

} // namespace

bool parse_utc(const std::string& text, timestamp& out) {
  // The replay's ISO reader, with the seconds optional.
  auto t = text;
  if (!t.empty() && t.back() == 'Z')
    t.pop_back();
  if (t.size() == 16)
    t += ":00";
  return read_iso_time(t, out);
}

backtest_args take_backtest_args(std::vector<std::string>& args,
                                 std::vector<std::string>& errors) {
  backtest_args out;
  std::vector<std::string> rest;
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto& a = args[i];
    auto value = [&](const char* flag, std::string& into) {
      if (flag_value(args, i, flag, into))
        return true;
      if (a != flag)
        return false;
      errors.push_back(std::string{flag} + ": needs a value");
      return true;
    };
    std::string v;
    if (value("--data", v)) {
      out.data.push_back(v);
      // --data takes every following argument up to the next flag.
      while (i + 1 < args.size() && args[i + 1].compare(0, 1, "-") != 0)
        out.data.push_back(args[++i]);
    } else if (value("--from", v) || value("--to", v)) {
      auto& into = a.compare(0, 6, "--from") == 0 ? out.from : out.to;
      if (!parse_utc(v, into))
        errors.push_back(a.substr(0, a.find('=')) + " = " + v
                         + ": must be a UTC time like 2020-02-22 or "
                           "2020-02-22T01:30:00Z");
    } else if (value("--json", v)) {
      out.json = v;
    } else if (value("--html", v)) {
      out.html = v;
    } else if (a == "--persist") {
      out.persist = true;
    } else if (a == "--messages") {
      out.messages = true;
    } else if (a == "--progress") {
      out.progress = 1;
    } else if (a == "--no-progress") {
      out.progress = 0;
    } else {
      rest.push_back(a);
    }
  }
  if (out.from > 0 && out.to > 0 && out.to <= out.from)
    errors.emplace_back("--to must be after --from");
  // Checked now, not when the report is written after a run of hours.
  for (auto [flag, path] :
       {std::pair{"--json", &out.json}, std::pair{"--html", &out.html}}) {
    if (path->empty())
      continue;
    if (auto why = unwritable(*path); !why.empty())
      errors.push_back(std::string{flag} + " = " + *path + ": " + why);
  }
  args = std::move(rest);
  return out;
}

std::string empty_window_words(const feed_config& feed, timestamp from,
                               timestamp to) {
  auto whole = feed;
  whole.replay_from = 0;
  whole.replay_to = 0;
  std::string error;
  auto all = whole.open_replay(error);
  if (!all)
    return error;
  std::uint64_t records = 0;
  timestamp first = 0;
  timestamp last = 0;
  for (market_message m; all->next(m); ++records) {
    auto t = event_time_of(m);
    first = records == 0 ? t : std::min(first, t);
    last = records == 0 ? t : std::max(last, t);
  }
  std::uint64_t bad = 0;
  for (auto& f : all->files())
    bad += f->bad_rows();
  auto rows = [](std::uint64_t k) {
    return std::to_string(k) + (k == 1 ? " malformed row" : " malformed rows");
  };
  std::string words = "no record to replay in the window";
  if (from > 0 || to > 0)
    words += " from " + (from > 0 ? format_time(from) : "the start") + " to "
             + (to > 0 ? format_time(to) : "the end");
  if (records == 0)
    return words + ": the files have no readable record (" + rows(bad) + ")";
  words += ": the files' " + std::to_string(records) + " records run from "
           + format_time(first) + " to " + format_time(last);
  if (bad > 0)
    words += " (" + rows(bad) + " skipped)";
  return words;
}

void prepare_backtest(cdb_options& cfg, const backtest_args& args) {
  auto& n = cfg.node;
  if (!args.data.empty()) {
    n.feed.source = "replay";
    n.feed.files = args.data;
  } else if (n.feed.source != "replay") {
    n.feed.source = "synthetic";
  }
  // A node of a split backtest keeps its roles and links (every node takes
  // the same --data, --from and --to); a node with every role runs alone.
  n.lockstep = true;
  if (n.cluster.roles.size() == all_roles().size())
    n.cluster = {};
  n.database = args.persist;
}

int run_backtest(cdb_options& cfg, const backtest_args& args) {
  auto& n = cfg.node;
  // The synthetic market's day starts at --from (default 2026-01-01 UTC)
  // and runs for run.duration (default 1 h) or until --to.
  constexpr timestamp default_start = 1'767'225'600'000'000'000; // 2026-01-01
  timestamp origin = args.from > 0 ? args.from : default_start;
  timestamp end = 0;
  std::uint64_t total_bytes = 0;
  std::string title;
  if (n.feed.replay()) {
    n.feed.replay_from = args.from;
    n.feed.replay_to = args.to;
    std::string error;
    auto probe = n.feed.open_replay(error);
    market_message first;
    if (!probe) {
      CDB_ERROR("backtest", error);
      return 2;
    }
    if (!probe->next(first)) {
      CDB_ERROR("backtest", empty_window_words(n.feed, args.from, args.to));
      return 2;
    }
    origin = event_time_of(first);
    end = args.to;
    warn_bars_only(*probe, first, n);
    for (auto& f : n.feed.files) {
      total_bytes += file_bytes(f);
      title += (title.empty() ? "" : ", ") + f;
    }
    title = "backtest of " + title;
  } else {
    auto d = static_cast<timestamp>(cfg.duration.count());
    end = args.to > 0 ? args.to : origin + (d > 0 ? d : 3'600'000'000'000);
    title = "backtest on the synthetic market (seed "
            + std::to_string(n.feed.synthetic.seed) + ")";
  }
  n.feed.speed = 1; // the clock itself jumps from event to event
  n.feed.event_clock = true;
  bool split = n.cluster.distributed();
  if (split && args.persist) {
    CDB_ERROR("backtest", "--persist: a split backtest writes no database; "
                          "run it on one node to persist it");
    return 2;
  }
  register_messages(cfg);
  cfg.load<lockstep_scheduler>();
  if (split) {
    load_middleman(cfg);
    // No heartbeat: its timers would run on the market clock. A lost node
    // still shows: its link closes, and the driver waits a minute at most.
    caf::put(cfg.content, "middleman.heartbeat-interval", caf::timespan{0});
    caf::put(cfg.content, "middleman.connection-timeout", caf::timespan{0});
    // Messages from peers are handed over by the middleman's own thread,
    // in the order they came: no deserializing workers, which would wait
    // for this node's scheduler.
    caf::put(cfg.content, "middleman.workers", std::size_t{0});
  }
  caf::actor_system sys{cfg};
  // This thread runs the actors: to the home CPU, once CAF's threads
  // (the middleman of a split run) have started off it.
  std::string place_error;
  if (!cpu_placement::to_home(place_error))
    CDB_WARN("backtest", "run.home_cpu not applied: " << place_error);
  else if (cpu_placement::home() >= 0)
    CDB_INFO("backtest", "actors on CPU "
                           << cpu_placement::home() << ", other threads on "
                           << cpu_list_text(cpu_placement::others()));
  auto& sched = dynamic_cast<lockstep_scheduler&>(sys.scheduler());
  sched.clock().current_time = caf::actor_clock::time_point{
    std::chrono::nanoseconds{origin}};
  backtest_run bt;
  bt.args = &args;
  bt.clock = std::make_shared<sim_clock>(sched.clock());
  bt.metrics = std::make_shared<node_metrics>();
  bt.wall_start = std::chrono::steady_clock::now();
  bt.origin = origin;
  bt.end = end;
  bt.total_bytes = total_bytes;
  bt.max_ticks = n.feed.max_ticks;
  bt.as_bar = args.progress == 1
              || (args.progress == -1 && isatty(STDERR_FILENO) != 0);
  // One node, no CPU chosen: the actors' thread tries the CPUs (a split
  // run's nodes would all pick the same one).
  if (!split && cfg.pick_home_cpu) {
    bt.placement = std::make_unique<home_trials>();
    if (auto* t = bt.placement->trials())
      CDB_INFO("backtest", "the actors' thread tries CPUs "
                             << cpu_list_text(t->candidates())
                             << " (run.pick_home_cpu), the others keep off it");
  }
  auto run_id = "bt" + make_run_id(wall_clock{}.now());
  run_info run{
    run_id,
    "backtest",
    CDB_VERSION,
    std::to_string(std::hash<std::string>{}(caf::deep_to_string(cfg.content))),
    origin,
    n.node_name};
  bt.rec = std::make_shared<run_record>();
  bt.rec->title = title;
  bt.rec->initial_cash = n.execution.initial_cash;
  persistence_actor db;
  if (args.persist) {
    actor_context ctx{run_id, 1, bt.clock, bt.metrics, nullptr};
    ctx.throughput = 0; // a turn empties the mailbox anyway
    db = sys.spawn(spawn_persistence, n.persistence, ctx, run);
  }
  if (!split && !args.messages) {
    bt.direct = std::make_shared<direct_market>(sched);
    sched.clock().take_self_timers(
      [direct = bt.direct](caf::abstract_actor* self,
                           const caf::type_erased_tuple& m) {
        return direct->take_timer(self, m);
      });
  }
  auto specs = node_children(n, run_id, bt.clock, bt.metrics, run, bt.direct);
  auto recorder = std::make_shared<caf::actor>();
  for (auto& s : specs)
    if (s.name == "persistence")
      s.start = [rec = bt.rec, db, recorder,
                 direct = bt.direct](caf::actor_system& s, std::uint32_t) {
        *recorder = spawn_recorder(s, rec, db, direct);
        return *recorder;
      };
  node_link links;
  if (split)
    links = spawn_link(sys, n, wall_clock{}.now(), bt.metrics);
  auto hooks = node_hooks(n.cluster, links.link);
  // A split node keeps what its supervisor wired (every role and every
  // node's agent) and names its agent, its main thread, in its roster.
  auto wired = std::make_shared<child_map>();
  auto waiting = std::make_shared<std::string>();
  std::optional<caf::scoped_actor> agent;
  if (split) {
    hooks.wire = [wire = hooks.wire, wired](caf::event_based_actor* self,
                                            const child_map& all) {
      *wired = all;
      wire(self, all);
    };
    hooks.waiting = [waiting](const std::string& missing) {
      *waiting = missing;
    };
    agent.emplace(sys);
    hooks.local_changed =
      [changed = hooks.local_changed, name = agent_prefix + n.node_name,
       handle = caf::actor_cast<caf::actor>(*agent)](
        caf::event_based_actor* self, const child_map& local) {
        auto with_agent = local;
        with_agent.emplace(name, handle);
        changed(self, with_agent);
      };
  }
  auto sup = sys.spawn(supervisor, n.supervisor, std::move(specs), hooks,
                       bt.clock, bt.metrics, n.drain_timeout);
  bool sup_done = false;
  caf::error sup_reason;
  sup->attach_functor([&](const caf::error& reason) {
    sup_done = true;
    sup_reason = reason;
  });
  CDB_INFO("backtest", "run " << run_id << ": " << title << " from "
                              << format_time(origin));
  int status = 0;
  if (split) {
    if (!listen(sys, n, links)) {
      close_link(*agent, links);
      (*agent)->send_exit(sup, caf::exit_reason::kill);
      return 2;
    }
    split_backtest sb{sys,
                      *agent,
                      sched,
                      sup,
                      sup_done,
                      bt.metrics,
                      wired,
                      waiting,
                      recorder,
                      n.node_name,
                      origin,
                      end,
                      [&bt](bool final) { print_progress(bt, final); },
                      [&bt](std::uint64_t events) {
                        return report(bt, events);
                      },
                      n.cluster.link_timeout};
    status = run_split(sb);
    close_link(*agent, links);
  } else {
    catch_interrupts();
    status = run_alone(bt, sched, sup, sup_done, *recorder);
    bt.placement.reset(); // the thread's own CPUs again
  }
  log::end_status(); // a run that stopped early leaves no bar behind
  if (db)
    caf::anon_send_exit(db, caf::exit_reason::user_shutdown);
  sched.run();
  if (sup_reason && sup_reason != caf::exit_reason::normal
      && sup_reason != caf::exit_reason::user_shutdown) {
    CDB_ERROR("backtest", "supervisor stopped: " << caf::to_string(sup_reason));
    return 3;
  }
  return status;
}

} // namespace cdb

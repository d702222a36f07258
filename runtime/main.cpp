// cdb: the one binary. Modes:
//   cdb run [--config FILE] [--group.key=value ...]
//       single-node paper trading on the built-in synthetic market,
//       persisting to PostgreSQL (persistence.dsn / CDB_PERSISTENCE_DSN).
//   cdb node --config FILE
//       one node of several: the [node] options name its actors and peers.
// Exit status: 0 clean stop, 2 bad configuration or usage, 3 an actor
// failed beyond its restart budget.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include <unistd.h>

#include "runtime/admin_http.hpp"
#include "runtime/backtest.hpp"
#include "runtime/cpu_placement.hpp"
#include "runtime/exchange_sim.hpp"
#include "runtime/flags.hpp"
#include "runtime/log.hpp"
#include "runtime/options.hpp"
#include "runtime/report.hpp"
#include "runtime/run_node.hpp"

namespace {

constexpr const char* usage
  = R"(usage: cdb <mode> [--config FILE] [--group.key=value ...]

modes:
  run           single-node paper trading (synthetic market, recorded
                files, or a Binance-compatible stream)
  node          one node of a multi-node deployment: node.roles names the
                actors it hosts, node.peers the other nodes (docs/deployment.md)
  backtest      the same actors over recorded data, as fast as the machine
                allows, in event time, with the same result every run:
                cdb backtest [--data FILE...] [--from TIME] [--to TIME]
                  [--json FILE] [--html FILE] [--persist] [--messages]
                  [--no-progress]
                  [--config FILE] [--group.key=value ...]
                  (no --data: the synthetic market for run.duration, 1 h
                  by default; TIME: UTC, e.g. 2020-02-22T01:30:00Z;
                  --messages: a message per tick as on a live node, not
                  the feed's direct delivery: slower, same report;
                  with node.roles and node.peers: one node of a backtest
                  split over nodes, same result; docs/backtest.md)
  exchange-sim  serve the synthetic market as Binance combined streams on
                loopback, with faults on demand (the [sim] options)
  record        capture the raw messages of feed.url to rotating JSONL files
                that feed.source=replay reads back (the [record] options)
  admin         send a command to a running node's admin API:
                cdb admin halt|resume|flatten|state|health|ready
                  [--url http://127.0.0.1:9465] [--reason TEXT]
                  [--token T] (default: $CDB_ADMIN_TOKEN)
  report        summarise what the database recorded (PnL, trades, win
                rate, drawdown, latency, per strategy and day), and the
                trader's report of a run as a backtest gives it:
                cdb report [--dsn DSN] [--run ID] [--node NAME]
                  [--from TIME] [--to TIME] [--format table|json]
                  [--html FILE] (default DSN: $CDB_PERSISTENCE_DSN)
  help    this text; 'cdb run --help' lists every option

Options come from the config file, then CDB_<GROUP>_<KEY> environment
variables, then command-line flags; later sources win.
)";

/// cdb admin COMMAND [--url U] [--reason R] [--token T]
int admin_main(const std::vector<std::string>& args) {
  std::string command;
  std::string url = "http://127.0.0.1:9465";
  std::string reason;
  const char* env = std::getenv("CDB_ADMIN_TOKEN");
  std::string token = env != nullptr ? env : "";
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto& a = args[i];
    auto value = [&](const std::string& flag, std::string& out) {
      return cdb::flag_value(args, i, flag, out);
    };
    if (value("--url", url) || value("--reason", reason)
        || value("--token", token))
      continue;
    if (command.empty() && a.compare(0, 1, "-") != 0) {
      command = a;
      continue;
    }
    std::cerr << "cdb admin: unexpected argument '" << a << "'\n" << usage;
    return 2;
  }
  if (command.empty()) {
    std::cerr << "cdb admin: no command given\n" << usage;
    return 2;
  }
  return cdb::admin_client(url, command, token, reason);
}

} // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string mode = "help";
  if (!args.empty() && args.front().compare(0, 1, "-") != 0) {
    mode = args.front();
    args.erase(args.begin());
  } else if (!args.empty()) {
    mode = "run-help-check";
  }
  if (mode == "help") {
    std::cout << usage;
    return 0;
  }
  if (mode == "admin")
    return admin_main(args);
  if (mode == "report")
    return cdb::report_main(args, std::getenv("CDB_PERSISTENCE_DSN"));
  if (mode != "run" && mode != "node" && mode != "backtest"
      && mode != "exchange-sim" && mode != "record"
      && mode != "run-help-check") {
    std::cerr << "cdb: unknown mode '" << mode << "'\n" << usage;
    return 2;
  }
  cdb::cdb_options cfg;
  bool wants_help = false;
  std::vector<std::string> bt_errors;
  cdb::backtest_args bt;
  if (mode == "backtest")
    bt = cdb::take_backtest_args(args, bt_errors);
  auto errors = cdb::load_options(cfg, args, std::getenv, wants_help);
  errors.insert(errors.end(), bt_errors.begin(), bt_errors.end());
  if (mode == "backtest") {
    cdb::prepare_backtest(cfg, bt);
    // The report, not the log, is a backtest's output.
    auto log_flag = std::any_of(args.begin(), args.end(), [](auto& a) {
      return a.compare(0, 15, "--run.log_level") == 0;
    });
    if (!log_flag && std::getenv("CDB_RUN_LOG_LEVEL") == nullptr)
      cfg.log_level = "warning";
  }
  if (wants_help) {
    auto name = mode == "run-help-check" ? std::string{"cdb"} : "cdb " + mode;
    std::cout << usage << "\noptions of '" << name << "':\n" << cfg.help();
    return 0;
  }
  if (mode == "run-help-check") {
    std::cerr << "cdb: no mode given\n" << usage;
    return 2;
  }
  if (mode == "record") {
    cfg.record.validate(errors);
    cdb::ws_url u;
    if (!cdb::ws_url::parse(cfg.node.feed.url, u))
      errors.push_back("feed.url = " + cfg.node.feed.url
                       + ": must be ws:// or wss://host[:port]/path to record");
  } else if (mode == "exchange-sim") {
    cfg.node.feed.synthetic.validate(errors);
    cfg.sim.validate(errors);
  } else {
    cfg.validate(errors);
  }
  if (!errors.empty()) {
    for (auto& e : errors)
      std::cerr << "cdb: config error: " << e << '\n';
    return 2;
  }
  cdb::log::level lvl = cdb::log::level::info;
  cdb::log::parse_level(cfg.log_level, lvl);
  cdb::log::set_level(lvl);
  if (mode == "exchange-sim")
    return cdb::run_exchange_sim(cfg.sim, cfg.node.feed.synthetic);
  if (mode == "record")
    return cdb::run_recorder(cfg.record, cfg.node.feed.url,
                             cfg.node.feed.ca_file);
  // Before the node's threads start: each inherits it.
  std::string slack_error;
  if (!cdb::set_timer_slack(cfg.timer_slack.count(), slack_error)) {
    std::cerr << "cdb: run.timer_slack: the kernel refused it: " << slack_error
              << '\n';
    return 1;
  }
  // Also before them: they start off the home CPU (a backtest's thread
  // and the home worker go to it themselves).
  std::string place_error;
  if (!cdb::cpu_placement::set(cfg.home_cpu, place_error)) {
    std::cerr << "cdb: run.home_cpu: the kernel refused it: " << place_error
              << '\n';
    return 1;
  }
  if (mode == "backtest")
    return cdb::run_backtest(cfg, bt);
  return cdb::run_node(cfg);
}

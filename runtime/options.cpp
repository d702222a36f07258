#include "runtime/options.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include <caf/all.hpp>

#include "runtime/config_check.hpp"
#include "runtime/cpu_placement.hpp"
#include "runtime/log.hpp"

namespace cdb {

namespace {

std::string str(caf::string_view x) {
  return std::string{x.begin(), x.end()};
}

} // namespace

caf::timespan* cdb_options::span(nanoseconds* target) {
  if (spans_used_ == std::size(span_storage_))
    throw std::logic_error("cdb_options: raise span_storage_ capacity");
  auto* s = &span_storage_[spans_used_++];
  *s = caf::timespan{*target};
  spans_.emplace_back(s, target);
  return s;
}

cdb_options::cdb_options() {
  auto& n = node;
  opt_group{custom_options_, "run"}
    .add(n.node_name, "node_name", "name of this node (logs, ids)")
    .add(duration, "duration", "stop after this long; 0 runs until signalled")
    .add(status_interval, "status_interval", "status line period")
    .add(log_level, "log_level", "debug, info, warning or error")
    .add(timer_slack, "timer_slack",
         "how late the kernel may wake a sleeping thread of this process "
         "(CAF's idle workers sleep 50us between polls); 0: the kernel's "
         "default (50us)")
    .add(scheduler, "scheduler",
         "CAF scheduler of a live node: home (one worker runs the actors, "
         "the others take over from it when it is stuck or behind) or "
         "stealing (CAF's: any idle worker takes any queued actor)")
    .add(helper_stall, "helper_stall",
         "home scheduler: a helper worker takes queued actors from a worker "
         "that has finished no handler for this long")
    .add(helper_backlog, "helper_backlog",
         "home scheduler: ... or that has this many actors queued")
    .add(home_cpu, "home_cpu",
         "CPU of the thread that runs the actors (the home worker; a "
         "backtest's thread); every other thread of the node keeps off it. "
         "-1: none, the kernel places every thread")
    .add(pick_home_cpu, "pick_home_cpu",
         "cdb backtest with home_cpu -1 on two CPUs or more: tries each of "
         "the first four for 50 ms, runs the actors where they went "
         "fastest (the other threads off it) and tries again every 2 s; "
         "false: the kernel places every thread. Live nodes never pick")
    .add(*span(&n.drain_timeout), "drain_timeout",
         "time for in-flight work after the feed stops at shutdown")
    .add(n.actor_throughput, "actor_throughput",
         "messages an actor handles before its thread runs the next ready "
         "actor; 0: CAF's scheduler.max-throughput")
    .add(chaos_kill_actor, "chaos_kill_actor",
         "test hook: kill this actor (feed, signal, risk, ...)")
    .add(chaos_kill_after, "chaos_kill_after",
         "when to kill it, and the time between kills")
    .add(chaos_kill_times, "chaos_kill_times", "how many times to kill it")
    .add(chaos_kill_on_stop, "chaos_kill_on_stop",
         "test hook: kill it once more as the node begins to stop");
  auto& m = n.feed.synthetic;
  opt_group{custom_options_, "market"}
    .add(m.seed, "seed", "seed of the synthetic market")
    .add(m.instruments, "instruments", "instruments to generate")
    .add(m.start_prices, "start_prices", "start price per instrument")
    .add(*span(&m.step), "step", "event time between market steps")
    .add(m.volatility, "volatility", "log-return stdev per sqrt(second)")
    .add(m.trend, "trend", "|drift| per second in a trend regime")
    .add(m.regime_seconds, "regime_seconds", "mean regime length (seconds)")
    .add(m.spread_bps, "spread_bps", "quoted spread in basis points")
    .add(m.trades_per_step, "trades_per_step", "mean trades per step")
    .add(m.tick_size, "tick_size", "price increment")
    .add(m.lot_step, "lot_step", "quantity increment");
  opt_group{custom_options_, "feed"}
    .add(n.feed.source, "source", "synthetic, replay, binance or mexc")
    .add(n.feed.url, "url", "ws:// or wss:// stream URL (binance, mexc)")
    .add(n.feed.ca_file, "ca_file", "wss: trusted CAs (PEM); empty: system's")
    .add(n.feed.subscribe, "subscribe",
         "mexc: channels, e.g. BTC_USDT@deal, BTC_USDT@ticker")
    .add(n.feed.contract_sizes, "contract_sizes",
         "mexc: SYMBOL=base units per contract, e.g. BTC_USDT=0.0001")
    .add(*span(&n.feed.ping_every), "ping_every",
         "mexc: application ping period")
    .add(*span(&n.feed.idle_timeout), "idle_timeout",
         "live: drop a connection silent this long (pings at half); 0: never")
    .add(*span(&n.feed.rotate_after), "rotate_after",
         "live: planned seamless reconnect after this long; 0: never")
    .add(n.feed.max_ticks, "max_ticks", "stop the feed after N ticks; 0: never")
    .add(n.feed.files, "files", "recorded files to replay (source=replay)")
    .add(n.feed.format, "format", "format of the files; detect: from line 1")
    .add(n.feed.speed, "speed", "replay speed; 1: real time, 60: a minute/s")
    .add(n.feed.bar_instrument, "bar_instrument",
         "instrument of bar files that name none")
    .add(*span(&n.feed.bar_interval), "bar_interval",
         "bar length of OHLCV files")
    .add(n.feed.bar_quote_spread_bps, "bar_quote_spread_bps",
         "replay: a quote this wide (bps) at each bar's close; 0: none")
    .add(n.feed.trade_quote_spread_bps, "trade_quote_spread_bps",
         "replay: a quote this wide (bps) at a trade with no recorded quote "
         "within stale_after; 0: none")
    .add(*span(&n.feed.stale_after), "stale_after",
         "silence before an instrument is reported stale")
    .add(n.feed.history_trades, "history_trades",
         "recent trades kept per instrument for subscribers' warm-up")
    .add(n.feed.history_bars, "history_bars",
         "recent venue bars kept per instrument and interval for warm-up");
  opt_group{custom_options_, "sim"}
    .add(sim.bind, "bind", "exchange-sim: address to listen on")
    .add(sim.port, "port", "exchange-sim: TCP port")
    .add(sim.tls_cert, "tls_cert", "exchange-sim: PEM certificate; serves wss")
    .add(sim.tls_key, "tls_key", "exchange-sim: PEM private key")
    .add(sim.files, "files",
         "exchange-sim: serve these recordings instead of the synthetic market")
    .add(sim.speed, "speed", "exchange-sim: recording speed; 1: real time")
    .add(sim.contract_size, "contract_size",
         "exchange-sim: MEXC base units per contract")
    .add(*span(&sim.ping_timeout), "ping_timeout",
         "exchange-sim: drop a MEXC client silent this long")
    .add(sim.drop_after, "drop_after",
         "exchange-sim: drop each connection after N messages; 0: never")
    .add(sim.duplicate_every, "duplicate_every",
         "exchange-sim: send every Nth message twice; 0: never")
    .add(sim.garbage_every, "garbage_every",
         "exchange-sim: send garbage after every Nth message; 0: never")
    .add(sim.stall_after, "stall_after",
         "exchange-sim: go silent after N messages; 0: never")
    .add(*span(&sim.stall_for), "stall_for", "exchange-sim: silence length");
  opt_group{custom_options_, "record"}
    .add(record.dir, "dir", "record: directory of the JSONL files")
    .add(record.max_bytes, "max_bytes", "record: rotate at this file size")
    .add(*span(&record.rotate_after), "rotate_after",
         "record: rotate at this file age")
    .add(*span(&record.duration), "duration",
         "record: stop after this long; 0: when signalled");
  auto& s = n.signal;
  opt_group{custom_options_, "signal"}
    .add(s.strategies, "strategies",
         "strategy instances: \"NAME INSTRUMENTS|* [key=value ...]\"")
    .add(s.bars, "bars", "default bars: duration, volume:V or ticks:N")
    .add(s.fill_gaps, "fill_gaps", "flat bars for intervals without trades")
    .add(s.max_strategy_errors, "max_strategy_errors",
         "disable a strategy instance after this many exceptions")
    .add(s.recovered_bars, "recovered_bars",
         "bars per series replayed from persistence at start (0: none)")
    .add(*span(&s.recovered_bars_max_age), "recovered_bars_max_age",
         "replay a recorded series only if its newest bar is this recent");
  auto& r = n.risk;
  opt_group{custom_options_, "risk"}
    .add(r.max_position_pct, "max_position_pct",
         "max notional of one position, % of equity (caps)")
    .add(r.max_exposure_pct, "max_exposure_pct",
         "max open notional, % of equity")
    .add(r.max_daily_drawdown_pct, "max_daily_drawdown_pct",
         "block new risk at this loss, % of start-of-day equity")
    .add(r.max_spread_bps, "max_spread_bps", "reject above this spread")
    .add(*span(&r.data_stale_timeout), "data_stale_timeout",
         "reject when the quote is older")
    .add(*span(&r.signal_timeout), "signal_timeout",
         "reject when the signal is older")
    .add(r.sizing.risk_per_trade_pct, "risk_per_trade_pct",
         "fixed-fractional sizing: % of equity at risk")
    .add(r.sizing.default_stop_pct, "default_stop_pct",
         "stop distance when the signal has no hint, % of price")
    .add(r.take_profit_r, "take_profit_r", "take profit at R x stop; 0: none")
    .add(r.sizing.lot_step, "lot_step", "order quantity increment")
    .add(r.sizing.min_notional, "min_notional", "smallest order notional")
    .add(r.sizing_method, "sizing_method",
         "fixed_fractional, volatility_target, kelly, atr or regime")
    .add(r.sizing.vol_target_pct, "vol_target_pct",
         "volatility targeting: annualised position vol, % of equity")
    .add(r.sizing.kelly_fraction, "kelly_fraction",
         "kelly: fraction of full Kelly")
    .add(r.sizing.kelly_cap_pct, "kelly_cap_pct",
         "kelly: most equity at risk, %")
    .add(r.sizing.kelly_win_rate, "kelly_win_rate",
         "kelly: win rate until trades are recorded")
    .add(r.sizing.kelly_payoff, "kelly_payoff",
         "kelly: avg win / avg loss until trades are recorded")
    .add(r.sizing.atr_stop_multiple, "atr_stop_multiple",
         "atr sizing: stop = k x ATR")
    .add(r.sizing.regime_high_vol_pct, "regime_high_vol_pct",
         "regime: annualised vol from which volatility targeting sizes")
    .add(r.sizing.max_notional_pct, "max_notional_pct",
         "a size above this % of equity is absurd: rejected")
    .add(*span(&r.vol_bar), "vol_bar", "mid-price bars for volatility and ATR")
    .add(r.vol_window, "vol_window", "volatility window, bars")
    .add(r.perpetuals, "perpetuals",
         "perpetual futures (\"*\": all); marked ones count anyway")
    .add(r.leverage, "leverage", "perpetuals: leverage of every position")
    .add(r.instrument_leverage, "instrument_leverage",
         "perpetuals: \"INSTRUMENT=LEVERAGE\" entries overriding leverage")
    .add(r.maintenance_margin_pct, "maintenance_margin_pct",
         "perpetuals: maintenance margin, % of notional")
    .add(r.min_liquidation_distance_pct, "min_liquidation_distance_pct",
         "perpetuals: least liquidation distance from entry, %")
    .add(r.max_daily_funding_pct, "max_daily_funding_pct",
         "perpetuals: most funding paid per day, % of notional")
    .add(r.max_slippage_bps, "max_slippage_bps",
         "perpetuals: most estimated slippage, bps")
    .add(r.impact_coefficient, "impact_coefficient",
         "perpetuals: square-root impact coefficient of the estimate")
    .add(r.funding_rate_fallback, "funding_rate_fallback",
         "perpetuals: funding rate per 8 h until the feed sends one")
    .add(*span(&r.day_start), "day_start",
         "the trading day starts this long after UTC midnight");
  auto& b = n.breaker;
  opt_group{custom_options_, "circuit_breaker"}
    .add(b.drawdown_pct, "drawdown_pct",
         "drawdown rule: trips at this drawdown from peak equity, %")
    .add(b.daily_loss_pct, "daily_loss_pct",
         "daily_loss rule: trips at this loss, % of start-of-day equity")
    .add(b.losing_streak, "losing_streak",
         "losing_streak rule: trips after this many losing trades in a row")
    .add(*span(&b.feed_stale_after), "feed_stale_after",
         "feed_stale rule: trips when an instrument is stale this long")
    .add(b.restart_storm, "restart_storm",
         "restart_storm rule: trips at this many actor restarts...")
    .add(*span(&b.restart_window), "restart_window", "...within this window")
    .add(*span(&b.unreachable_after), "unreachable_after",
         "unreachable rule: trips when risk or execution is down this long")
    .add(b.rejection_burst, "rejection_burst",
         "rejection_burst rule: trips at this many rejections...")
    .add(*span(&b.rejection_window), "rejection_window",
         "...within this window (event time)")
    .add(b.execution_errors, "execution_errors",
         "execution_errors rule: trips at this many venue rejections...")
    .add(*span(&b.execution_error_window), "execution_error_window",
         "...within this window (event time)")
    .add(b.persistence_backlog, "persistence_backlog",
         "persistence_backlog rule: trips when this many events wait for "
         "the database (memory + spool)");
  for (std::size_t i = 0; i < configurable_rule_count; ++i) {
    auto r = static_cast<breaker_rule>(i);
    auto name = std::string{to_string(r)};
    auto& a = b.configurable(r);
    auto action = name + "_action";
    auto flatten = name + "_flatten";
    auto cooldown = name + "_cooldown";
    opt_group{custom_options_, "circuit_breaker"}
      .add(a.action, caf::string_view{action},
           "what the rule trips: halted, reducing or off")
      .add(a.flatten, caf::string_view{flatten},
           "also close every position when it trips")
      .add(*span(&a.cooldown), caf::string_view{cooldown},
           "timed reset; 0: manual resume only");
  }
  auto& e = n.execution;
  opt_group{custom_options_, "execution"}
    .add(e.initial_cash, "initial_cash", "paper account cash")
    .add(e.taker_fee_pct, "taker_fee_pct", "taker fee, % of notional")
    .add(e.maker_fee_pct, "maker_fee_pct", "maker fee, % of notional")
    .add(*span(&e.snapshot_interval), "snapshot_interval",
         "portfolio snapshot period")
    .add(e.publish_unchanged, "publish_unchanged",
         "a backtest also publishes snapshots equal to the last")
    .add(*span(&e.latency), "latency",
         "orders fill against the first data at event time + this")
    .add(*span(&e.max_wait), "max_wait",
         "a due market order without a usable book expires after this")
    .add(*span(&e.max_quote_age), "max_quote_age",
         "no taker fill against a best bid/offer older than this")
    .add(e.partial_remainder, "partial_remainder",
         "market order rest when depth runs out: cancel or keep")
    .add(e.history, "history",
         "market events kept per instrument for late-arriving orders")
    .add(e.impact_coefficient, "impact_coefficient",
         "square-root impact coefficient (no depth)")
    .add(e.fallback_impact_bps, "fallback_impact_bps",
         "impact while volume or volatility is unknown, bps")
    .add(e.max_impact_bps, "max_impact_bps", "impact cap, bps")
    .add(e.extreme_volatility_bps, "extreme_volatility_bps",
         "refuse taker orders above this bar volatility, bps")
    .add(e.queue_position, "queue_position",
         "share of the displayed size ahead of a resting order, 0..1")
    .add(*span(&e.stats_bar), "stats_bar", "volatility and volume bar")
    .add(e.stats_window, "stats_window", "volatility window, bars")
    .add(e.margin_mode, "margin_mode", "perpetuals: isolated or cross")
    .add(e.liquidation_offset_pct, "liquidation_offset_pct",
         "perpetuals: liquidate this % before the liquidation price")
    .add(*span(&e.funding_interval), "funding_interval",
         "perpetuals: funding period")
    .add(e.funding_alarm_pct_per_hour, "funding_alarm_pct_per_hour",
         "perpetuals: alarm above this funding rate, % per hour");
  auto& p = n.persistence;
  opt_group{custom_options_, "persistence"}
    .add(p.dsn, "dsn", "libpq connection string (secret: prefer env)")
    .add(*span(&p.flush_interval), "flush_interval", "max write delay")
    .add(p.batch_size, "batch_size", "flush at this many events")
    .add(*span(&p.retry_max), "retry_max", "max retry backoff")
    .add(p.spool_dir, "spool_dir",
         "where batches wait while the database is down (NODE.spool)");
  opt_group{custom_options_, "metrics"}
    .add(metrics.enabled, "enabled", "serve Prometheus metrics at /metrics")
    .add(metrics.address, "address", "metrics endpoint: bind address")
    .add(metrics.port, "port", "metrics endpoint: port; 0: any free port");
  opt_group{custom_options_, "admin"}
    .add(admin.address, "address", "admin HTTP endpoint: bind address")
    .add(admin.port, "port", "admin HTTP endpoint: port; 0: any free port")
    .add(admin.token, "token",
         "bearer token of POST /admin/* (secret: prefer env); empty: "
         "admin commands disabled");
  auto& sv = n.supervisor;
  opt_group{custom_options_, "supervisor"}
    .add(sv.max_restarts, "max_restarts", "restarts allowed per window")
    .add(*span(&sv.window), "window", "restart budget window")
    .add(*span(&sv.backoff_initial), "backoff_initial", "first restart delay")
    .add(*span(&sv.backoff_max), "backoff_max", "longest restart delay");
  auto& cl = n.cluster;
  opt_group{custom_options_, "node"}
    .add(cl.roles, "roles",
         "actors this node hosts: feed, signal, risk, circuit_breaker, "
         "execution, persistence")
    .add(cl.listen_address, "listen_address",
         "address peer nodes connect to (127.0.0.1: this machine only)")
    .add(cl.listen_port, "listen_port",
         "port peer nodes connect to; 0: do not listen")
    .add(cl.peers, "peers", "host:port of every other node")
    .add(*span(&cl.heartbeat_interval), "heartbeat_interval",
         "heartbeat on every link to a peer node")
    .add(*span(&cl.connection_timeout), "connection_timeout",
         "a link silent this long is lost (its actors unreachable)")
    .add(*span(&cl.reconnect_initial), "reconnect_initial",
         "first delay before reconnecting to a peer (doubles)")
    .add(*span(&cl.reconnect_max), "reconnect_max",
         "longest delay between reconnect attempts")
    .add(*span(&cl.link_timeout), "link_timeout",
         "split backtest: the nodes link, and answer, within this span")
    .add(cl.tls_ca, "tls_ca",
         "mutual TLS on node links: CA (PEM) that signed every node")
    .add(cl.tls_cert, "tls_cert", "mutual TLS: this node's certificate (PEM)")
    .add(cl.tls_key, "tls_key", "mutual TLS: this node's private key (PEM)");
  // Not CAF's default (at least four workers, four on two cores): see
  // default_scheduler_threads.
  caf::put(content, "scheduler.max-threads", default_scheduler_threads);
}

void cdb_options::validate(std::vector<std::string>& errors) const {
  config_check c{"run", errors};
  log::level lvl;
  c.require(log::parse_level(log_level, lvl), "log_level", log_level,
            "must be debug, info, warning or error");
  c.require_span(duration.count() >= 0, "duration", duration.count(),
                 "must be >= 0 (0 runs until signalled)");
  c.require_span(status_interval.count() > 0, "status_interval",
                 status_interval.count(), "must be > 0");
  c.require_span(timer_slack.count() >= 0 && timer_slack.count() <= 1'000'000,
                 "timer_slack", timer_slack.count(),
                 "must be between 0 and 1ms (0: the kernel's default)");
  c.require(scheduler == "home" || scheduler == "stealing", "scheduler",
            scheduler, "must be home or stealing");
  c.require_span(helper_stall.count() > 0
                   && helper_stall <= std::chrono::seconds{1},
                 "helper_stall", helper_stall.count(),
                 "must be > 0 and <= 1s (a stuck actor holds the others "
                 "this long)");
  c.require(helper_backlog >= 1, "helper_backlog", helper_backlog,
            "must be >= 1");
  if (home_cpu >= 0) {
    auto cpus = allowed_cpus();
    auto rule = "must be -1 (none) or one of the CPUs this process may run "
                "on: "
                + cpu_list_text(cpus);
    c.require(std::find(cpus.begin(), cpus.end(), home_cpu) != cpus.end(),
              "home_cpu", home_cpu, rule.c_str());
    c.require(scheduler == "home", "home_cpu", home_cpu,
              "must be -1 with run.scheduler=stealing (no worker is home)");
  } else {
    c.require(home_cpu == -1, "home_cpu", home_cpu,
              "must be -1 (none) or a CPU number");
  }
  c.require_span(node.drain_timeout >= 0, "drain_timeout", node.drain_timeout,
                 "must be >= 0");
  static const std::vector<std::string> actors{
    "",          "feed",       "signal", "risk", "circuit_breaker",
    "execution", "persistence"};
  c.require(std::find(actors.begin(), actors.end(), chaos_kill_actor)
              != actors.end(),
            "chaos_kill_actor", chaos_kill_actor,
            "must be empty or one of feed, signal, risk, circuit_breaker, "
            "execution, persistence");
  c.require_span(chaos_kill_after.count() >= 0, "chaos_kill_after",
                 chaos_kill_after.count(), "must be >= 0");
  c.require(chaos_kill_times >= 1, "chaos_kill_times", chaos_kill_times,
            "must be >= 1");
  node.validate(errors);
  admin.validate(errors);
  metrics.validate(errors);
}

void cdb_options::load_scheduler() {
  if (scheduler == "home")
    use_home_scheduler(*this, helper_stall, helper_backlog);
}

void cdb_options::sync() {
  for (auto& kvp : spans_)
    *kvp.second = kvp.first->count();
}

std::string cdb_options::env_name(const std::string& key) {
  std::string out = "CDB_";
  for (auto c : key)
    out += std::isalnum(static_cast<unsigned char>(c))
             ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
             : '_';
  return out;
}

std::string cdb_options::help() const {
  // cdb's own groups first, in the order of the config file; CAF's runtime
  // options (scheduler, middleman, openssl, ...) after them.
  static const std::vector<std::string> own{"run",        "market",
                                            "feed",       "signal",
                                            "risk",       "circuit_breaker",
                                            "execution",  "persistence",
                                            "supervisor", "node",
                                            "admin",      "metrics",
                                            "sim",        "record"};
  auto is_own = [](const std::string& cat) {
    return std::find(own.begin(), own.end(), cat) != own.end();
  };
  std::ostringstream out;
  auto print_group = [&](const std::string& group) {
    out << "\n[" << group << "]\n";
    for (auto& opt : custom_options_) {
      if (str(opt.category()) != group)
        continue;
      auto name = str(opt.full_name());
      out << "  --" << name << "=<" << str(opt.type_name()) << ">";
      if (auto v = opt.get())
        out << "  (default: " << caf::to_string(*v) << ")";
      out << "\n      " << str(opt.description()) << "  [env " << env_name(name)
          << "]\n";
    }
  };
  for (auto& group : own)
    print_group(group);
  out << "\nCAF runtime options (same sources, same precedence):\n";
  std::vector<std::string> others;
  for (auto& opt : custom_options_) {
    auto cat = str(opt.category());
    if (cat == "global" || cat == "caf-global" || is_own(cat)
        || std::find(others.begin(), others.end(), cat) != others.end())
      continue;
    others.push_back(cat);
  }
  for (auto& group : others)
    print_group(group);
  return out.str();
}

namespace {

/// Flattens nested settings into (group.key, value) pairs.
void flatten(const caf::settings& xs, const std::string& prefix,
             std::vector<std::pair<std::string, caf::config_value>>& out) {
  for (auto& kvp : xs) {
    auto key = prefix.empty() ? kvp.first : prefix + '.' + kvp.first;
    if (auto sub = caf::get_if<caf::settings>(&kvp.second))
      flatten(*sub, key, out);
    else
      out.emplace_back(key, kvp.second);
  }
}

/// Checks and stores one value; returns an error text or "".
std::string store_value(cdb_options& cfg, const caf::config_option_set& opts,
                        const std::string& key, caf::config_value value,
                        const std::string& origin) {
  auto* opt = opts.qualified_name_lookup(key);
  if (opt == nullptr)
    return origin + ": unknown key " + key;
  // "10" in a file is an integer; a real-valued key takes it as 10.0.
  if (auto i = caf::get_if<caf::config_value::integer>(&value)) {
    if (opt->type_name() == "real64" || opt->type_name() == "double")
      value = static_cast<double>(*i);
  }
  if (auto err = opt->check(value))
    return origin + ": " + key + " = " + caf::to_string(value)
           + ": expected a value of type " + str(opt->type_name());
  opt->store(value);
  caf::put(cfg.content, key, value);
  return {};
}

std::string store_text(cdb_options& cfg, const caf::config_option_set& opts,
                       const std::string& key, const std::string& text,
                       const std::string& origin) {
  auto* opt = opts.qualified_name_lookup(key);
  if (opt == nullptr)
    return origin + ": unknown key " + key;
  auto parsed = opt->parse(text);
  if (!parsed)
    return origin + ": " + key + " = \"" + text
           + "\": expected a value of type " + str(opt->type_name());
  return store_value(cfg, opts, key, std::move(*parsed), origin);
}

} // namespace

std::vector<std::string>
load_options(cdb_options& cfg, const std::vector<std::string>& args,
             const std::function<const char*(const char*)>& getenv,
             bool& wants_help) {
  std::vector<std::string> errors;
  std::vector<std::pair<std::string, std::string>> flags;
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto& a = args[i];
    if (a == "--help" || a == "-h") {
      wants_help = true;
    } else if (a == "--config" && i + 1 < args.size()) {
      cfg.config_files.push_back(args[++i]);
    } else if (a.compare(0, 9, "--config=") == 0) {
      cfg.config_files.push_back(a.substr(9));
    } else if (a.compare(0, 2, "--") == 0 && a.find('=') != std::string::npos) {
      auto eq = a.find('=');
      flags.emplace_back(a.substr(2, eq - 2), a.substr(eq + 1));
    } else {
      errors.push_back("argument " + a
                       + ": expected --group.key=value, --config FILE or "
                         "--help");
    }
  }
  auto& opts = cfg.options();
  for (auto& file : cfg.config_files) {
    std::ifstream in{file};
    if (!in) {
      errors.push_back("config file " + file + ": cannot open");
    } else if (auto parsed = caf::actor_system_config::parse_config(in)) {
      std::vector<std::pair<std::string, caf::config_value>> kvs;
      flatten(*parsed, "", kvs);
      for (auto& kv : kvs)
        if (auto err = store_value(cfg, opts, kv.first, kv.second, file);
            !err.empty())
          errors.push_back(err);
    } else {
      errors.push_back("config file " + file
                       + ": syntax error: " + caf::to_string(parsed.error()));
    }
  }
  for (auto& opt : opts) {
    auto key = str(opt.full_name());
    auto var = cdb_options::env_name(key);
    if (auto text = getenv(var.c_str()))
      if (auto err = store_text(cfg, opts, key, text, "environment " + var);
          !err.empty())
        errors.push_back(err);
  }
  for (auto& f : flags)
    if (auto err = store_text(cfg, opts, f.first, f.second, "--" + f.first);
        !err.empty())
      errors.push_back(err);
  cfg.sync();
  return errors;
}

} // namespace cdb

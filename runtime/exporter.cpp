#include "runtime/exporter.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <utility>

#include <prometheus/collectable.h>
#include <prometheus/exposer.h>
#include <unistd.h>

#include "runtime/config_check.hpp"

namespace cdb {

void metrics_config::validate(std::vector<std::string>& errors) const {
  config_check c{"metrics", errors};
  c.require(!enabled || !address.empty(), "address", "\"\"",
            "must be an IP address to bind");
  c.require(port <= 65535, "port", port, "must be <= 65535 (0: any free port)");
}

process_sample sample_process() {
  process_sample out;
  auto page = static_cast<double>(::sysconf(_SC_PAGESIZE));
  auto ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  {
    std::ifstream statm{"/proc/self/statm"};
    double size = 0;
    double resident = 0;
    if (statm >> size >> resident)
      out.resident_bytes = resident * page;
  }
  {
    std::ifstream stat{"/proc/self/stat"};
    std::string text{std::istreambuf_iterator<char>{stat}, {}};
    // Fields after the command (which may hold spaces) start after ')':
    // state is field 3, utime 14, stime 15.
    auto close = text.rfind(')');
    if (close != std::string::npos && ticks > 0) {
      unsigned long utime = 0;
      unsigned long stime = 0;
      // Kernel-written decimal fields; the match count is checked.
      // NOLINTNEXTLINE(cert-err34-c)
      if (std::sscanf(text.c_str() + close + 1,
                      " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
                      &utime, &stime)
          == 2)
        out.cpu_seconds = static_cast<double>(utime + stime) / ticks;
    }
  }
  std::error_code ec;
  for (std::filesystem::directory_iterator i{"/proc/self/fd", ec}, end;
       !ec && i != end; i.increment(ec))
    ++out.open_fds;
  return out;
}

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

/// Builds one scrape's families; every metric gets the node label first.
class family_builder {
public:
  explicit family_builder(std::string node) : node_(std::move(node)) {
    // nop
  }

  void counter(const char* name, const char* help, double value) {
    add(name, help, MetricType::Counter).counter.value = value;
  }

  void gauge(const char* name, const char* help, double value) {
    add(name, help, MetricType::Gauge).gauge.value = value;
  }

  /// A counter or gauge with labels beyond `node`; consecutive calls with
  /// the same name share one family.
  void labelled(
    const char* name, const char* help, MetricType type,
    std::initializer_list<std::pair<const char*, std::string_view>> labels,
    double value) {
    auto& m = add(name, help, type);
    for (auto& [k, v] : labels)
      m.label.push_back({k, std::string{v}});
    if (type == MetricType::Counter)
      m.counter.value = value;
    else
      m.gauge.value = value;
  }

  ClientMetric& histogram(const char* name, const char* help,
                          const latency_histogram& h) {
    auto& m = add(name, help, MetricType::Histogram);
    // Every fourth bound of the recorder (x2.44 apart): cumulative counts
    // at those bounds are exact.
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i + 1 < latency_histogram::buckets; ++i) {
      seen += h.count_in(i);
      if (i % 4 == 0)
        m.histogram.bucket.push_back({seen, h.bound(i)});
    }
    seen += h.count_in(latency_histogram::buckets - 1);
    m.histogram.bucket.push_back(
      {seen, std::numeric_limits<double>::infinity()});
    m.histogram.sample_count = seen;
    m.histogram.sample_sum = h.sum();
    return m;
  }

  ClientMetric& histogram(const char* name, const char* help,
                          const value_histogram& h) {
    auto& m = add(name, help, MetricType::Histogram);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i <= h.size(); ++i) {
      seen += h.count_in(i);
      m.histogram.bucket.push_back({seen, h.bound(i)});
    }
    m.histogram.sample_count = seen;
    m.histogram.sample_sum = h.sum();
    return m;
  }

  /// Starts a family that may stay without samples (a labelled family
  /// before its first label set): it is listed all the same.
  void family(const char* name, const char* help, MetricType type) {
    if (families_.empty() || families_.back().name != name)
      families_.push_back(MetricFamily{name, help, type, {}});
  }

  std::vector<MetricFamily> take() {
    return std::move(families_);
  }

private:
  ClientMetric& add(const char* name, const char* help, MetricType type) {
    if (families_.empty() || families_.back().name != name)
      families_.push_back(MetricFamily{name, help, type, {}});
    auto& f = families_.back();
    f.metric.emplace_back();
    f.metric.back().label.push_back({"node", node_});
    return f.metric.back();
  }

  std::string node_;
  std::vector<MetricFamily> families_;
};

double num(const std::atomic<std::uint64_t>& x) {
  return static_cast<double>(x.load(std::memory_order_relaxed));
}

double num(const std::atomic<double>& x) {
  return x.load(std::memory_order_relaxed);
}

/// One sample per label set of a one-label counter table.
void counters(family_builder& b, const char* name, const char* help,
              const char* label, const label_table<counter_cell, 1>& table) {
  b.family(name, help, MetricType::Counter);
  table.each([&](const auto& labels, const counter_cell& c) {
    b.labelled(name, help, MetricType::Counter, {{label, labels[0]}}, num(c));
  });
}

void actor_families(family_builder& b, const node_metrics& m) {
  // Actors a peer node hosts are that node's to report.
  auto hosted = [&m](std::size_t i) {
    return m.actors[i].hosted.load(std::memory_order_relaxed);
  };
  // One family at a time, a sample per actor.
  auto per_actor = [&](const char* name, const char* help, MetricType type,
                       auto value) {
    for (std::size_t i = 0; i < actor_names.size(); ++i)
      if (hosted(i))
        b.labelled(name, help, type, {{"actor", actor_names[i]}},
                   value(m.actors[i]));
  };
  per_actor("cdb_actor_up", "1 while the actor runs, 0 after it stopped",
            MetricType::Gauge, [](const actor_stats& a) {
              return a.up.load(std::memory_order_relaxed) ? 1.0 : 0.0;
            });
  per_actor("cdb_actor_messages_total", "Messages the actor handled",
            MetricType::Counter, [](const actor_stats& a) {
              return static_cast<double>(a.messages());
            });
  for (std::size_t i = 0; i < actor_names.size(); ++i)
    if (hosted(i))
      b.histogram("cdb_actor_handling_seconds",
                  "Time the actor spent on one message", m.actors[i].handling)
        .label.push_back({"actor", actor_names[i]});
  per_actor("cdb_actor_mailbox_messages",
            "Messages waiting in the actor's mailbox", MetricType::Gauge,
            [](const actor_stats& a) {
              return static_cast<double>(a.mailbox());
            });
  per_actor("cdb_actor_restarts_total",
            "Times the supervisor restarted the actor", MetricType::Counter,
            [](const actor_stats& a) { return num(a.restarts); });
  per_actor("cdb_actor_failures_total", "Times the actor failed (any reason)",
            MetricType::Counter,
            [](const actor_stats& a) { return num(a.failures); });
  const char* takes_name = "cdb_scheduler_helper_takes_total";
  const char* takes_help
    = "Actors a helper worker of the home scheduler took from a worker stuck "
      "in a handler (stall) or behind (backlog)";
  b.family(takes_name, takes_help, MetricType::Counter);
  if (auto& takes = m.scheduler_takes) {
    b.labelled(takes_name, takes_help, MetricType::Counter,
               {{"reason", "stall"}}, num(takes->stall));
    b.labelled(takes_name, takes_help, MetricType::Counter,
               {{"reason", "backlog"}}, num(takes->backlog));
  }
}

void cluster_families(family_builder& b, const node_metrics& m) {
  const char* up = "cdb_peer_up";
  const char* up_help = "1 while the link to the peer node is up";
  const char* connects = "cdb_peer_connects_total";
  const char* connects_help = "Links established to the peer node";
  const char* losses = "cdb_peer_losses_total";
  const char* losses_help = "Links to the peer node lost (closed or timed out)";
  b.family(up, up_help, MetricType::Gauge);
  b.family(connects, connects_help, MetricType::Counter);
  b.family(losses, losses_help, MetricType::Counter);
  m.peers.each([&](const auto& labels, const peer_link_stats& p) {
    b.labelled(up, up_help, MetricType::Gauge, {{"peer", labels[0]}},
               p.up.load(std::memory_order_relaxed));
    b.labelled(connects, connects_help, MetricType::Counter,
               {{"peer", labels[0]}}, num(p.connects));
    b.labelled(losses, losses_help, MetricType::Counter, {{"peer", labels[0]}},
               num(p.losses));
  });
  auto reachable = m.reachable_roles.load(std::memory_order_relaxed);
  bool distributed = m.distributed.load(std::memory_order_relaxed);
  for (std::size_t i = 0; i + 1 < actor_names.size(); ++i) {
    bool here = !distributed || (reachable & (1u << i)) != 0;
    b.labelled("cdb_role_reachable",
               "1 while an actor of the role runs here or on a connected peer",
               MetricType::Gauge, {{"role", actor_names[i]}}, here ? 1 : 0);
  }
}

void feed_families(family_builder& b, const node_metrics& m,
                   timestamp market_now) {
  for (std::size_t i = 0; i < feed_message_kinds.size(); ++i)
    b.labelled("cdb_feed_messages_total", "Market data messages published",
               MetricType::Counter, {{"type", feed_message_kinds[i]}},
               num(m.feed_by_kind[i]));
  counters(b, "cdb_feed_parse_errors_total",
           "Venue messages or recorded rows rejected as malformed", "reason",
           m.parse_errors);
  b.counter("cdb_feed_reconnects_total", "Reconnections to the venue",
            num(m.feed_reconnects));
  b.counter("cdb_feed_gaps_total", "Gaps in the venue's trade ids",
            num(m.feed_gaps));
  b.family("cdb_feed_data_age_seconds",
           "Market time since the instrument's last message",
           MetricType::Gauge);
  m.feed_instruments.each([&](const auto& labels, const instrument_feed& f) {
    auto last = f.last_data.load(std::memory_order_relaxed);
    if (last == 0)
      return;
    b.labelled("cdb_feed_data_age_seconds",
               "Market time since the instrument's last message",
               MetricType::Gauge, {{"instrument", labels[0]}},
               static_cast<double>(std::max<timestamp>(market_now - last, 0))
                 * 1e-9);
  });
  b.family("cdb_feed_status", "Feed health: 0 fresh, 1 stale, 2 disconnected",
           MetricType::Gauge);
  m.feed_instruments.each([&](const auto& labels, const instrument_feed& f) {
    b.labelled("cdb_feed_status",
               "Feed health: 0 fresh, 1 stale, 2 disconnected",
               MetricType::Gauge, {{"instrument", labels[0]}},
               f.health.load(std::memory_order_relaxed));
  });
  b.family("cdb_feed_stale_total",
           "Turns of the instrument to stale or disconnected",
           MetricType::Counter);
  m.feed_instruments.each([&](const auto& labels, const instrument_feed& f) {
    b.labelled("cdb_feed_stale_total",
               "Turns of the instrument to stale or disconnected",
               MetricType::Counter, {{"instrument", labels[0]}}, num(f.stale));
  });
}

void trading_families(family_builder& b, const node_metrics& m) {
  counters(b, "cdb_signals_total", "Signals sent to risk, by strategy",
           "strategy", m.signals_by_strategy);
  b.family("cdb_risk_decisions_total",
           "Risk decisions by outcome, deciding layer and reason",
           MetricType::Counter);
  m.decisions.each([&b](const auto& l, const counter_cell& c) {
    b.labelled("cdb_risk_decisions_total",
               "Risk decisions by outcome, deciding layer and reason",
               MetricType::Counter,
               {{"outcome", l[0]}, {"layer", l[1]}, {"reason", l[2]}}, num(c));
  });
  b.histogram("cdb_tick_to_order_seconds",
              "From the signal (made in the handler of the market data that "
              "caused it) to risk handing the order to execution",
              m.tick_to_order);
  counters(b, "cdb_breaker_rule_trips_total", "Circuit-breaker trips by rule",
           "rule", m.trips_by_rule);
  b.counter("cdb_orders_received_total",
            "Orders execution accepted from the wired risk actor",
            num(m.orders_received));
  counters(b, "cdb_orders_total", "Orders placed at the venue, by type", "type",
           m.orders_by_type);
  counters(b, "cdb_order_events_total", "Order lifecycle events, by status",
           "status", m.order_events);
  b.histogram("cdb_slippage_bps",
              "Fill price against the mid when the order became due, in bps "
              "(positive: worse)",
              m.slippage_bps);
  b.gauge("cdb_cash", "Free cash, quote currency", num(m.cash));
  b.gauge("cdb_exposure", "Sum of |qty| x mark over open positions",
          num(m.exposure));
  b.gauge("cdb_daily_pnl", "Equity minus the start-of-day equity",
          num(m.daily_pnl));
  b.gauge("cdb_peak_equity", "Highest equity since the process started",
          num(m.peak_equity));
  b.gauge("cdb_drawdown_ratio", "Drawdown from the peak equity (0.05: 5 %)",
          num(m.drawdown));
  b.gauge("cdb_open_positions", "Instruments with an open position",
          num(m.open_positions));
  b.family("cdb_position_notional", "|qty| x mark of one position",
           MetricType::Gauge);
  m.position_notional.each([&b](const auto& l, const gauge_cell& c) {
    b.labelled("cdb_position_notional", "|qty| x mark of one position",
               MetricType::Gauge, {{"instrument", l[0]}}, num(c));
  });
}

} // namespace

std::vector<MetricFamily> node_families(const node_metrics& m,
                                        const node_identity& who,
                                        const process_sample& process,
                                        timestamp now, timestamp market_now) {
  family_builder b{who.node};
  // Process.
  b.labelled("cdb_build_info", "Build of the running binary (value 1)",
             MetricType::Gauge,
             {{"version", who.version}, {"git_hash", who.git_hash}}, 1);
  b.gauge("cdb_process_start_time_seconds",
          "Start of the process, seconds since the epoch",
          static_cast<double>(who.started) * 1e-9);
  b.gauge("cdb_process_uptime_seconds", "Time since the process started",
          static_cast<double>(now - who.started) * 1e-9);
  b.gauge("cdb_process_resident_memory_bytes", "Resident memory",
          process.resident_bytes);
  b.counter("cdb_process_cpu_seconds_total", "User and system CPU time",
            process.cpu_seconds);
  b.gauge("cdb_process_open_fds", "Open file descriptors", process.open_fds);
  actor_families(b, m);
  cluster_families(b, m);
  feed_families(b, m, market_now);
  trading_families(b, m);
  // Signal.
  b.counter("cdb_strategy_errors_total",
            "Exceptions and bad intents caught in strategies",
            num(m.strategy_errors));
  b.gauge("cdb_signal_warm", "1 when every strategy instance is warm",
          m.signal_warm.load(std::memory_order_relaxed) ? 1 : 0);
  // Circuit breaker.
  b.gauge("cdb_trading_state", "Trading state: 0 active, 1 reducing, 2 halted",
          m.trading_mode.load(std::memory_order_relaxed));
  b.counter("cdb_breaker_trips_total",
            "Times the circuit breaker made the trading state stricter",
            num(m.breaker_trips));
  // Execution.
  b.counter("cdb_fills_total", "Fills", num(m.fills));
  b.counter("cdb_commands_refused_total",
            "Trading-state orders and operator commands refused: not from "
            "the wired circuit breaker or from this node",
            num(m.refused_commands));
  b.counter("cdb_orders_refused_total",
            "Orders refused because they did not come from the wired risk "
            "actor",
            num(m.refused_orders));
  b.counter("cdb_venue_rejects_total", "Orders rejected or expired",
            num(m.venue_rejects));
  b.counter("cdb_liquidations_total", "Positions liquidated",
            num(m.liquidations));
  b.counter("cdb_venue_alarms_total", "Venue alarms (funding spikes, ...)",
            num(m.venue_alarms));
  b.gauge("cdb_equity", "Account equity, quote currency",
          m.equity.load(std::memory_order_relaxed));
  b.gauge("cdb_realized_pnl",
          "Realized PnL since the account began, quote "
          "currency",
          m.realized_pnl.load(std::memory_order_relaxed));
  b.gauge("cdb_fees_paid", "Fees paid since the account began, quote currency",
          m.fees.load(std::memory_order_relaxed));
  b.gauge("cdb_funding_paid",
          "Funding paid (negative: received), quote currency",
          m.funding.load(std::memory_order_relaxed));
  // Persistence.
  b.counter("cdb_persist_events_written_total",
            "Events committed to the database", num(m.persisted));
  b.counter("cdb_persist_errors_total", "Database and spool errors",
            num(m.persist_errors));
  b.gauge("cdb_persist_backlog_events",
          "Events not yet in the database (in memory and spooled)",
          num(m.persist_backlog));
  b.gauge("cdb_persist_spool_events", "Events in the local spool file",
          num(m.persist_spooled));
  b.gauge("cdb_persist_spool_bytes", "Size of the local spool file",
          num(m.persist_spool_bytes));
  b.gauge("cdb_persist_unacked_events",
          "Events producers keep until persistence acknowledges them",
          num(m.persist_unacked));
  b.counter("cdb_persist_dropped_total",
            "Events producers gave up on (beyond their keep limit)",
            num(m.persist_dropped));
  b.histogram("cdb_persist_latency_seconds",
              "From an event's arrival at persistence to durable",
              m.persist_latency);
  b.histogram("cdb_persist_batch_events", "Events per database transaction",
              m.persist_batch);
  b.histogram("cdb_persist_commit_seconds", "Time of one database transaction",
              m.persist_commit);
  b.gauge("cdb_database_up",
          "1 when the last database operation succeeded, else 0",
          m.database_up.load(std::memory_order_relaxed) > 0 ? 1 : 0);
  return b.take();
}

namespace {

class node_collector : public prometheus::Collectable {
public:
  node_collector(metrics_ptr metrics, node_identity who, clock_ptr clock,
                 clock_ptr market_clock)
    : metrics_(std::move(metrics)), who_(std::move(who)),
      clock_(std::move(clock)), market_clock_(std::move(market_clock)) {
    // nop
  }

  std::vector<MetricFamily> Collect() const override {
    return node_families(*metrics_, who_, sample_process(), clock_->now(),
                         market_clock_->now());
  }

private:
  metrics_ptr metrics_;
  node_identity who_;
  clock_ptr clock_;
  clock_ptr market_clock_;
};

} // namespace

metrics_exporter::metrics_exporter(const metrics_config& cfg,
                                   metrics_ptr metrics, node_identity who,
                                   clock_ptr clock, clock_ptr market_clock)
  : collector_(std::make_shared<node_collector>(
    std::move(metrics), std::move(who), std::move(clock),
    std::move(market_clock))) {
  auto where = cfg.address + ':' + std::to_string(cfg.port);
  try {
    // Four threads, and a client that sends nothing is cut off after 2 s:
    // a stuck or slow connection cannot hold the endpoint from Prometheus.
    exposer_ = std::make_unique<prometheus::Exposer>(
      std::vector<std::string>{"listening_ports", where, "num_threads", "4",
                               "request_timeout_ms", "2000"});
  } catch (const std::exception& e) {
    throw std::runtime_error("metrics: cannot listen on " + where + " ("
                             + e.what() + ")");
  }
  exposer_->RegisterCollectable(collector_);
}

metrics_exporter::~metrics_exporter() = default;

std::uint16_t metrics_exporter::port() const {
  auto ports = exposer_->GetListeningPorts();
  return ports.empty() ? 0 : static_cast<std::uint16_t>(ports.front());
}

} // namespace cdb

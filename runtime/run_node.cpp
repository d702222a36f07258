#include "runtime/run_node.hpp"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <functional>
#include <iostream>
#include <optional>

#include <unistd.h>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>

#include "actors/feed/replay_reader.hpp"
#include "messages/interfaces.hpp"
#include "messages/register.hpp"
#include "runtime/admin_http.hpp"
#include "runtime/cluster_actor.hpp"
#include "runtime/cpu_placement.hpp"
#include "runtime/exporter.hpp"
#include "runtime/log.hpp"
#include "runtime/node.hpp"
#include "runtime/readiness.hpp"
#include "runtime/summary.hpp"

namespace cdb {

namespace {

std::atomic<int> stop_signal{0};

extern "C" void on_signal(int sig) {
  stop_signal = sig;
}

/// The admin API's commands, sent to the circuit breaker the supervisor
/// runs now (it may have been restarted).
admin_handler admin_commands(caf::actor_system& sys, const caf::actor& sup,
                             const metrics_ptr& metrics,
                             std::uint64_t max_backlog) {
  return [&sys, sup, metrics, max_backlog](const std::string& command,
                                           const std::string& reason) {
    if (command == "ready") // from the metrics: no actor has to answer
      return check_readiness(*metrics, max_backlog).to_json();
    constexpr auto timeout = std::chrono::seconds{5};
    caf::scoped_actor self{sys};
    auto fail = [](const char* what) {
      return [what](caf::error& err) {
        throw std::runtime_error(std::string{what} + ": "
                                 + caf::to_string(err));
      };
    };
    caf::actor handle;
    self->request(sup, timeout, child_atom::value, "circuit_breaker")
      .receive([&](caf::actor& a) { handle = std::move(a); },
               fail("supervisor did not answer"));
    if (!handle)
      throw std::runtime_error("the circuit breaker is not running");
    auto breaker = caf::actor_cast<circuit_breaker_actor>(handle);
    trading_state st;
    auto take = [&](trading_state& x) { st = std::move(x); };
    auto err = fail("the circuit breaker did not answer");
    if (command == "halt") {
      CDB_WARN("admin", "halt requested: " << reason);
      self->request(breaker, timeout, halt_trading{reason}).receive(take, err);
    } else if (command == "resume") {
      CDB_WARN("admin", "resume requested: " << reason);
      self->request(breaker, timeout, resume_trading{reason})
        .receive(take, err);
    } else if (command == "flatten") {
      CDB_WARN("admin", "flatten requested: " << reason);
      self->request(breaker, timeout, flatten_positions{reason})
        .receive(take, err);
    } else {
      self->request(breaker, timeout, state_atom::value).receive(take, err);
      // The account from execution, if it answers; the state without it.
      std::optional<portfolio_snapshot> account;
      caf::actor exec;
      self->request(sup, timeout, child_atom::value, "execution")
        .receive([&](caf::actor& a) { exec = std::move(a); },
                 [](caf::error&) {});
      if (exec)
        self
          ->request(caf::actor_cast<account_source>(exec), timeout,
                    snapshot_atom::value)
          .receive([&](portfolio_snapshot& s) { account = std::move(s); },
                   [](caf::error&) {});
      return state_json(st, account ? &*account : nullptr,
                        metrics->recent_decisions.newest());
    }
    return to_json(st);
  };
}

} // namespace

void load_middleman(cdb_options& cfg) {
  auto& cluster = cfg.node.cluster;
  cfg.load<caf::io::middleman>();
  caf::put(cfg.content, "middleman.heartbeat-interval",
           caf::timespan{cluster.heartbeat_interval});
  caf::put(cfg.content, "middleman.connection-timeout",
           caf::timespan{cluster.connection_timeout});
  if (cluster.tls()) {
    cfg.load<caf::openssl::manager>();
    cfg.openssl_cafile = cluster.tls_ca;
    cfg.openssl_certificate = cluster.tls_cert;
    cfg.openssl_key = cluster.tls_key;
  }
}

node_link spawn_link(caf::actor_system& sys, const node_config& n,
                     timestamp started, const metrics_ptr& metrics) {
  auto& cluster = n.cluster;
  cluster_settings cs{cluster.peers, cluster.roles, cluster.connection_timeout,
                      cluster.reconnect_initial, cluster.reconnect_max};
  node_link out;
  out.mm = cluster.tls() ? sys.openssl_manager().actor_handle()
                         : sys.middleman().actor_handle();
  out.link = sys.spawn(spawn_cluster, cs, out.mm, n.node_name, started,
                       metrics);
  return out;
}

bool listen(caf::actor_system& sys, const node_config& n, node_link& l) {
  auto& cluster = n.cluster;
  if (cluster.listen_port == 0)
    return true;
  auto port = static_cast<std::uint16_t>(cluster.listen_port);
  auto* addr = cluster.listen_address.c_str();
  auto bound = cluster.tls()
                 ? caf::openssl::publish(l.link, port, addr, true)
                 : sys.middleman().publish(l.link, port, addr, true);
  if (!bound) {
    CDB_ERROR("main", "node.listen_port: cannot listen on "
                        << cluster.listen_address << ':' << port << ": "
                        << sys.render(bound.error()));
    return false;
  }
  l.port = *bound;
  CDB_INFO("main", "node " << n.node_name << " listens for peer nodes on "
                           << cluster.listen_address << ':' << *bound
                           << (cluster.tls() ? " (mutual TLS)" : ""));
  return true;
}

void close_link(caf::scoped_actor& self, node_link& l) {
  if (l.port != 0) // peers see the port close, not a dead actor
    self->send(l.mm, caf::close_atom::value, l.port);
  l.port = 0;
  if (l.link)
    self->send_exit(l.link, caf::exit_reason::user_shutdown);
}

int run_node(cdb_options& cfg) {
  register_messages(cfg);
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  auto& cluster = cfg.node.cluster;
  cfg.load_scheduler();
  if (cluster.distributed())
    load_middleman(cfg);
  caf::actor_system sys{cfg};
  auto clock = std::make_shared<wall_clock>();
  auto metrics = std::make_shared<node_metrics>();
  metrics->scheduler_takes = home_scheduler_takes(sys);
  auto started = clock->now();
  auto run_id = make_run_id(started);
  auto& n = cfg.node;
  // Actors read market time: the wall clock, or for a replay the recorded
  // time from the first event on, running at feed.speed.
  clock_ptr market_clock = clock;
  if (n.feed.replay()) {
    std::string error;
    auto probe = n.feed.open_replay(error);
    market_message first;
    if (!probe || !probe->next(first)) {
      CDB_ERROR("main",
                "feed.files: " << (error.empty() ? "no usable record to replay"
                                                 : error));
      return 2;
    }
    market_clock = std::make_shared<scaled_clock>(event_time_of(first),
                                                  n.feed.speed, clock);
  }
  run_info run{
    run_id,
    n.feed.replay() ? "replay" : "paper",
    CDB_VERSION,
    std::to_string(std::hash<std::string>{}(caf::deep_to_string(cfg.content))),
    started,
    n.node_name};
  CDB_INFO("main", "run " << run_id << " starting on node " << n.node_name);
  for (std::size_t i = 0; i + 1 < actor_names.size(); ++i)
    metrics->actors[i].hosted = cluster.hosts(actor_names[i]);
  node_link links;
  if (cluster.distributed())
    links = spawn_link(sys, n, started, metrics);
  auto sup = sys.spawn(supervisor, n.supervisor,
                       node_children(n, run_id, market_clock, metrics, run),
                       node_hooks(cluster, links.link), clock, metrics,
                       n.drain_timeout);
  caf::scoped_actor self{sys};
  self->monitor(sup);
  auto stop_cluster = [&] { close_link(self, links); };
  // A start that fails after the actors run: the supervisor takes its
  // children with it.
  auto abort_start = [&] {
    stop_cluster();
    self->send_exit(sup, caf::exit_reason::kill);
  };
  if (cluster.distributed() && !listen(sys, n, links)) {
    abort_start();
    return 2;
  }
  std::unique_ptr<admin_server> admin;
  try {
    admin = std::make_unique<admin_server>(
      cfg.admin,
      admin_commands(sys, sup, metrics, n.breaker.persistence_backlog));
    CDB_INFO("main", "admin API on http://"
                       << cfg.admin.address << ':' << admin->port()
                       << (cfg.admin.token.empty() ? " (read-only: no "
                                                     "admin.token)"
                                                   : ""));
  } catch (const std::exception& e) {
    CDB_ERROR("main", e.what());
    abort_start();
    return 2;
  }
  std::unique_ptr<metrics_exporter> exporter;
  if (cfg.metrics.enabled) {
    try {
      exporter = std::make_unique<metrics_exporter>(
        cfg.metrics, metrics,
        node_identity{n.node_name, CDB_VERSION, CDB_GIT_HASH, started}, clock,
        market_clock);
      CDB_INFO("main", "metrics on http://" << cfg.metrics.address << ':'
                                            << exporter->port() << "/metrics");
    } catch (const std::exception& e) {
      CDB_ERROR("main", e.what());
      abort_start();
      return 2;
    }
  }
  if (!cfg.chaos_kill_actor.empty())
    for (std::uint32_t i = 1; i <= cfg.chaos_kill_times; ++i)
      self->delayed_send(sup, cfg.chaos_kill_after * i, kill_atom::value,
                         cfg.chaos_kill_actor);
  bool tty = isatty(STDOUT_FILENO) != 0;
  auto elapsed = [&] {
    return static_cast<double>(clock->now() - started) * 1e-9;
  };
  auto last_status = started;
  bool stopping = false;
  bool done = false;
  caf::error exit_reason;
  auto request_stop = [&](const char* why) {
    if (stopping)
      return;
    stopping = true;
    CDB_INFO("main", "stopping: " << why);
    self->send(sup, shutdown_atom::value);
    if (cfg.chaos_kill_on_stop && !cfg.chaos_kill_actor.empty())
      self->send(sup, kill_atom::value, cfg.chaos_kill_actor);
  };
  while (!done) {
    self->receive(
      [&](caf::down_msg& dm) {
        done = true;
        exit_reason = dm.reason;
      },
      caf::after(std::chrono::milliseconds{100}) >>
        [&] {
          if (stop_signal != 0)
            request_stop(stop_signal == SIGINT ? "SIGINT" : "SIGTERM");
          // Threads started from the home worker (persistence's) leave it.
          cpu_placement::sweep();
          auto now = clock->now();
          if (cfg.duration.count() > 0 && now - started >= cfg.duration.count())
            request_stop("run.duration reached");
          if (metrics->feed_done)
            request_stop("the feed has finished");
          if (now - last_status >= cfg.status_interval.count()) {
            last_status = now;
            auto line = status_line(*metrics, n.execution.initial_cash,
                                    elapsed());
            if (tty)
              std::cout << '\r' << line << "\033[K" << std::flush;
            else
              std::cout << line << std::endl;
          }
        });
  }
  stop_cluster();
  if (tty)
    std::cout << '\n';
  std::cout << "\nsummary of run " << run_id << " ("
            << static_cast<int>(elapsed()) << " s)\n  "
            << status_line(*metrics, n.execution.initial_cash, elapsed())
            << "\n  restarts " << metrics->restarts << ", failures "
            << metrics->failures << ", refused orders "
            << metrics->refused_orders << "\n"
            << std::flush;
  if (!cluster.distributed()) // other nodes' events carry their run ids
    std::cout << "PostgreSQL rows of this run:\n"
              << database_counts(n.persistence.dsn, run_id) << std::flush;
  if (exit_reason) {
    CDB_ERROR("main", "supervisor stopped: " << caf::to_string(exit_reason));
    return 3;
  }
  CDB_INFO("main", "clean stop");
  return 0;
}

} // namespace cdb

#include "runtime/node.hpp"

#include <algorithm>
#include <cstdio>

#include <unistd.h>

#include <caf/all.hpp>

#include "actors/circuit_breaker/breaker_actor.hpp"
#include "actors/execution/execution_actor.hpp"
#include "actors/risk/risk_actor.hpp"
#include "runtime/log.hpp"

namespace cdb {

void node_config::validate(std::vector<std::string>& errors) const {
  feed.validate(errors);
  signal.validate(errors);
  risk.validate(errors);
  breaker.validate(errors);
  execution.validate(errors);
  if (database)
    persistence.validate(errors);
  supervisor.validate(errors);
  cluster.validate(errors);
  if (feed.replay() && !lockstep && cluster.roles.size() != all_roles().size())
    errors.emplace_back(
      "node.roles: a replay (feed.source = replay) runs on one "
      "node with every role: the replay's market clock starts "
      "with the feed and is not shared between nodes");
}

std::string make_run_id(timestamp now) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%llx%04x",
                static_cast<unsigned long long>(now / 1'000'000),
                static_cast<unsigned>(getpid() & 0xffff));
  return buf;
}

execution_config execution_settings(const node_config& cfg) {
  auto e = cfg.execution;
  e.day_start = cfg.risk.day_start;
  e.hold_unchanged = cfg.lockstep && !e.publish_unchanged;
  e.perpetuals = cfg.risk.perpetuals;
  e.leverage = cfg.risk.leverage;
  e.instrument_leverage = cfg.risk.instrument_leverage;
  e.maintenance_margin_pct = cfg.risk.maintenance_margin_pct;
  e.funding_rate_fallback = cfg.risk.funding_rate_fallback;
  return e;
}

std::vector<child_spec>
node_children(const node_config& cfg, const std::string& run_id,
              const clock_ptr& clock, const metrics_ptr& metrics,
              const run_info& run,
              const std::shared_ptr<direct_market>& direct) {
  auto ctx = [=](std::uint32_t n) {
    actor_context c{run_id, n, clock, metrics, direct};
    c.throughput = cfg.lockstep ? 0 : cfg.actor_throughput;
    return c;
  };
  auto market_start = clock->now();
  std::vector<child_spec> out;
  // {name, start, critical, flush_before_stop, settle_before_stop}: the
  // producers settle at shutdown (their events acknowledged) before any of
  // them stops; persistence flushes last.
  // signal, risk and execution subscribe to the feed: a replay waits for
  // all three before its first record.
  auto feed_cfg = cfg.feed;
  feed_cfg.await_subscribers = 3;
  out.push_back({"feed",
                 [=](caf::actor_system& sys, std::uint32_t n) {
                   return caf::actor_cast<caf::actor>(
                     sys.spawn(spawn_feed, feed_cfg, ctx(n), market_start));
                 },
                 false, false});
  out.push_back({"signal",
                 [=](caf::actor_system& sys, std::uint32_t n) {
                   return caf::actor_cast<caf::actor>(
                     sys.spawn(spawn_signal, cfg.signal, ctx(n)));
                 },
                 false, false, true});
  out.push_back({"risk",
                 [=](caf::actor_system& sys, std::uint32_t n) {
                   return caf::actor_cast<caf::actor>(
                     sys.spawn(spawn_risk, cfg.risk, ctx(n)));
                 },
                 true, false, true});
  auto breaker_cfg = cfg.breaker;
  breaker_cfg.day_start = cfg.risk.day_start;
  out.push_back({"circuit_breaker",
                 [=](caf::actor_system& sys, std::uint32_t n) {
                   return caf::actor_cast<caf::actor>(
                     sys.spawn(spawn_breaker, breaker_cfg, ctx(n)));
                 },
                 true, false, true});
  auto exec_cfg = execution_settings(cfg);
  out.push_back({"execution",
                 [=](caf::actor_system& sys, std::uint32_t n) {
                   return caf::actor_cast<caf::actor>(
                     sys.spawn(spawn_execution, exec_cfg, ctx(n)));
                 },
                 true, false, true});
  out.push_back({"persistence",
                 [=](caf::actor_system& sys, std::uint32_t n) {
                   return caf::actor_cast<caf::actor>(sys.spawn<caf::detached>(
                     spawn_persistence, cfg.persistence, ctx(n), run));
                 },
                 true, true});
  out.erase(std::remove_if(out.begin(), out.end(),
                           [&](const child_spec& c) {
                             return !cfg.cluster.hosts(c.name);
                           }),
            out.end());
  return out;
}

namespace {

template <class Handle>
Handle get(const child_map& m, const char* name) {
  auto i = m.find(name);
  return i == m.end() ? Handle{} : caf::actor_cast<Handle>(i->second);
}

/// Sends each actor of this node the handles of its peers (local or on
/// peer nodes); actors of other nodes are wired by their own node.
void wire(caf::event_based_actor* self, const child_map& all) {
  auto here = [&](const char* name) {
    auto i = all.find(name);
    return i != all.end() && i->second.node() == self->node();
  };
  auto feed = get<feed_actor>(all, "feed");
  auto risk = get<risk_actor>(all, "risk");
  auto breaker = get<circuit_breaker_actor>(all, "circuit_breaker");
  auto exec = get<execution_actor>(all, "execution");
  auto db = get<persistence_actor>(all, "persistence");
  if (here("feed") && db) // the feed's health changes are part of the record
    self->send(feed, subscribe_atom::value, caf::actor_cast<status_sink>(db));
  if (here("signal"))
    self->send(get<signal_actor>(all, "signal"), signal_wiring{feed, risk, db});
  if (here("risk"))
    self->send(risk, risk_wiring{feed, exec, db, breaker});
  if (here("circuit_breaker"))
    self->send(breaker,
               breaker_wiring{feed, risk, caf::actor_cast<account_source>(exec),
                              db});
  if (here("execution"))
    self->send(exec, execution_wiring{feed, risk, breaker, db});
}

void failed(caf::event_based_actor* self, const child_map& m,
            const std::string& name, bool escalated, const std::string& why) {
  if (auto breaker = get<circuit_breaker_actor>(m, "circuit_breaker")) {
    self->send(breaker, actor_failure{name, escalated, why});
  } else if (escalated) {
    if (auto risk = get<risk_actor>(m, "risk")) {
      // No breaker to decide: tell risk directly.
      trading_state halted;
      halted.id = "escalation";
      halted.mode = trading_mode::halted;
      halted.reason = name + " exceeded its restart budget";
      self->send(risk, halted);
    }
  }
}

} // namespace

supervisor_hooks node_hooks(const cluster_config& cluster,
                            const cluster_actor& link) {
  supervisor_hooks hooks{wire, failed, {}, {}, {}, {}, {}};
  if (!cluster.distributed())
    return hooks;
  hooks.wait_for = all_roles();
  hooks.lost = [](caf::event_based_actor* self, const child_map& m,
                  const peer_lost& p) {
    if (auto breaker = get<circuit_breaker_actor>(m, "circuit_breaker"))
      self->send(breaker, p);
    else if (std::find(p.roles.begin(), p.roles.end(), "circuit_breaker")
             == p.roles.end())
      CDB_WARN("supervisor", "node " << p.node << " lost (" << p.reason
                                     << ") and no circuit breaker to tell");
  };
  hooks.back = [](caf::event_based_actor* self, const child_map& m,
                  const peer_back& p) {
    if (auto breaker = get<circuit_breaker_actor>(m, "circuit_breaker"))
      self->send(breaker, p);
  };
  if (link)
    hooks.local_changed = [link](caf::event_based_actor* self,
                                 const child_map& local) {
      node_roster r;
      for (auto& kvp : local) {
        r.names.push_back(kvp.first);
        r.handles.push_back(kvp.second);
      }
      self->send(link, std::move(r));
    };
  return hooks;
}

} // namespace cdb

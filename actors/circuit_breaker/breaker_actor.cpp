#include "actors/circuit_breaker/breaker_actor.hpp"

#include <algorithm>
#include <chrono>

#include <caf/all.hpp>

#include "runtime/direct_market.hpp"
#include "runtime/log.hpp"
#include "runtime/sender.hpp"

namespace cdb {

namespace {

using self_ptr = instrumented_pointer<circuit_breaker_actor, breaker_state>;

void announce(self_ptr self, const actor_context& ctx) {
  auto& st = self->state;
  if (!st.recovered)
    return; // risk stays not ready; the recovered state comes first
  if (st.peers.risk)
    self->send(st.peers.risk, st.current);
  ctx.metrics->trading_mode = static_cast<int>(st.current.mode);
}

/// A parked check resumes once an input gave time something to change:
/// at the first period boundary after now, on the grid of the last check,
/// where it would have run had it never stopped. The checks left out
/// changed nothing (breaker::waits_for_input). An input that falls on a
/// boundary itself gets its first check one period later; that check
/// could only have found something at once for a trip recovered from the
/// record (its cooldown counts from when it tripped): every other duration
/// and cooldown starts with the input and is longer than zero.
void wake(self_ptr self, const actor_context& ctx) {
  auto& st = self->state;
  if (!st.parked || st.rules->waits_for_input())
    return;
  st.parked = false;
  auto now = ctx.clock->now();
  auto due = st.last_check
             + ((now - st.last_check) / st.period + 1) * st.period;
  self->delayed_send(self, std::chrono::nanoseconds{due - now},
                     timer_atom::value);
}

/// Publishes what `u` changed, and orders the flatten it asks for; wakes
/// a parked check if the call that gave `u` changed what time can change.
void apply(self_ptr self, const actor_context& ctx, const breaker_update& u) {
  wake(self, ctx);
  if (!u)
    return;
  auto& st = self->state;
  auto now = ctx.clock->now();
  auto before = st.current.mode;
  auto previous = std::move(st.current);
  st.current = st.rules->state(st.ids->next(), u.reason, now);
  for (auto& t : st.current.trips) {
    auto known = [&t](const breaker_trip& p) {
      return p.rule == t.rule && p.since == t.since;
    };
    if (std::none_of(previous.trips.begin(), previous.trips.end(), known))
      ctx.metrics->trips_by_rule.at({t.rule})++;
  }
  if (st.current.mode != before)
    ctx.metrics->breaker_trips += st.current.mode > before ? 1 : 0;
  CDB_WARN("circuit_breaker",
           "trading " << to_string(st.current.mode) << ": " << u.reason);
  if (st.peers.persistence)
    st.box->send(caf::actor_cast<caf::actor>(self),
                 caf::actor_cast<caf::actor>(st.peers.persistence),
                 st.current.id, caf::make_message(st.current));
  announce(self, ctx);
  if (u.flatten && st.peers.risk) {
    CDB_WARN("circuit_breaker", "ordering a flatten: " << u.reason);
    self->send(st.peers.risk, flatten_positions{u.reason});
  }
}

void finish_recovery(self_ptr self, const actor_context& ctx,
                     const trading_state* recorded, const std::string& why) {
  auto& st = self->state;
  auto now = ctx.clock->now();
  st.recovered = true;
  st.recovering = false;
  breaker_update u;
  if (recorded != nullptr && !recorded->id.empty()) {
    // Ids are "st-RUN-INCARNATION-N": the same run means an actor restart.
    bool same_run = recorded->id.rfind("st-" + ctx.run_id + "-", 0) == 0;
    u = st.rules->restore(*recorded, now, same_run);
    CDB_INFO("circuit_breaker", "last recorded state "
                                  << recorded->id << ": "
                                  << to_string(recorded->mode) << " ("
                                  << recorded->reason << ')');
    if (st.rules->mode() != trading_mode::active)
      CDB_WARN("circuit_breaker", "trading stays "
                                    << to_string(st.rules->mode())
                                    << " until its trips reset; `cdb admin "
                                       "resume` resets them now");
  } else if (recorded != nullptr) {
    u.changed = true;
    u.reason = "start: no recorded trading state";
  } else if (ctx.incarnation > 1) {
    u = st.rules->unknown_state(now);
    CDB_ERROR("circuit_breaker", "recovery failed (" << why << ")");
  } else {
    // A first start with an unreadable database: the node's own record
    // begins now (an older halt, if any, could not be read).
    u.changed = true;
    u.reason = "start: recorded state unreadable (" + why + ")";
    CDB_WARN("circuit_breaker", u.reason);
  }
  // Whatever arrived while recovering is judged again by the next data;
  // the state published now is the first risk sees.
  if (!u)
    u.changed = true;
  apply(self, ctx, u);
}

void recover(self_ptr self, const actor_context& ctx) {
  auto& st = self->state;
  if (st.recovered || st.recovering)
    return;
  if (!st.peers.persistence) {
    trading_state none;
    finish_recovery(self, ctx, &none, "");
    return;
  }
  st.recovering = true;
  self
    ->request(st.peers.persistence, std::chrono::seconds{3},
              recover_atom::value)
    .then([self, ctx](trading_state& s) { finish_recovery(self, ctx, &s, ""); },
          [self, ctx](caf::error& err) {
            finish_recovery(self, ctx, nullptr, caf::to_string(err));
          });
}

/// Tracks a monitored peer: down when the wiring has none.
template <class Handle>
void watch(self_ptr self, const actor_context& ctx, const Handle& old,
           const Handle& now_h, const char* role) {
  auto t = ctx.clock->now();
  if (!now_h) {
    apply(self, ctx, self->state.rules->on_down(role, t));
    return;
  }
  if (now_h != old)
    self->monitor(now_h);
  apply(self, ctx, self->state.rules->on_up(role, t));
}

/// Operator commands that loosen or act come from this node's admin API
/// only: a peer node (or an anonymous sender) is refused and counted.
caf::error refuse_remote(self_ptr self, const actor_context& ctx,
                         const char* what) {
  ctx.metrics->refused_commands++;
  CDB_WARN("circuit_breaker",
           "refused " << what << " from "
                      << (self->current_sender() ? "another node"
                                                 : "an anonymous sender"));
  return caf::make_error(caf::sec::runtime_error,
                         std::string{what} + " is taken from this node only");
}

nanoseconds check_period(const breaker_config& cfg) {
  nanoseconds p = 1'000'000'000;
  p = std::min(p, cfg.feed_stale_after / 4);
  p = std::min(p, cfg.unreachable_after / 4);
  return std::max<nanoseconds>(p, 10'000'000);
}

} // namespace

circuit_breaker_actor::behavior_type spawn_breaker(self_ptr self,
                                                   const breaker_config& cfg,
                                                   const actor_context& ctx) {
  instrument(self, ctx, "circuit_breaker");
  for (std::size_t i = 0; i < breaker_rule_count; ++i) // each rule from 0
    ctx.metrics->trips_by_rule.at({to_string(static_cast<breaker_rule>(i))});
  auto& st = self->state;
  st.rules = std::make_unique<breaker>(cfg);
  st.ids = std::make_unique<id_source>(ctx.ids("st"));
  st.box = std::make_unique<outbox>("circuit_breaker", outbox_limit,
                                    ctx.metrics);
  st.current = st.rules->state(st.ids->next(), "recovering", ctx.clock->now());
  self->set_down_handler([self, ctx](caf::down_msg& dm) {
    auto& peers = self->state.peers;
    auto t = ctx.clock->now();
    if (peers.risk && dm.source == peers.risk.address())
      apply(self, ctx, self->state.rules->on_down("risk", t));
    else if (peers.execution && dm.source == peers.execution.address())
      apply(self, ctx, self->state.rules->on_down("execution", t));
  });
  st.period = check_period(cfg);
  st.last_check = ctx.clock->now();
  self->delayed_send(self, std::chrono::nanoseconds{st.period},
                     timer_atom::value);
  auto now = [ctx] { return ctx.clock->now(); };
  auto check = [self, ctx, now] {
    auto& st = self->state;
    st.last_check = now();
    // The backlog of this node's persistence (docs/persistence.md).
    apply(self, ctx,
          st.rules->on_backlog(ctx.metrics->persist_backlog.load(), now()));
    apply(self, ctx, st.rules->on_time(now()));
    if (st.rules->waits_for_input())
      st.parked = true; // until an input gives time something to change
    else
      self->delayed_send(self, std::chrono::nanoseconds{st.period},
                         timer_atom::value);
  };
  if (ctx.direct)
    ctx.direct->attach_timer(self, timer_atom::value, check);
  return {
    [self, ctx, now](const portfolio_snapshot& s) {
      apply(self, ctx, self->state.rules->on_portfolio(s, now()));
    },
    [self, ctx, now](const order_event& e) {
      apply(self, ctx, self->state.rules->on_order_event(e, now()));
    },
    [self, ctx, now](const risk_decision& d) {
      apply(self, ctx, self->state.rules->on_decision(d, now()));
    },
    [self, ctx, now](const feed_status& s) {
      apply(self, ctx, self->state.rules->on_feed(s, now()));
    },
    [self, ctx, now](const actor_failure& f) {
      auto& r = *self->state.rules;
      apply(self, ctx,
            f.escalated ? r.on_escalation(f.actor, now())
                        : r.on_restart(f.actor, now()));
    },
    [self, ctx, now](const peer_lost& p) {
      std::string roles;
      for (auto& role : p.roles)
        roles += (roles.empty() ? "" : ", ") + role;
      CDB_WARN("circuit_breaker", "node " << p.node << " lost (" << roles
                                          << ") as seen from " << p.seen_by
                                          << ": " << p.reason);
      auto& r = *self->state.rules;
      apply(self, ctx, r.forget_reports_of(p.node, now()));
      for (auto& role : p.roles)
        apply(self, ctx, r.on_lost(role, p.seen_by, now()));
    },
    [self, ctx, now](const peer_back& p) {
      CDB_INFO("circuit_breaker",
               "node " << p.node << " is reachable from " << p.seen_by);
      for (auto& role : p.roles)
        apply(self, ctx, self->state.rules->on_back(role, p.seen_by, now()));
    },
    [self, ctx, now](const halt_trading& h) {
      CDB_WARN("circuit_breaker", "operator halt: " << h.reason);
      apply(self, ctx, self->state.rules->halt(h.reason, now()));
      return self->state.current;
    },
    [self, ctx, now](const resume_trading& r) -> caf::result<trading_state> {
      if (!sent_from_this_node(self))
        return refuse_remote(self, ctx, "resume");
      CDB_WARN("circuit_breaker", "operator resume: " << r.reason);
      apply(self, ctx, self->state.rules->resume(r.reason, now()));
      return self->state.current;
    },
    [self, ctx](const flatten_positions& f) -> caf::result<trading_state> {
      if (!sent_from_this_node(self))
        return refuse_remote(self, ctx, "flatten");
      CDB_WARN("circuit_breaker", "operator flatten: " << f.reason);
      if (self->state.peers.risk)
        self->send(self->state.peers.risk, f);
      return self->state.current;
    },
    [self](persisted_ack& a) { take_ack(self, *self->state.box, a); },
    [self](flush_atom) {
      auto& st = self->state;
      return settle(self, *st.box, st.peers.persistence);
    },
    [self, ctx](breaker_wiring& w) {
      auto& st = self->state;
      if (w.feed && w.feed != st.peers.feed)
        self->send(w.feed, subscribe_atom::value,
                   caf::actor_cast<status_sink>(self));
      auto old = st.peers;
      st.box->rewire(caf::actor_cast<caf::actor>(self),
                     caf::actor_cast<caf::actor>(old.persistence),
                     caf::actor_cast<caf::actor>(w.persistence));
      st.peers = std::move(w);
      watch(self, ctx, old.risk, st.peers.risk, "risk");
      watch(self, ctx, old.execution, st.peers.execution, "execution");
      if (st.peers.feed)
        apply(self, ctx, st.rules->on_up("feed", ctx.clock->now()));
      recover(self, ctx);
      // A new risk must know the state before it decides anything.
      announce(self, ctx);
    },
    [check](timer_atom) { check(); },
    [self](state_atom) { return self->state.current; },
  };
}

} // namespace cdb

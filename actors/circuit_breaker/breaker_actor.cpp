#include "actors/circuit_breaker/breaker_actor.hpp"

#include <chrono>

#include <caf/all.hpp>

#include "runtime/log.hpp"

namespace cdb {

namespace {

using self_ptr = circuit_breaker_actor::stateful_pointer<breaker_state>;

void announce(self_ptr self, const actor_context& ctx) {
  auto& st = self->state;
  if (st.peers.risk)
    self->send(st.peers.risk, st.current);
  if (st.peers.persistence)
    self->send(st.peers.persistence, st.current);
  ctx.metrics->trading_mode = static_cast<int>(st.current.mode);
}

void apply(self_ptr self, const actor_context& ctx,
           std::optional<transition> tr, timestamp t) {
  if (!tr)
    return;
  auto& st = self->state;
  st.current = trading_state{st.ids->next(), tr->mode, tr->reason, t};
  CDB_WARN("circuit_breaker",
           "trading " << to_string(tr->mode) << ": " << tr->reason);
  announce(self, ctx);
}

} // namespace

circuit_breaker_actor::behavior_type
spawn_breaker(self_ptr self, breaker_config cfg, actor_context ctx) {
  auto& st = self->state;
  st.rules = std::make_unique<breaker>(cfg);
  st.ids = std::make_unique<id_source>(ctx.ids("st"));
  auto now = ctx.clock->now();
  st.current = trading_state{st.ids->next(), trading_mode::active, "start",
                             now};
  if (ctx.incarnation > 1) {
    auto tr = st.rules->restarted(now);
    st.current = trading_state{st.ids->next(), tr->mode, tr->reason, now};
    CDB_WARN("circuit_breaker", "trading halted: " << tr->reason);
  }
  auto tick = std::chrono::seconds{1};
  self->delayed_send(self, tick, timer_atom::value);
  return {
    [self, ctx](const portfolio_snapshot& s) {
      apply(self, ctx, self->state.rules->on_equity(s.equity, s.event_time),
            s.event_time);
    },
    [self, ctx](const halt_trading& h) {
      auto now = ctx.clock->now();
      apply(self, ctx, self->state.rules->halt(h.reason, now), now);
    },
    [self, ctx](const resume_trading& r) {
      auto now = ctx.clock->now();
      apply(self, ctx, self->state.rules->resume(r.reason, now), now);
    },
    [self, ctx](breaker_wiring& w) {
      self->state.peers = std::move(w);
      // Risk may be new: it must know the state before it decides again.
      announce(self, ctx);
    },
    [self, ctx, tick](timer_atom) {
      auto now = ctx.clock->now();
      apply(self, ctx, self->state.rules->on_time(now), now);
      self->delayed_send(self, tick, timer_atom::value);
    },
    [self](state_atom) { return self->state.current; },
  };
}

} // namespace cdb

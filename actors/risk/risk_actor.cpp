#include "actors/risk/risk_actor.hpp"

#include <caf/all.hpp>

#include "runtime/direct_market.hpp"
#include "runtime/log.hpp"
#include "runtime/sender.hpp"

namespace cdb {

namespace {

using self_ptr = instrumented_pointer<risk_actor, risk_state>;

void on_market(self_ptr self, const quote_tick& q) {
  self->state.engine->on_quote(q);
}

void on_market(self_ptr self, const trade_tick& t) {
  self->state.engine->on_trade(t);
}

void on_market(self_ptr self, const mark_price& m) {
  self->state.engine->on_mark(m);
}

void on_market(self_ptr, const book_snapshot&) {
  // Risk prices exposure at the quote.
}

void on_market(self_ptr, const bar&) {
  // Volatility comes with the signal's stop hint.
}

/// Records, counts and sends risk's decisions; `signalled` is when the
/// signal they answer was made (0: not answering a signal).
void dispatch(instrumented_pointer<risk_actor, risk_state> self,
              const actor_context& ctx, std::vector<decision_out> outs,
              timestamp signalled) {
  auto& peers = self->state.peers;
  for (auto& out : outs) {
    auto& d = out.decision;
    ctx.metrics->decisions.at(
      {d.approved ? "approved" : "rejected", d.layer, d.reason})++;
    ctx.metrics->recent_decisions.push(
      {d.id, d.signal_id, d.approved, d.layer, d.reason,
       d.approved ? d.approved_qty : d.requested_qty, d.event_time});
    if (d.approved) {
      ctx.metrics->approved++;
      CDB_INFO("risk", "approved " << d.order_id << " for " << d.signal_id
                                   << " qty=" << d.approved_qty << " ("
                                   << d.layer << ": " << d.reason << ')');
    } else {
      ctx.metrics->rejected++;
      // Sizing and readiness rejections sized nothing: their notes (the
      // sizing audit, what risk waits for) say why, so the line shows them.
      bool why = d.layer == "sizing" || d.layer == "readiness";
      CDB_INFO("risk", "rejected " << d.signal_id << " at layer " << d.layer
                                   << ": " << d.reason << " (observed "
                                   << d.observed << ", limit " << d.limit << ')'
                                   << (why ? "; " : "")
                                   << (why ? d.notes : ""));
    }
    if (!d.approved && peers.breaker)
      self->send(peers.breaker, d); // the rejection burst rule counts these
    if (peers.persistence) {
      auto me = caf::actor_cast<caf::actor>(self);
      auto db = caf::actor_cast<caf::actor>(peers.persistence);
      auto& box = *self->state.box;
      box.send(me, db, d.id, caf::make_message(d));
      if (out.approved)
        box.send(me, db, out.approved->id, caf::make_message(*out.approved));
    }
    if (out.approved && peers.execution) {
      self->send(peers.execution, submit_order{std::move(*out.approved)});
      if (signalled > 0)
        ctx.metrics->tick_to_order.observe(
          static_cast<double>(ctx.clock->now() - signalled) * 1e-9);
    }
  }
}

/// Trading-state orders come from the wired circuit breaker, or from this
/// node (its supervisor halts when there is no breaker); anything else is
/// refused and counted.
bool from_breaker(instrumented_pointer<risk_actor, risk_state> self,
                  const actor_context& ctx, const char* what) {
  auto sender = self->current_sender();
  auto& breaker = self->state.peers.breaker;
  if (sender && breaker && sender->address() == breaker.address())
    return true;
  if (sent_from_this_node(self))
    return true;
  ctx.metrics->refused_commands++;
  CDB_WARN("risk", "refused " << what << ": not from the circuit breaker");
  return false;
}

} // namespace

risk_actor::behavior_type
spawn_risk(instrumented_pointer<risk_actor, risk_state> self,
           const risk_config& cfg, const actor_context& ctx) {
  instrument(self, ctx, "risk");
  ctx.metrics->risk_ready = false;
  self->state.engine = std::make_unique<risk_engine>(cfg, ctx.ids("dec"),
                                                     ctx.ids("ord"));
  self->state.box = std::make_unique<outbox>("risk", outbox_limit, ctx.metrics);
  if (ctx.direct)
    ctx.direct->attach(self, [self](const auto& x) { on_market(self, x); });
  // Until the circuit breaker has sent the trading state and execution the
  // account, the engine rejects every signal "not_ready".
  return {
    [self, ctx](const signal& s) {
      auto outs = self->state.engine->on_signal(s, ctx.clock->now());
      dispatch(self, ctx, std::move(outs), s.init_time);
    },
    [self](const quote_tick& q) { on_market(self, q); },
    [self](const trade_tick& t) { on_market(self, t); },
    [self](const trade_batch& b) { self->state.engine->on_trades(b.trades); },
    [](const market_history&) {
      // Never asked for: it subscribes without history.
    },
    [](const feed_status&) {
      // Stale data is caught by the data-quality layer's quote age.
    },
    [self](const book_snapshot& b) { on_market(self, b); },
    [self](const bar& b) { on_market(self, b); },
    [self](const mark_price& m) { on_market(self, m); },
    [self, ctx](const portfolio_snapshot& s) {
      self->state.engine->on_portfolio(s);
      ctx.metrics->risk_ready = self->state.engine->ready();
    },
    [self, ctx](const trading_state& s) {
      if (!from_breaker(self, ctx, "trading state"))
        return;
      auto& e = *self->state.engine;
      if (!e.ready())
        CDB_INFO("risk", "trading state " << to_string(s.mode) << " ("
                                          << s.reason << ')');
      else if (s.mode != e.mode())
        CDB_WARN("risk",
                 "trading state " << to_string(s.mode) << ": " << s.reason);
      self->state.engine->on_state(s);
      ctx.metrics->risk_ready = self->state.engine->ready();
    },
    [self, ctx](const flatten_positions& f) {
      if (!from_breaker(self, ctx, "flatten"))
        return;
      CDB_WARN("risk", "flattening all positions: " << f.reason);
      dispatch(self, ctx,
               self->state.engine->flatten(f.reason, ctx.clock->now()), 0);
    },
    [self, ctx](risk_wiring& w) {
      auto& peers = self->state.peers;
      if (peers.execution && w.execution != peers.execution) {
        CDB_WARN("risk",
                 (w.execution ? "execution replaced" : "execution unreachable")
                   << ": no decision until its account arrives");
        self->state.engine->on_execution_changed();
        ctx.metrics->risk_ready = false;
      }
      if (w.feed && w.feed != peers.feed)
        self->send(w.feed, subscribe_atom::value,
                   caf::actor_cast<market_sink>(self));
      self->state.box->rewire(caf::actor_cast<caf::actor>(self),
                              caf::actor_cast<caf::actor>(peers.persistence),
                              caf::actor_cast<caf::actor>(w.persistence));
      peers = std::move(w);
    },
    [self](persisted_ack& a) { take_ack(self, *self->state.box, a); },
    [self](flush_atom) {
      auto& st = self->state;
      return settle(self, *st.box, st.peers.persistence);
    },
  };
}

} // namespace cdb

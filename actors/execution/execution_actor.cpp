#include "actors/execution/execution_actor.hpp"

#include <chrono>
#include <cmath>

#include <caf/all.hpp>

#include "runtime/log.hpp"

namespace cdb {

namespace {

using self_ptr = execution_actor::stateful_pointer<execution_state>;

template <class T>
void record(self_ptr self, T&& x) {
  if (self->state.peers.persistence)
    self->send(self->state.peers.persistence, std::forward<T>(x));
}

void publish(self_ptr self, const actor_context& ctx, timestamp t) {
  auto& st = self->state;
  auto snap = st.book->snapshot(st.snapshot_ids->next(), t);
  ctx.metrics->equity = snap.equity;
  ctx.metrics->realized_pnl = snap.realized_pnl;
  ctx.metrics->fees = snap.fees;
  if (st.peers.risk)
    self->send(st.peers.risk, snap);
  if (st.peers.breaker)
    self->send(st.peers.breaker, snap);
  record(self, std::move(snap));
}

order_event event(self_ptr self, const order& o, order_event_kind kind,
                  std::string reason, timestamp t, timestamp now) {
  return {self->state.event_ids->next(), o.id, kind, std::move(reason), t, now};
}

/// Fills `o` against the instrument's quote; returns false if it cannot.
bool execute(self_ptr self, const execution_config& cfg,
             const actor_context& ctx, const order& o) {
  auto& st = self->state;
  auto now = ctx.clock->now();
  auto q = st.quotes.find(o.instrument);
  auto priced = q == st.quotes.end()
                  ? fill_quote{false, 0, 0, "no_quote"}
                  : price_market_order(cfg, o.direction, o.qty, q->second);
  auto t = q == st.quotes.end() ? o.event_time : q->second.event_time;
  if (!priced.ok) {
    CDB_WARN("execution", "rejected " << o.id << ": " << priced.reason);
    auto ev = event(self, o, order_event_kind::rejected, priced.reason, t, now);
    if (st.peers.breaker)
      self->send(st.peers.breaker, ev); // counts towards execution_errors
    record(self, std::move(ev));
    return false;
  }
  record(self, event(self, o, order_event_kind::accepted, "", t, now));
  fill f{st.fill_ids->next(), o.id,       o.instrument,     o.direction, o.qty,
         priced.price,        priced.fee, liquidity::taker, t,           now};
  st.book->apply(f);
  if (!o.reduce_only && (o.stop_loss > 0 || o.take_profit > 0)) {
    st.book->set_exits(o.instrument, o.stop_loss, o.take_profit);
    st.entries[o.instrument] = o;
  }
  ctx.metrics->fills++;
  CDB_INFO("execution", "filled " << o.id << ' ' << to_string(o.direction)
                                  << ' ' << o.qty << ' ' << o.instrument
                                  << " @ " << priced.price
                                  << " fee=" << priced.fee);
  record(self, f);
  record(self, event(self, o, order_event_kind::filled, "", t, now));
  publish(self, ctx, t);
  return true;
}

/// Closes a position whose stop-loss or take-profit the quote reached. The
/// exit order is recorded with the decision that approved the entry.
void check_exits(self_ptr self, const execution_config& cfg,
                 const actor_context& ctx, const quote_tick& q) {
  auto& st = self->state;
  auto i = st.book->positions().find(q.instrument);
  if (i == st.book->positions().end())
    return;
  auto why = exit_trigger(i->second, q);
  if (!why)
    return;
  auto& entry = st.entries[q.instrument];
  order x;
  x.id = st.exit_ids->next();
  x.decision_id = entry.decision_id;
  x.signal_id = entry.signal_id;
  x.instrument = q.instrument;
  x.direction = i->second.qty > 0 ? side::sell : side::buy;
  x.type = order_type::stop_market;
  x.qty = std::fabs(i->second.qty);
  x.reduce_only = true;
  x.event_time = q.event_time;
  x.init_time = ctx.clock->now();
  CDB_INFO("execution", *why << " hit for " << q.instrument << " (entry "
                             << entry.id << ')');
  record(self, x);
  execute(self, cfg, ctx, x);
}

} // namespace

execution_actor::behavior_type
spawn_execution(self_ptr self, execution_config cfg, actor_context ctx) {
  auto& st = self->state;
  st.book = std::make_unique<portfolio>(cfg.initial_cash, cfg.day_start);
  st.event_ids = std::make_unique<id_source>(ctx.ids("oev"));
  st.fill_ids = std::make_unique<id_source>(ctx.ids("fil"));
  st.exit_ids = std::make_unique<id_source>(ctx.ids("xit"));
  st.snapshot_ids = std::make_unique<id_source>(ctx.ids("eq"));
  ctx.metrics->equity = cfg.initial_cash;
  auto interval = std::chrono::nanoseconds{cfg.snapshot_interval};
  self->delayed_send(self, interval, timer_atom::value);
  return {
    [self, cfg, ctx](const submit_order& cmd) {
      auto& st = self->state;
      auto sender = self->current_sender();
      if (!st.peers.risk || !sender
          || sender->address() != st.peers.risk.address()) {
        ++st.refused;
        ctx.metrics->refused_orders++;
        CDB_ERROR("execution",
                  "refused order " << cmd.value.id << ": sender is not risk");
        return;
      }
      execute(self, cfg, ctx, cmd.value);
    },
    [self, cfg, ctx](const quote_tick& q) {
      auto& st = self->state;
      st.quotes[q.instrument] = q;
      st.book->mark(q.instrument, (q.bid + q.ask) / 2);
      check_exits(self, cfg, ctx, q);
    },
    [](const trade_tick&) {
      // Market orders fill at the quote; trades matter to limit orders.
    },
    [](const trade_batch&) {
      // Likewise.
    },
    [](const market_history&) {
      // Never asked for: it subscribes without history.
    },
    [](const feed_status&) {
      // A fill needs a quote; without one the order is rejected.
    },
    [](const book_snapshot&) {
      // Walking the book's levels: the fill model of issue 6.
    },
    [](const bar&) {
      // Nothing to fill against in a bar.
    },
    [](const mark_price&) {
      // Funding and mark-to-market of perpetuals: issue 6.
    },
    [self, ctx](execution_wiring& w) {
      auto& peers = self->state.peers;
      if (w.feed && w.feed != peers.feed)
        self->send(w.feed, subscribe_atom::value,
                   caf::actor_cast<market_sink>(self));
      peers = std::move(w);
      // A restarted risk or breaker learns the account at once.
      publish(self, ctx, ctx.clock->now());
    },
    [self, ctx, interval](timer_atom) {
      publish(self, ctx, ctx.clock->now());
      self->delayed_send(self, interval, timer_atom::value);
    },
    [self, ctx](snapshot_atom) {
      auto& st = self->state;
      return st.book->snapshot(st.snapshot_ids->next(), ctx.clock->now());
    },
  };
}

} // namespace cdb

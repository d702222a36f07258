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

/// Whether a venue event is a venue problem the breaker counts: not the
/// refusals that are the order's own terms (post-only, reduce-only).
bool venue_error(const order_event& e) {
  if (e.kind != order_event_kind::rejected
      && e.kind != order_event_kind::expired)
    return false;
  return e.reason != "post_only_would_take"
         && e.reason != "reduce_only_no_position";
}

/// Reports what the venue does as messages.
class actor_sink : public venue_sink {
public:
  actor_sink(self_ptr self, actor_context ctx)
    : self_(self), ctx_(std::move(ctx)) {
    // nop
  }

  void on_order(const order& o) override {
    record(self_, o);
  }

  void on_event(const order_event& e) override {
    if (e.kind == order_event_kind::rejected
        || e.kind == order_event_kind::expired
        || e.kind == order_event_kind::request_rejected)
      CDB_WARN("execution", to_string(e.kind)
                              << ' ' << e.order_id << ": " << e.reason);
    if (venue_error(e)) {
      ctx_.metrics->venue_rejects++;
      if (self_->state.peers.breaker)
        self_->send(self_->state.peers.breaker, e);
    }
    record(self_, e);
  }

  void on_fill(const fill& f) override {
    ctx_.metrics->fills++;
    self_->state.filled = true;
    CDB_INFO("execution",
             "filled " << f.order_id << ' ' << to_string(f.direction) << ' '
                       << f.qty << ' ' << f.instrument << " @ " << f.price
                       << " fee=" << f.fee << ' ' << to_string(f.role)
                       << " slippage=" << f.slippage_bps << "bps");
    record(self_, f);
  }

  void on_funding(const std::string& instrument, double rate, double paid,
                  timestamp) override {
    ctx_.metrics->funding = ctx_.metrics->funding + paid;
    self_->state.filled = true; // cash changed: publish the account
    CDB_INFO("execution",
             "funding " << instrument << " rate " << rate << ": paid " << paid);
  }

  void on_alarm(const std::string& what, timestamp) override {
    ctx_.metrics->venue_alarms++;
    if (what.find("liquidated") != std::string::npos)
      ctx_.metrics->liquidations++;
    CDB_WARN("execution", what);
  }

private:
  self_ptr self_;
  actor_context ctx_;
};

void publish(self_ptr self, const actor_context& ctx, timestamp t) {
  auto& st = self->state;
  st.filled = false;
  auto snap = st.paper->account().snapshot(st.snapshot_ids->next(), t);
  ctx.metrics->equity = snap.equity;
  ctx.metrics->realized_pnl = snap.realized_pnl;
  ctx.metrics->fees = snap.fees;
  if (st.peers.risk)
    self->send(st.peers.risk, snap);
  if (st.peers.breaker)
    self->send(st.peers.breaker, snap);
  record(self, std::move(snap));
}

/// Publishes the account if the last message filled (or paid funding).
void publish_if_filled(self_ptr self, const actor_context& ctx) {
  auto& st = self->state;
  if (!st.filled)
    return;
  auto t = st.paper->market_time();
  publish(self, ctx, t >= 0 ? t : ctx.clock->now());
}

/// Whether the current message comes from the wired risk actor; counts and
/// logs the refusal when not.
bool from_risk(self_ptr self, const actor_context& ctx, const char* what,
               const std::string& id) {
  auto& st = self->state;
  auto sender = self->current_sender();
  if (st.peers.risk && sender && sender->address() == st.peers.risk.address())
    return true;
  ++st.refused;
  ctx.metrics->refused_orders++;
  CDB_ERROR("execution",
            "refused " << what << ' ' << id << ": sender is not risk");
  return false;
}

} // namespace

execution_actor::behavior_type
spawn_execution(self_ptr self, execution_config cfg, actor_context ctx) {
  auto& st = self->state;
  st.sink = std::make_unique<actor_sink>(self, ctx);
  st.paper = std::make_unique<venue>(cfg,
                                     venue_ids{ctx.ids("oev"), ctx.ids("fil"),
                                               ctx.ids("xit"), ctx.ids("liq")},
                                     *st.sink);
  st.snapshot_ids = std::make_unique<id_source>(ctx.ids("eq"));
  ctx.metrics->equity = cfg.initial_cash;
  auto interval = std::chrono::nanoseconds{cfg.snapshot_interval};
  self->delayed_send(self, interval, timer_atom::value);
  auto now = [ctx] { return ctx.clock->now(); };
  return {
    [self, ctx, now](const submit_order& cmd) {
      if (!from_risk(self, ctx, "order", cmd.value.id))
        return;
      self->state.paper->submit(cmd.value, now());
      publish_if_filled(self, ctx);
    },
    [self, ctx, now](const cancel_order& cmd) {
      if (!from_risk(self, ctx, "cancel of", cmd.order_id))
        return;
      self->state.paper->cancel(cmd, now());
    },
    [self, ctx, now](const amend_order& cmd) {
      if (!from_risk(self, ctx, "amend of", cmd.order_id))
        return;
      self->state.paper->amend(cmd, now());
      publish_if_filled(self, ctx);
    },
    [self, ctx, now](const quote_tick& q) {
      self->state.paper->on_quote(q, now());
      publish_if_filled(self, ctx);
    },
    [self, ctx, now](const trade_tick& t) {
      self->state.paper->on_trade(t, now());
      publish_if_filled(self, ctx);
    },
    [self, ctx, now](const trade_batch& b) {
      auto t = now();
      for (auto& x : b.trades)
        self->state.paper->on_trade(x, t);
      publish_if_filled(self, ctx);
    },
    [self, ctx, now](const book_snapshot& b) {
      self->state.paper->on_book(b, now());
      publish_if_filled(self, ctx);
    },
    [self, ctx, now](const mark_price& m) {
      self->state.paper->on_mark(m, now());
      publish_if_filled(self, ctx);
    },
    [self](const bar& b) { self->state.paper->on_bar(b); },
    [](const market_history&) {
      // Never asked for: it subscribes without history.
    },
    [self, now](const feed_status& s) {
      if (s.state == feed_health::fresh)
        return;
      auto t = self->state.paper->market_time();
      self->state.paper->on_feed_down(s.instrument,
                                      std::string{"feed_"} + to_string(s.state),
                                      std::max(t, s.event_time), now());
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
    [self, ctx, now, interval](timer_atom) {
      // Expiry runs in market time: in a fast replay the clock may be far
      // ahead of the data still queued in the mailbox.
      auto t = now();
      auto market = self->state.paper->market_time();
      if (market >= 0)
        self->state.paper->expire(market, t);
      publish(self, ctx, t);
      self->delayed_send(self, interval, timer_atom::value);
    },
    [self, ctx](snapshot_atom) {
      auto& st = self->state;
      return st.paper->account().snapshot(st.snapshot_ids->next(),
                                          ctx.clock->now());
    },
  };
}

} // namespace cdb

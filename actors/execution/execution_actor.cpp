#include "actors/execution/execution_actor.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <caf/all.hpp>

#include "runtime/direct_market.hpp"
#include "runtime/log.hpp"

namespace cdb {

namespace {

using self_ptr = instrumented_pointer<execution_actor, execution_state>;

template <class T>
void record(self_ptr self, T&& x) {
  auto& st = self->state;
  if (!st.peers.persistence)
    return;
  std::string id = x.id;
  st.box->send(caf::actor_cast<caf::actor>(self),
               caf::actor_cast<caf::actor>(st.peers.persistence), std::move(id),
               caf::make_message(std::forward<T>(x)));
}

/// Reports what the venue does as messages.
class actor_sink : public venue_sink {
public:
  actor_sink(self_ptr self, actor_context ctx)
    : self_(self), ctx_(std::move(ctx)) {
    // nop
  }

  void on_order(const order& o) override {
    ctx_.metrics->orders_by_type.at({to_string(o.type)})++;
    record(self_, o);
  }

  void on_event(const order_event& e) override {
    ctx_.metrics->order_events.at({to_string(e.kind)})++;
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
    ctx_.metrics->slippage_bps.observe(f.slippage_bps);
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

/// The account's figures for the exporter.
void account_metrics(node_metrics& m, const portfolio_snapshot& snap) {
  m.equity = snap.equity;
  m.realized_pnl = snap.realized_pnl;
  m.fees = snap.fees;
  m.cash = snap.cash;
  m.exposure = snap.exposure;
  m.daily_pnl = snap.start_of_day_equity > 0
                  ? snap.equity - snap.start_of_day_equity
                  : 0.0;
  auto peak = std::max(m.peak_equity.load(), snap.equity);
  m.peak_equity = peak;
  m.drawdown = peak > 0 ? (peak - snap.equity) / peak : 0.0;
  std::uint64_t open = 0;
  for (auto& p : snap.positions) {
    if (p.qty == 0)
      continue;
    ++open;
    m.position_notional.at({p.instrument}) = std::fabs(p.qty) * p.mark;
  }
  m.open_positions = open;
  m.position_notional.each([&snap](const auto& labels, gauge_cell& cell) {
    auto held = [&labels](const position& p) {
      return p.qty != 0 && p.instrument == labels[0];
    };
    if (std::none_of(snap.positions.begin(), snap.positions.end(), held))
      cell = 0;
  });
}

void publish(self_ptr self, const actor_context& ctx, portfolio_snapshot snap) {
  auto& st = self->state;
  st.filled = false;
  st.risk_estimates = false;
  account_metrics(*ctx.metrics, snap);
  if (st.peers.risk)
    self->send(st.peers.risk, snap);
  if (st.peers.breaker)
    self->send(st.peers.breaker, snap);
  st.last = snap;
  record(self, std::move(snap));
}

void publish(self_ptr self, const actor_context& ctx, timestamp t) {
  auto& st = self->state;
  publish(self, ctx, st.paper->account().snapshot(st.snapshot_ids->next(), t));
}

/// The timed snapshot: published, or held back while it equals the last
/// one published and risk has sent nothing since. Risk and the breaker
/// would take it without a change (same figures, same trading day; risk's
/// estimate of an order it sent is the one thing a snapshot replaces), and
/// the recorder keeps changes only: it asks for the held-back one at the
/// end (last_account_atom), the run's last account point. Risk and the
/// breaker get the account again with each new wiring (a restart); their
/// recovery in a backtest finds nothing recorded.
void publish_timed(self_ptr self, const execution_config& cfg,
                   const actor_context& ctx, timestamp t) {
  auto& st = self->state;
  auto snap = st.paper->account().snapshot(st.snapshot_ids->next(), t);
  if (cfg.hold_unchanged && st.last && !st.filled && !st.risk_estimates
      && same_account(*st.last, snap, cfg.day_start)) {
    st.last = std::move(snap);
    return;
  }
  publish(self, ctx, std::move(snap));
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

void handle(self_ptr self, const held_request& r, timestamp now) {
  auto& v = *self->state.paper;
  if (r.cancel)
    v.cancel(*r.cancel, now);
  else if (r.amend)
    v.amend(*r.amend, now);
  else
    v.submit(r.submit, now);
}

/// Handles `r` now, or keeps it until the account is recovered.
void handle_or_hold(self_ptr self, const actor_context& ctx, held_request r) {
  auto& st = self->state;
  if (!st.recovered) {
    st.held.push_back(std::move(r));
    return;
  }
  handle(self, r, ctx.clock->now());
  publish_if_filled(self, ctx);
}

void recover(self_ptr self, const execution_config& cfg,
             const actor_context& ctx) {
  auto& st = self->state;
  if (st.recovered || st.recovering)
    return;
  if (!st.peers.persistence) {
    st.recovered = true;
    CDB_WARN("execution", "no persistence: starting with the initial cash "
                            << cfg.initial_cash);
    publish(self, ctx, ctx.clock->now());
    return;
  }
  st.recovering = true;
  self
    ->request(st.peers.persistence, std::chrono::seconds{10},
              recover_account_atom::value)
    .then(
      [self, ctx](account_recovery& r) {
        auto& st = self->state;
        st.recovering = false;
        st.recovered = true;
        auto now = ctx.clock->now();
        st.paper->restore(r, now);
        if (r.found)
          CDB_INFO("execution",
                   "recovered account: equity "
                     << r.account.equity << ", cash " << r.account.cash << ", "
                     << r.account.positions.size() << " positions, "
                     << r.open_orders.size() << " open orders");
        else
          CDB_INFO("execution", "no recorded account: starting with the "
                                "initial cash");
        publish(self, ctx, now);
        auto held = std::move(st.held);
        st.held.clear();
        for (auto& x : held)
          handle(self, x, now);
        publish_if_filled(self, ctx);
      },
      [self](caf::error& e) {
        auto& st = self->state;
        st.recovering = false;
        CDB_ERROR("execution", "cannot recover the account (" << to_string(
                                 e) << "); orders wait; retrying in 1s");
        self->delayed_send(self, std::chrono::seconds{1},
                           recover_account_atom::value);
      });
}

void on_market(self_ptr self, const actor_context& ctx, const quote_tick& q) {
  self->state.paper->on_quote(q, ctx.clock->now());
  publish_if_filled(self, ctx);
}

void on_market(self_ptr self, const actor_context& ctx, const trade_tick& t) {
  self->state.paper->on_trade(t, ctx.clock->now());
  publish_if_filled(self, ctx);
}

void on_market(self_ptr self, const actor_context& ctx,
               const book_snapshot& b) {
  self->state.paper->on_book(b, ctx.clock->now());
  publish_if_filled(self, ctx);
}

void on_market(self_ptr self, const actor_context& ctx, const mark_price& m) {
  self->state.paper->on_mark(m, ctx.clock->now());
  publish_if_filled(self, ctx);
}

void on_market(self_ptr self, const actor_context&, const bar& b) {
  self->state.paper->on_bar(b);
}

} // namespace

execution_actor::behavior_type spawn_execution(self_ptr self,
                                               const execution_config& cfg,
                                               const actor_context& ctx) {
  instrument(self, ctx, "execution");
  auto& st = self->state;
  st.sink = std::make_unique<actor_sink>(self, ctx);
  st.paper = std::make_unique<venue>(cfg,
                                     venue_ids{ctx.ids("oev"), ctx.ids("fil"),
                                               ctx.ids("xit"), ctx.ids("liq")},
                                     *st.sink);
  st.snapshot_ids = std::make_unique<id_source>(ctx.ids("eq"));
  st.box = std::make_unique<outbox>("execution", outbox_limit, ctx.metrics);
  ctx.metrics->equity = cfg.initial_cash;
  auto interval = std::chrono::nanoseconds{cfg.snapshot_interval};
  self->delayed_send(self, interval, timer_atom::value);
  auto now = [ctx] { return ctx.clock->now(); };
  auto look = [self, cfg, ctx, now, interval] {
    // Expiry runs in market time: in a fast replay the clock may be far
    // ahead of the data still queued in the mailbox.
    auto t = now();
    auto market = self->state.paper->market_time();
    if (market >= 0)
      self->state.paper->expire(market, t);
    if (self->state.recovered)
      publish_timed(self, cfg, ctx, t);
    self->delayed_send(self, interval, timer_atom::value);
  };
  if (ctx.direct) {
    ctx.direct->attach(self,
                       [self, ctx](const auto& x) { on_market(self, ctx, x); });
    ctx.direct->attach_timer(self, timer_atom::value, look);
  }
  return {
    [self, ctx](const submit_order& cmd) {
      if (!from_risk(self, ctx, "order", cmd.value.id))
        return;
      ctx.metrics->orders_received++;
      ctx.metrics->orders_by_type.at({to_string(cmd.value.type)})++;
      self->state.risk_estimates = true;
      handle_or_hold(self, ctx, held_request{cmd.value, {}, {}});
    },
    [self, ctx](const cancel_order& cmd) {
      if (!from_risk(self, ctx, "cancel of", cmd.order_id))
        return;
      self->state.risk_estimates = true;
      handle_or_hold(self, ctx, held_request{{}, cmd, {}});
    },
    [self, ctx](const amend_order& cmd) {
      if (!from_risk(self, ctx, "amend of", cmd.order_id))
        return;
      self->state.risk_estimates = true;
      handle_or_hold(self, ctx, held_request{{}, {}, cmd});
    },
    [self, ctx](const quote_tick& q) { on_market(self, ctx, q); },
    [self, ctx](const trade_tick& t) { on_market(self, ctx, t); },
    [self, ctx, now](const trade_batch& b) {
      auto t = now();
      for (auto& x : b.trades)
        self->state.paper->on_trade(x, t);
      publish_if_filled(self, ctx);
    },
    [self, ctx](const book_snapshot& b) { on_market(self, ctx, b); },
    [self, ctx](const mark_price& m) { on_market(self, ctx, m); },
    [self, ctx](const bar& b) { on_market(self, ctx, b); },
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
    [self](persisted_ack& a) { take_ack(self, *self->state.box, a); },
    [self](flush_atom) {
      auto& st = self->state;
      return settle(self, *st.box, st.peers.persistence);
    },
    [self, cfg, ctx](execution_wiring& w) {
      auto& st = self->state;
      auto& peers = st.peers;
      if (w.feed && w.feed != peers.feed)
        self->send(w.feed, subscribe_atom::value,
                   caf::actor_cast<market_sink>(self));
      st.box->rewire(caf::actor_cast<caf::actor>(self),
                     caf::actor_cast<caf::actor>(peers.persistence),
                     caf::actor_cast<caf::actor>(w.persistence));
      peers = std::move(w);
      if (!st.recovered) {
        recover(self, cfg, ctx);
        return;
      }
      // A restarted risk or breaker learns the account at once.
      publish(self, ctx, ctx.clock->now());
    },
    [self, cfg, ctx](recover_account_atom) { recover(self, cfg, ctx); },
    [look](timer_atom) { look(); },
    [self, ctx](snapshot_atom) -> caf::result<portfolio_snapshot> {
      auto& st = self->state;
      if (!st.recovered)
        return caf::make_error(caf::sec::runtime_error,
                               "execution is recovering its account");
      return st.paper->account().snapshot(st.snapshot_ids->next(),
                                          ctx.clock->now());
    },
    [self](last_account_atom) -> caf::result<portfolio_snapshot> {
      auto& st = self->state;
      if (st.last)
        return *st.last;
      return caf::make_error(caf::sec::runtime_error,
                             "execution has published no account yet");
    },
  };
}

} // namespace cdb

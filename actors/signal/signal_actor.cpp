#include "actors/signal/signal_actor.hpp"

#include <algorithm>
#include <unordered_map>

#include <caf/all.hpp>

#include "runtime/direct_market.hpp"
#include "runtime/log.hpp"

namespace cdb {

namespace {

using self_ptr = instrumented_pointer<signal_actor, signal_state>;

/// Logs what the engine reports and announces the moment all are warm.
void report(self_ptr self, const actor_context& ctx) {
  auto& st = self->state;
  for (auto& e : st.engine->take_events()) {
    switch (e.kind) {
      case engine_event_kind::warm: CDB_INFO("signal", e.text); break;
      case engine_event_kind::error:
        ++ctx.metrics->strategy_errors;
        CDB_WARN("signal", e.text);
        break;
      case engine_event_kind::disabled:
        ++ctx.metrics->strategy_errors;
        CDB_ERROR("signal", e.text);
        break;
    }
  }
  auto warm = st.engine->warm();
  ctx.metrics->signal_warm = warm;
  if (warm && !st.reported_warm)
    CDB_INFO("signal", "warm: all " << st.engine->instances()
                                    << " strategy instances may signal");
  st.reported_warm = warm;
}

/// Sends an event to persistence and keeps it until acknowledged.
void record(self_ptr self, std::string id, caf::message msg) {
  auto& st = self->state;
  if (st.peers.persistence)
    st.box->send(caf::actor_cast<caf::actor>(self),
                 caf::actor_cast<caf::actor>(st.peers.persistence),
                 std::move(id), std::move(msg));
}

/// Stamps and sends what the engine produced (see send_out).
void send_out_now(self_ptr self, const actor_context& ctx) {
  auto& st = self->state;
  if (st.engine->has_built_bars())
    for (auto& b : st.engine->take_built_bars())
      if (st.peers.persistence)
        self->send(st.peers.persistence, std::move(b));
  for (auto& s : st.out) {
    s.id = st.ids->next();
    s.init_time = ctx.clock->now();
    ctx.metrics->signals++;
    ctx.metrics->signals_by_strategy.at({s.strategy})++;
    CDB_DEBUG("signal", s.id << ' ' << s.strategy << ' '
                             << to_string(s.direction) << ' ' << s.instrument
                             << ": " << s.reason);
    record(self, s.id, caf::make_message(s));
    if (st.peers.risk)
      self->send(st.peers.risk, std::move(s));
  }
  st.out.clear();
  if (st.engine->has_events()) // warm-ups and errors are events
    report(self, ctx);
}

/// Stamps and sends what the engine produced, if anything: most ticks
/// produce nothing, and are done with three inline checks.
inline void send_out(self_ptr self, const actor_context& ctx) {
  auto& st = self->state;
  if (!st.out.empty() || st.engine->has_built_bars() || st.engine->has_events())
    send_out_now(self, ctx);
}

void on_market(self_ptr self, const actor_context& ctx, const trade_tick& t) {
  self->state.engine->on_trade(t, self->state.out);
  send_out(self, ctx);
}

void on_market(self_ptr self, const actor_context& ctx, const quote_tick& q) {
  self->state.engine->on_quote(q, self->state.out);
  send_out(self, ctx);
}

void on_market(self_ptr self, const actor_context& ctx, const bar& b) {
  self->state.engine->on_bar(b, self->state.out);
  send_out(self, ctx);
}

void on_market(self_ptr, const actor_context&, const book_snapshot&) {
  // No strategy reads depth yet.
}

void on_market(self_ptr, const actor_context&, const mark_price&) {
  // No strategy reads mark prices yet.
}

/// Replays the recorded bars of each series whose newest bar ended within
/// the configured age; returns how many. A series that ends after now
/// belongs to another timeline (an earlier replay of the same or later
/// data on this node): its bars would make every bar of this run look
/// late, and the strategies would never see one.
std::size_t replay_recorded(self_ptr self, const signal_config& cfg,
                            const actor_context& ctx, recorded_bars& r) {
  auto& st = self->state;
  auto now = ctx.clock->now();
  auto oldest = now - cfg.recovered_bars_max_age;
  std::unordered_map<std::string, timestamp> newest; // per series
  auto key = [](const bar& b) {
    return b.instrument + '/' + std::to_string(b.interval);
  };
  for (auto& b : r.bars) {
    auto& t = newest[key(b)];
    t = std::max(t, b.end_time);
  }
  std::size_t n = 0;
  st.engine->replaying(true);
  for (auto& b : r.bars)
    if (auto t = newest[key(b)]; t >= oldest && t <= now) {
      st.engine->on_recorded_bar(b, st.out);
      ++n;
    }
  st.engine->replaying(false);
  st.out.clear();
  return n;
}

/// Warms up from what persistence recorded (once per actor), then asks
/// the feed for its history, which also subscribes: live data comes after
/// the bars. The actor awaits the answer (at most 5 s) so that a new wiring
/// cannot ask a feed in between.
void warm_up(self_ptr self, const signal_config& cfg,
             const actor_context& ctx) {
  auto& st = self->state;
  auto ask_feed = [self] {
    auto& feed = self->state.peers.feed;
    if (feed)
      self->send(feed, history_atom::value, caf::actor_cast<market_sink>(self));
  };
  if (st.asked_recorded || !st.peers.persistence || cfg.recovered_bars == 0) {
    ask_feed();
    return;
  }
  st.asked_recorded = true;
  self
    ->request(st.peers.persistence, std::chrono::seconds{5},
              recover_bars_atom::value, cfg.recovered_bars)
    .await(
      [self, cfg, ctx, ask_feed](recorded_bars& r) {
        auto n = replay_recorded(self, cfg, ctx, r);
        CDB_INFO("signal", "warm-up from recorded bars: "
                             << n << " of " << r.bars.size() << " replayed; "
                             << self->state.engine->warm_instances() << " of "
                             << self->state.engine->instances()
                             << " strategy instances warm");
        report(self, ctx);
        ask_feed();
      },
      [ask_feed](caf::error& e) {
        CDB_WARN("signal", "no recorded bars (" << to_string(e)
                                                << "); warming up from the "
                                                   "feed's history only");
        ask_feed();
      });
}

} // namespace

signal_actor::behavior_type
spawn_signal(instrumented_pointer<signal_actor, signal_state> self,
             const signal_config& cfg, const actor_context& ctx) {
  instrument(self, ctx, "signal");
  auto& st = self->state;
  st.ids = std::make_unique<id_source>(ctx.ids("sig"));
  st.engine = std::make_unique<signal_engine>(cfg);
  st.box = std::make_unique<outbox>("signal", outbox_limit, ctx.metrics);
  ctx.metrics->signal_warm = false;
  // Every strategy has its series from the start, at 0.
  for (auto& s : st.engine->status())
    ctx.metrics->signals_by_strategy.at({s.strategy});
  if (ctx.direct)
    ctx.direct->attach(self,
                       [self, ctx](const auto& x) { on_market(self, ctx, x); });
  return {
    [self, ctx](const trade_tick& t) { on_market(self, ctx, t); },
    [self, ctx](const trade_batch& b) {
      for (auto& t : b.trades)
        self->state.engine->on_trade(t, self->state.out);
      send_out(self, ctx);
    },
    [self, ctx](const quote_tick& q) { on_market(self, ctx, q); },
    [self, ctx](const bar& b) { on_market(self, ctx, b); },
    [self, ctx](const book_snapshot& b) { on_market(self, ctx, b); },
    [self, ctx](const mark_price& m) { on_market(self, ctx, m); },
    [](const feed_status&) {
      // Staleness is risk's and the circuit breaker's business.
    },
    [self, ctx](const market_history& h) {
      auto& st = self->state;
      // Venue bars first: an instance that uses them stops building its own
      // before the trades come.
      st.engine->replaying(true);
      for (auto& b : h.bars)
        st.engine->on_bar(b, st.out);
      for (auto& t : h.trades)
        st.engine->on_trade(t, st.out);
      st.engine->replaying(false);
      st.out.clear();
      st.history_trades += h.trades.size();
      st.history_bars += h.bars.size();
      CDB_INFO("signal", "warm-up from the feed's history: "
                           << h.trades.size() << " trades, " << h.bars.size()
                           << " bars; " << st.engine->warm_instances() << " of "
                           << st.engine->instances()
                           << " strategy instances warm");
      report(self, ctx);
    },
    [self, cfg, ctx](signal_wiring& w) {
      auto& peers = self->state.peers;
      bool new_feed = w.feed && w.feed != peers.feed;
      self->state.box->rewire(caf::actor_cast<caf::actor>(self),
                              caf::actor_cast<caf::actor>(peers.persistence),
                              caf::actor_cast<caf::actor>(w.persistence));
      peers = std::move(w);
      self->state.engine->record_bars(static_cast<bool>(peers.persistence));
      if (new_feed)
        warm_up(self, cfg, ctx);
    },
    [self](persisted_ack& a) { take_ack(self, *self->state.box, a); },
    [self](flush_atom) {
      auto& st = self->state;
      return settle(self, *st.box, st.peers.persistence);
    },
    [self](state_atom) {
      auto& st = self->state;
      signal_status s;
      s.warm = st.engine->warm();
      s.history_trades = st.history_trades;
      s.history_bars = st.history_bars;
      s.strategies = st.engine->status();
      return s;
    },
  };
}

} // namespace cdb

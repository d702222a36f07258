#include "actors/signal/signal_actor.hpp"

#include <caf/all.hpp>

#include "runtime/config_check.hpp"
#include "runtime/log.hpp"

namespace cdb {

void signal_config::validate(std::vector<std::string>& errors) const {
  config_check c{"signal", errors};
  c.require_span(bar_interval > 0, "bar_interval", bar_interval, "must be > 0");
  ema.validate(errors);
}

signal_actor::behavior_type
spawn_signal(signal_actor::stateful_pointer<signal_state> self,
             signal_config cfg, actor_context ctx) {
  self->state.ids = std::make_unique<id_source>(ctx.ids("sig"));
  auto on_trade = [self, cfg, ctx](const trade_tick& t) {
    auto& slots = self->state.slots;
    auto i = slots.find(t.instrument);
    if (i == slots.end()) {
      signal_state::instrument_slot slot{{t.instrument, cfg.bar_interval},
                                         ema_cross{cfg.ema}};
      i = slots.emplace(t.instrument, std::move(slot)).first;
    }
    auto closed = i->second.bars.add(t);
    if (!closed)
      return;
    auto intent = i->second.strategy.on_bar(*closed);
    if (!intent)
      return;
    signal s;
    s.id = self->state.ids->next();
    s.strategy = "ema_cross";
    s.instrument = t.instrument;
    s.direction = intent->direction;
    s.strength = intent->strength;
    s.ref_price = intent->ref_price;
    s.stop_hint = intent->stop_hint;
    s.reason = std::move(intent->reason);
    s.event_time = t.event_time;
    s.init_time = ctx.clock->now();
    ctx.metrics->signals++;
    CDB_DEBUG("signal", s.id << ' ' << to_string(s.direction) << ' '
                             << s.instrument << ": " << s.reason);
    auto& peers = self->state.peers;
    if (peers.persistence)
      self->send(peers.persistence, s);
    if (peers.risk)
      self->send(peers.risk, std::move(s));
  };
  return {
    [on_trade](const trade_tick& t) { on_trade(t); },
    [](const quote_tick&) {
      // The EMA strategy trades on bars built from trades.
    },
    [](const book_snapshot&) {
      // No strategy reads depth yet.
    },
    [](const bar&) {
      // The EMA strategy builds its own bars; venue bars: issue 4.
    },
    [](const mark_price&) {
      // No strategy reads mark prices yet.
    },
    [](const feed_status&) {
      // Staleness is risk's and the circuit breaker's business.
    },
    [self](signal_wiring& w) {
      auto& peers = self->state.peers;
      if (w.feed && w.feed != peers.feed)
        self->send(w.feed, subscribe_atom::value,
                   caf::actor_cast<market_sink>(self));
      peers = std::move(w);
    },
  };
}

} // namespace cdb

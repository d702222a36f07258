#include "actors/feed/feed_actor.hpp"

#include <algorithm>
#include <chrono>

#include <caf/all.hpp>

#include "runtime/log.hpp"

namespace cdb {

void feed_config::validate(std::vector<std::string>& errors) const {
  synthetic.validate(errors);
}

feed_actor::behavior_type
spawn_feed(feed_actor::stateful_pointer<feed_state> self, feed_config cfg,
           actor_context ctx, timestamp market_start) {
  auto& st = self->state;
  st.market = std::make_unique<synthetic_market>(cfg.synthetic, market_start);
  // Fast-forward silently to now: same seed, same path, no replayed ticks.
  auto now = ctx.clock->now();
  while (st.market->time() + cfg.synthetic.step <= now) {
    st.market->step(st.quotes, st.trades);
    st.quotes.clear();
    st.trades.clear();
  }
  CDB_INFO("feed", "synthetic market seed="
                     << cfg.synthetic.seed
                     << " instruments=" << cfg.synthetic.instruments.size()
                     << " incarnation=" << ctx.incarnation);
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& subs = self->state.subscribers;
    subs.erase(std::remove_if(subs.begin(), subs.end(),
                              [&](const market_sink& s) {
                                return s.address() == dm.source;
                              }),
               subs.end());
  });
  auto step = std::chrono::nanoseconds{cfg.synthetic.step};
  self->delayed_send(self, step, timer_atom::value);
  return {
    [self](subscribe_atom, market_sink sink) {
      auto& subs = self->state.subscribers;
      if (std::find(subs.begin(), subs.end(), sink) != subs.end())
        return;
      self->monitor(sink);
      subs.push_back(sink);
      for (auto& name : self->state.market->config().instruments)
        self->send(sink, feed_status{name, feed_health::fresh, 0, "subscribed",
                                     self->state.market->time()});
    },
    [self](unsubscribe_atom, market_sink sink) {
      auto& subs = self->state.subscribers;
      subs.erase(std::remove(subs.begin(), subs.end(), sink), subs.end());
      self->demonitor(sink.address());
    },
    [self, cfg, ctx, step](timer_atom) {
      auto& st = self->state;
      if (st.stopped)
        return;
      st.market->step(st.quotes, st.trades);
      for (auto& sink : st.subscribers) {
        for (auto& q : st.quotes)
          self->send(sink, q);
        for (auto& t : st.trades)
          self->send(sink, t);
      }
      auto n = st.quotes.size() + st.trades.size();
      st.published += n;
      ctx.metrics->ticks += n;
      st.quotes.clear();
      st.trades.clear();
      if (cfg.max_ticks > 0 && ctx.metrics->ticks >= cfg.max_ticks) {
        st.stopped = true;
        CDB_INFO("feed", "tick budget of " << cfg.max_ticks
                                           << " reached; feed stopped");
        for (auto& sink : st.subscribers)
          for (auto& name : st.market->config().instruments)
            self->send(sink,
                       feed_status{name, feed_health::disconnected, 0,
                                   "tick budget reached", st.market->time()});
        return;
      }
      // Pace in real time: aim at the next step's event time.
      auto next = st.market->time() + cfg.synthetic.step - ctx.clock->now();
      auto delay = std::chrono::nanoseconds{next > 0 ? next : 0};
      self->delayed_send(self, std::min(delay, step), timer_atom::value);
    },
  };
}

} // namespace cdb

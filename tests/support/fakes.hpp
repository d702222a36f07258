// Stand-ins for peers in actor tests. They record what they receive; tests
// read the record with deref<...>(handle).state.
#pragma once

#include <algorithm>
#include <map>
#include <vector>

#include "actors/persistence/store.hpp"
#include "messages/interfaces.hpp"
#include "tests/support/fixtures.hpp"

namespace cdb::test {

/// What an actor under test sent to persistence: the batch type the real
/// persistence actor buffers.
using persistence_record = event_batch;

inline persistence_actor::behavior_type recording_persistence(
  persistence_actor::stateful_pointer<persistence_record> self, no_args) {
  return {
    [self](const signal& x) { self->state.signals.push_back(x); },
    [self](const risk_decision& x) { self->state.decisions.push_back(x); },
    [self](const order& x) { self->state.orders.push_back(x); },
    [self](const order_event& x) { self->state.order_events.push_back(x); },
    [self](const fill& x) { self->state.fills.push_back(x); },
    [self](const portfolio_snapshot& x) { self->state.snapshots.push_back(x); },
    [self](const trading_state& x) { self->state.states.push_back(x); },
    [self](const feed_status& x) {
      self->state.feed_events.push_back(feed_event{"", x});
    },
    [self](const bar& x) { self->state.bars.push_back(x); },
    [](timer_atom) {},
    [](flush_atom) { return std::uint64_t{0}; },
    // The newest `n` bars of each series, oldest first (like the real one).
    [self](recover_bars_atom, std::uint32_t n) {
      std::map<std::pair<std::string, nanoseconds>, std::vector<bar>> series;
      for (auto& b : self->state.bars)
        series[{b.instrument, b.interval}].push_back(b);
      recorded_bars r;
      for (auto& kvp : series) {
        auto& v = kvp.second;
        auto from = v.size() > n ? v.size() - n : 0;
        r.bars.insert(r.bars.end(), v.begin() + static_cast<long>(from),
                      v.end());
      }
      std::stable_sort(r.bars.begin(), r.bars.end(),
                       [](const bar& x, const bar& y) {
                         return x.start_time < y.start_time;
                       });
      return r;
    },
    // Like the real one: the newest state it was given, or none.
    [self](recover_atom) {
      auto& st = self->state.states;
      return st.empty() ? trading_state{} : st.back();
    },
    // The newest account and the orders without a final event.
    [self](recover_account_atom) {
      auto& st = self->state;
      account_recovery r;
      r.found = !st.snapshots.empty();
      if (r.found)
        r.account = st.snapshots.back();
      for (auto& o : st.orders) {
        auto open = o.qty;
        auto final = false;
        for (auto& f : st.fills)
          if (f.order_id == o.id)
            open -= f.qty;
        for (auto& e : st.order_events)
          final |= e.order_id == o.id
                   && (e.kind == order_event_kind::filled
                       || e.kind == order_event_kind::cancelled
                       || e.kind == order_event_kind::expired
                       || e.kind == order_event_kind::rejected);
        if (!final) {
          r.open_orders.push_back(o);
          r.open_orders.back().qty = open;
        }
      }
      return r;
    },
  };
}

/// Reads the record of a recording_persistence actor.
template <class Fixture>
persistence_record& record_of(Fixture& f, const persistence_actor& h) {
  return f
    .template deref<persistence_actor::stateful_base<persistence_record>>(h)
    .state;
}

} // namespace cdb::test

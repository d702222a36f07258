#include "runtime/backtest_recorder.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <unordered_map>

#include <caf/all.hpp>

#include "actors/persistence/persistence_actor.hpp"
#include "runtime/direct_market.hpp"

namespace cdb {

namespace {

/// What the recorder learns on the way, besides the record.
struct recorder_state {
  static inline const char* name = "persistence"; ///< Its place in turns.
  std::shared_ptr<run_record> rec;
  std::unordered_map<std::string, std::string> signal_strategy;
  std::unordered_map<std::string, std::string> order_strategy;
  /// A signal's decisions (close, then open) arrive one after the other.
  std::string last_decided;
  /// Per instrument: the bars behind its price chart.
  struct price_series {
    nanoseconds interval = 0; ///< The smallest seen.
    std::uint64_t stride = 1; ///< Every stride-th bar is kept.
    std::uint64_t seen = 0;
  };
  std::map<std::string, price_series> series;
  event_senders unacked;
  persistence_actor db;      ///< With --persist: gets a copy of everything.
  equity_point newest;       ///< Of the last snapshot.
  execution_actor execution; ///< Who sends the snapshots.
  std::uint64_t events = 0;
};

using recorder_ptr = persistence_actor::stateful_pointer<recorder_state>;

template <class T>
void keep(recorder_ptr self, const T& x) {
  auto& st = self->state;
  ++st.events;
  if (auto sender = self->current_sender())
    st.unacked.emplace_back(std::move(sender), x.id);
  if (st.db)
    caf::anon_send(st.db, x);
  if (st.unacked.size() >= 512)
    acknowledge(self->state.unacked);
}

/// An account point. Only changes are kept (a month at one snapshot per
/// second would be millions of equal points); the newest is added at the
/// end.
void take(recorder_ptr self, const portfolio_snapshot& x) {
  auto invested = std::any_of(x.positions.begin(), x.positions.end(),
                              [](const position& p) { return p.qty != 0; });
  auto& st = self->state;
  auto& eq = st.rec->equity;
  equity_point p{x.event_time, x.equity, invested};
  if (!eq.empty() && eq.back().t == p.t)
    eq.back() = p;
  else if (eq.empty() || eq.back().equity != p.equity
           || eq.back().invested != p.invested)
    eq.push_back(p);
  st.newest = p;
}

/// The end: the newest account point joins the curve, and the database
/// (with --persist) flushes.
void finish(recorder_ptr self, caf::typed_response_promise<std::uint64_t> rp) {
  auto& st = self->state;
  auto& eq = st.rec->equity;
  if (!eq.empty() && st.newest.t > eq.back().t)
    eq.push_back(st.newest);
  acknowledge(st.unacked);
  if (!st.db) {
    rp.deliver(st.events);
    return;
  }
  self->request(st.db, caf::infinite, flush_atom::value)
    .then([rp](std::uint64_t n) mutable { rp.deliver(n); },
          [rp](caf::error& e) mutable { rp.deliver(std::move(e)); });
}

persistence_actor::behavior_type
backtest_recorder(recorder_ptr self, std::shared_ptr<run_record> rec,
                  persistence_actor db,
                  const std::shared_ptr<direct_market>& direct) {
  self->state.rec = std::move(rec);
  self->state.db = std::move(db);
  self->delayed_send(self, std::chrono::seconds{10}, timer_atom::value);
  auto sample = [self] {
    // Risk decides a signal when it arrives: its orders are in by now,
    // and the signal's strategy is no longer needed.
    self->state.signal_strategy.clear();
    acknowledge(self->state.unacked);
    self->delayed_send(self, std::chrono::seconds{10}, timer_atom::value);
  };
  if (direct)
    direct->attach_timer(self, timer_atom::value, sample);
  return {
    [self](const signal& x) {
      auto& st = self->state;
      st.rec->signals[x.strategy]++;
      st.rec->instrument_signals[x.instrument]++;
      st.signal_strategy[x.id] = x.strategy;
      keep(self, x);
    },
    [self](const risk_decision& x) {
      auto& st = self->state;
      auto& r = *st.rec;
      // A flatten's decisions have no signal.
      if (!x.signal_id.empty() && x.signal_id != st.last_decided) {
        ++r.decided_signals;
        st.last_decided = x.signal_id;
      }
      if (x.approved)
        ++r.approved;
      else
        r.rejections[x.layer]++;
      keep(self, x);
    },
    [self](const order& x) {
      auto& st = self->state;
      std::string strategy = "(risk)"; // a flatten: no signal behind it
      if (auto i = st.signal_strategy.find(x.signal_id);
          i != st.signal_strategy.end())
        strategy = i->second;
      else if (auto j = st.order_strategy.find(x.parent_id);
               j != st.order_strategy.end())
        strategy = j->second; // a bracket's stop or target
      st.order_strategy[x.id] = strategy;
      keep(self, x);
    },
    [self](const order_event& x) { keep(self, x); },
    [self](const fill& x) {
      auto& st = self->state;
      report_fill f;
      f.t = x.event_time;
      f.instrument = x.instrument;
      auto i = st.order_strategy.find(x.order_id);
      f.strategy = i != st.order_strategy.end() ? i->second : "(unknown)";
      f.direction = x.direction;
      f.qty = x.qty;
      f.price = x.price;
      f.fee = x.fee;
      f.slippage_bps = x.slippage_bps;
      f.realized_pnl = x.realized_pnl;
      st.rec->fills.push_back(std::move(f));
      keep(self, x);
    },
    [self](const portfolio_snapshot& x) {
      if (auto sender = self->current_sender())
        self->state.execution = caf::actor_cast<execution_actor>(sender);
      take(self, x);
      keep(self, x);
    },
    [self](const trading_state& x) {
      for (auto& t : x.trips)
        add_trip(*self->state.rec,
                 report_trip{t.since, t.rule, to_string(t.mode), t.reason});
      keep(self, x);
    },
    [self](const feed_status& x) {
      if (self->state.db)
        caf::anon_send(self->state.db, x);
    },
    [self](const bar& x) {
      auto& st = self->state;
      auto& ps = st.series[x.instrument];
      auto& series = st.rec->prices[x.instrument];
      if (ps.interval == 0 || x.interval < ps.interval) {
        ps = recorder_state::price_series{x.interval};
        series.clear();
      }
      // The chart draws 2 000 points: keep at most 20 000 per instrument,
      // every other one dropped (and the stride doubled) when full.
      if (x.interval == ps.interval && (ps.seen++ % ps.stride) == 0)
        series.push_back(price_point{x.end_time, x.close});
      if (series.size() >= 20'000) {
        for (std::size_t i = 0; 2 * i < series.size(); ++i)
          series[i] = series[2 * i];
        series.resize((series.size() + 1) / 2);
        ps.stride *= 2;
      }
      if (st.db)
        caf::anon_send(st.db, x);
    },
    [sample](timer_atom) { sample(); },
    [self](flush_atom) -> caf::result<std::uint64_t> {
      auto rp = self->make_response_promise<std::uint64_t>();
      if (!self->state.execution) {
        finish(self, rp);
        return rp;
      }
      // Execution holds back timed snapshots equal to the last it sent:
      // the run's last account point may be one of those.
      self
        ->request(self->state.execution, caf::infinite,
                  last_account_atom::value)
        .then(
          [self, rp](portfolio_snapshot& x) {
            // Kept like any snapshot; execution ignores the ack of an id
            // its outbox never held.
            if (x.event_time > self->state.newest.t) {
              take(self, x);
              keep(self, x);
            }
            finish(self, rp);
          },
          [self, rp](caf::error&) { finish(self, rp); });
      return rp;
    },
    [](recover_bars_atom, std::uint32_t) { return recorded_bars{}; },
    [](recover_atom) { return trading_state{}; },
    [](recover_account_atom) { return account_recovery{}; },
  };
}

} // namespace

caf::actor spawn_recorder(caf::actor_system& sys,
                          std::shared_ptr<run_record> rec, persistence_actor db,
                          std::shared_ptr<direct_market> direct) {
  return caf::actor_cast<caf::actor>(sys.spawn(
    backtest_recorder, std::move(rec), std::move(db), std::move(direct)));
}

} // namespace cdb

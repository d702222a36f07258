// The paper venue: working orders, their matching against market data in
// event time, bracket and one-cancels-other children, reduce-only caps,
// cancel and amend, perpetual funding and liquidation, and the portfolio the
// fills book into. Pure C++, deterministic, no CAF include: the execution
// actor feeds it messages and forwards what it reports to a venue_sink.
//
// Time. An order is due at its event time plus the configured latency and
// fills against the first market data at or after that. The venue keeps the
// recent market events of each instrument, so an order that arrives after
// that data (the data came first through another path) catches up on it:
// the fills do not depend on the arrival interleaving.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <boost/circular_buffer.hpp>

#include "actors/execution/fill_model.hpp"
#include "actors/execution/portfolio.hpp"
#include "actors/risk/market_stats.hpp"
#include "messages/trading.hpp"
#include "runtime/ids.hpp"

namespace cdb {

/// Where the venue reports. Called synchronously, in event order.
class venue_sink {
public:
  virtual ~venue_sink() = default;
  /// An order the venue made: a bracket's stop or target, a liquidation.
  virtual void on_order(const order& o) = 0;
  virtual void on_event(const order_event& e) = 0;
  virtual void on_fill(const fill& f) = 0;
  /// A funding settlement of `paid` (negative: received) at `rate`.
  virtual void on_funding(const std::string& instrument, double rate,
                          double paid, timestamp t)
    = 0;
  /// Something an operator must see: a funding spike, a liquidation.
  virtual void on_alarm(const std::string& what, timestamp t) = 0;
};

/// Whether a venue event is a venue problem the circuit breaker counts
/// (its execution_errors rule): a rejection or expiry, but not a refusal
/// that is the order's own terms (post-only, reduce-only) nor an order
/// that expired because execution itself restarted (its loss is the
/// unreachable and restart_storm rules' business).
bool venue_error(const order_event& e);

/// The id sources of what the venue makes.
struct venue_ids {
  id_source events;
  id_source fills;
  id_source exits;        ///< Bracket children.
  id_source liquidations; ///< Liquidation orders.
};

class venue {
public:
  venue(const execution_config& cfg, venue_ids ids, venue_sink& sink);

  /// Takes over a recorded account and open orders after a restart. Open
  /// market orders (and triggered stops) older than max_wait by `now`
  /// expire (reason `restarted`); resting orders and untriggered stops work
  /// on, brackets relinked by their parent ids. Call before anything else.
  void restore(const account_recovery& r, timestamp now);

  /// Takes an order; `now` is the processing time of what it causes.
  void submit(const order& o, timestamp now);
  void cancel(const cancel_order& c, timestamp now);
  void amend(const amend_order& a, timestamp now);

  void on_quote(const quote_tick& q, timestamp now);
  void on_book(const book_snapshot& b, timestamp now);
  void on_trade(const trade_tick& t, timestamp now);
  void on_mark(const mark_price& m, timestamp now);
  /// Bars feed the volatility estimate (their close), nothing else.
  void on_bar(const bar& b);

  /// Expires the orders that waited too long by market time `t` (the
  /// actor's timer with the newest market time: the instrument's own data
  /// may have stopped while others' goes on).
  void expire(timestamp t, timestamp now);

  /// The feed reports the instrument stale or disconnected: the market
  /// orders waiting for its data expire now with `reason`.
  void on_feed_down(const std::string& instrument, const std::string& reason,
                    timestamp t, timestamp now);

  portfolio& account() noexcept {
    return account_;
  }

  const portfolio& account() const noexcept {
    return account_;
  }

  /// The newest market event time seen; -1 before any.
  timestamp market_time() const noexcept {
    return time_;
  }

  /// Orders that are neither filled nor final, by arrival.
  std::vector<order> open_orders() const;

  /// Market events older than their instrument's newest, ignored.
  std::uint64_t out_of_order() const noexcept {
    return out_of_order_;
  }

private:
  /// What the fill model reads of a trade (no strings: an event is copied
  /// into the ring for every tick).
  struct traded {
    double price = 0;
    double qty = 0;
    side aggressor = side::buy;
  };

  struct market_event {
    timestamp t = 0;
    bool is_trade = false;
    book_state book; ///< The book after the event.
    traded trade;
  };

  struct instrument_state {
    explicit instrument_state(const execution_config& cfg);
    book_state book;
    market_stats stats;
    /// The last execution.history events, a fixed ring: a new event takes
    /// the oldest one's slot, nothing is allocated per event.
    boost::circular_buffer<market_event> history;
    std::map<std::uint64_t, std::string> orders; ///< Working, by arrival.
    timestamp time = -1;
    bool perpetual = false; ///< execution.perpetuals names it (looked up once).
    bool mark_feed = false;
    double funding_rate = 0;
    bool rate_known = false;
    timestamp next_funding = 0;
    timestamp alarmed = -1; ///< The funding time last alarmed for.
  };

  struct working {
    order o;
    std::uint64_t seq = 0;
    timestamp due = 0;
    timestamp wait_from = 0; ///< Expiry runs from here (due, trigger).
    double filled = 0;
    bool active = false;
    bool triggered = false;
    bool resting = false;
    bool done = false;
    double queue_ahead = 0;
    double ref_mid = 0;
    timestamp used_book = -1; ///< Book time of the last taker fill.
    std::string problem;
    std::string sibling; ///< One-cancels-other partner.
    std::string stop_child;
    std::string target_child;
  };

  instrument_state& market(const std::string& instrument);
  bool accept_time(instrument_state& m, timestamp t);
  /// After a quote or a depth snapshot changed the book.
  void book_changed(instrument_state& m, const std::string& instrument,
                    timestamp t, timestamp now);
  void record(instrument_state& m, market_event e, timestamp now,
              const std::string& instrument);
  void step(working& w, const market_event& e, instrument_state& m,
            timestamp now);
  void activate_limit(working& w, const market_event& e, instrument_state& m,
                      timestamp now);
  void rest_step(working& w, const market_event& e, timestamp now);
  bool triggers(const working& w, const market_event& e) const;
  /// Fills what a taker order can get now; false when nothing could fill.
  bool take(working& w, const market_event& e, instrument_state& m,
            double limit, timestamp now);
  bool book_fill(working& w, double qty, double price, liquidity role,
                 double slippage_bps, const std::string& note, timestamp t,
                 timestamp now);
  void place_children(working& entry, double qty, timestamp t, timestamp now);
  void finish(working& w, order_event_kind kind, const std::string& reason,
              timestamp t, timestamp now);
  void emit(const working& w, order_event_kind kind, std::string reason,
            timestamp t, timestamp now);
  void check_expiry(working& w, timestamp t, timestamp now);
  void after_market(const std::string& instrument, instrument_state& m,
                    timestamp t, timestamp now);
  void settle_funding(const std::string& instrument, instrument_state& m,
                      double rate, timestamp t);
  void liquidate(const std::string& instrument, instrument_state& m,
                 timestamp t, timestamp now);
  void catch_up(const std::string& id, timestamp now);
  void sweep(instrument_state& m);
  void remember_final(std::string id);
  bool known(const std::string& id) const;
  double remaining(const working& w) const;
  /// What a reduce-only order may still trade; the full rest otherwise.
  double allowed(const working& w) const;
  market_conditions conditions(const instrument_state& m) const;
  working* find(const std::string& id);

  execution_config cfg_;
  venue_ids ids_;
  venue_sink& sink_;
  portfolio account_;
  std::map<std::string, instrument_state> markets_;
  instrument_cache<instrument_state> market_cache_; ///< Entries of markets_.
  std::map<std::string, working> orders_; ///< Working, and final not yet swept.
  /// Ids of the last 4096 final orders, so a resend stays a duplicate
  /// and a cancel of one is told it is final.
  std::unordered_set<std::string_view> final_; ///< Into final_order_.
  std::deque<std::string> final_order_;
  std::vector<std::string> new_children_;
  std::uint64_t seq_ = 0;
  timestamp time_ = -1;
  std::uint64_t out_of_order_ = 0;
};

} // namespace cdb

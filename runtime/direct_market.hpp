// Direct delivery: in a backtest on one node, the feed hands market data to
// signal, risk and execution by calling their handlers, not by a message to
// each. The lockstep scheduler (runtime/lockstep.hpp) runs one turn at a
// time on one thread, so a subscriber that is idle (nothing in its mailbox,
// not queued) cannot run meanwhile, and a call does what its turn would
// have done with the same tick:
// - The feed gives a subscriber the ticks of one step only while the
//   subscriber is idle; one that has a message waiting gets the rest of
//   the step by message, in order behind it.
// - The subscribers take the step in role order (signal, risk, execution),
//   the order of their turns after the feed's.
// - What a subscriber sends meanwhile queues as it would in its turn.
// - The feed goes on to its next step in the same turn only if no actor
//   is ready, no timer is due before it, and the step is within the run's
//   horizon (the backtest's end, its next hourly sample). Otherwise it sets
//   its timer as always.
// A backtest thus takes the turns it would take with a message per tick,
// minus the ones that only handled ticks; tests/e2e/backtest_test.sh checks
// that both give the same report byte for byte. A split backtest and a live
// node never deliver directly.
//
// Timers likewise: an actor's periodic timer (execution's account look,
// the breaker's check, the feed's replay and watchdog, the recorder's
// sample) is a message it sends itself, and when it fires no actor is
// ready, so its turn would handle that message alone. If the actor is
// idle, the clock calls its handler instead (attach_timer); if the call
// sent the actor anything (a message to itself), its turn runs at once,
// before the actors the call made ready, as in the turn it stands for.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include <caf/atom.hpp>
#include <caf/fwd.hpp>

#include "messages/fields.hpp"
#include "messages/market_data.hpp"

namespace cdb {

class lockstep_scheduler;

/// One step of the feed's market data, kept in order until the direct
/// subscribers take it (the buffers are reused step after step).
class market_step {
public:
  void add(const quote_tick& x) {
    put(quotes_, x, 0);
  }

  void add(const trade_tick& x) {
    put(trades_, x, 1);
  }

  void add(const bar& x) {
    put(bars_, x, 2);
  }

  void add(const book_snapshot& x) {
    put(books_, x, 3);
  }

  void add(const mark_price& x) {
    put(marks_, x, 4);
  }

  /// Adds every record of `xs`, moved (swapped in when the step has none
  /// of that kind yet); leaves `xs` empty.
  void take(std::vector<quote_tick>& xs) {
    move_in(quotes_, xs, 0);
  }

  void take(std::vector<trade_tick>& xs) {
    move_in(trades_, xs, 1);
  }

  bool empty() const noexcept {
    return order_.empty();
  }

  /// Calls `f` with each record, in the order they were added.
  template <class F>
  void each(F&& f) const {
    for (auto [kind, i] : order_)
      switch (kind) {
        case 0: f(quotes_[i]); break;
        case 1: f(trades_[i]); break;
        case 2: f(bars_[i]); break;
        case 3: f(books_[i]); break;
        default: f(marks_[i]); break;
      }
  }

  void clear() noexcept {
    quotes_.clear();
    trades_.clear();
    bars_.clear();
    books_.clear();
    marks_.clear();
    order_.clear();
  }

private:
  template <class T>
  void move_in(std::vector<T>& mine, std::vector<T>& xs, std::uint8_t kind) {
    auto first = static_cast<std::uint32_t>(mine.size());
    if (mine.empty())
      mine.swap(xs);
    else
      std::move(xs.begin(), xs.end(), std::back_inserter(mine));
    xs.clear();
    for (auto i = first; i < mine.size(); ++i)
      order_.emplace_back(kind, i);
  }

  template <class T>
  void put(std::vector<T>& xs, const T& x, std::uint8_t kind) {
    order_.emplace_back(kind, static_cast<std::uint32_t>(xs.size()));
    xs.push_back(x);
  }

  std::vector<quote_tick> quotes_;
  std::vector<trade_tick> trades_;
  std::vector<bar> bars_;
  std::vector<book_snapshot> books_;
  std::vector<mark_price> marks_;
  std::vector<std::pair<std::uint8_t, std::uint32_t>> order_;
};

/// A subscriber's market data handlers, called by the feed.
class market_taker {
public:
  virtual ~market_taker() = default;

  /// Every record of the step, in order (one virtual call a step, not one
  /// a record).
  virtual void take(const market_step& step) = 0;

  /// The subscriber's actor (its mailbox tells whether it is idle).
  caf::scheduled_actor* actor = nullptr;
  /// Its place in the order of turns (runtime/lockstep.hpp: role_rank).
  int rank = 0;
  /// Cleared when the actor is done: the feed sends it messages again.
  bool alive = true;
};

/// A market_taker calling `f` with each kind of market data.
template <class F>
class market_taker_fn final : public market_taker {
public:
  explicit market_taker_fn(F f) : f_(std::move(f)) {
    // nop
  }

  void take(const market_step& step) override {
    step.each(f_);
  }

private:
  F f_;
};

/// The takers of one backtest node and the scheduler's view the feed needs.
class direct_market : public std::enable_shared_from_this<direct_market> {
public:
  explicit direct_market(lockstep_scheduler& sched) : sched_(sched) {
    // nop
  }

  /// `self` takes market data by calls to `f(x)` until it is done; called
  /// in the actor's initialisation.
  template <class Self, class F>
  void attach(Self* self, F f) {
    auto t = std::make_shared<market_taker_fn<F>>(std::move(f));
    t->actor = self;
    t->rank = rank_of(self->name());
    takers_[self->id()] = t;
    self->attach_functor(
      [owner = shared_from_this(), id = self->id()] { owner->detach(id); });
  }

  /// `self` takes each timer it sends itself as `Atom` by a call to `f()`
  /// while it is idle, until it is done; called in the actor's
  /// initialisation, with the handler its behaviour has for `Atom`.
  template <class Self, caf::atom_value Atom, class F>
  void attach_timer(Self* self, caf::atom_constant<Atom>, F f) {
    bool first = timers_.count(self->id()) == 0;
    timers_[self->id()].push_back(timer_taker{self, Atom, std::move(f)});
    if (first)
      self->attach_functor([owner = shared_from_this(), id = self->id()] {
        owner->timers_.erase(id);
      });
  }

  /// The clock's offer (lockstep_clock::take_self_timers): calls the
  /// handler of `self` for `msg` if it has one and is idle; true if so.
  bool take_timer(caf::abstract_actor* self, const caf::type_erased_tuple& msg);

  /// The taker of the actor `id`, nullptr if it has none.
  std::shared_ptr<market_taker> find(std::uint64_t id) const;

  /// True if `actor` has nothing waiting: a call now comes where its turn
  /// would have handled the message.
  static bool idle(caf::scheduled_actor* actor);

  /// True if mail came for `actor` while it handles something, in its turn
  /// or called by the clock for a timer. (CAF's inbox reports itself not
  /// empty while blocked, which it is while its actor is idle.)
  static bool mail_waiting(caf::scheduled_actor* actor);

  /// May the feed, having handled the instant `now`, run its next step at
  /// `next` in the same turn (the rules above)? If so, moves the market
  /// clock to `next`.
  bool run_ahead(timestamp now, timestamp next);

  /// Steps before `horizon` only (0: no bound); set by the backtest.
  timestamp horizon = 0;

private:
  static int rank_of(const char* name);
  void detach(std::uint64_t id);

  struct timer_taker {
    caf::scheduled_actor* actor;
    caf::atom_value atom;
    std::function<void()> call;
  };

  lockstep_scheduler& sched_;
  std::unordered_map<std::uint64_t, std::shared_ptr<market_taker>> takers_;
  std::unordered_map<std::uint64_t, std::vector<timer_taker>> timers_;
};

using direct_market_ptr = std::shared_ptr<direct_market>;

} // namespace cdb

// The backtest's scheduler: one turn at a time, in an order that depends on
// the data and the config alone, and not on which node an actor runs on.
// A backtest on one node and the same backtest split over several nodes
// take the same turns in the same order, so they give the same result.
//
// The rule:
// - A turn: one ready actor handles every message in its mailbox, also
//   those it sends itself meanwhile.
// - The actors a turn made ready (their mailbox was empty) queue behind
//   every actor already waiting, in role order (feed, signal, risk,
//   circuit_breaker, execution, persistence, then any other actor),
//   whatever the order of the sends that woke them.
// - Only when no actor is ready does a timer fire: the earliest; of timers
//   due at the same time, the one of the first role, then the one set
//   first. The market clock moves to its time.
// An actor's mailbox holds the same messages in the same order either way:
// every message of a turn comes from the one actor that has it, and a turn
// starts only after everything the turn before sent has arrived.
//
// On one node the scheduler keeps the queue itself (run()). Split over
// nodes, the backtest driver keeps it (runtime/split_backtest.hpp): each
// node's scheduler takes the turns it is told (run_turn) and says which of
// its actors became ready (take_arrivals). Actors elsewhere in the process
// (the middleman's threads) may enqueue at any time; a mutex guards the
// queue and the timers.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/detail/test_actor_clock.hpp>
#include <caf/scheduler/test_coordinator.hpp>

namespace cdb {

/// The place of an actor (by its name) in the order of turns and timers:
/// 0 feed … 5 persistence, 6 any other actor.
int role_rank(const char* actor_name);

/// CAF's manual clock, thread-safe, firing timers by the rule above.
class lockstep_clock : public caf::detail::test_actor_clock {
public:
  /// The time of the timer to fire next; false if there is none.
  bool next_due(time_point& due, int& rank) const;

  /// True if no timer is due before `t`, nor at `t` for the feed (whose
  /// timers there come first). Reads the first timer only: no rank lookup
  /// unless it is due at `t`.
  bool clear_before(time_point t) const;

  /// Fires the next timer and moves the clock to its time; false if none.
  bool fire_next();

  /// Moves the clock forward to `t` without firing anything (a feed
  /// running ahead: runtime/direct_market.hpp checked nothing is due).
  void advance_to(time_point t);

  /// clear_before(t), and if so advance_to(t), under one lock taken once
  /// (once per step of a feed running ahead).
  bool advance_if_clear(time_point t);

  /// Fires the timers of actors without a role (a node dialing its peers,
  /// request timeouts) due by `until`, without moving the clock: while a
  /// split backtest links up, the market clock stands still. `until` is
  /// the setup clock (the market's start plus the time spent linking):
  /// from now until end_setup(), a timer such an actor sets counts from
  /// there, not from the standing market clock, so a dial's timeout set a
  /// minute into linking still waits its full span.
  std::size_t fire_setup_timers(time_point until);

  /// The run begins: timers count from the market clock again.
  void end_setup();

  /// Offered each timer an actor set to send itself, as it fires (one
  /// node: runtime/direct_market.hpp); true if it was taken by a call, so
  /// no message goes. Set before the run.
  using self_timer_fn = std::function<bool(caf::abstract_actor* self,
                                           const caf::type_erased_tuple& msg)>;
  void take_self_timers(self_timer_fn f);

  void set_ordinary_timeout(time_point t, caf::abstract_actor* self,
                            caf::atom_value type, uint64_t id) override;
  void set_multi_timeout(time_point t, caf::abstract_actor* self,
                         caf::atom_value type, uint64_t id) override;
  void set_request_timeout(time_point t, caf::abstract_actor* self,
                           caf::message_id id) override;
  void cancel_ordinary_timeout(caf::abstract_actor* self,
                               caf::atom_value type) override;
  void cancel_request_timeout(caf::abstract_actor* self,
                              caf::message_id id) override;
  void cancel_timeouts(caf::abstract_actor* self) override;
  void schedule_message(time_point t, caf::strong_actor_ptr receiver,
                        caf::mailbox_element_ptr content) override;
  void schedule_message(time_point t, caf::group target,
                        caf::strong_actor_ptr sender,
                        caf::message content) override;
  void cancel_all() override;

private:
  schedule_map::iterator pick() const;
  /// clear_before(t), the mutex held.
  bool clear_before_locked(time_point t) const;
  void fire(schedule_map::iterator i);
  /// The rank of the actor a timer belongs to, looked up once per actor
  /// (by its id, which CAF never reuses): the cast and the name lookup cost
  /// a backtest ~5 % of its instructions when done per timer.
  int rank_of(const delayed_event& e) const;
  /// `t` as the market clock has it, moved onto the setup clock if an
  /// actor without a role (`owner`) sets it while the nodes link.
  time_point setup_shift(time_point t, const caf::abstract_actor* owner) const;

  mutable std::recursive_mutex mtx_;
  mutable std::unordered_map<caf::actor_id, int> ranks_;
  bool setup_ = false;     ///< Between fire_setup_timers and end_setup.
  time_point setup_now_{}; ///< The setup clock.
  self_timer_fn self_timers_;
};

class lockstep_scheduler : public caf::scheduler::test_coordinator {
public:
  /// For actor_system_config::load<lockstep_scheduler>().
  static caf::actor_system::module* make(caf::actor_system& sys,
                                         caf::detail::type_list<>);

  explicit lockstep_scheduler(caf::actor_system& sys);
  ~lockstep_scheduler() override;

  lockstep_clock& clock() noexcept override;

  /// One node: takes turns until no actor is ready; returns their number.
  std::size_t run();

  /// Split: from now on, records the names of the actors that become
  /// ready (take_arrivals).
  void track_arrivals();

  /// Split: takes the turn of the ready actor named `name`; false if none
  /// of this node's ready actors has that name.
  bool run_turn(const std::string& name);

  /// Takes the turn of `job` now, ahead of the actors ready before it;
  /// false if it is not ready.
  bool run_turn(caf::resumable* job);

  /// Split: the names of the actors that became ready since the last call,
  /// in the order they did.
  std::vector<std::string> take_arrivals();

  /// How many actors are ready (read without the lock: once per step of
  /// a feed running ahead).
  std::size_t ready() const;

protected:
  void enqueue(caf::resumable* job) override;
  void stop() override;

private:
  class turn_unit;
  struct entry {
    caf::resumable* job;
    int rank;
  };
  void take(caf::resumable* job);
  int rank_of(caf::resumable* job);
  /// Publishes ready_'s size to ready(); called with the mutex held after
  /// every change of ready_.
  void count_ready();

  mutable std::mutex mtx_;
  std::deque<entry> ready_;
  std::atomic<std::size_t> n_ready_{0};
  bool track_ = false;
  std::vector<std::string> arrived_;
  /// Each ready actor's rank, read once per actor (a name lookup per wake-up
  /// costs a backtest ~8 % of its events/s). An entry goes when its actor
  /// is done, which happens only in a turn, so a reused address starts
  /// afresh.
  std::unordered_map<caf::resumable*, int> ranks_;
  lockstep_clock clock_;
  /// Where every turn runs. An actor keeps the unit of its last turn and
  /// sends through it also when called outside a turn (the feed's direct
  /// delivery, a timer taken by a call): one unit for the scheduler's
  /// life, not one per turn.
  std::unique_ptr<turn_unit> unit_;
};

} // namespace cdb

// Circuit-breaker rules: decide whether trading may happen at all. Each rule
// trips REDUCING or HALTED (per config; or is off), may ask for a flatten,
// and resets manually (resume) or, when its cooldown is set, on its own:
//   drawdown          equity >= drawdown_pct below its peak
//   daily_loss        equity >= daily_loss_pct below start-of-day equity;
//                     also lifts at the next trading day
//   losing_streak     losing_streak closing trades in a row lost money
//   feed_stale        an instrument stale or disconnected >= feed_stale_after
//   restart_storm     restart_storm restarts within restart_window, or an
//                     escalation (an actor past its restart budget)
//   unreachable       risk or execution down >= unreachable_after
//   rejection_burst   rejection_burst rejections within rejection_window
//   execution_errors  execution_errors venue rejections within their window
//   persistence_backlog  persistence_backlog events wait for the database
//                     (in memory and in the spool); off by default: trading
//                     continues on the spool
//   manual            an operator's halt: only a resume ends it
//   unknown_state     a restarted breaker that could not recover its state
// The mode is the most severe active trip. Timed resets: a counting rule
// (drawdown, losing_streak, restart_storm, rejection_burst,
// execution_errors) lifts `cooldown` after it tripped and starts counting
// afresh (drawdown: from a new peak); a condition rule (daily_loss,
// feed_stale, unreachable, persistence_backlog) lifts once its condition
// has been clear for
// `cooldown`. No CAF include.
#pragma once

#include <deque>
#include <map>
#include <string>
#include <vector>

#include "messages/trading.hpp"

namespace cdb {

enum class breaker_rule : std::uint8_t {
  drawdown,
  daily_loss,
  losing_streak,
  feed_stale,
  restart_storm,
  unreachable,
  rejection_burst,
  execution_errors,
  persistence_backlog,
  manual,
  unknown_state,
};

constexpr std::size_t breaker_rule_count = 11;

/// The rules with an action of their own in the config: all but manual and
/// unknown_state (both always HALTED, reset by hand only).
constexpr std::size_t configurable_rule_count = 9;

const char* to_string(breaker_rule x);
bool from_string(const std::string& x, breaker_rule& out);

/// What a rule does when it trips.
struct rule_action {
  std::string action = "halted"; ///< "halted", "reducing" or "off".
  bool flatten = false;          ///< Also close every position.
  nanoseconds cooldown = 0;      ///< 0: a manual resume only.
};

struct breaker_config {
  double drawdown_pct = 10;
  double daily_loss_pct = 8;
  std::uint32_t losing_streak = 5;
  nanoseconds feed_stale_after = 10'000'000'000;
  std::uint32_t restart_storm = 3;
  nanoseconds restart_window = 300'000'000'000;
  nanoseconds unreachable_after = 2'000'000'000;
  std::uint32_t rejection_burst = 50;
  nanoseconds rejection_window = 60'000'000'000;
  std::uint32_t execution_errors = 5;
  nanoseconds execution_error_window = 60'000'000'000;
  std::uint64_t persistence_backlog = 100'000;
  /// The trading day's start after UTC midnight (the node copies
  /// risk.day_start here).
  nanoseconds day_start = 0;

  rule_action drawdown{"halted", false, 0};
  rule_action daily_loss{"halted", false, 0};
  rule_action losing_streak_rule{"reducing", false, 3'600'000'000'000};
  rule_action feed_stale{"reducing", false, 30'000'000'000};
  rule_action restart_storm_rule{"halted", false, 0};
  rule_action unreachable{"halted", false, 10'000'000'000};
  rule_action rejection_burst_rule{"reducing", false, 300'000'000'000};
  rule_action execution_errors_rule{"halted", false, 0};
  rule_action persistence_backlog_rule{"off", false, 60'000'000'000};

  /// The action of `r` (manual and unknown_state: halted, manual reset).
  const rule_action& action(breaker_rule r) const;

  /// The action of `r` to configure (r < configurable_rule_count; throws
  /// std::logic_error otherwise), for the options that set it.
  rule_action& configurable(breaker_rule r);

  void validate(std::vector<std::string>& errors) const;
};

/// What a call changed: the trips (hence perhaps the mode), and whether a
/// tripped rule asks for a flatten.
struct breaker_update {
  bool changed = false;
  bool flatten = false;
  std::string reason;

  explicit operator bool() const noexcept {
    return changed;
  }
};

class breaker {
public:
  explicit breaker(breaker_config cfg);

  /// Equity, start-of-day equity and realized PnL of execution's account.
  breaker_update on_portfolio(const portfolio_snapshot& s, timestamp now);

  /// The feed's word on one instrument.
  breaker_update on_feed(const feed_status& s, timestamp now);

  /// A risk decision; rejections count towards the burst, except those of
  /// the trading state itself and of a risk not ready yet.
  breaker_update on_decision(const risk_decision& d, timestamp now);

  /// An order event; the venue's rejections count as execution errors.
  breaker_update on_order_event(const order_event& e, timestamp now);

  /// The supervisor restarted `actor`, or gave up on it (escalated).
  breaker_update on_restart(const std::string& actor, timestamp now);
  breaker_update on_escalation(const std::string& actor, timestamp now);

  /// `role` ("risk", "execution") went down / is reachable again.
  breaker_update on_down(const std::string& role, timestamp now);
  breaker_update on_up(const std::string& role, timestamp now);
  /// A peer node hosting `role` is gone as node `seen_by` sees it (its
  /// link timed out or closed): for risk or execution the unreachable rule
  /// trips at once (the link timeout was the wait); a lost feed counts as
  /// stale from now (the feed_stale rule applies after feed_stale_after).
  /// The condition holds until `seen_by` reports the role back (on_back)
  /// or is lost itself (forget_reports_of): each node's view counts, not
  /// only the breaker's own wiring (on_up).
  breaker_update on_lost(const std::string& role, const std::string& seen_by,
                         timestamp now);
  breaker_update on_back(const std::string& role, const std::string& seen_by,
                         timestamp now);
  /// `node` is gone: what it reported lost can no longer be withdrawn by
  /// it, and is dropped (the other nodes' views and this one's remain).
  breaker_update forget_reports_of(const std::string& node, timestamp now);

  /// The events waiting for the database (persistence's backlog).
  breaker_update on_backlog(std::uint64_t events, timestamp now);

  /// Checks durations (stale feed, unreachable peers) and cooldowns.
  breaker_update on_time(timestamp now);

  /// Whether on_time and on_backlog change nothing, at any time, until the
  /// next other call: nothing is stale or down unless its rule has
  /// already tripped (and holds) or is off, the backlog rule is off (the
  /// backlog is read, not sent), and no trip waits for time (a cooldown,
  /// or a condition cleared and waiting out its cooldown); a trip only an
  /// operator, a new trading day, a snapshot or fresh data lifts may
  /// stand. The periodic check may then wait for the next input
  /// (breaker_actor.cpp).
  bool waits_for_input() const;

  /// An operator's halt: HALTED until resumed.
  breaker_update halt(const std::string& reason, timestamp now);

  /// An operator's reset: clears every trip. The peak restarts at the
  /// current equity, counters start afresh, today's daily loss is accepted
  /// for the rest of the day; a condition that still holds (a stale feed,
  /// an unreachable peer) trips again.
  breaker_update resume(const std::string& reason, timestamp now);

  /// Takes over the trips and peak of a recovered state. After an actor
  /// restart (`same_run`) every trip; from an earlier process only those
  /// that wait for a person: manual, unknown_state, daily_loss (which the
  /// next trading day lifts) and counting rules without a cooldown. Trips
  /// that would lift on their own (a cooldown, a condition a new process
  /// judges afresh: feed_stale, unreachable) stay with the old process.
  breaker_update restore(const trading_state& s, timestamp now,
                         bool same_run = true);

  /// A restarted breaker that could not recover: HALTED until resumed.
  breaker_update unknown_state(timestamp now);

  trading_mode mode() const noexcept;

  std::vector<breaker_trip> trips() const;

  double peak() const noexcept {
    return peak_;
  }

  /// Drawdown from peak, in percent.
  double drawdown_pct() const noexcept;

  /// The current state, for publishing.
  trading_state state(std::string id, std::string reason, timestamp now) const;

private:
  struct active_trip {
    breaker_trip trip;
    breaker_rule rule;
    bool holds = true;        ///< Condition rules: the condition holds.
    timestamp cleared_at = 0; ///< When it stopped holding.
  };

  breaker_update trip(breaker_rule r, const std::string& reason, timestamp now,
                      std::int64_t day = 0);
  void lift(breaker_rule r, const std::string& why, breaker_update& u);
  active_trip* find(breaker_rule r);
  const active_trip* find(breaker_rule r) const;
  /// Whether the duration rule `r` can change nothing while `since` stays
  /// as it is: nothing in it, or `r` tripped and holding, or `r` off and
  /// not tripped.
  bool settled(breaker_rule r,
               const std::map<std::string, timestamp>& since) const;
  void condition(breaker_rule r, bool holds, timestamp now);
  breaker_update check_durations(timestamp now);
  /// Trips `r` when something in `since` has lasted `limit`; tells `r`
  /// whether its condition holds.
  breaker_update
  check_duration(breaker_rule r, const std::map<std::string, timestamp>& since,
                 const char* what, nanoseconds limit, timestamp now);
  /// Adds `t` to `times`, drops those `window` or more before it, and
  /// returns how many are left.
  static std::size_t count_in_window(std::deque<timestamp>& times, timestamp t,
                                     nanoseconds window);
  static void merge(breaker_update& into, const breaker_update& from);

  breaker_config cfg_;
  std::vector<active_trip> trips_;
  double peak_ = 0;
  double equity_ = 0;
  bool seen_equity_ = false;
  double realized_ = 0;
  bool seen_realized_ = false;
  std::uint32_t streak_ = 0;
  std::int64_t day_ = 0;
  std::int64_t daily_accepted_day_ = -1; ///< resume(): no daily trip today.
  std::map<std::string, timestamp> stale_since_;
  std::map<std::string, timestamp> down_since_;
  std::deque<timestamp> restarts_;
  std::deque<timestamp> rejections_;
  std::deque<timestamp> exec_errors_;
};

} // namespace cdb

#include "actors/circuit_breaker/breaker.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <utility>

#include "runtime/config_check.hpp"
#include "runtime/trading_day.hpp"

namespace cdb {

namespace {

/// The condition key of a loss `seen_by` reported: only its end, as that
/// node sees it (peer_back), or that node's own loss withdraws it.
std::string report_key(const std::string& role, const std::string& seen_by) {
  return seen_by.empty() ? role : role + " (seen from " + seen_by + ")";
}

constexpr const char* rule_names[breaker_rule_count] = {
  "drawdown",        "daily_loss",       "losing_streak",
  "feed_stale",      "restart_storm",    "unreachable",
  "rejection_burst", "execution_errors", "persistence_backlog",
  "manual",          "unknown_state",
};

bool is_condition_rule(breaker_rule r) {
  return r == breaker_rule::daily_loss || r == breaker_rule::feed_stale
         || r == breaker_rule::unreachable
         || r == breaker_rule::persistence_backlog;
}

trading_mode mode_of(const rule_action& a) {
  return a.action == "reducing" ? trading_mode::reducing : trading_mode::halted;
}

std::string fmt(const char* format, double a, double b, double c = 0) {
  char buf[160];
  std::snprintf(buf, sizeof(buf), format, a, b, c);
  return buf;
}

/// A duration for a reason text: as configured ("10s") when whole, else
/// in seconds with milliseconds ("16.703s").
std::string seconds(nanoseconds ns) {
  if (ns % 1'000'000'000 == 0)
    return config_check::format_span(ns);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3fs", static_cast<double>(ns) * 1e-9);
  return buf;
}

} // namespace

const char* to_string(breaker_rule x) {
  return rule_names[static_cast<std::size_t>(x)];
}

bool from_string(const std::string& x, breaker_rule& out) {
  for (std::size_t i = 0; i < breaker_rule_count; ++i)
    if (x == rule_names[i]) {
      out = static_cast<breaker_rule>(i);
      return true;
    }
  return false;
}

const rule_action& breaker_config::action(breaker_rule r) const {
  static const rule_action by_hand{"halted", false, 0};
  switch (r) {
    case breaker_rule::drawdown: return drawdown;
    case breaker_rule::daily_loss: return daily_loss;
    case breaker_rule::losing_streak: return losing_streak_rule;
    case breaker_rule::feed_stale: return feed_stale;
    case breaker_rule::restart_storm: return restart_storm_rule;
    case breaker_rule::unreachable: return unreachable;
    case breaker_rule::rejection_burst: return rejection_burst_rule;
    case breaker_rule::execution_errors: return execution_errors_rule;
    case breaker_rule::persistence_backlog: return persistence_backlog_rule;
    default: return by_hand;
  }
}

rule_action& breaker_config::configurable(breaker_rule r) {
  if (static_cast<std::size_t>(r) >= configurable_rule_count)
    throw std::logic_error(std::string{"breaker rule "} + to_string(r)
                           + " has no configurable action");
  return const_cast<rule_action&>(std::as_const(*this).action(r));
}

void breaker_config::validate(std::vector<std::string>& errors) const {
  config_check c{"circuit_breaker", errors};
  c.in_range_open_closed("drawdown_pct", drawdown_pct, 0, 100);
  c.in_range_open_closed("daily_loss_pct", daily_loss_pct, 0, 100);
  c.require(losing_streak >= 1, "losing_streak", losing_streak, "must be >= 1");
  c.require_span(feed_stale_after > 0, "feed_stale_after", feed_stale_after,
                 "must be > 0");
  c.require(restart_storm >= 1, "restart_storm", restart_storm, "must be >= 1");
  c.require_span(restart_window > 0, "restart_window", restart_window,
                 "must be > 0");
  c.require_span(unreachable_after > 0, "unreachable_after", unreachable_after,
                 "must be > 0");
  c.require(rejection_burst >= 1, "rejection_burst", rejection_burst,
            "must be >= 1");
  c.require_span(rejection_window > 0, "rejection_window", rejection_window,
                 "must be > 0");
  c.require(execution_errors >= 1, "execution_errors", execution_errors,
            "must be >= 1");
  c.require_span(execution_error_window > 0, "execution_error_window",
                 execution_error_window, "must be > 0");
  c.require(persistence_backlog >= 1, "persistence_backlog",
            persistence_backlog, "must be >= 1");
  for (std::size_t i = 0; i < configurable_rule_count; ++i) {
    auto r = static_cast<breaker_rule>(i);
    auto& a = action(r);
    auto key = std::string{to_string(r)};
    auto action_key = key + "_action";
    auto cooldown_key = key + "_cooldown";
    c.require(a.action == "halted" || a.action == "reducing"
                || a.action == "off",
              action_key.c_str(), a.action, "must be halted, reducing or off");
    c.require_span(a.cooldown >= 0, cooldown_key.c_str(), a.cooldown,
                   "must be >= 0 (0: manual reset only)");
  }
}

breaker::breaker(breaker_config cfg) : cfg_(std::move(cfg)) {
  // nop
}

trading_mode breaker::mode() const noexcept {
  auto m = trading_mode::active;
  for (auto& t : trips_)
    if (static_cast<int>(t.trip.mode) > static_cast<int>(m))
      m = t.trip.mode;
  return m;
}

std::vector<breaker_trip> breaker::trips() const {
  std::vector<breaker_trip> out;
  out.reserve(trips_.size());
  for (auto& t : trips_)
    out.push_back(t.trip);
  return out;
}

double breaker::drawdown_pct() const noexcept {
  return peak_ > 0 ? (peak_ - equity_) / peak_ * 100 : 0.0;
}

trading_state breaker::state(std::string id, std::string reason,
                             timestamp now) const {
  trading_state s;
  s.id = std::move(id);
  s.mode = mode();
  s.reason = std::move(reason);
  s.since = now;
  s.trips = trips();
  s.peak_equity = peak_;
  return s;
}

breaker::active_trip* breaker::find(breaker_rule r) {
  return const_cast<active_trip*>(std::as_const(*this).find(r));
}

const breaker::active_trip* breaker::find(breaker_rule r) const {
  for (auto& t : trips_)
    if (t.rule == r)
      return &t;
  return nullptr;
}

void breaker::merge(breaker_update& into, const breaker_update& from) {
  if (!from.changed)
    return;
  into.changed = true;
  into.flatten = into.flatten || from.flatten;
  if (!into.reason.empty())
    into.reason += "; ";
  into.reason += from.reason;
}

breaker_update breaker::trip(breaker_rule r, const std::string& reason,
                             timestamp now, std::int64_t day) {
  breaker_update u;
  auto& a = cfg_.action(r);
  if (a.action == "off")
    return u;
  if (auto* t = find(r)) {
    t->holds = true;
    return u;
  }
  active_trip t;
  t.rule = r;
  t.trip.rule = to_string(r);
  t.trip.mode = mode_of(a);
  t.trip.reason = reason;
  t.trip.since = now;
  t.trip.day = day;
  trips_.push_back(std::move(t));
  u.changed = true;
  u.flatten = a.flatten;
  u.reason = std::string{to_string(r)} + ": " + reason;
  return u;
}

void breaker::lift(breaker_rule r, const std::string& why, breaker_update& u) {
  auto i = std::find_if(trips_.begin(), trips_.end(),
                        [r](const active_trip& t) { return t.rule == r; });
  if (i == trips_.end())
    return;
  trips_.erase(i);
  breaker_update x;
  x.changed = true;
  x.reason = std::string{"lifted "} + to_string(r) + ": " + why;
  merge(u, x);
}

void breaker::condition(breaker_rule r, bool holds, timestamp now) {
  auto* t = find(r);
  if (t == nullptr || t->holds == holds)
    return;
  t->holds = holds;
  if (!holds)
    t->cleared_at = now;
}

breaker_update breaker::on_portfolio(const portfolio_snapshot& s,
                                     timestamp now) {
  breaker_update u;
  if (!std::isfinite(s.equity) || !std::isfinite(s.realized_pnl)
      || !std::isfinite(s.start_of_day_equity)) {
    merge(u, trip(breaker_rule::unknown_state,
                  "execution reported a non-finite equity or PnL", now));
    return u;
  }
  equity_ = s.equity;
  seen_equity_ = true;
  if (s.equity > peak_)
    peak_ = s.equity;
  auto day = trading_day(s.event_time, cfg_.day_start);
  day_ = day;
  // Drawdown from the peak.
  auto dd = drawdown_pct();
  if (peak_ > 0 && dd >= cfg_.drawdown_pct)
    merge(u, trip(breaker_rule::drawdown,
                  fmt("drawdown %.2f%% >= %.2f%% from peak %.2f", dd,
                      cfg_.drawdown_pct, peak_),
                  now, day));
  // Daily loss from start-of-day equity; a new day lifts yesterday's trip.
  if (auto* t = find(breaker_rule::daily_loss); t && t->trip.day < day)
    lift(breaker_rule::daily_loss, "a new trading day", u);
  auto sod = s.start_of_day_equity;
  if (sod > 0) {
    auto loss = (sod - s.equity) / sod * 100;
    bool holds = loss >= cfg_.daily_loss_pct;
    if (holds && daily_accepted_day_ != day)
      merge(u, trip(breaker_rule::daily_loss,
                    fmt("daily loss %.2f%% >= %.2f%% of start-of-day "
                        "equity %.2f",
                        loss, cfg_.daily_loss_pct, sod),
                    now, day));
    condition(breaker_rule::daily_loss, holds, now);
  }
  // Closing trades: realized PnL moves only when a position is reduced.
  if (seen_realized_ && s.realized_pnl != realized_) {
    if (s.realized_pnl < realized_)
      ++streak_;
    else
      streak_ = 0;
    if (streak_ >= cfg_.losing_streak)
      merge(u, trip(breaker_rule::losing_streak,
                    std::to_string(streak_) + " losing trades in a row", now,
                    day));
  }
  realized_ = s.realized_pnl;
  seen_realized_ = true;
  return u;
}

breaker_update breaker::on_feed(const feed_status& s, timestamp now) {
  if (s.state == feed_health::fresh)
    stale_since_.erase(s.instrument);
  else
    stale_since_.emplace(s.instrument, now);
  return check_durations(now);
}

breaker_update breaker::on_backlog(std::uint64_t events, timestamp now) {
  breaker_update u;
  bool holds = events >= cfg_.persistence_backlog;
  if (holds)
    merge(u,
          trip(breaker_rule::persistence_backlog,
               std::to_string(events) + " events wait for the database (limit "
                 + std::to_string(cfg_.persistence_backlog) + ")",
               now));
  condition(breaker_rule::persistence_backlog, holds, now);
  return u;
}

breaker_update breaker::on_decision(const risk_decision& d, timestamp now) {
  breaker_update u;
  if (d.approved || d.layer == "trading_state" || d.layer == "readiness")
    return u;
  auto n = count_in_window(rejections_, d.event_time, cfg_.rejection_window);
  if (n >= cfg_.rejection_burst)
    merge(u, trip(breaker_rule::rejection_burst,
                  std::to_string(n) + " rejections within "
                    + seconds(cfg_.rejection_window) + ", the last at layer "
                    + d.layer + ": " + d.reason,
                  now));
  return u;
}

breaker_update breaker::on_order_event(const order_event& e, timestamp now) {
  breaker_update u;
  if (e.kind != order_event_kind::rejected
      && e.kind != order_event_kind::expired)
    return u;
  auto n = count_in_window(exec_errors_, e.event_time,
                           cfg_.execution_error_window);
  if (n >= cfg_.execution_errors)
    merge(u, trip(breaker_rule::execution_errors,
                  std::to_string(n)
                    + " orders rejected or expired at the venue within "
                    + seconds(cfg_.execution_error_window)
                    + ", the last: " + e.reason,
                  now));
  return u;
}

breaker_update breaker::on_restart(const std::string& actor, timestamp now) {
  breaker_update u;
  auto n = count_in_window(restarts_, now, cfg_.restart_window);
  if (n >= cfg_.restart_storm)
    merge(u, trip(breaker_rule::restart_storm,
                  std::to_string(n) + " actor restarts within "
                    + seconds(cfg_.restart_window) + ", the last of " + actor,
                  now));
  return u;
}

breaker_update breaker::on_escalation(const std::string& actor, timestamp now) {
  return trip(breaker_rule::restart_storm,
              "escalation: " + actor + " exceeded its restart budget", now);
}

breaker_update breaker::on_down(const std::string& role, timestamp now) {
  down_since_.emplace(role, now);
  return check_durations(now);
}

breaker_update breaker::on_up(const std::string& role, timestamp now) {
  down_since_.erase(role);
  if (role == "feed")
    stale_since_.erase(role);
  return check_durations(now);
}

breaker_update breaker::on_lost(const std::string& role,
                                const std::string& seen_by, timestamp now) {
  breaker_update u;
  auto key = report_key(role, seen_by);
  if (role == "feed") {
    stale_since_.emplace(key, now);
  } else if (role == "risk" || role == "execution") {
    down_since_.emplace(key, now);
    u = trip(breaker_rule::unreachable,
             key
               + " lost with its node (link closed or silent beyond the "
                 "connection timeout)",
             now);
  }
  merge(u, check_durations(now));
  return u;
}

breaker_update breaker::on_back(const std::string& role,
                                const std::string& seen_by, timestamp now) {
  auto key = report_key(role, seen_by);
  down_since_.erase(key);
  stale_since_.erase(key);
  return check_durations(now);
}

breaker_update breaker::forget_reports_of(const std::string& node,
                                          timestamp now) {
  if (node.empty())
    return check_durations(now);
  auto suffix = report_key("", node);
  auto drop = [&suffix](std::map<std::string, timestamp>& since) {
    for (auto i = since.begin(); i != since.end();)
      if (i->first.size() > suffix.size()
          && i->first.compare(i->first.size() - suffix.size(), suffix.size(),
                              suffix)
               == 0)
        i = since.erase(i);
      else
        ++i;
  };
  drop(down_since_);
  drop(stale_since_);
  return check_durations(now);
}

std::size_t breaker::count_in_window(std::deque<timestamp>& times, timestamp t,
                                     nanoseconds window) {
  times.push_back(t);
  while (times.front() <= t - window)
    times.pop_front();
  return times.size();
}

breaker_update
breaker::check_duration(breaker_rule r,
                        const std::map<std::string, timestamp>& since,
                        const char* what, nanoseconds limit, timestamp now) {
  breaker_update u;
  for (auto& kvp : since)
    if (now - kvp.second >= limit) {
      u = trip(r,
               kvp.first + what + seconds(now - kvp.second) + " (limit "
                 + seconds(limit) + ")",
               now);
      break;
    }
  condition(r, !since.empty(), now);
  return u;
}

breaker_update breaker::check_durations(timestamp now) {
  auto u = check_duration(breaker_rule::feed_stale, stale_since_,
                          " stale or disconnected for ", cfg_.feed_stale_after,
                          now);
  merge(u, check_duration(breaker_rule::unreachable, down_since_,
                          " unreachable for ", cfg_.unreachable_after, now));
  return u;
}

breaker_update breaker::on_time(timestamp now) {
  auto u = check_durations(now);
  // Timed resets; collect first, lifting changes trips_.
  std::vector<std::pair<breaker_rule, std::string>> due;
  for (auto& t : trips_) {
    auto cd = cfg_.action(t.rule).cooldown;
    if (cd <= 0 || t.rule == breaker_rule::manual
        || t.rule == breaker_rule::unknown_state)
      continue;
    if (is_condition_rule(t.rule)) {
      if (!t.holds && now - t.cleared_at >= cd)
        due.emplace_back(t.rule, "clear for " + seconds(cd));
    } else if (now - t.trip.since >= cd) {
      due.emplace_back(t.rule, "cooldown of " + seconds(cd) + " elapsed");
    }
  }
  for (auto& d : due) {
    switch (d.first) {
      case breaker_rule::drawdown: peak_ = equity_; break;
      case breaker_rule::losing_streak: streak_ = 0; break;
      case breaker_rule::restart_storm: restarts_.clear(); break;
      case breaker_rule::rejection_burst: rejections_.clear(); break;
      case breaker_rule::execution_errors: exec_errors_.clear(); break;
      default: break;
    }
    lift(d.first, d.second, u);
  }
  return u;
}

bool breaker::settled(breaker_rule r,
                      const std::map<std::string, timestamp>& since) const {
  // check_duration: a trip that exists only holds again; with the rule off
  // and no trip, trip() and condition() do nothing.
  if (since.empty())
    return true;
  auto* t = find(r);
  return t != nullptr ? t->holds : cfg_.action(r).action == "off";
}

bool breaker::waits_for_input() const {
  if (!settled(breaker_rule::feed_stale, stale_since_)
      || !settled(breaker_rule::unreachable, down_since_)
      || cfg_.action(breaker_rule::persistence_backlog).action != "off")
    return false;
  // A trip on_time may lift (see there), or whose condition on_time and
  // on_backlog judge, keeps the check going. A stale feed's or an
  // unreachable peer's trip that holds lifts only once its condition
  // clears, which is an input (on_feed, on_up, ...).
  auto timed = [this](const active_trip& t) {
    switch (t.rule) {
      case breaker_rule::feed_stale:
      case breaker_rule::unreachable:
        return !t.holds && cfg_.action(t.rule).cooldown > 0;
      case breaker_rule::persistence_backlog: return true;
      case breaker_rule::manual:
      case breaker_rule::unknown_state: return false;
      default: break;
    }
    if (cfg_.action(t.rule).cooldown <= 0)
      return false;
    // A daily loss's cooldown runs once its condition cleared, which only
    // a snapshot (an input) tells.
    return !(t.rule == breaker_rule::daily_loss && t.holds);
  };
  return std::none_of(trips_.begin(), trips_.end(), timed);
}

breaker_update breaker::halt(const std::string& reason, timestamp now) {
  return trip(breaker_rule::manual, reason, now, day_);
}

breaker_update breaker::resume(const std::string& reason, timestamp now) {
  breaker_update u;
  if (!trips_.empty()) {
    std::string names;
    for (auto& t : trips_)
      names += (names.empty() ? "" : ", ") + t.trip.rule;
    trips_.clear();
    u.changed = true;
    u.reason = "resumed (" + reason + "), cleared " + names;
  }
  if (seen_equity_)
    peak_ = equity_;
  streak_ = 0;
  restarts_.clear();
  rejections_.clear();
  exec_errors_.clear();
  daily_accepted_day_ = day_;
  merge(u, check_durations(now));
  return u;
}

breaker_update breaker::restore(const trading_state& s, timestamp now,
                                bool same_run) {
  breaker_update u;
  std::size_t taken = 0;
  for (auto& t : s.trips) {
    active_trip a;
    if (!from_string(t.rule, a.rule))
      a.rule = breaker_rule::unknown_state;
    if (find(a.rule) != nullptr)
      continue; // tripped again since: the newer trip stands
    bool waits_for_a_person = a.rule == breaker_rule::daily_loss
                              || (!is_condition_rule(a.rule)
                                  && cfg_.action(a.rule).cooldown <= 0);
    if (!same_run && !waits_for_a_person)
      continue;
    ++taken;
    a.trip = t;
    // Whether a condition still holds shows in the data to come.
    a.holds = false;
    a.cleared_at = now;
    trips_.push_back(std::move(a));
  }
  if (std::isfinite(s.peak_equity) && s.peak_equity > peak_)
    peak_ = s.peak_equity;
  u.changed = true;
  u.reason = "recovered " + std::to_string(taken) + " of "
             + std::to_string(s.trips.size()) + " trip(s) and peak equity "
             + std::to_string(peak_) + " from the recorded state " + s.id
             + (same_run ? "" : " of an earlier run");
  return u;
}

breaker_update breaker::unknown_state(timestamp now) {
  return trip(breaker_rule::unknown_state,
              "breaker restarted without its recorded state: resume manually",
              now, day_);
}

} // namespace cdb

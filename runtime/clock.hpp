// Time is injected: actors read it through a clock so that tests and replays
// control it. No CAF include.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "messages/fields.hpp"

namespace cdb {

class clock {
public:
  virtual ~clock() = default;

  /// Returns the current time in nanoseconds since the epoch.
  virtual timestamp now() const = 0;

  /// Lets a clock that waits for the market to open start running; the
  /// wall and manual clocks always run. Const: clocks are shared read-only.
  virtual void start() const {
    // nop
  }
};

/// The system's real-time clock.
class wall_clock : public clock {
public:
  timestamp now() const override;
};

/// A clock that moves only when told; for tests.
class manual_clock : public clock {
public:
  explicit manual_clock(timestamp start = 0) : now_(start) {
    // nop
  }

  timestamp now() const override {
    return now_.load();
  }

  void set(timestamp t) {
    now_.store(t);
  }

  void advance(nanoseconds d) {
    now_.fetch_add(d);
  }

private:
  std::atomic<timestamp> now_;
};

using clock_ptr = std::shared_ptr<const clock>;

/// Market time of a replay: stands at `origin` (the first recorded event)
/// until started, then runs `speed` times as fast as `base`. The feed starts
/// it once its subscribers are in, so no one misses the first records.
class scaled_clock : public clock {
public:
  scaled_clock(timestamp origin, double speed, clock_ptr base)
    : origin_(origin), speed_(speed), base_(std::move(base)) {
    // nop
  }

  timestamp now() const override {
    auto start = base_start_.load();
    if (start == 0)
      return origin_;
    auto elapsed = static_cast<double>(base_->now() - start);
    return origin_ + static_cast<timestamp>(elapsed * speed_);
  }

  /// Starts the clock (later calls change nothing). Const: the clock is
  /// shared read-only; starting it is the one change anyone may make.
  void start() const override {
    timestamp expected = 0;
    base_start_.compare_exchange_strong(expected, base_->now());
  }

  double speed() const noexcept {
    return speed_;
  }

private:
  timestamp origin_;
  double speed_;
  clock_ptr base_;
  mutable std::atomic<timestamp> base_start_{0};
};

/// Formats `t` as ISO-8601 UTC with milliseconds.
std::string format_time(timestamp t);

/// The node's timer slack: how late the kernel may wake a sleeping thread
/// (run.timer_slack). CAF's idle workers poll with 50 µs sleeps, and a
/// message from a thread outside the scheduler (the feed's network thread)
/// waits out the sleep; the kernel's default slack of 50 µs doubles it.
constexpr nanoseconds default_timer_slack = 1'000;

/// Sets the calling thread's timer slack, which every thread it starts
/// from then on inherits; 0 restores the slack the thread started with
/// (the kernel's 50 µs unless its parent set another). False, with
/// the reason in `error`, if the kernel refused.
bool set_timer_slack(nanoseconds slack, std::string& error);

/// The calling thread's timer slack.
nanoseconds timer_slack();

} // namespace cdb

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

/// Market time of a replay: starts at `origin` (the first recorded event)
/// and runs `speed` times as fast as `base` from the moment it is made.
class scaled_clock : public clock {
public:
  scaled_clock(timestamp origin, double speed, clock_ptr base)
    : origin_(origin), speed_(speed), base_(std::move(base)),
      base_start_(base_->now()) {
    // nop
  }

  timestamp now() const override {
    auto elapsed = static_cast<double>(base_->now() - base_start_);
    return origin_ + static_cast<timestamp>(elapsed * speed_);
  }

  double speed() const noexcept {
    return speed_;
  }

private:
  timestamp origin_;
  double speed_;
  clock_ptr base_;
  timestamp base_start_;
};

/// Formats `t` as ISO-8601 UTC with milliseconds.
std::string format_time(timestamp t);

} // namespace cdb

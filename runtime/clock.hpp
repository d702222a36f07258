// Time is injected: actors read it through a clock so that tests and replays
// control it. No CAF include.
#pragma once

#include <atomic>
#include <memory>

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

/// Formats `t` as ISO-8601 UTC with milliseconds.
std::string format_time(timestamp t);

} // namespace cdb

// The staleness watchdog: per instrument, data older than a threshold turns
// the instrument's status from fresh to stale, and the next data turns it
// back. The feed publishes every change as a feed_status, so risk and the
// circuit breaker hear of silence instead of trading on old prices.
// No CAF include.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "messages/market_data.hpp"
#include "runtime/instrument_cache.hpp"

namespace cdb {

class staleness_watchdog {
public:
  explicit staleness_watchdog(nanoseconds threshold) : threshold_(threshold) {
    // nop
  }

  /// Data for `instrument` at `now`; returns the change to fresh if the
  /// instrument was stale (or is new). Inline for the usual case, a fresh
  /// instrument seen before: the feed calls it for every quote.
  std::optional<feed_status> on_data(const std::string& instrument,
                                     timestamp now) {
    if (auto* e = known_.find(instrument);
        e != nullptr && e->state == feed_health::fresh) {
      e->last = now;
      return std::nullopt;
    }
    return on_data_slow(instrument, now);
  }

  /// Returns the instruments that have gone stale by `now`.
  std::vector<feed_status> poll(timestamp now);

  /// Marks every instrument disconnected (the source is gone); returns the
  /// changes.
  std::vector<feed_status> disconnect(const std::string& reason, timestamp now);

  feed_health health(const std::string& instrument) const;

  /// The state of every instrument known, as of `now`.
  std::vector<feed_status> current(timestamp now) const;

private:
  struct entry {
    timestamp last = 0;
    feed_health state = feed_health::fresh;
  };

  /// on_data for an instrument new, stale or disconnected, or not in
  /// known_.
  std::optional<feed_status> on_data_slow(const std::string& instrument,
                                          timestamp now);

  nanoseconds threshold_;
  std::map<std::string, entry> instruments_;
  instrument_cache<entry> known_; ///< Entries of instruments_.
};

} // namespace cdb

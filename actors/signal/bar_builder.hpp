// Builds time bars from trades in event time. A bar [start, start+interval)
// closes when the first trade at or after its end arrives; intervals without
// trades produce no bar.
#pragma once

#include <optional>

#include "messages/market_data.hpp"

namespace cdb {

class bar_builder {
public:
  bar_builder(std::string instrument, nanoseconds interval)
    : interval_(interval) {
    current_.instrument = std::move(instrument);
    current_.interval = interval;
  }

  /// Adds a trade; returns the bar it closed, if any.
  std::optional<bar> add(const trade_tick& t);

private:
  nanoseconds interval_;
  bar current_;
  bool open_ = false;
};

} // namespace cdb

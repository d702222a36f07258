// The trading day: the day a timestamp falls in when days start at
// `day_start` after UTC midnight (risk.day_start; 0: UTC midnight). Risk's
// daily drawdown, execution's start-of-day equity and the breaker's daily
// loss all count days this way. No CAF include.
#pragma once

#include "messages/fields.hpp"

namespace cdb {

constexpr std::int64_t ns_per_day = 86'400'000'000'000;

/// Days since the epoch's first trading day (floor division: correct for
/// times before the epoch too).
constexpr std::int64_t trading_day(timestamp t, nanoseconds day_start) {
  auto x = t - day_start;
  auto d = x / ns_per_day;
  return (x % ns_per_day < 0) ? d - 1 : d;
}

} // namespace cdb

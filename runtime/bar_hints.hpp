// A recording of bars only (OHLCV files, Binance klines) gives a backtest
// no trades and no quotes. Without the settings below it runs, but trades
// nothing or trips the breaker between bars; `cdb backtest` warns with
// these lines at start, each naming the key, its value and what follows.
#pragma once

#include <string>
#include <vector>

#include "runtime/node.hpp"

namespace cdb {

/// What a recording of bars `interval` apart needs and `n` does not give;
/// empty if it is all there. `n` must have passed validation.
std::vector<std::string> bar_recording_hints(const node_config& n,
                                             nanoseconds interval);

} // namespace cdb

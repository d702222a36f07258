// The signal actor's configuration: which strategies run on which
// instruments, with which bars. No CAF include.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "actors/signal/registry.hpp"

namespace cdb {

struct signal_config {
  /// One entry per strategy instance (see registry.hpp for the syntax).
  std::vector<std::string> strategies{"ema_cross *", "breakout *",
                                      "mean_reversion *"};
  /// Bars of instances without bars=: a duration, volume:V or ticks:N.
  std::string bars = "1min";
  /// Empty time intervals give flat bars (else no bar at all).
  bool fill_gaps = false;
  /// An instance that threw this many times is disabled.
  std::size_t max_strategy_errors = 3;
  /// At start, the newest this-many time bars per instrument and interval
  /// recorded by this node are asked from persistence and replayed (0: no).
  std::uint32_t recovered_bars = 300;
  /// ... but only series whose newest bar ended at most this long ago.
  nanoseconds recovered_bars_max_age = 600'000'000'000;
  /// Where strategy names are looked up; tests add their own.
  std::shared_ptr<const strategy_registry> registry = builtin_strategies();

  /// Checks every key and every strategy entry (name, instruments, each
  /// parameter); appends one message per broken rule.
  void validate(std::vector<std::string>& errors) const;

  /// The parsed entries; only meaningful once validate() found nothing.
  std::vector<strategy_spec> specs() const;

  /// The default bar spec, parsed.
  bar_spec default_bars() const;
};

} // namespace cdb

// Strategies by name, and how a configured instance is written:
//   "ema_cross BTCUSDT,ETHUSDT bars=1min fast=12 slow=26 cooldown=3"
// = strategy name, instruments (comma separated, or * for every instrument
// the feed publishes), then key=value parameters. bars, warmup and cooldown
// are the engine's (every strategy has them); the rest are the strategy's.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "actors/signal/bar_builder.hpp"
#include "actors/signal/strategy.hpp"

namespace cdb {

using strategy_factory = std::function<std::unique_ptr<strategy>(
  strategy_params&)>;

class strategy_registry {
public:
  /// Adds (or replaces) the strategy `name`.
  void add(const std::string& name, strategy_factory make);

  /// Returns a new instance, or nullptr when `name` is unknown or a
  /// parameter broke a rule (the errors are in `params`' error list).
  std::unique_ptr<strategy> make(const std::string& name,
                                 strategy_params& params) const;

  bool contains(const std::string& name) const {
    return factories_.count(name) > 0;
  }

  /// Every name, sorted, comma separated.
  std::string names() const;

private:
  std::map<std::string, strategy_factory> factories_;
};

/// ema_cross, breakout and mean_reversion.
std::shared_ptr<const strategy_registry> builtin_strategies();

/// One configured strategy instance, parsed.
struct strategy_spec {
  std::string text; ///< As configured, for messages.
  std::string name;
  std::vector<std::string> instruments; ///< Empty: every instrument.
  std::map<std::string, std::string> params;
  bar_spec bars;
  bool own_bars = false;    ///< bars= given; else the engine's default.
  std::size_t warmup = 0;   ///< Bars before any signal (besides warm()).
  std::size_t cooldown = 0; ///< Bars without signals after a signal.

  bool applies_to(const std::string& instrument) const;
};

/// Parses `text`; on failure returns false and says why in `error`.
bool parse_strategy_spec(const std::string& text, strategy_spec& out,
                         std::string& error);

} // namespace cdb

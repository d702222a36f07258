// The strategy interface: a strategy sees closed bars (and, if it wants,
// trades and quotes) of one instrument and says what it thinks as signal
// intents. The engine (engine.hpp) owns warm-up, cooldown, ids, times and
// error containment, so a strategy is its indicators and its rule only.
// docs/strategies.md shows how to write one.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "messages/trading.hpp"

namespace cdb {

/// What a strategy says; the engine adds id, strategy, instrument and times.
struct signal_intent {
  signal_side direction = signal_side::buy;
  double strength = 0;  ///< In [0, 1]; the engine clamps it.
  double ref_price = 0; ///< Usually the close that triggered it.
  double stop_hint = 0; ///< Stop distance in price units; 0: none.
  std::string reason; ///< Short and human: "EMA12 crossed above EMA26 at …".
};

using intent_list = std::vector<signal_intent>;

class strategy {
public:
  virtual ~strategy() = default;

  /// Takes a closed bar; appends to `out` what it implies.
  virtual void on_bar(const bar& b, intent_list& out) = 0;

  /// Takes a trade before it goes into a bar. Default: ignored.
  virtual void on_trade(const trade_tick&, intent_list&) {
    // Bar strategies ignore single trades.
  }

  /// Takes a quote. Default: ignored.
  virtual void on_quote(const quote_tick&, intent_list&) {
    // Bar strategies ignore quotes.
  }

  /// True once every indicator has seen enough data to be trusted.
  virtual bool warm() const = 0;
};

/// The key=value parameters of one strategy instance, read by the strategy's
/// constructor. Each read names its rule; a broken rule or a key nobody read
/// becomes an error naming the instance, the key, the value and the rule.
class strategy_params {
public:
  strategy_params(std::string context, std::map<std::string, std::string> kv,
                  std::vector<std::string>& errors)
    : context_(std::move(context)), kv_(std::move(kv)), errors_(errors) {
    // nop
  }

  /// Returns the whole number `key` (default `def`), required >= `min`.
  std::size_t count(const std::string& key, std::size_t def,
                    std::size_t min = 1);

  /// Returns the number `key` (default `def`), required in [lo, hi].
  double number(const std::string& key, double def, double lo, double hi);

  /// Records `rule` as broken by `key` unless `ok` (cross-field rules).
  void require(bool ok, const std::string& key, const std::string& rule);

  /// Reports every given key no read asked for. Called by the registry.
  void finish();

  bool ok() const noexcept {
    return errors_.size() == errors_at_start_;
  }

private:
  const std::string* find(const std::string& key);
  void fail(const std::string& key, const std::string& value,
            const std::string& rule);

  std::string context_;
  std::map<std::string, std::string> kv_;
  std::vector<std::string> read_;
  std::vector<std::string>& errors_;
  std::size_t errors_at_start_ = errors_.size();
};

/// Formats a price for a reason: up to 8 significant digits, no exponent for
/// ordinary prices ("46377.5", "0.00123456").
std::string price_text(double x);

} // namespace cdb

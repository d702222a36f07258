// Status reports an actor gives on request (state_atom): what an operator,
// the readiness probe (issue 8) and tests ask of it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "messages/fields.hpp"

namespace cdb {

/// One strategy instance: a strategy on one instrument.
struct strategy_status {
  static constexpr const char* type_name = "cdb::strategy_status";
  std::string strategy;
  std::string instrument;
  std::string bars;      ///< Bar spec, "1min", "volume:5", "ticks:500".
  bool warm = false;     ///< May signal: indicators full, warm-up done.
  bool disabled = false; ///< Too many errors; it no longer runs.
  std::uint64_t bars_seen = 0;
  std::uint64_t signals = 0;
  std::uint64_t suppressed = 0; ///< Intents held back: cold, cooldown, replay.
  std::uint64_t errors = 0;
  std::string last_error;
  CDB_FIELDS(strategy, instrument, bars, warm, disabled, bars_seen, signals,
             suppressed, errors, last_error)
};

/// The signal actor's word on itself.
struct signal_status {
  static constexpr const char* type_name = "cdb::signal_status";
  bool warm = false; ///< Every instance warm (and at least one exists).
  std::uint64_t history_trades = 0; ///< Warm-up data replayed at start.
  std::uint64_t history_bars = 0;
  std::vector<strategy_status> strategies;
  CDB_FIELDS(warm, history_trades, history_bars, strategies)
};

} // namespace cdb

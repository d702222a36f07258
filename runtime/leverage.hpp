// Per-instrument leverage: "INSTRUMENT=LEVERAGE" entries over a default.
// Shared by risk (the liquidation distance) and execution (the margin), so
// both read the same numbers from risk.instrument_leverage. No CAF include.
#pragma once

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

namespace cdb {

/// Splits "BTCUSDT=10"; false unless both parts are there and the number
/// is a finite number and nothing else.
inline bool parse_leverage_entry(const std::string& entry,
                                 std::string& instrument, double& leverage) {
  auto eq = entry.find('=');
  if (eq == std::string::npos || eq == 0)
    return false;
  instrument = entry.substr(0, eq);
  auto text = entry.substr(eq + 1);
  char* end = nullptr;
  leverage = std::strtod(text.c_str(), &end);
  return !text.empty() && end == text.c_str() + text.size()
         && std::isfinite(leverage);
}

/// The leverage of `instrument`: its entry, else `fallback`.
inline double leverage_for(const std::vector<std::string>& entries,
                           double fallback, const std::string& instrument) {
  for (auto& entry : entries) {
    std::string name;
    double lev = 0;
    if (parse_leverage_entry(entry, name, lev) && name == instrument)
      return lev;
  }
  return fallback;
}

} // namespace cdb

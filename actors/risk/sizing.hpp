// The result of position sizing (sizing_methods.hpp makes it). No CAF
// include.
#pragma once

#include <string>

namespace cdb {

/// A sizing result and its audit trail.
struct sizing_result {
  bool ok = false;
  double qty = 0;
  double stop_distance = 0;
  std::string reason; ///< Reason code when !ok.
  std::string audit;  ///< "method=... equity=... factor=..."
  /// When !ok: the value the rejecting rule compared and its bound (the
  /// risk decision's observed and limit), e.g. a notional and the largest
  /// notional allowed; 0 where the rule compares nothing.
  double observed = 0;
  double limit = 0;
};

} // namespace cdb

// Cash, positions and PnL of the paper account. Shorts are allowed: a sale
// credits cash and leaves a negative position, so equity = cash + sum of
// qty x mark holds for both sides. No CAF include.
#pragma once

#include <map>
#include <string>

#include "messages/trading.hpp"

namespace cdb {

class portfolio {
public:
  explicit portfolio(double cash, nanoseconds day_start = 0)
    : cash_(cash), day_start_(day_start) {
    // nop
  }

  /// Books a fill: cash, fees, position, average entry, realized PnL.
  void apply(const fill& f);

  /// Sets the mark price used for equity and exposure.
  void mark(const std::string& instrument, double price);

  /// Sets the protective exits of the instrument's open position.
  void set_exits(const std::string& instrument, double stop_loss,
                 double take_profit);

  /// Returns the signed position, 0 when flat.
  double position_qty(const std::string& instrument) const;

  const std::map<std::string, position>& positions() const noexcept {
    return positions_;
  }

  double equity() const;

  /// Returns the account at `t`. The first snapshot of a UTC day fixes
  /// that day's start-of-day equity.
  portfolio_snapshot snapshot(std::string id, timestamp t);

private:
  double cash_;
  double fees_ = 0;
  double realized_ = 0;
  nanoseconds day_start_ = 0;
  std::int64_t day_ = -1;
  double start_of_day_equity_ = 0;
  std::map<std::string, position> positions_;
};

} // namespace cdb

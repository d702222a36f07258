#include "actors/risk/market_stats.hpp"

#include <algorithm>
#include <cmath>

namespace cdb {

market_stats::market_stats(nanoseconds bar, std::size_t window,
                           std::size_t min_bars, std::size_t atr_period)
  : bar_(bar > 0 ? bar : 60'000'000'000),
    min_bars_(std::max<std::size_t>(min_bars, 2)),
    periods_per_year_(365.0 * 86'400e9 / static_cast<double>(bar_)),
    vol_(window), atr_(atr_period) {
  // nop
}

void market_stats::on_mid(double mid, timestamp t) {
  if (!std::isfinite(mid) || mid <= 0)
    return;
  auto index = t / bar_;
  if (index < open_bar_)
    return;
  if (index != open_bar_) {
    if (open_bar_ >= 0) { // the open bar closes
      vol_.update(close_);
      atr_.update(high_, low_, close_);
      ++bars_;
    }
    open_bar_ = index;
    high_ = low_ = mid;
  }
  high_ = std::max(high_, mid);
  low_ = std::min(low_, mid);
  close_ = mid;
}

double market_stats::bar_volatility() const noexcept {
  auto v = volatility();
  return v > 0 ? v / std::sqrt(periods_per_year_) : 0.0;
}

void market_stats::on_volume(double qty, timestamp t) {
  if (!std::isfinite(qty) || qty <= 0)
    return;
  auto index = t / bar_;
  if (index < volume_bar_)
    return;
  if (index != volume_bar_) {
    if (volume_bar_ >= 0) {
      // The open bar closes, and any bars without trades since with 0.
      constexpr double n = 20;
      auto closed = std::min<std::int64_t>(index - volume_bar_, 1000);
      for (std::int64_t i = 0; i < closed; ++i) {
        auto v = i == 0 ? volume_ : 0.0;
        auto k = std::min(n, static_cast<double>(++volume_bars_));
        mean_volume_ += (v - mean_volume_) / k;
      }
    }
    volume_bar_ = index;
    volume_ = 0;
  }
  volume_ += qty;
}

double market_stats::volatility() const noexcept {
  // bars_ closes give bars_ - 1 returns.
  if (bars_ < min_bars_ + 1)
    return 0.0;
  return vol_.annualised(periods_per_year_);
}

} // namespace cdb

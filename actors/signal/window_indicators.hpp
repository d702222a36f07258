// Windowed incremental indicators over the last `period` values: SMA,
// Bollinger bands, z-score, rolling volatility of log returns, rolling VWAP,
// Donchian channel. O(1) per update (see rolling.hpp), no allocation after
// construction, no CAF include; non-finite inputs are ignored.
#pragma once

#include <cmath>
#include <cstddef>
#include <functional>

#include "actors/signal/rolling.hpp"

namespace cdb {

/// Simple moving average; ready once the window is full.
class sma {
public:
  explicit sma(std::size_t period) : m_(period) {
    // nop
  }

  void update(double x) noexcept {
    if (std::isfinite(x))
      m_.update(x);
  }

  bool ready() const noexcept {
    return m_.ready();
  }

  double value() const noexcept {
    return m_.mean();
  }

private:
  rolling_moments m_;
};

/// Bollinger bands: middle = SMA(period), upper/lower = middle ± k × the
/// population standard deviation of the window (Bollinger's definition).
class bollinger {
public:
  bollinger(std::size_t period, double k) : m_(period), k_(k) {
    // nop
  }

  void update(double x) noexcept {
    if (std::isfinite(x))
      m_.update(x);
  }

  bool ready() const noexcept {
    return m_.ready();
  }

  double middle() const noexcept {
    return m_.mean();
  }

  double stdev() const noexcept {
    return std::sqrt(m_.variance());
  }

  double upper() const noexcept {
    return middle() + k_ * stdev();
  }

  double lower() const noexcept {
    return middle() - k_ * stdev();
  }

private:
  rolling_moments m_;
  double k_;
};

/// (x - mean) / population stdev over the window that ends with x;
/// 0 when the window has no spread.
class zscore {
public:
  explicit zscore(std::size_t period) : m_(period) {
    // nop
  }

  void update(double x) noexcept {
    if (!std::isfinite(x))
      return;
    m_.update(x);
    last_ = x;
  }

  bool ready() const noexcept {
    return m_.ready();
  }

  double value() const noexcept {
    auto sd = std::sqrt(m_.variance());
    return sd > 0 ? (last_ - m_.mean()) / sd : 0.0;
  }

private:
  rolling_moments m_;
  double last_ = 0;
};

/// Sample standard deviation of the last `period` log returns; ready after
/// period + 1 prices. Non-positive prices are ignored. annualised() scales by
/// sqrt(periods per year) (crypto trades 365 days: 525 600 one-minute bars).
class volatility {
public:
  explicit volatility(std::size_t period) : m_(period) {
    // nop
  }

  void update(double price) noexcept {
    if (!std::isfinite(price) || price <= 0)
      return;
    if (prev_ > 0)
      m_.update(std::log(price / prev_));
    prev_ = price;
  }

  bool ready() const noexcept {
    return m_.ready();
  }

  double value() const noexcept {
    return std::sqrt(m_.sample_variance());
  }

  double annualised(double periods_per_year) const noexcept {
    return value() * std::sqrt(periods_per_year);
  }

private:
  rolling_moments m_;
  double prev_ = 0;
};

/// Volume-weighted average price of the last `period` (price, volume)
/// updates: sum(p × v) / sum(v); the last price while the window holds no
/// volume (counted exactly, so rounding residue never divides).
class vwap {
public:
  explicit vwap(std::size_t period) : pv_(period), v_(period) {
    // nop
  }

  void update(double price, double volume) noexcept {
    if (!std::isfinite(price) || !std::isfinite(volume) || volume < 0)
      return;
    double old_pv = 0;
    double old_v = 0;
    pv_.push(price * volume, old_pv);
    if (v_.push(volume, old_v)) {
      sum_pv_ -= old_pv;
      sum_v_ -= old_v;
      nonzero_ -= old_v > 0 ? 1 : 0;
    }
    sum_pv_ += price * volume;
    sum_v_ += volume;
    nonzero_ += volume > 0 ? 1 : 0;
    last_ = price;
    if (v_.full() && ++evictions_ >= v_.capacity())
      resum();
  }

  bool ready() const noexcept {
    return v_.full();
  }

  double value() const noexcept {
    return nonzero_ > 0 && sum_v_ > 0 ? sum_pv_ / sum_v_ : last_;
  }

private:
  void resum() noexcept {
    evictions_ = 0;
    sum_pv_ = sum_v_ = 0;
    for (std::size_t i = 0; i < v_.size(); ++i) {
      sum_pv_ += pv_[i];
      sum_v_ += v_[i];
    }
  }

  ring_window pv_;
  ring_window v_;
  double sum_pv_ = 0;
  double sum_v_ = 0;
  std::size_t nonzero_ = 0;
  std::size_t evictions_ = 0;
  double last_ = 0;
};

/// Donchian channel: the highest high and lowest low of the last `period`
/// bars, and their midpoint.
class donchian {
public:
  explicit donchian(std::size_t period) : hi_(period), lo_(period) {
    // nop
  }

  void update(double high, double low) noexcept {
    if (!std::isfinite(high) || !std::isfinite(low))
      return;
    hi_.update(high);
    lo_.update(low);
  }

  bool ready() const noexcept {
    return hi_.ready();
  }

  double upper() const noexcept {
    return hi_.value();
  }

  double lower() const noexcept {
    return lo_.value();
  }

  double middle() const noexcept {
    return (upper() + lower()) / 2;
  }

private:
  rolling_extreme<std::greater<double>> hi_;
  rolling_extreme<std::less<double>> lo_;
};

} // namespace cdb

// Incremental indicators: O(1) per update, no allocation. No CAF include.
#pragma once

#include <cmath>
#include <cstddef>

namespace cdb {

/// Exponential moving average seeded with the simple mean of the first
/// `period` values; ready after `period` updates.
class ema {
public:
  explicit ema(std::size_t period)
    : period_(period), alpha_(2.0 / (static_cast<double>(period) + 1.0)) {
    // nop
  }

  void update(double x) {
    if (count_ < period_) {
      sum_ += x;
      if (++count_ == period_)
        value_ = sum_ / static_cast<double>(period_);
      return;
    }
    value_ += alpha_ * (x - value_);
  }

  bool ready() const noexcept {
    return count_ >= period_;
  }

  double value() const noexcept {
    return value_;
  }

private:
  std::size_t period_;
  double alpha_;
  std::size_t count_ = 0;
  double sum_ = 0;
  double value_ = 0;
};

/// Average true range with Wilder's smoothing; ready after `period` bars.
class atr {
public:
  explicit atr(std::size_t period) : period_(period) {
    // nop
  }

  void update(double high, double low, double close) {
    auto tr = high - low;
    if (has_prev_)
      tr = std::fmax(tr, std::fmax(std::fabs(high - prev_close_),
                                   std::fabs(low - prev_close_)));
    prev_close_ = close;
    has_prev_ = true;
    auto n = static_cast<double>(period_);
    if (count_ < period_) {
      sum_ += tr;
      if (++count_ == period_)
        value_ = sum_ / n;
      return;
    }
    value_ = (value_ * (n - 1.0) + tr) / n;
  }

  bool ready() const noexcept {
    return count_ >= period_;
  }

  double value() const noexcept {
    return value_;
  }

private:
  std::size_t period_;
  std::size_t count_ = 0;
  double sum_ = 0;
  double value_ = 0;
  double prev_close_ = 0;
  bool has_prev_ = false;
};

} // namespace cdb

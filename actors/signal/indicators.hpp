// Recursive incremental indicators: EMA, RSI (Wilder), ATR (Wilder). O(1)
// per update, no allocation, no CAF include. Every update ignores a
// non-finite input (returns without changing state), so one NaN cannot
// poison an indicator for the rest of the run. Windowed indicators (SMA,
// Bollinger, volatility, VWAP, Donchian, z-score): window_indicators.hpp.
#pragma once

#include <cmath>
#include <cstddef>

namespace cdb {

/// Exponential moving average, alpha = 2 / (period + 1), seeded with the
/// simple mean of the first `period` values; ready after `period` updates.
class ema {
public:
  explicit ema(std::size_t period)
    : period_(period < 1 ? 1 : period),
      alpha_(2.0 / (static_cast<double>(period_) + 1.0)) {
    // nop
  }

  void update(double x) noexcept {
    if (!std::isfinite(x))
      return;
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

/// Relative strength index with Wilder's smoothing: the first averages of
/// gains and losses are the simple means of the first `period` changes, then
/// avg = (avg * (period - 1) + change) / period. Ready after period + 1
/// values. No losses: 100 (50 when there were no gains either).
class rsi {
public:
  explicit rsi(std::size_t period) : period_(period < 1 ? 1 : period) {
    // nop
  }

  void update(double x) noexcept {
    if (!std::isfinite(x))
      return;
    if (!has_prev_) {
      prev_ = x;
      has_prev_ = true;
      return;
    }
    auto change = x - prev_;
    prev_ = x;
    auto gain = change > 0 ? change : 0.0;
    auto loss = change < 0 ? -change : 0.0;
    auto n = static_cast<double>(period_);
    if (count_ < period_) {
      gain_ += gain;
      loss_ += loss;
      if (++count_ == period_) {
        gain_ /= n;
        loss_ /= n;
      }
      return;
    }
    gain_ = (gain_ * (n - 1.0) + gain) / n;
    loss_ = (loss_ * (n - 1.0) + loss) / n;
  }

  bool ready() const noexcept {
    return count_ >= period_;
  }

  double value() const noexcept {
    if (loss_ == 0)
      return gain_ == 0 ? 50.0 : 100.0;
    return 100.0 - 100.0 / (1.0 + gain_ / loss_);
  }

private:
  std::size_t period_;
  std::size_t count_ = 0; ///< Changes seen, up to period.
  double gain_ = 0;
  double loss_ = 0;
  double prev_ = 0;
  bool has_prev_ = false;
};

/// Average true range with Wilder's smoothing. True range: high - low, or
/// the distance to the previous close when that is larger (gaps). Seeded
/// with the mean of the first `period` true ranges; ready after `period`
/// bars.
class atr {
public:
  explicit atr(std::size_t period) : period_(period < 1 ? 1 : period) {
    // nop
  }

  void update(double high, double low, double close) noexcept {
    if (!std::isfinite(high) || !std::isfinite(low) || !std::isfinite(close))
      return;
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

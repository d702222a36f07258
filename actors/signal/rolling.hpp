// Fixed-window building blocks for the indicators: a ring buffer, running
// moments over the window, and running extremes. Memory is allocated once,
// at construction; every update is O(1) (amortized for the extremes and for
// the exact resummation that keeps floating-point drift bounded).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <vector>

namespace cdb {

/// The last `capacity` values, oldest first.
class ring_window {
public:
  explicit ring_window(std::size_t capacity)
    : buf_(std::max<std::size_t>(capacity, 1)) {
    // nop
  }

  /// Appends `x`; returns true and sets `evicted` when the window was full.
  bool push(double x, double& evicted) noexcept {
    bool full = size_ == buf_.size();
    if (full)
      evicted = buf_[head_];
    buf_[head_] = x;
    head_ = head_ + 1 == buf_.size() ? 0 : head_ + 1;
    if (!full)
      ++size_;
    return full;
  }

  std::size_t size() const noexcept {
    return size_;
  }

  std::size_t capacity() const noexcept {
    return buf_.size();
  }

  bool full() const noexcept {
    return size_ == buf_.size();
  }

  /// Returns the i-th value, 0 = oldest.
  double operator[](std::size_t i) const noexcept {
    auto start = full() ? head_ : 0;
    auto j = start + i;
    return buf_[j >= buf_.size() ? j - buf_.size() : j];
  }

private:
  std::vector<double> buf_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

/// Mean and population/sample variance over the last `period` values:
/// Welford's update while the window fills, the sliding-window form after,
/// and an exact recomputation from the window every `period` evictions and
/// whenever the variance collapses (a spike left the window: the residue of
/// the large sums would otherwise dominate the small new variance). Both
/// recomputations cost O(period) at most once per `period` updates for a
/// series that does not spike every update: amortized O(1).
class rolling_moments {
public:
  explicit rolling_moments(std::size_t period) : win_(period) {
    // nop
  }

  void update(double x) noexcept {
    double old = 0;
    if (!win_.push(x, old)) {
      auto n = static_cast<double>(win_.size());
      auto delta = x - mean_;
      mean_ += delta / n;
      m2_ += delta * (x - mean_);
      return;
    }
    if (++evictions_ >= win_.capacity()) {
      resum();
      return;
    }
    auto n = static_cast<double>(win_.size());
    auto prev = mean_;
    mean_ += (x - old) / n;
    m2_ += (x - old) * (x - mean_ + old - prev);
    peak_ = std::max(peak_, m2_);
    if (m2_ < peak_ * 1e-6)
      resum();
  }

  bool ready() const noexcept {
    return win_.full();
  }

  std::size_t count() const noexcept {
    return win_.size();
  }

  double mean() const noexcept {
    return mean_;
  }

  double sum() const noexcept {
    return mean_ * static_cast<double>(win_.size());
  }

  /// Population variance (divides by n).
  double variance() const noexcept {
    return win_.size() > 0 ? m2_ / static_cast<double>(win_.size()) : 0.0;
  }

  /// Sample variance (divides by n - 1).
  double sample_variance() const noexcept {
    return win_.size() > 1 ? m2_ / static_cast<double>(win_.size() - 1) : 0.0;
  }

  const ring_window& window() const noexcept {
    return win_;
  }

private:
  void resum() noexcept {
    evictions_ = 0;
    auto n = win_.size();
    double s = 0;
    for (std::size_t i = 0; i < n; ++i)
      s += win_[i];
    mean_ = s / static_cast<double>(n);
    double m2 = 0;
    for (std::size_t i = 0; i < n; ++i)
      m2 += (win_[i] - mean_) * (win_[i] - mean_);
    m2_ = m2;
    peak_ = m2;
  }

  ring_window win_;
  double mean_ = 0;
  double m2_ = 0;
  double peak_ = 0; ///< Largest m2_ since the last recomputation.
  std::size_t evictions_ = 0;
};

/// Maximum (or, with `Greater` = std::less, minimum) of the last `period`
/// values: a monotonic deque kept in a ring of `period` slots.
template <class Greater = std::greater<double>>
class rolling_extreme {
public:
  explicit rolling_extreme(std::size_t period)
    : period_(std::max<std::size_t>(period, 1)), vals_(period_),
      seqs_(period_) {
    // nop
  }

  void update(double x) noexcept {
    // The oldest value leaves first, so the deque never exceeds the ring.
    if (size_ > 0 && seqs_[front_] + period_ <= seq_) {
      front_ = (front_ + 1) % period_;
      --size_;
    }
    Greater better;
    while (size_ > 0 && !better(vals_[back()], x))
      --size_;
    auto slot = (front_ + size_) % period_;
    vals_[slot] = x;
    seqs_[slot] = seq_;
    ++size_;
    ++seq_;
  }

  bool ready() const noexcept {
    return seq_ >= period_;
  }

  double value() const noexcept {
    return vals_[front_];
  }

private:
  std::size_t back() const noexcept {
    return (front_ + size_ - 1) % period_;
  }

  std::size_t period_;
  std::vector<double> vals_;
  std::vector<std::size_t> seqs_;
  std::size_t front_ = 0;
  std::size_t size_ = 0;
  std::size_t seq_ = 0;
};

} // namespace cdb

// Which CPU a backtest's actors' thread runs on, found by trying them
// (run.pick_home_cpu). On a VM the vCPUs are not equally fast, and which
// one is slow changes within minutes (docs/performance.md, "What a slow
// spell is"): the same backtest ran 8.6 M events/s with its actors on one
// vCPU and 5.3 M on the other, while a tight loop of arithmetic or a walk
// through memory ran alike on both. So no probe stands in for the work:
// the backtest itself runs a window on each candidate, goes on where it
// went fastest, and tries the others again now and then.
//
// cpu_trials is pure logic: the caller gives the time and the work done so
// far (events) and moves its thread where on_progress() says. home_trials
// does the moving (cpu_placement::rehome) for the backtest and the bench's
// plain loop alike.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace cdb {

class cpu_trials {
public:
  struct settings {
    /// How long each CPU is tried (and the settled one measured).
    std::chrono::nanoseconds window = std::chrono::milliseconds{50};
    /// How long the thread stays on the chosen CPU before the others are
    /// tried again.
    std::chrono::nanoseconds recheck = std::chrono::seconds{2};
    /// Another CPU takes over only if its rate beats the current one's by
    /// more than this fraction (no moving back and forth on noise).
    double margin = 0.05;
  };

  /// Tries `candidates` (at least two) in their order.
  cpu_trials(std::vector<int> candidates, settings s);

  /// The first CPU to run on, from `now` with `work` done.
  int start(std::chrono::nanoseconds now, std::uint64_t work);

  /// Progress: the CPU to move to now, or -1 to stay where it is.
  int on_progress(std::chrono::nanoseconds now, std::uint64_t work);

  /// Where the thread runs (start() and on_progress() told it).
  int current() const noexcept {
    return candidates_[at_];
  }

  /// The work per second each candidate gave in its latest window (0:
  /// not measured yet), in the order of the candidates.
  const std::vector<double>& rates() const noexcept {
    return rates_;
  }

  const std::vector<int>& candidates() const noexcept {
    return candidates_;
  }

  /// How many times on_progress() moved the thread.
  std::uint64_t moves() const noexcept {
    return moves_;
  }

private:
  /// Opens a window on candidate `i`; its CPU, or -1 if already there.
  int go(std::size_t i, std::chrono::nanoseconds now, std::uint64_t work);

  /// After the trials: the best rate, the current CPU on a near tie.
  std::size_t best() const;

  std::vector<int> candidates_;
  settings s_;
  std::vector<double> rates_;
  std::size_t at_ = 0;
  /// Candidates still to try in this round, in order.
  std::vector<std::size_t> to_try_;
  bool round_ = false;      ///< Trying (the last window of a round included).
  bool chosen_ = false;     ///< A round has ended: settled_ is its choice.
  std::size_t settled_ = 0; ///< The candidate chosen in the last round.
  std::chrono::nanoseconds window_start_{0};
  std::uint64_t window_work_ = 0;
  std::chrono::nanoseconds settled_since_{0};
  std::uint64_t moves_ = 0;
};

/// The calling thread tries the CPUs (the first four it may use) and makes
/// the fastest its home, every other thread of the process off it; at the
/// end the thread has its CPUs back and no CPU is home. Inactive (nothing
/// moved) if a home CPU is set already or the thread may use one CPU only.
class home_trials {
public:
  home_trials();
  ~home_trials();

  home_trials(const home_trials&) = delete;
  home_trials& operator=(const home_trials&) = delete;

  /// The trials, or nullptr if inactive (or stopped: the kernel refused a
  /// move, and the threads stay where they are).
  const cpu_trials* trials() const noexcept {
    return trials_.get();
  }

  /// `work` events done so far; moves the thread if the trials say so.
  void progress(std::uint64_t work);

  /// "CPU 0 123/s, CPU 1 456/s": each candidate's latest rate.
  std::string rates_text() const;

private:
  void go(int cpu);

  std::chrono::steady_clock::time_point t0_;
  std::unique_ptr<cpu_trials> trials_;
  std::vector<int> all_; ///< The thread's CPUs before the trials.
};

} // namespace cdb

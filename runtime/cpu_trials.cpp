#include "runtime/cpu_trials.hpp"

#include <algorithm>
#include <utility>

#include "runtime/cpu_placement.hpp"
#include "runtime/log.hpp"

namespace cdb {

cpu_trials::cpu_trials(std::vector<int> candidates, settings s)
  : candidates_(std::move(candidates)), s_(s), rates_(candidates_.size(), 0.0) {
  // nop
}

int cpu_trials::start(std::chrono::nanoseconds now, std::uint64_t work) {
  rates_.assign(candidates_.size(), 0.0);
  to_try_.clear();
  for (std::size_t i = 1; i < candidates_.size(); ++i)
    to_try_.push_back(i);
  round_ = true;
  chosen_ = false;
  at_ = 0;
  window_start_ = now;
  window_work_ = work;
  return candidates_.empty() ? -1 : candidates_.front();
}

int cpu_trials::go(std::size_t i, std::chrono::nanoseconds now,
                   std::uint64_t work) {
  window_start_ = now;
  window_work_ = work;
  if (i == at_)
    return -1;
  at_ = i;
  ++moves_;
  return candidates_[i];
}

std::size_t cpu_trials::best() const {
  std::size_t b = chosen_ ? settled_ : 0;
  for (std::size_t i = 0; i < rates_.size(); ++i)
    if (rates_[i] > rates_[b])
      b = i;
  // The incumbent stays unless another beats it by the margin.
  if (chosen_ && rates_[b] <= rates_[settled_] * (1 + s_.margin))
    return settled_;
  return b;
}

int cpu_trials::on_progress(std::chrono::nanoseconds now, std::uint64_t work) {
  if (candidates_.size() < 2 || now - window_start_ < s_.window)
    return -1;
  auto seconds = std::chrono::duration<double>(now - window_start_).count();
  rates_[at_] = static_cast<double>(work - window_work_) / seconds;
  if (!to_try_.empty()) {
    auto next = to_try_.front();
    to_try_.erase(to_try_.begin());
    return go(next, now, work);
  }
  if (round_) {
    round_ = false;
    settled_ = best();
    chosen_ = true;
    settled_since_ = now;
    return go(settled_, now, work);
  }
  if (now - settled_since_ < s_.recheck) {
    // Measuring the chosen CPU: its rate is fresh when the next round
    // compares the others with it.
    window_start_ = now;
    window_work_ = work;
    return -1;
  }
  round_ = true;
  for (std::size_t i = 0; i < candidates_.size(); ++i)
    if (i != at_)
      to_try_.push_back(i);
  auto next = to_try_.front();
  to_try_.erase(to_try_.begin());
  return go(next, now, work);
}

home_trials::home_trials() : t0_(std::chrono::steady_clock::now()) {
  auto cpus = allowed_cpus();
  if (cpu_placement::home() >= 0 || cpus.size() < 2)
    return;
  all_ = cpus;
  cpus.resize(std::min<std::size_t>(cpus.size(), 4));
  trials_ = std::make_unique<cpu_trials>(cpus, cpu_trials::settings{});
  go(trials_->start(std::chrono::nanoseconds{0}, 0));
}

home_trials::~home_trials() {
  if (all_.empty())
    return;
  std::string error;
  cpu_placement::move_this_thread(all_, error);
  cpu_placement::set(-1, error);
}

void home_trials::progress(std::uint64_t work) {
  if (trials_)
    go(trials_->on_progress(std::chrono::steady_clock::now() - t0_, work));
}

void home_trials::go(int cpu) {
  std::string error;
  if (cpu < 0 || cpu_placement::rehome(cpu, all_, error))
    return;
  // Refused (the CPU taken away meanwhile): no more trials; the threads
  // stay where they are.
  CDB_WARN("placement", "stopped trying CPUs: " << error);
  trials_.reset();
}

std::string home_trials::rates_text() const {
  std::string out;
  if (!trials_)
    return out;
  for (std::size_t i = 0; i < trials_->candidates().size(); ++i)
    out += (i > 0 ? ", CPU " : "CPU ")
           + std::to_string(trials_->candidates()[i]) + " "
           + std::to_string(static_cast<std::uint64_t>(trials_->rates()[i]))
           + "/s";
  return out;
}

} // namespace cdb

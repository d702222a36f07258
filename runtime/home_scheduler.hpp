// A live node's CAF scheduler: one home worker, the others helpers.
//
// CAF's work stealing lets every idle worker take any queued actor at once,
// and deals work from outside the scheduler (the feed's client thread, the
// timer thread, the middleman) round robin. On a node whose actors are a
// chain (signal -> risk -> execution), that moves the chain from core to
// core: each hop that lands on the other core finds its caches cold.
//
// Here:
// - Work from outside the scheduler goes to worker 0, the home worker. An
//   actor made ready by another goes to the front of the sender's worker's
//   queue, as in CAF. The home worker steals as CAF's workers do.
// - A helper (every other worker) steals from a worker only if that worker
//   is stuck or behind: it has work queued and has not finished a run for
//   `stall`, or it has `backlog` or more actors queued.
// So the chain stays on one warm core while it keeps up, and an actor
// stuck in a handler (a slow strategy) still holds no other actor: the
// circuit breaker, risk and execution move to a helper after `stall`.
// With one worker it is CAF's scheduler with one worker.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <caf/actor_system_config.hpp>
#include <caf/policy/work_stealing.hpp>
#include <caf/scheduler/coordinator.hpp>
#include <caf/settings.hpp>
#include <caf/timespan.hpp>

#include "runtime/cpu_placement.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"

namespace cdb {

/// run.helper_stall: far above a handler's microseconds and the pauses of
/// a busy VM (20-100 us), far below what an operator would notice.
constexpr caf::timespan default_helper_stall = std::chrono::microseconds{500};

/// run.helper_backlog: more ready actors than one chain of the live path
/// (signal, risk, execution, persistence) leaves queued.
constexpr std::size_t default_helper_backlog = 4;

class home_stealing : public caf::policy::work_stealing {
public:
  using base = caf::policy::work_stealing;
  using clock_type = std::chrono::steady_clock;

  /// The settings' keys in the actor system's config (use_home_scheduler).
  static constexpr char stall_key[] = "cdb-scheduler.helper-stall";
  static constexpr char backlog_key[] = "cdb-scheduler.helper-backlog";

  struct coordinator_data : base::coordinator_data {
    explicit coordinator_data(caf::scheduler::abstract_coordinator* p)
      : base::coordinator_data(p), takes(std::make_shared<helper_takes>()) {}
    /// Shared with the node's metrics (cdb_scheduler_helper_takes_total).
    std::shared_ptr<helper_takes> takes;
  };

  struct worker_data : base::worker_data {
    explicit worker_data(caf::scheduler::abstract_coordinator* p)
      : base::worker_data(p), stall(caf::get_or(p->system().config(), stall_key,
                                                default_helper_stall)),
        backlog(caf::get_or(p->system().config(), backlog_key,
                            default_helper_backlog)) {}
    worker_data(const worker_data& other)
      : base::worker_data(other), stall(other.stall), backlog(other.backlog) {}

    /// The worker's thread has gone to its CPUs (run.home_cpu): the home
    /// worker to the home CPU, a helper off it. Written by that thread.
    bool placed = false;

    /// A helper steals from a worker that has not finished a run for this
    /// long while it has actors queued...
    caf::timespan stall;
    /// ... or that has this many queued.
    std::size_t backlog;

    /// What a helper last saw of another worker: its finished runs, and
    /// since when (its queue not empty all the while; the epoch: not seen
    /// since its queue was last empty).
    struct sighting {
      std::uint64_t runs = 0;
      clock_type::time_point since{};
    };

    /// Actors queued here (approximate: counted around the queue).
    alignas(64) std::atomic<std::size_t> queued{0};
    /// Runs this worker finished; written by it alone.
    std::atomic<std::uint64_t> runs{0};
    alignas(64) std::vector<sighting> seen;
  };

  template <class Coordinator>
  void central_enqueue(Coordinator* self, caf::resumable* job) {
    self->worker_by_id(0)->external_enqueue(job);
  }

  template <class Worker>
  void external_enqueue(Worker* self, caf::resumable* job) {
    d(self).queued.fetch_add(1, std::memory_order_relaxed);
    base::external_enqueue(self, job);
  }

  template <class Worker>
  void internal_enqueue(Worker* self, caf::resumable* job) {
    d(self).queued.fetch_add(1, std::memory_order_relaxed);
    base::internal_enqueue(self, job);
  }

  template <class Worker>
  void resume_job_later(Worker* self, caf::resumable* job) {
    d(self).queued.fetch_add(1, std::memory_order_relaxed);
    base::resume_job_later(self, job);
  }

  template <class Worker>
  void after_resume(Worker* self, caf::resumable*) {
    auto& runs = d(self).runs;
    runs.store(runs.load(std::memory_order_relaxed) + 1,
               std::memory_order_relaxed);
  }

  template <class Worker>
  caf::resumable* try_steal(Worker* self) {
    auto p = self->parent();
    auto n = p->num_workers();
    if (n < 2)
      return nullptr;
    if (self->id() == 0) {
      auto victim = d(self).uniform(d(self).rengine);
      if (victim == 0)
        victim = n - 1;
      return take_tail(p->worker_by_id(victim));
    }
    auto& seen = d(self).seen;
    if (seen.size() != n)
      seen.resize(n);
    auto now = clock_type::time_point{};
    for (std::size_t v = 0; v < n; ++v) {
      if (v == self->id())
        continue;
      auto w = p->worker_by_id(v);
      auto& vd = d(w);
      auto& s = seen[v];
      auto q = vd.queued.load(std::memory_order_relaxed);
      if (q == 0) {
        s.since = {};
        continue;
      }
      bool steal = q >= d(self).backlog;
      if (!steal) {
        auto runs = vd.runs.load(std::memory_order_relaxed);
        if (now == clock_type::time_point{})
          now = clock_type::now();
        if (s.since == clock_type::time_point{} || s.runs != runs)
          s = {runs, now};
        else
          steal = now - s.since >= d(self).stall;
      }
      if (steal)
        if (auto job = take_tail(w)) {
          auto& takes = *d(p).takes;
          (q >= d(self).backlog ? takes.backlog : takes.stall)
            .fetch_add(1, std::memory_order_relaxed);
          return job;
        }
    }
    return nullptr;
  }

  /// CAF's work stealing's dequeue with this policy's queue count and
  /// stealing rule.
  template <class Worker>
  caf::resumable* dequeue(Worker* self) {
    if (!d(self).placed)
      place(self);
    auto& strategies = d(self).strategies;
    caf::resumable* job = nullptr;
    for (std::size_t k = 0; k < 2; ++k) {
      for (std::size_t i = 0; i < strategies[k].attempts;
           i += strategies[k].step_size) {
        if ((job = take_own(self)) != nullptr)
          return job;
        if (i % strategies[k].steal_interval == 0
            && (job = try_steal(self)) != nullptr)
          return job;
        if (strategies[k].sleep_duration.count() > 0)
          std::this_thread::sleep_for(strategies[k].sleep_duration);
      }
    }
    auto& relaxed = strategies[2];
    auto& wait = d(self).waitdata;
    for (std::size_t i = 1; job == nullptr; ++i) {
      bool woken = false;
      {
        std::unique_lock<std::mutex> guard(wait.lock);
        wait.sleeping = true;
        woken = wait.cv.wait_for(guard, relaxed.sleep_duration,
                                 [&] { return !d(self).queue.empty(); });
        wait.sleeping = false;
      }
      if (woken)
        job = take_own(self);
      else if (i % relaxed.steal_interval == 0)
        job = try_steal(self);
    }
    return job;
  }

  template <class Worker, class UnaryFunction>
  void foreach_resumable(Worker* self, UnaryFunction f) {
    for (auto job = take_own(self); job != nullptr; job = take_own(self))
      f(job);
  }

private:
  /// Moves the calling worker's thread to its CPUs: the home worker to
  /// cpu_placement::home(), a helper to the others.
  template <class Worker>
  static void place(Worker* self) {
    d(self).placed = true;
    if (cpu_placement::home() < 0)
      return;
    std::string error;
    bool home = self->id() == 0;
    if (!(home ? cpu_placement::to_home(error)
               : cpu_placement::off_home(error)))
      CDB_WARN("scheduler", (home ? "home worker" : "helper")
                              << ": run.home_cpu not applied: " << error);
    else if (home)
      CDB_INFO("scheduler", "home worker on CPU "
                              << cpu_placement::home() << ", helpers on "
                              << cpu_list_text(cpu_placement::others()));
  }

  /// The first (own work) or last (stolen) actor of `w`'s queue.
  template <class Worker>
  static caf::resumable* take(Worker* w, bool first) {
    auto& queue = d(w).queue;
    auto job = first ? queue.take_head() : queue.take_tail();
    if (job != nullptr)
      d(w).queued.fetch_sub(1, std::memory_order_relaxed);
    return job;
  }

  template <class Worker>
  static caf::resumable* take_own(Worker* self) {
    return take(self, true);
  }

  template <class Worker>
  static caf::resumable* take_tail(Worker* victim) {
    return take(victim, false);
  }
};

using home_scheduler = caf::scheduler::coordinator<home_stealing>;

/// The helpers' takes of `sys`'s scheduler; nullptr if it is not the home
/// scheduler.
inline std::shared_ptr<const helper_takes>
home_scheduler_takes(caf::actor_system& sys) {
  auto home = dynamic_cast<home_scheduler*>(&sys.scheduler());
  return home != nullptr ? home->data().takes : nullptr;
}

/// Makes `cfg`'s actor system run on the home scheduler.
inline void use_home_scheduler(caf::actor_system_config& cfg,
                               caf::timespan stall = default_helper_stall,
                               std::size_t backlog = default_helper_backlog) {
  cfg.load<home_scheduler>();
  caf::put(cfg.content, home_stealing::stall_key, stall);
  caf::put(cfg.content, home_stealing::backlog_key, backlog);
}

} // namespace cdb

// Per-actor metrics without touching a handler: an actor implementation
// whose base is instrumented<Base> times each message it handles (steady
// clock, one read per message: from the end of the previous message of the
// same scheduler run) into its actor_stats' histogram, whose count is the
// messages handled, and counts what is sent to it, so the exporter reads
// the mailbox depth as sent - handled. Messages an `await` skips count once,
// when handled. CAF 0.17 calls the virtual consume() for every mailbox element
// and enqueue() for every message sent to the actor. Cost per message:
// bench/metrics_bench.cpp, docs/performance.md.
//
// It also caps the messages the actor handles per scheduler run
// (limit_throughput): at the cap the actor goes to the back of its worker's
// queue, and whatever it made ready meanwhile runs first.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <limits>
#include <memory>

#include <caf/invoke_message_result.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/resumable.hpp>
#include <caf/stateful_actor.hpp>

#include "runtime/context.hpp"
#include "runtime/metrics.hpp"

namespace cdb {

template <class Base>
class instrumented : public Base {
public:
  using Base::Base;
  using Base::enqueue;

  /// Reports into `stats` from now on (nullptr: not at all). Called in the
  /// actor's initialisation, before any message can reach it; an earlier
  /// incarnation reporting into the same stats stops counting.
  /// The actor keeps `stats` alive: a sender may still reach a terminated
  /// actor after the node's metrics are gone elsewhere.
  void instrument(std::shared_ptr<actor_stats> stats) noexcept {
    if (stats != nullptr) {
      stats->enqueued.store(stats->handling.count(), std::memory_order_relaxed);
      stats->owner.store(this, std::memory_order_relaxed);
    }
    auto* raw = stats.get();
    keep_ = std::move(stats);
    stats_.store(raw, std::memory_order_release);
  }

  /// Handles at most `n` messages per scheduler run (0: no cap of its
  /// own). Called in the actor's initialisation.
  void limit_throughput(std::size_t n) noexcept {
    throughput_ = n > 0 ? n : std::numeric_limits<std::size_t>::max();
  }

  void enqueue(caf::mailbox_element_ptr what,
               caf::execution_unit* host) override {
    if (auto* s = current())
      s->enqueued.fetch_add(1, std::memory_order_relaxed);
    Base::enqueue(std::move(what), host);
  }

  /// One scheduler run over the mailbox: each message's time runs from
  /// the end of the previous one (or the start of the run), so a message
  /// costs one clock read, not two.
  caf::resumable::resume_result resume(caf::execution_unit* ctx,
                                       std::size_t max_throughput) override {
    mark_ = std::chrono::steady_clock::now();
    in_run_ = true;
    auto result = Base::resume(ctx, std::min(max_throughput, throughput_));
    in_run_ = false;
    return result;
  }

  caf::invoke_message_result consume(caf::mailbox_element& x) override {
    auto* s = current();
    if (s == nullptr)
      return Base::consume(x);
    if (!in_run_) // consumed outside a run (CAF's inline paths): own start
      mark_ = std::chrono::steady_clock::now();
    auto result = Base::consume(x);
    auto now = std::chrono::steady_clock::now();
    if (result != caf::invoke_message_result::skipped)
      s->handling.record(std::chrono::duration<double>(now - mark_).count());
    mark_ = now;
    return result;
  }

private:
  /// The stats while this incarnation is the one reporting, else nullptr.
  actor_stats* current() const noexcept {
    auto* s = stats_.load(std::memory_order_acquire);
    return s != nullptr && s->owner.load(std::memory_order_relaxed) == this
             ? s
             : nullptr;
  }

  // Senders read stats_, the actor's thread writes mark_ and in_run_ (and
  // CAF's fields before them): separate cache lines.
  alignas(64) std::atomic<actor_stats*> stats_{nullptr};
  std::shared_ptr<actor_stats> keep_; ///< Owns what stats_ points to.
  alignas(64) std::chrono::steady_clock::time_point mark_{};
  bool in_run_ = false;
  std::size_t throughput_ = std::numeric_limits<std::size_t>::max();
};

/// The self pointer of a stateful, instrumented actor behind `Handle`.
template <class Handle, class State>
using instrumented_pointer = caf::stateful_actor<
  State, instrumented<typename Handle::base>>*;

/// The stats of the node's actor `name` (see actor_names), sharing
/// ownership of the node's metrics; nullptr for an unknown name.
inline std::shared_ptr<actor_stats> stats_of(const metrics_ptr& m,
                                             const char* name) {
  auto* s = m ? m->actor(name) : nullptr;
  return s != nullptr ? std::shared_ptr<actor_stats>(m, s) : nullptr;
}

/// Starts reporting `self` as the node's actor `name`.
template <class Self>
void instrument(Self* self, const metrics_ptr& m, const char* name) {
  self->instrument(stats_of(m, name));
}

/// Starts reporting `self` as the node's actor `name`, handling at most
/// `ctx.throughput` messages per scheduler run.
template <class Self>
void instrument(Self* self, const actor_context& ctx, const char* name) {
  instrument(self, ctx.metrics, name);
  self->limit_throughput(ctx.throughput);
}

} // namespace cdb

// Per-actor metrics without touching a handler: an actor implementation
// whose base is instrumented<Base> counts each message it handles, times
// the handler (steady clock) and keeps its mailbox depth (messages enqueued
// minus handled, published on both sides) in the actor_stats it is given
// with instrument(). Messages an `await` skips count once, when handled.
// CAF 0.17 calls the virtual consume() for every mailbox element and
// enqueue() for every message sent to the actor.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include <caf/invoke_message_result.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/stateful_actor.hpp>

#include "runtime/metrics.hpp"

namespace cdb {

template <class Base>
class instrumented : public Base {
public:
  using Base::Base;
  using Base::enqueue;

  /// Reports into `stats` from now on (nullptr: stop reporting).
  void instrument(actor_stats* stats) noexcept {
    stats_.store(stats, std::memory_order_release);
    if (stats != nullptr) {
      stats->owner.store(this, std::memory_order_relaxed);
      publish_depth();
    }
  }

  void enqueue(caf::mailbox_element_ptr what,
               caf::execution_unit* host) override {
    enqueued_.fetch_add(1, std::memory_order_relaxed);
    publish_depth();
    Base::enqueue(std::move(what), host);
  }

  caf::invoke_message_result consume(caf::mailbox_element& x) override {
    auto* stats = stats_.load(std::memory_order_relaxed);
    auto t0 = stats ? std::chrono::steady_clock::now()
                    : std::chrono::steady_clock::time_point{};
    auto result = Base::consume(x);
    if (result == caf::invoke_message_result::skipped)
      return result;
    handled_.fetch_add(1, std::memory_order_relaxed);
    if (stats != nullptr) {
      auto dt = std::chrono::steady_clock::now() - t0;
      stats->handling.observe(std::chrono::duration<double>(dt).count());
      stats->messages.fetch_add(1, std::memory_order_relaxed);
      publish_depth();
    }
    return result;
  }

private:
  void publish_depth() noexcept {
    auto* s = stats_.load(std::memory_order_acquire);
    if (s == nullptr || s->owner.load(std::memory_order_relaxed) != this)
      return;
    auto in = enqueued_.load(std::memory_order_relaxed);
    auto out = handled_.load(std::memory_order_relaxed);
    s->mailbox.store(in > out ? in - out : 0, std::memory_order_relaxed);
  }

  std::atomic<actor_stats*> stats_{nullptr};
  std::atomic<std::uint64_t> enqueued_{0};
  std::atomic<std::uint64_t> handled_{0};
};

/// The self pointer of a stateful, instrumented actor behind `Handle`.
template <class Handle, class State>
using instrumented_pointer = caf::stateful_actor<
  State, instrumented<typename Handle::base>>*;

/// Starts reporting `self` as the node's actor `name` (see actor_names).
template <class Self>
void instrument(Self* self, node_metrics& m, const char* name) {
  self->instrument(m.actor(name));
}

} // namespace cdb

// The home scheduler (runtime/home_scheduler.hpp) on real threads: where
// actors run, and when a helper takes work from a stuck home worker.
#define CAF_SUITE home_scheduler
#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <caf/all.hpp>
#include <caf/test/unit_test.hpp>

#include "runtime/cpu_placement.hpp"
#include "runtime/home_scheduler.hpp"

using namespace cdb;
using namespace std::chrono_literals;

namespace {

/// Two workers on the home scheduler, helpers stealing as told.
struct home_config : caf::actor_system_config {
  home_config(caf::timespan stall, std::size_t backlog) {
    caf::put(content, "scheduler.max-threads", 2);
    caf::put(content, "logger.console-verbosity", "quiet");
    use_home_scheduler(*this, stall, backlog);
  }
};

/// The threads that handled messages.
struct threads_seen {
  std::mutex mtx;
  std::set<std::thread::id> ids;
  void note() {
    std::lock_guard<std::mutex> guard{mtx};
    ids.insert(std::this_thread::get_id());
  }
  std::size_t count() {
    std::lock_guard<std::mutex> guard{mtx};
    return ids.size();
  }
};

/// Answers every int with itself, noting its thread.
caf::behavior echo(caf::event_based_actor*, threads_seen* seen) {
  return {[seen](int x) {
    seen->note();
    return x;
  }};
}

/// Holds its worker until released, after saying so.
struct latch {
  std::promise<void> holding;
  std::promise<void> release;
};

caf::behavior stuck(caf::event_based_actor*, latch* l,
                    const std::shared_future<void>& until) {
  return {[l, until](int) {
    l->holding.set_value();
    until.wait_for(30s);
  }};
}

/// Passes a countdown back and forth with `peer` (set by the first
/// message), noting its thread; tells `done` at zero.
caf::behavior relay(caf::event_based_actor* self, threads_seen* seen,
                    const caf::actor& done) {
  auto peer = std::make_shared<caf::actor>();
  return {
    [=](const caf::actor& p) { *peer = p; },
    [=](int n) {
      seen->note();
      if (n == 0)
        self->send(done, n);
      else
        self->send(*peer, n - 1);
    },
  };
}

/// What the helpers of `sys`'s home scheduler took so far, by reason.
struct counts {
  std::uint64_t stall = 0;
  std::uint64_t backlog = 0;
};
counts takes(caf::actor_system& sys) {
  auto p = home_scheduler_takes(sys);
  if (p == nullptr) {
    CAF_FAIL("not the home scheduler");
    return {};
  }
  return {p->stall.load(), p->backlog.load()};
}

/// Two workers on the home scheduler, the home worker held by an actor
/// stuck in a handler until release() or the end of the test.
struct held_home {
  // Before the system: its actors point at these.
  latch l;
  std::shared_future<void> released = l.release.get_future().share();
  threads_seen seen;
  home_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  caf::actor stuck_actor;
  bool holding = true;

  held_home(caf::timespan stall, std::size_t backlog) : cfg{stall, backlog} {
    stuck_actor = sys.spawn(stuck, &l, released);
    self->send(stuck_actor, 1);
    l.holding.get_future().wait();
  }

  void release() {
    if (holding)
      l.release.set_value();
    holding = false;
  }

  ~held_home() {
    release();
    self->send_exit(stuck_actor, caf::exit_reason::user_shutdown);
  }
};

/// Whether `who` answers within `limit`.
bool answers(caf::scoped_actor& self, const caf::actor& who,
             caf::timespan limit) {
  bool ok = false;
  self->request(who, limit, 1)
    .receive([&](int) { ok = true; }, [&](caf::error&) {});
  return ok;
}

} // namespace

CAF_TEST(a chain of actors stays on the home worker) {
  // Helpers that never steal: the chain leaves home only if the policy
  // sends work elsewhere. With CAF's work stealing the idle second worker
  // takes part of this chain (two threads).
  threads_seen seen; // Before the system: its actors point at it.
  home_config cfg{caf::timespan{60s}, 1'000'000};
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  auto a = sys.spawn(relay, &seen, caf::actor{self});
  auto b = sys.spawn(relay, &seen, caf::actor{self});
  self->send(a, b);
  self->send(b, a);
  self->send(a, 20'000);
  bool done = false;
  self->receive([&](int) { done = true; }, caf::after(30s) >> [] {});
  CAF_REQUIRE(done);
  CAF_CHECK_EQUAL(seen.count(), 1u);
  CAF_CHECK_EQUAL(takes(sys).stall, 0u);
  // And work from outside the scheduler goes to the same worker.
  auto e = sys.spawn(echo, &seen);
  for (int i = 0; i < 100; ++i)
    CAF_REQUIRE(answers(self, e, caf::timespan{10s}));
  CAF_CHECK_EQUAL(seen.count(), 1u);
  self->send_exit(a, caf::exit_reason::user_shutdown);
  self->send_exit(b, caf::exit_reason::user_shutdown);
  self->send_exit(e, caf::exit_reason::user_shutdown);
}

CAF_TEST(a helper takes over from a home worker stuck in a handler) {
  held_home h{caf::timespan{1ms}, 1'000'000};
  // Sent from outside, so queued at the stuck home worker.
  auto e = h.sys.spawn(echo, &h.seen);
  CAF_CHECK(answers(h.self, e, caf::timespan{10s}));
  CAF_CHECK_GREATER_OR_EQUAL(takes(h.sys).stall, 1u);
  CAF_CHECK_EQUAL(takes(h.sys).backlog, 0u);
  h.self->send_exit(e, caf::exit_reason::user_shutdown);
}

CAF_TEST(a helper waits out the stall and takes a backlog down) {
  // No stall rule within the test; a backlog of two or more is taken.
  held_home h{caf::timespan{60s}, 2};
  auto& self = h.self;
  // One queued actor is below the backlog: it waits for the stuck one.
  auto first = h.sys.spawn(echo, &h.seen);
  self->send(first, 1);
  self->receive([](int) { CAF_FAIL("a helper took a lone queued actor"); },
                caf::after(std::chrono::milliseconds{300}) >> [] {});
  // Two more: three queued, the helper takes them until one is left.
  auto second = h.sys.spawn(echo, &h.seen);
  auto third = h.sys.spawn(echo, &h.seen);
  self->send(second, 2);
  self->send(third, 3);
  int answered = 0;
  for (int i = 0; i < 2; ++i)
    self->receive([&](int) { ++answered; }, caf::after(10s) >> [] {});
  CAF_CHECK_EQUAL(answered, 2);
  // Two at least: an actor is queued again for each message it gets.
  CAF_CHECK_GREATER_OR_EQUAL(takes(h.sys).backlog, 2u);
  CAF_CHECK_EQUAL(takes(h.sys).stall, 0u);
  self->receive([](int) { CAF_FAIL("a helper took the last queued actor"); },
                caf::after(std::chrono::milliseconds{300}) >> [] {});
  // Released, the home worker handles the last one.
  h.release();
  self->receive([&](int) { ++answered; }, caf::after(10s) >> [] {});
  CAF_CHECK_EQUAL(answered, 3);
  for (auto& a : {first, second, third})
    self->send_exit(a, caf::exit_reason::user_shutdown);
}

namespace {

/// Answers with the CPUs of the thread that ran it, noting the thread. (An
/// argument it needs: CAF 0.17 spawning a function of the actor alone
/// binds a reference to a null pointer, which UBSan reports.)
caf::behavior where(caf::event_based_actor*, threads_seen* seen) {
  return {[seen](int) {
    seen->note();
    return cpu_placement::this_thread_cpus();
  }};
}

/// The CPUs `who`'s thread may use when it answers; empty if it did not.
std::vector<int> cpus_of(caf::scoped_actor& self, const caf::actor& who) {
  std::vector<int> out;
  self->request(who, caf::timespan{10s}, 1)
    .receive([&](std::vector<int>& cpus) { out = std::move(cpus); },
             [&](caf::error&) {});
  return out;
}

/// run.home_cpu on the last CPU this thread may use, set before the system
/// starts (as cdb's main does); the placement and this thread's CPUs
/// restored at the end.
struct placed_home {
  std::vector<int> had = cpu_placement::this_thread_cpus();
  int home = had.back();
  bool placed = [this] {
    std::string error;
    return cpu_placement::set(home, error);
  }();
  latch l;
  std::shared_future<void> released = l.release.get_future().share();
  threads_seen seen;
  // A helper takes over after 250 ms without a finished handler: long
  // enough that on a busy machine the home worker still takes the first
  // request itself (with 1 ms a helper took it in 1 of 20 runs while the
  // suite ran beside; 0 of 30 with 250 ms).
  home_config cfg{caf::timespan{250ms}, 1'000'000};
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};

  ~placed_home() {
    std::string error;
    cpu_placement::set(-1, error);
    cpu_placement::move_this_thread(had, error);
  }
};

} // namespace

CAF_TEST(with a home CPU the home worker runs on it and a helper off it) {
  placed_home h;
  CAF_REQUIRE(h.placed);
  auto others = cpu_placement::others();
  // Work from outside goes to the home worker: on the home CPU.
  auto first = h.sys.spawn(where, &h.seen);
  CAF_CHECK_EQUAL(cpus_of(h.self, first), std::vector<int>{h.home});
  // The home worker stuck in a handler: a helper answers, off the home
  // CPU (on it, too, if it is the only CPU).
  auto stuck_actor = h.sys.spawn(stuck, &h.l, h.released);
  h.self->send(stuck_actor, 1);
  h.l.holding.get_future().wait();
  auto second = h.sys.spawn(where, &h.seen);
  CAF_CHECK_EQUAL(cpus_of(h.self, second), others);
  CAF_CHECK_EQUAL(h.seen.count(), 2u); // the home worker, then the helper
  CAF_CHECK_GREATER_OR_EQUAL(takes(h.sys).stall, 1u);
  h.l.release.set_value();
  for (auto& a : {first, second, stuck_actor})
    h.self->send_exit(a, caf::exit_reason::user_shutdown);
}

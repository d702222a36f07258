// Where a node's threads run (run.home_cpu): the thread that runs the
// actors on one CPU of its own, every other thread of the process on the
// other CPUs it may use.
//
// On a machine whose CPUs are not equally fast or equally quiet (a VM's
// vCPUs, a core that takes the interrupts), the live path's tail depends
// on where the home worker lands (docs/performance.md, "The home CPU").
// Pinning it keeps the chain signal -> risk -> execution on the CPU the
// operator chose, and the feed's network thread, the helpers, CAF's timer
// and the middleman off it.
//
// Threads inherit their creator's CPUs, so the order is: set() before the
// node's threads start (the calling thread and what it starts go to the
// others), then to_home() on the thread that runs the actors, and
// off_home() first thing on any thread started from it; sweep() now and
// then moves the threads that others start from it.
#pragma once

#include <string>
#include <vector>

namespace cdb {

/// The CPUs the calling thread may run on (sched_getaffinity), ascending:
/// at start-up, before any placement, the process's.
std::vector<int> allowed_cpus();

/// "0-3,6": `cpus` (ascending) as the kernel lists them.
std::string cpu_list_text(const std::vector<int>& cpus);

namespace cpu_placement {

/// Chooses `home` (one of allowed_cpus(); -1: no placement, every thread
/// anywhere) and moves the calling thread off it. False with `error` if the
/// kernel refused.
bool set(int home, std::string& error);

/// The home CPU; -1 if none was set.
int home();

/// The CPUs of every thread but the home one: allowed_cpus() as set() saw
/// it, without the home CPU (all of them if it was the only one).
std::vector<int> others();

/// Makes `home` (one of `all`, the CPUs the process may use) the home CPU
/// from now on: the calling thread goes there, every other thread of the
/// process to the rest of `all` (sweep()). A backtest's thread trying its
/// CPUs (run.pick_home_cpu, cpu_trials.hpp). False with `error` if the
/// kernel refused the calling thread's move.
bool rehome(int home, const std::vector<int>& all, std::string& error);

/// Moves the calling thread to the home CPU; true and nothing done if there
/// is none.
bool to_home(std::string& error);

/// Moves the calling thread to others(); true and nothing done if there is
/// no home CPU.
bool off_home(std::string& error);

/// Moves every thread of the process but the home one (the last to call
/// to_home()) that is not on others() there: the threads that libraries
/// start from the home thread and that inherit its CPU (CAF's thread of a
/// detached actor, such as persistence). Does nothing before to_home() has
/// been called or without a home CPU. Returns how many it moved; never
/// throws.
int sweep() noexcept;

/// Moves the calling thread to `cpus`, whatever the placement. False with
/// `error` (the CPUs and the kernel's reason) if the kernel refused.
bool move_this_thread(const std::vector<int>& cpus, std::string& error);

/// The calling thread's CPUs now.
std::vector<int> this_thread_cpus();

} // namespace cpu_placement

} // namespace cdb

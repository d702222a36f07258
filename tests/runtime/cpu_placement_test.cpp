// run.home_cpu's thread placement (runtime/cpu_placement.hpp) on the test's
// own thread: where set(), to_home() and off_home() put it.
#define CAF_SUITE cpu_placement
#include <algorithm>
#include <filesystem>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <pthread.h>
#include <sched.h>

#include <caf/test/unit_test.hpp>

#include "runtime/cpu_placement.hpp"

using namespace cdb;

namespace {

/// Puts the calling thread back on the CPUs it had, and the placement
/// back to none, at the end of a test.
struct restore_cpus {
  std::vector<int> had = cpu_placement::this_thread_cpus();
  ~restore_cpus() {
    std::string error;
    cpu_placement::set(-1, error);
    move(had);
  }
  static void move(const std::vector<int>& cpus) {
    std::string error;
    CAF_REQUIRE(cpu_placement::move_this_thread(cpus, error));
  }
};

} // namespace

CAF_TEST(a list of CPUs reads as the kernel writes it) {
  CAF_CHECK_EQUAL(cpu_list_text({}), "");
  CAF_CHECK_EQUAL(cpu_list_text({3}), "3");
  CAF_CHECK_EQUAL(cpu_list_text({0, 1}), "0-1");
  CAF_CHECK_EQUAL(cpu_list_text({0, 1, 2, 5, 7, 8, 10}), "0-2,5,7-8,10");
}

CAF_TEST(without a home CPU every thread stays where it is) {
  restore_cpus r;
  std::string error;
  CAF_REQUIRE(cpu_placement::set(-1, error));
  CAF_CHECK_EQUAL(cpu_placement::home(), -1);
  CAF_CHECK(cpu_placement::to_home(error));
  CAF_CHECK(cpu_placement::off_home(error));
  CAF_CHECK_EQUAL(cpu_placement::this_thread_cpus(), r.had);
}

CAF_TEST(the home CPU is the home thread alone and the others take the rest) {
  restore_cpus r;
  auto all = allowed_cpus();
  CAF_REQUIRE(!all.empty());
  CAF_REQUIRE_EQUAL(all, r.had);
  auto home = all.back();
  std::vector<int> rest(all.begin(), all.end() - 1);
  if (rest.empty()) // one CPU: every thread shares it
    rest = all;
  std::string error;
  CAF_REQUIRE(cpu_placement::set(home, error));
  CAF_CHECK_EQUAL(cpu_placement::home(), home);
  CAF_CHECK_EQUAL(cpu_placement::others(), rest);
  // set() moves its caller (cdb's main thread) off the home CPU.
  CAF_CHECK_EQUAL(cpu_placement::this_thread_cpus(), rest);
  CAF_REQUIRE(cpu_placement::to_home(error));
  CAF_CHECK_EQUAL(cpu_placement::this_thread_cpus(), std::vector<int>{home});
  CAF_REQUIRE(cpu_placement::off_home(error));
  CAF_CHECK_EQUAL(cpu_placement::this_thread_cpus(), rest);
}

CAF_TEST(on a single CPU the home thread and the others share it) {
  restore_cpus r;
  auto only = r.had.front();
  restore_cpus::move({only});
  CAF_REQUIRE_EQUAL(allowed_cpus(), std::vector<int>{only});
  std::string error;
  CAF_REQUIRE(cpu_placement::set(only, error));
  CAF_CHECK_EQUAL(cpu_placement::others(), std::vector<int>{only});
  CAF_REQUIRE(cpu_placement::to_home(error));
  CAF_CHECK_EQUAL(cpu_placement::this_thread_cpus(), std::vector<int>{only});
}

CAF_TEST(a CPU the thread may not use is refused with its reason) {
  restore_cpus r;
  auto only = r.had.front();
  restore_cpus::move({only});
  // allowed_cpus() is {only} now: a home CPU outside it leaves the others
  // {only}, and moving there works; the home CPU itself is refused when
  // the kernel has no such CPU.
  std::string error;
  CAF_REQUIRE(cpu_placement::set(CPU_SETSIZE - 1, error));
  CAF_CHECK(!cpu_placement::to_home(error));
  CAF_CHECK(error.find(std::to_string(CPU_SETSIZE - 1)) != std::string::npos);
}

CAF_TEST(a sweep moves the threads started from the home thread off it) {
  restore_cpus r;
  auto all = allowed_cpus();
  auto home = all.back();
  std::string error;
  CAF_REQUIRE(cpu_placement::set(home, error));
  // Before any thread went home, a sweep leaves every thread alone.
  CAF_CHECK_EQUAL(cpu_placement::sweep(), 0);
  CAF_REQUIRE(cpu_placement::to_home(error));
  // A thread started from the home thread inherits its CPU...
  std::promise<void> go;
  auto until = go.get_future().share();
  std::thread t{[until] { until.wait(); }};
  auto cpus_of_t = [&t] {
    cpu_set_t set;
    CPU_ZERO(&set);
    pthread_getaffinity_np(t.native_handle(), sizeof(set), &set);
    std::vector<int> out;
    for (int c = 0; c < CPU_SETSIZE; ++c)
      if (CPU_ISSET(c, &set))
        out.push_back(c);
    return out;
  };
  CAF_CHECK_EQUAL(cpus_of_t(), std::vector<int>{home});
  // ... until a sweep moves it (and nothing else: the others are there).
  // (This process's other threads, from the suites before, move too.)
  auto moved = cpu_placement::sweep();
  if (all.size() > 1)
    CAF_CHECK_GREATER_OR_EQUAL(moved, 1);
  else
    CAF_CHECK_EQUAL(moved, 0);
  CAF_CHECK_EQUAL(cpus_of_t(), cpu_placement::others());
  CAF_CHECK_EQUAL(cpu_placement::this_thread_cpus(), std::vector<int>{home});
  CAF_CHECK_EQUAL(cpu_placement::sweep(), 0);
  go.set_value();
  t.join();
  // Every thread of the process back where the test found it.
  for (const auto& e : std::filesystem::directory_iterator{"/proc/self/task"}) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (auto c : r.had)
      CPU_SET(c, &set);
    sched_setaffinity(std::stoi(e.path().filename().string()), sizeof(set),
                      &set);
  }
}

CAF_TEST(rehome moves the home and every other thread to the rest) {
  restore_cpus r;
  auto all = allowed_cpus();
  CAF_REQUIRE(!all.empty());
  std::string error;
  CAF_REQUIRE(cpu_placement::set(-1, error));
  // A thread started before the move, as a backtest's data thread.
  std::promise<void> go;
  std::promise<std::vector<int>> seen;
  std::thread other{[&] {
    go.get_future().wait();
    seen.set_value(cpu_placement::this_thread_cpus());
  }};
  auto first = all.front();
  CAF_REQUIRE(cpu_placement::rehome(first, all, error));
  CAF_CHECK_EQUAL(cpu_placement::home(), first);
  CAF_CHECK_EQUAL(cpu_placement::this_thread_cpus(), std::vector<int>{first});
  auto rest = cpu_placement::others();
  if (all.size() > 1)
    CAF_CHECK(std::find(rest.begin(), rest.end(), first) == rest.end());
  // Then to the last CPU: the others follow.
  auto last = all.back();
  CAF_REQUIRE(cpu_placement::rehome(last, all, error));
  CAF_CHECK_EQUAL(cpu_placement::this_thread_cpus(), std::vector<int>{last});
  go.set_value();
  auto other_cpus = seen.get_future().get();
  other.join();
  CAF_CHECK_EQUAL(other_cpus, cpu_placement::others());
  if (all.size() > 1)
    CAF_CHECK(std::find(other_cpus.begin(), other_cpus.end(), last)
              == other_cpus.end());
}

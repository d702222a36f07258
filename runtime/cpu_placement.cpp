#include "runtime/cpu_placement.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <mutex>
#include <string>
#include <system_error>

#include <pthread.h>
#include <sched.h>
#include <unistd.h>

namespace cdb {

namespace {

std::vector<int> cpus_of(const cpu_set_t& set) {
  std::vector<int> out;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &set))
      out.push_back(c);
  return out;
}

cpu_set_t set_of(const std::vector<int>& cpus) {
  cpu_set_t set;
  CPU_ZERO(&set);
  for (auto c : cpus)
    CPU_SET(c, &set);
  return set;
}

std::atomic<int> home_cpu{-1};
// A backtest moves its home while its data thread may start (rehome()).
std::mutex cpus_mtx;
std::vector<int> other_cpus;

/// `all` without `home`; all of them if that leaves none.
std::vector<int> others_of(const std::vector<int>& all, int home) {
  std::vector<int> out;
  std::copy_if(all.begin(), all.end(), std::back_inserter(out),
               [home](int c) { return c != home; });
  return out.empty() ? all : out;
}

std::vector<int> other_cpus_now() {
  std::lock_guard<std::mutex> guard{cpus_mtx};
  return other_cpus;
}
/// The thread that last went to the home CPU; 0: none yet.
std::atomic<pid_t> home_tid{0};

} // namespace

std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0)
    return {};
  return cpus_of(set);
}

std::string cpu_list_text(const std::vector<int>& cpus) {
  std::string out;
  for (std::size_t i = 0; i < cpus.size();) {
    auto j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1)
      ++j;
    out += (out.empty() ? "" : ",") + std::to_string(cpus[i]);
    if (j > i)
      out += "-" + std::to_string(cpus[j]);
    i = j + 1;
  }
  return out;
}

namespace cpu_placement {

bool move_this_thread(const std::vector<int>& cpus, std::string& error) {
  auto set = set_of(cpus);
  auto rc = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
  if (rc != 0) {
    error = "CPUs " + cpu_list_text(cpus) + ": "
            + std::generic_category().message(rc);
    return false;
  }
  return true;
}

bool set(int home, std::string& error) {
  home_tid = 0;
  std::vector<int> others;
  if (home >= 0)
    others = others_of(allowed_cpus(), home);
  {
    std::lock_guard<std::mutex> guard{cpus_mtx};
    other_cpus = others;
  }
  home_cpu = home;
  return home < 0 || move_this_thread(others, error);
}

int home() {
  return home_cpu.load();
}

std::vector<int> others() {
  return other_cpus_now();
}

bool rehome(int home, const std::vector<int>& all, std::string& error) {
  {
    std::lock_guard<std::mutex> guard{cpus_mtx};
    other_cpus = others_of(all, home);
  }
  home_cpu = home;
  if (!to_home(error))
    return false;
  sweep();
  return true;
}

bool to_home(std::string& error) {
  auto h = home();
  if (h < 0)
    return true;
  if (!move_this_thread({h}, error))
    return false;
  home_tid = gettid();
  return true;
}

bool off_home(std::string& error) {
  return home() < 0 || move_this_thread(other_cpus_now(), error);
}

int sweep() noexcept {
  auto tid = home_tid.load();
  if (home() < 0 || tid == 0)
    return 0;
  auto want = set_of(other_cpus_now());
  int moved = 0;
  // Never throws: the node's main loop calls it, and a thread that ends
  // while the list is read must not stop the node.
  std::error_code ec;
  std::filesystem::directory_iterator it{"/proc/self/task", ec};
  for (; !ec && it != std::filesystem::directory_iterator{}; it.increment(ec)) {
    auto name = it->path().filename().string();
    auto t = static_cast<pid_t>(std::strtol(name.c_str(), nullptr, 10));
    if (t <= 0 || t == tid)
      continue;
    cpu_set_t now;
    CPU_ZERO(&now);
    // A thread that has just ended fails here and in the next call.
    if (sched_getaffinity(t, sizeof(now), &now) != 0 || CPU_EQUAL(&now, &want))
      continue;
    if (sched_setaffinity(t, sizeof(want), &want) == 0)
      ++moved;
  }
  return moved;
}

std::vector<int> this_thread_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (pthread_getaffinity_np(pthread_self(), sizeof(set), &set) != 0)
    return {};
  return cpus_of(set);
}

} // namespace cpu_placement

} // namespace cdb

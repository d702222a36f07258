// run.pick_home_cpu's choice (runtime/cpu_trials.hpp): each candidate
// tried for a window, the fastest kept, the others tried again later, a
// near tie left where it is. Time and work are given by the test.
#define CAF_SUITE cpu_trials
#include <chrono>
#include <cmath>
#include <cstdint>
#include <vector>

#include <caf/test/unit_test.hpp>

#include "runtime/cpu_trials.hpp"

using namespace cdb;
using std::chrono::milliseconds;

namespace {

/// Drives trials over CPUs whose speed (work per ms) the test sets, in
/// steps of 10 ms; records every CPU the thread was sent to.
struct machine {
  cpu_trials trials;
  std::vector<double> per_ms; ///< Speed of each candidate, by index.
  milliseconds now{0};
  double work = 0;
  std::vector<int> sent;

  machine(std::vector<int> cpus, std::vector<double> speeds)
    : trials(std::move(cpus),
             cpu_trials::settings{milliseconds{50}, milliseconds{1000}, 0.05}),
      per_ms(std::move(speeds)) {
    sent.push_back(trials.start(now, 0));
  }

  std::size_t index_of(int cpu) const {
    auto& c = trials.candidates();
    for (std::size_t i = 0; i < c.size(); ++i)
      if (c[i] == cpu)
        return i;
    return c.size();
  }

  void run(milliseconds span) {
    for (auto end = now + span; now < end;) {
      now += milliseconds{10};
      work += 10 * per_ms[index_of(trials.current())];
      auto to = trials.on_progress(now, static_cast<std::uint64_t>(work));
      if (to >= 0)
        sent.push_back(to);
    }
  }
};

} // namespace

CAF_TEST(each CPU is tried for a window and the fastest is kept) {
  machine m{{0, 1}, {50, 80}};
  m.run(milliseconds{50});
  CAF_CHECK_EQUAL(m.sent, (std::vector<int>{0, 1}));
  m.run(milliseconds{50});
  // CPU 1 went fastest: the thread stays there.
  CAF_CHECK_EQUAL(m.trials.current(), 1);
  CAF_CHECK_EQUAL(m.sent, (std::vector<int>{0, 1}));
  CAF_CHECK(std::abs(m.trials.rates()[0] - 50'000.0) < 1e-6);
  CAF_CHECK(std::abs(m.trials.rates()[1] - 80'000.0) < 1e-6);
  m.run(milliseconds{500});
  CAF_CHECK_EQUAL(m.sent, (std::vector<int>{0, 1}));
  CAF_CHECK_EQUAL(m.trials.moves(), 1u);
}

CAF_TEST(the first CPU is kept when it is the fastest) {
  machine m{{2, 3, 5}, {90, 60, 30}};
  m.run(milliseconds{150});
  CAF_CHECK_EQUAL(m.sent, (std::vector<int>{2, 3, 5, 2}));
  CAF_CHECK_EQUAL(m.trials.current(), 2);
}

CAF_TEST(the others are tried again and a CPU that turned slow is left) {
  machine m{{0, 1}, {80, 50}};
  m.run(milliseconds{100});
  CAF_CHECK_EQUAL(m.trials.current(), 0);
  // The host slows CPU 0: after the recheck period CPU 1 is tried, wins
  // by more than the margin and keeps the thread.
  m.per_ms = {40, 50};
  m.run(milliseconds{1200});
  CAF_CHECK_EQUAL(m.trials.current(), 1);
  CAF_CHECK_EQUAL(m.sent, (std::vector<int>{0, 1, 0, 1}));
}

CAF_TEST(a near tie leaves the thread where it is) {
  machine m{{0, 1}, {80, 50}};
  m.run(milliseconds{100});
  CAF_CHECK_EQUAL(m.trials.current(), 0);
  // Within the margin (5 %): back to CPU 0 after trying CPU 1.
  m.per_ms = {80, 82};
  m.run(milliseconds{1200});
  CAF_CHECK_EQUAL(m.trials.current(), 0);
  CAF_CHECK_EQUAL(m.sent, (std::vector<int>{0, 1, 0, 1, 0}));
}

CAF_TEST(no window ends before its time and a single CPU never moves) {
  machine m{{0, 1}, {10, 20}};
  m.run(milliseconds{40});
  CAF_CHECK_EQUAL(m.sent, (std::vector<int>{0}));
  cpu_trials one{{4}, cpu_trials::settings{}};
  CAF_CHECK_EQUAL(one.start(milliseconds{0}, 0), 4);
  CAF_CHECK_EQUAL(one.on_progress(milliseconds{10'000}, 1'000'000), -1);
}

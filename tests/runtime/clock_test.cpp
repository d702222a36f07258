#define CAF_SUITE clock
#include <thread>

#include <caf/all.hpp>
#include <caf/test/unit_test.hpp>

#include "runtime/clock.hpp"

using namespace cdb;

CAF_TEST(a replay clock stands at the first record until started) {
  auto wall = std::make_shared<manual_clock>(1'700'000'000'000'000'000);
  constexpr timestamp recorded = 1'582'329'601'096'000'000; // 2020-02-22
  scaled_clock market{recorded, 60.0, wall};
  CAF_CHECK_EQUAL(market.now(), recorded);
  wall->advance(5'000'000'000); // held: wall time passes, market time not
  CAF_CHECK_EQUAL(market.now(), recorded);
  market.start();
  wall->advance(1'000'000'000); // one wall second...
  CAF_CHECK_EQUAL(market.now(), recorded + 60'000'000'000); // ...a minute
  market.start(); // a second start changes nothing
  wall->advance(500'000'000);
  CAF_CHECK_EQUAL(market.now(), recorded + 90'000'000'000);
}

CAF_TEST(time formats as iso utc with milliseconds) {
  CAF_CHECK_EQUAL(format_time(1'582'329'601'096'000'000),
                  "2020-02-22T00:00:01.096Z");
}

CAF_TEST(the timer slack reaches threads started after it is set) {
  auto before = timer_slack();
  std::string error;
  CAF_REQUIRE(set_timer_slack(1'000, error));
  CAF_CHECK_EQUAL(timer_slack(), 1'000);
  nanoseconds in_thread = -1;
  std::thread{[&] { in_thread = timer_slack(); }}.join();
  CAF_CHECK_EQUAL(in_thread, 1'000);
  { // CAF's workers too: the node sets it before its actor system starts
    caf::actor_system_config cfg;
    caf::put(cfg.content, "scheduler.max-threads", 2);
    caf::put(cfg.content, "logger.console-verbosity", "quiet");
    caf::actor_system sys{cfg};
    // With an argument: CAF 0.17.6 binds a null reference when a function
    // actor is spawned without one (UBSan).
    auto probe = sys.spawn(
      [](caf::event_based_actor*, int) -> caf::behavior {
        return {[](caf::get_atom) { return timer_slack(); }};
      },
      0);
    caf::scoped_actor self{sys};
    nanoseconds in_worker = -1;
    self->request(probe, caf::infinite, caf::get_atom::value)
      .receive([&](nanoseconds x) { in_worker = x; }, [](caf::error&) {});
    CAF_CHECK_EQUAL(in_worker, 1'000);
    self->send_exit(probe, caf::exit_reason::user_shutdown);
  }
  // 0: the thread's default again (what it had at its start).
  CAF_REQUIRE(set_timer_slack(0, error));
  CAF_CHECK_EQUAL(timer_slack(), before);
}

#define CAF_SUITE clock
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

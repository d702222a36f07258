#define CAF_SUITE circuit_breaker
#include <caf/test/unit_test.hpp>

#include "actors/circuit_breaker/breaker.hpp"

using namespace cdb;

CAF_TEST(drawdown from peak at the limit trips halted) {
  breaker_config cfg; // 10 %
  breaker b{cfg};
  CAF_CHECK(!b.on_equity(100000, 1));
  CAF_CHECK(!b.on_equity(110000, 2));
  CAF_CHECK(!b.on_equity(99001, 3));
  auto tr = b.on_equity(99000, 4); // exactly 10 % below 110k
  CAF_REQUIRE(tr);
  CAF_CHECK(tr->mode == trading_mode::halted);
  CAF_CHECK(b.mode() == trading_mode::halted);
  CAF_CHECK(!b.on_equity(90000, 5)); // already halted: no new transition
}

CAF_TEST(manual resume returns to active with a new peak) {
  breaker b{breaker_config{}};
  b.on_equity(100000, 1);
  b.on_equity(85000, 2);
  auto tr = b.resume("operator", 3);
  CAF_REQUIRE(tr);
  CAF_CHECK(tr->mode == trading_mode::active);
  CAF_CHECK(!b.on_equity(84000, 4)); // measured from the new peak of 85k
}

CAF_TEST(timed reset only after the configured delay) {
  breaker_config cfg;
  cfg.reset_after = 100;
  breaker b{cfg};
  b.on_equity(100000, 0);
  b.on_equity(80000, 10);
  CAF_CHECK(!b.on_time(109));
  auto tr = b.on_time(110);
  CAF_REQUIRE(tr);
  CAF_CHECK_EQUAL(tr->reason, "timed_reset");
}

CAF_TEST(manual halt is not reset by the timer) {
  breaker_config cfg;
  cfg.reset_after = 100;
  breaker b{cfg};
  b.halt("operator", 0);
  CAF_CHECK(!b.on_time(1000));
  CAF_CHECK(b.mode() == trading_mode::halted);
}

CAF_TEST(non finite equity halts) {
  breaker b{breaker_config{}};
  auto tr = b.on_equity(std::numeric_limits<double>::quiet_NaN(), 1);
  CAF_REQUIRE(tr);
  CAF_CHECK(tr->mode == trading_mode::halted);
}

CAF_TEST(a restarted breaker is halted until a manual resume) {
  breaker_config cfg;
  cfg.reset_after = 1;
  breaker b{cfg};
  auto tr = b.restarted(1);
  CAF_REQUIRE(tr);
  CAF_CHECK(tr->mode == trading_mode::halted);
  CAF_CHECK(!b.on_equity(100000, 2));
  CAF_CHECK(!b.on_time(1'000'000'000'000)); // no timed reset
  CAF_CHECK(b.mode() == trading_mode::halted);
  auto back = b.resume("operator", 3);
  CAF_REQUIRE(back);
  CAF_CHECK(back->mode == trading_mode::active);
}

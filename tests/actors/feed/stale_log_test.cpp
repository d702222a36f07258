#define CAF_SUITE stale_log
#include <caf/test/unit_test.hpp>

#include "actors/feed/stale_log.hpp"

using namespace cdb;

namespace {

constexpr timestamp sec = 1'000'000'000;
constexpr timestamp hour = 3600 * sec;
constexpr timestamp t0 = 1'582'329'602'111'000'000;

} // namespace

CAF_TEST(the first turns are logged then one an hour with the count) {
  stale_log l{3, hour};
  for (int i = 0; i < 3; ++i) {
    auto v = l.on_turn("BTCUSDT", t0 + i * (10 * sec));
    CAF_CHECK(v.log);
    CAF_CHECK_EQUAL(v.untold, 0u);
    CAF_CHECK_EQUAL(v.last, i == 2); // the third says what follows
  }
  // Every 10 s for most of an hour after the third line: none logged.
  timestamp t = t0 + 20 * sec;
  int untold = 0;
  for (t += 10 * sec; t - (t0 + 20 * sec) < hour; t += 10 * sec, ++untold)
    CAF_CHECK(!l.on_turn("BTCUSDT", t).log);
  // An hour after the last line: logged, with the count and its start.
  auto v = l.on_turn("BTCUSDT", t);
  CAF_CHECK(v.log);
  CAF_CHECK(!v.last);
  CAF_CHECK_EQUAL(v.untold, static_cast<std::uint64_t>(untold));
  CAF_CHECK_EQUAL(v.untold_since, t0 + 30 * sec);
  CAF_CHECK(!l.on_turn("BTCUSDT", t + sec).log);
}

CAF_TEST(instruments are thinned apart and the rest is told at the end) {
  stale_log l{1, hour};
  CAF_CHECK(l.on_turn("BTCUSDT", t0).log);
  CAF_CHECK(!l.on_turn("BTCUSDT", t0 + sec).log);
  CAF_CHECK(!l.on_turn("BTCUSDT", t0 + 2 * sec).log);
  CAF_CHECK(l.on_turn("ETHUSDT", t0 + 2 * sec).log);
  auto rest = l.flush();
  CAF_REQUIRE_EQUAL(rest.size(), 1u);
  CAF_CHECK_EQUAL(rest[0].instrument, "BTCUSDT");
  CAF_CHECK_EQUAL(rest[0].count, 2u);
  CAF_CHECK_EQUAL(rest[0].since, t0 + sec);
  CAF_CHECK(l.flush().empty()); // told once
}

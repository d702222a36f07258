#define CAF_SUITE feed_health
#include <string>

#include <caf/test/unit_test.hpp>

#include "actors/feed/sequence_tracker.hpp"
#include "actors/feed/staleness.hpp"

using namespace cdb;

CAF_TEST(a replayed trade id after a reconnect is dropped as stale) {
  sequence_tracker t;
  CAF_CHECK(t.check("BTC/t", 100, true) == seq_verdict::first);
  CAF_CHECK(t.check("BTC/t", 101, true) == seq_verdict::in_order);
  CAF_CHECK(t.check("BTC/t", 101, true) == seq_verdict::stale);
  CAF_CHECK(t.check("BTC/t", 99, true) == seq_verdict::stale);
  CAF_CHECK(t.check("BTC/t", 102, true) == seq_verdict::in_order);
  CAF_CHECK_EQUAL(t.stale(), 2u);
  CAF_CHECK_EQUAL(t.gaps(), 0u);
}

CAF_TEST(a jump in trade ids is a gap with its missing count) {
  sequence_tracker t;
  t.check("BTC/t", 10, true);
  CAF_CHECK(t.check("BTC/t", 15, true) == seq_verdict::gap);
  CAF_CHECK(t.check("BTC/t", 16, true) == seq_verdict::in_order);
  CAF_CHECK_EQUAL(t.gaps(), 1u);
  CAF_CHECK_EQUAL(t.missing(), 4u);
  // Update ids are not contiguous: a jump is normal there.
  t.check("BTC/q", 1000, false);
  CAF_CHECK(t.check("BTC/q", 1500, false) == seq_verdict::in_order);
  CAF_CHECK_EQUAL(t.gaps(), 1u);
  // Streams are independent.
  CAF_CHECK(t.check("ETH/t", 1, true) == seq_verdict::first);
}

CAF_TEST(more instruments than the lookup cache holds are each new once) {
  // The watchdog caches 8 names; the 9th and later go to its map each time
  // and must still be "first data" only once.
  constexpr nanoseconds s = 1'000'000'000;
  staleness_watchdog w{2 * s};
  for (int n = 0; n < 12; ++n) {
    auto name = "I" + std::to_string(n);
    auto first = w.on_data(name, s);
    CAF_REQUIRE(first);
    CAF_CHECK_EQUAL(first->reason, "first data");
  }
  for (int n = 0; n < 12; ++n)
    CAF_CHECK(!w.on_data("I" + std::to_string(n), 2 * s));
}

CAF_TEST(silence turns an instrument stale and data turns it fresh) {
  constexpr nanoseconds s = 1'000'000'000;
  staleness_watchdog w{2 * s};
  auto first = w.on_data("BTC", 10 * s);
  CAF_REQUIRE(first);
  CAF_CHECK(first->state == feed_health::fresh);
  CAF_CHECK(!w.on_data("BTC", 11 * s)); // still fresh: no news
  CAF_CHECK(w.poll(13 * s).empty());    // 2 s old: at the limit, fresh
  auto stale = w.poll(13 * s + 1);
  CAF_REQUIRE_EQUAL(stale.size(), 1u);
  CAF_CHECK(stale[0].state == feed_health::stale);
  CAF_CHECK_EQUAL(stale[0].data_age, 2 * s + 1);
  CAF_CHECK(w.poll(20 * s).empty()); // reported once
  auto back = w.on_data("BTC", 21 * s);
  CAF_REQUIRE(back);
  CAF_CHECK(back->state == feed_health::fresh);
  CAF_CHECK_EQUAL(back->data_age, 10 * s);
  auto gone = w.disconnect("source closed", 22 * s);
  CAF_REQUIRE_EQUAL(gone.size(), 1u);
  CAF_CHECK(gone[0].state == feed_health::disconnected);
  CAF_CHECK(w.health("BTC") == feed_health::disconnected);
  CAF_CHECK(w.health("ETH") == feed_health::disconnected); // never seen
}

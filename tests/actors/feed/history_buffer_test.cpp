#define CAF_SUITE feed_history
#include <algorithm>
#include <string>
#include <vector>

#include <caf/test/unit_test.hpp>

#include "actors/feed/history_buffer.hpp"

using namespace cdb;

namespace {

trade_tick trade(const std::string& instrument, timestamp t) {
  trade_tick x;
  x.instrument = instrument;
  x.price = 1;
  x.event_time = t;
  return x;
}

} // namespace

CAF_TEST(history keeps the newest records per instrument oldest first) {
  history_buffer h{3, 2};
  for (timestamp t = 1; t <= 5; ++t)
    h.add(trade("B", t));
  h.add(trade("A", 9));
  bar b;
  b.instrument = "B";
  b.interval = 60;
  for (timestamp t = 0; t < 3; ++t) {
    b.start_time = t * 60;
    h.add(b);
  }
  b.interval = 30;
  h.add(b);
  auto snap = h.snapshot();
  CAF_REQUIRE_EQUAL(snap.trades.size(), 4u);
  CAF_CHECK_EQUAL(snap.trades[0].instrument, "A");
  CAF_CHECK_EQUAL(snap.trades[1].event_time, 3);
  CAF_CHECK_EQUAL(snap.trades[3].event_time, 5);
  CAF_REQUIRE_EQUAL(snap.bars.size(), 3u);
  CAF_CHECK_EQUAL(snap.bars[0].interval, 30);
  CAF_CHECK_EQUAL(snap.bars[1].start_time, 60);
  CAF_CHECK_EQUAL(snap.bars[2].start_time, 120);
  CAF_CHECK_EQUAL(h.trades(), 4u);
}

CAF_TEST(a kept trade comes back whole and with its instrument) {
  history_buffer h{2, 0};
  trade_tick t;
  t.instrument = "ETHUSDT";
  t.price = 2001.25;
  t.qty = 0.375;
  t.aggressor = side::sell;
  t.trade_id = "a-long-trade-id-beyond-the-short-string-buffer";
  t.event_time = 17;
  t.recv_time = 19;
  for (int i = 0; i < 3; ++i) // the third overwrites the first slot
    h.add(t);
  auto snap = h.snapshot();
  CAF_REQUIRE_EQUAL(snap.trades.size(), 2u);
  CAF_CHECK_EQUAL(snap.trades[0], t);
  CAF_CHECK_EQUAL(snap.trades[1], t);
}

CAF_TEST(trade ids come back whole inline or kept apart) {
  // 22 bytes fit a slot; 23 and a UUID are kept apart, one per slot.
  std::vector<std::string> ids{"",
                               "1",
                               std::string(21, '7'),
                               std::string(22, '8'),
                               std::string(23, '9'),
                               "6f1c2a0e-5b7d-4c1e-9a3f-2d8b7e6c5a41",
                               "123456789012"};
  history_buffer h{3, 0};
  std::vector<trade_tick> all;
  for (std::size_t i = 0; i < ids.size() * 2; ++i) { // wraps four times
    auto t = trade("A", static_cast<timestamp>(i));
    t.trade_id = ids[i % ids.size()];
    t.qty = static_cast<double>(i);
    h.add(t);
    all.push_back(t);
    auto snap = h.snapshot();
    auto kept = std::min<std::size_t>(i + 1, 3);
    CAF_REQUIRE_EQUAL(snap.trades.size(), kept);
    std::size_t long_ones = 0;
    for (std::size_t j = 0; j < kept; ++j) {
      auto& want = all[i + 1 - kept + j];
      CAF_CHECK_EQUAL(snap.trades[j], want);
      long_ones += want.trade_id.size() > 22 ? 1 : 0;
    }
    // A slot's id kept apart goes when the slot is written again.
    CAF_CHECK_EQUAL(h.long_trade_ids(), long_ones);
  }
}

CAF_TEST(a ring reserves its whole capacity at its first trade) {
  history_buffer h{5, 0};
  CAF_CHECK_EQUAL(h.trade_slots(), 0u);
  h.add(trade("A", 1));
  CAF_CHECK_EQUAL(h.trade_slots(), 5u); // growing would have made it 1
  for (timestamp t = 2; t <= 12; ++t)   // fills, then wraps twice
    h.add(trade("A", t));
  CAF_CHECK_EQUAL(h.trade_slots(), 5u);
  h.add(trade("B", 1));
  CAF_CHECK_EQUAL(h.trade_slots(), 10u);
  auto snap = h.snapshot();
  CAF_REQUIRE_EQUAL(snap.trades.size(), 6u);
  CAF_CHECK_EQUAL(snap.trades[0].event_time, 8);
  CAF_CHECK_EQUAL(snap.trades[4].event_time, 12);
  CAF_CHECK_EQUAL(snap.trades[5].instrument, "B");
}

CAF_TEST(zero capacity keeps nothing) {
  history_buffer h{0, 0};
  h.add(trade("A", 1));
  h.add(bar{});
  CAF_CHECK_EQUAL(h.trade_slots(), 0u);
  CAF_CHECK(h.snapshot().trades.empty());
  CAF_CHECK(h.snapshot().bars.empty());
}

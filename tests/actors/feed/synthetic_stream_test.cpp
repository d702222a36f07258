#define CAF_SUITE synthetic_stream
#include <memory>
#include <vector>

#include <caf/test/unit_test.hpp>

#include "actors/feed/synthetic_stream.hpp"

using namespace cdb;

namespace {

struct steps {
  std::vector<quote_tick> quotes;
  std::vector<trade_tick> trades;
  std::vector<timestamp> times;
  /// Where each step's ticks end: a step boundary moved is a change.
  std::vector<std::size_t> ends;
};

/// `n` steps of a market that starts at `start` and is fast-forwarded
/// `skip` steps, through a stream as the feed takes them.
steps take(bool ahead, int n, std::size_t block_steps, std::size_t blocks,
           int skip = 0) {
  synthetic_config cfg;
  cfg.seed = 11;
  cfg.trades_per_step = 1.5; // one or two trades a step: uneven blocks
  auto m = std::make_unique<synthetic_market>(cfg, 5'000);
  steps out;
  for (int i = 0; i < skip; ++i)
    m->step(out.quotes, out.trades);
  out.quotes.clear();
  out.trades.clear();
  synthetic_stream s{std::move(m), ahead, block_steps, blocks};
  CAF_CHECK_EQUAL(s.ahead(), ahead);
  CAF_CHECK_EQUAL(s.time(), 5'000 + skip * cfg.step);
  for (int i = 0; i < n; ++i) {
    s.step(out.quotes, out.trades);
    out.times.push_back(s.time());
    out.ends.push_back(out.quotes.size() * 1000 + out.trades.size());
  }
  return out;
}

void check_same(const steps& a, const steps& b) {
  CAF_CHECK(a.quotes == b.quotes);
  CAF_CHECK(a.trades == b.trades);
  CAF_CHECK(a.times == b.times);
  CAF_CHECK(a.ends == b.ends);
}

} // namespace

CAF_TEST(computed ahead the steps are those computed in turn) {
  auto in_turn = take(false, 1000, 0, 0);
  CAF_REQUIRE_EQUAL(in_turn.times.size(), 1000u);
  CAF_CHECK(in_turn.trades.size() > 1000u);
  // Blocks of 7 steps, two in flight: every block boundary and the ring's
  // wrap-around are crossed many times; one step to a block and one block.
  check_same(take(true, 1000, 7, 2), in_turn);
  check_same(take(true, 1000, 1, 1), in_turn);
  check_same(take(true, 1000, 512, 4), in_turn);
}

CAF_TEST(a stream goes on from where its market stands) {
  check_same(take(true, 300, 16, 3, 40), take(false, 300, 0, 0, 40));
  auto from_start = take(false, 340, 0, 0);
  auto later = take(true, 300, 16, 3, 40);
  CAF_CHECK_EQUAL(later.times.front(), from_start.times[40]);
  CAF_CHECK(later.quotes.front() == from_start.quotes[80]);
}

CAF_TEST(a stream stopped mid - block and with a full ring ends at once) {
  // The thread waits on a full ring; the destructor wakes and joins it.
  for (int taken : {0, 3, 25}) {
    auto s = take(true, taken, 5, 2);
    CAF_CHECK_EQUAL(s.times.size(), static_cast<std::size_t>(taken));
  }
}

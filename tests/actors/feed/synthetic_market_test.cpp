#define CAF_SUITE synthetic_market
#include <caf/test/unit_test.hpp>

#include "actors/feed/synthetic_market.hpp"

using namespace cdb;

namespace {

std::vector<quote_tick> run(std::uint64_t seed, int steps) {
  synthetic_config cfg;
  cfg.seed = seed;
  synthetic_market m{cfg, 0};
  std::vector<quote_tick> qs;
  std::vector<trade_tick> ts;
  for (int i = 0; i < steps; ++i)
    m.step(qs, ts);
  return qs;
}

} // namespace

CAF_TEST(same seed gives identical ticks) {
  CAF_CHECK(run(7, 500) == run(7, 500));
}

CAF_TEST(different seeds give different paths) {
  CAF_CHECK(run(7, 500) != run(8, 500));
}

CAF_TEST(quotes are valid uncrossed and on the tick grid) {
  synthetic_config cfg;
  synthetic_market m{cfg, 1000};
  std::vector<quote_tick> qs;
  std::vector<trade_tick> ts;
  for (int i = 0; i < 2000; ++i)
    m.step(qs, ts);
  CAF_REQUIRE_EQUAL(qs.size(), 4000u);
  for (auto& q : qs) {
    CAF_REQUIRE(q.bid > 0);
    CAF_REQUIRE(q.ask > q.bid);
    auto ticks = q.bid / cfg.tick_size;
    CAF_REQUIRE(std::fabs(ticks - std::round(ticks)) < 1e-6);
  }
  CAF_CHECK(!ts.empty());
  for (auto& t : ts)
    CAF_REQUIRE(t.qty >= cfg.lot_step);
  CAF_CHECK_EQUAL(m.time(), 1000 + 2000 * cfg.step);
}

CAF_TEST(validation rejects mismatched start prices) {
  synthetic_config cfg;
  cfg.start_prices = {1.0};
  std::vector<std::string> errors;
  cfg.validate(errors);
  CAF_REQUIRE_EQUAL(errors.size(), 1u);
  CAF_CHECK(errors[0].find("market.start_prices") == 0);
}

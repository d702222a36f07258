#define CAF_SUITE metrics
#include <cmath>

#include <caf/test/unit_test.hpp>

#include "runtime/metrics.hpp"

using namespace cdb;

CAF_TEST(an empty histogram has no quantile) {
  latency_histogram h;
  CAF_CHECK_EQUAL(h.count(), 0u);
  CAF_CHECK_EQUAL(h.quantile(0.99), 0.0);
}

CAF_TEST(quantiles are the upper bound of their bucket) {
  latency_histogram h;
  for (int i = 0; i < 98; ++i)
    h.observe(0.001); // 1 ms
  h.observe(0.2);     // 200 ms
  h.observe(100);     // beyond the last bound
  CAF_CHECK_EQUAL(h.count(), 100u);
  auto p50 = h.quantile(0.5);
  CAF_CHECK(p50 >= 0.001 && p50 < 0.001 * 1.25);
  auto p99 = h.quantile(0.99);
  CAF_CHECK(p99 >= 0.2 && p99 < 0.2 * 1.25);
  CAF_CHECK(std::isinf(h.quantile(1.0)));
}

CAF_TEST(every duration lands in the bucket that bounds it) {
  for (double s : {0.0, 1e-6, 1e-5, 1.1e-5, 0.0123, 0.25, 3.0, 49.0}) {
    latency_histogram one;
    one.observe(s);
    std::size_t i = 0;
    while (one.count_in(i) == 0)
      ++i;
    CAF_CHECK(s <= latency_histogram::bound(i));
    if (i > 0)
      CAF_CHECK(s > latency_histogram::bound(i - 1));
  }
}

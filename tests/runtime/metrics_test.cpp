#define CAF_SUITE metrics
#include <cmath>
#include <string>
#include <vector>

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
    CAF_CHECK(s <= one.bound(i));
    if (i > 0)
      CAF_CHECK(s > one.bound(i - 1));
  }
}

CAF_TEST(a smaller base moves every bound) {
  latency_histogram fine{1e-7};
  fine.observe(3e-7);
  CAF_CHECK_EQUAL(fine.bound(0), 1e-7);
  auto q = fine.quantile(1.0);
  CAF_CHECK(q >= 3e-7 && q < 3e-7 * 1.25);
}

CAF_TEST(a label table finds each label set and folds the overflow) {
  label_table<counter_cell, 2, 4> t;
  t.at({"a", "x"})++;
  t.at({"a", "x"})++;
  t.at({"a", "y"})++;
  t.at({"b", "x"})++;
  t.at({"c", "x"})++; // the fourth label set: capacity reached, "other"
  t.at({"d", "z"})++; // beyond: shares "other"
  std::vector<std::string> seen;
  std::uint64_t total = 0;
  t.each([&](const auto& labels, const counter_cell& c) {
    seen.push_back(labels[0] + "/" + labels[1] + "=" + std::to_string(c));
    total += c;
  });
  CAF_REQUIRE_EQUAL(seen.size(), 4u);
  CAF_CHECK_EQUAL(seen[0], "a/x=2");
  CAF_CHECK_EQUAL(seen[1], "a/y=1");
  CAF_CHECK_EQUAL(seen[2], "b/x=1");
  CAF_CHECK_EQUAL(seen[3], "other/other=2");
  CAF_CHECK_EQUAL(total, 6u);
}

CAF_TEST(a value histogram counts above its last bound apart) {
  value_histogram h{1, 10};
  h.observe(0.5);
  h.observe(1);
  h.observe(10.5);
  CAF_CHECK_EQUAL(h.size(), 2u);
  CAF_CHECK_EQUAL(h.count_in(0), 2u); // <= 1
  CAF_CHECK_EQUAL(h.count_in(1), 0u);
  CAF_CHECK_EQUAL(h.count_in(2), 1u); // +Inf
  CAF_CHECK(std::isinf(h.bound(2)));
  CAF_CHECK_EQUAL(h.sum(), 12.0);
}

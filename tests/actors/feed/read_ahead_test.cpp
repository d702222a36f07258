#define CAF_SUITE read_ahead
#include <atomic>
#include <chrono>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <caf/test/unit_test.hpp>

#include "actors/feed/read_ahead.hpp"

using namespace cdb;

namespace {

/// Numbers 0 … n-1, `per_block` to a block; throws at `fail_at` if set.
read_ahead<int>::fill_fn numbers(int n, std::size_t per_block,
                                 std::atomic<int>* made = nullptr,
                                 int fail_at = -1) {
  auto next = std::make_shared<int>(0);
  return [=](std::vector<int>& b) {
    b.clear();
    while (b.size() < per_block && *next < n) {
      if (*next == fail_at)
        throw std::runtime_error{"bad record"};
      b.push_back((*next)++);
      if (made)
        ++*made;
    }
    return *next < n;
  };
}

std::vector<int> read_all(read_ahead<int>& r) {
  std::vector<int> out;
  while (auto* x = r.next())
    out.push_back(*x);
  return out;
}

std::vector<int> upto(int n) {
  std::vector<int> out(static_cast<std::size_t>(n));
  std::iota(out.begin(), out.end(), 0);
  return out;
}

} // namespace

CAF_TEST(items come in the order made across blocks and the ring) {
  for (std::size_t per_block : {1u, 3u, 7u, 100u})
    for (std::size_t blocks : {1u, 2u, 4u}) {
      read_ahead<int> r{numbers(250, per_block), blocks};
      CAF_CHECK(read_all(r) == upto(250));
      CAF_CHECK(r.next() == nullptr); // and stays at the end
    }
}

CAF_TEST(an end on a block boundary and no items at all) {
  read_ahead<int> exact{numbers(12, 4), 2};
  CAF_CHECK(read_all(exact) == upto(12));
  read_ahead<int> none{numbers(0, 4), 2};
  CAF_CHECK(none.next() == nullptr);
}

CAF_TEST(the thread stays at most the ring ahead of the reader) {
  std::atomic<int> made{0};
  read_ahead<int> r{numbers(1000, 10, &made), 3};
  CAF_REQUIRE(r.next() != nullptr);
  // Three blocks, the first held by the reader: no fourth until it is read.
  while (made < 30)
    std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds{20});
  CAF_CHECK_EQUAL(made.load(), 30);
  for (int i = 1; i < 11; ++i) // the rest of the first block, one more
    r.next();
  while (made < 40)
    std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds{20});
  CAF_CHECK_EQUAL(made.load(), 40);
}

CAF_TEST(what the fill throws reaches the reader after the items before it) {
  read_ahead<int> r{numbers(100, 8, nullptr, 21), 4};
  std::vector<int> got;
  bool thrown = false;
  try {
    while (auto* x = r.next())
      got.push_back(*x);
  } catch (const std::runtime_error& e) {
    thrown = std::string{e.what()} == "bad record";
  }
  CAF_CHECK(thrown);
  CAF_CHECK(got == upto(21));
}

CAF_TEST(a reader that goes early stops the thread) {
  // Endless items, the ring full: the destructor wakes and joins it.
  for (int taken : {0, 1, 25}) {
    read_ahead<int> r{[](std::vector<int>& b) {
                        b.assign(5, 1);
                        return true;
                      },
                      2};
    for (int i = 0; i < taken; ++i)
      CAF_REQUIRE(r.next() != nullptr);
  }
}

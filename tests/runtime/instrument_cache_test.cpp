#define CAF_SUITE instrument_cache
#include <map>
#include <string>
#include <vector>

#include <caf/test/unit_test.hpp>

#include "runtime/instrument_cache.hpp"

using namespace cdb;

namespace {

/// Names of every length from 0 to 20 bytes, and pairs that differ only in
/// one byte: the first, the last of the first 8 (the packed prefix), the
/// 9th (the first compared by memcmp) and the last.
std::vector<std::string> tricky_names() {
  std::vector<std::string> names;
  std::string base = "ABCDEFGHIJKLMNOPQRST";
  for (std::size_t n = 0; n <= base.size(); ++n)
    names.push_back(base.substr(0, n));
  for (std::size_t n : {1u, 3u, 4u, 5u, 7u, 8u, 9u, 12u, 20u})
    for (std::size_t at : {std::size_t{0}, std::min<std::size_t>(7, n - 1),
                           std::min<std::size_t>(8, n - 1), n - 1}) {
      auto s = base.substr(0, n);
      s[at] = 'z';
      names.push_back(s);
    }
  names.emplace_back("BTC\0USDT", 8); // a zero byte inside
  names.emplace_back("BTC\0USDX", 8);
  return names;
}

} // namespace

CAF_TEST(finds exactly the names put and nothing else) {
  auto names = tricky_names();
  // Duplicates (a changed byte equal to the original) would be ambiguous.
  std::map<std::string, int> values;
  for (auto& n : names)
    values.emplace(n, static_cast<int>(values.size()));
  std::vector<std::string> distinct;
  distinct.reserve(values.size());
  for (auto& kvp : values)
    distinct.push_back(kvp.first);
  CAF_REQUIRE_EQUAL(distinct.size(), 45u);
  // Caches of 8 names, over every window of the distinct names: each name
  // put is found with its own value, every other name is not found.
  for (std::size_t first = 0; first + 8 <= distinct.size(); ++first) {
    instrument_cache<int> cache;
    for (std::size_t i = first; i < first + 8; ++i)
      CAF_REQUIRE(cache.put(distinct[i], &values[distinct[i]]));
    for (std::size_t i = 0; i < distinct.size(); ++i) {
      auto* hit = cache.find(distinct[i]);
      if (i >= first && i < first + 8) {
        CAF_REQUIRE(hit != nullptr);
        CAF_CHECK_EQUAL(*hit, values[distinct[i]]);
      } else if (hit != nullptr) {
        CAF_FAIL("found " << distinct[i] << " which was never put");
      }
    }
  }
}

CAF_TEST(a name on the heap matches the same name in place) {
  std::string long_name(40, 'x');
  std::string copy = long_name;
  int v = 1;
  instrument_cache<int> cache;
  cache.put(long_name, &v);
  CAF_CHECK_EQUAL(cache.find(copy), &v);
  copy.back() = 'y';
  CAF_CHECK_EQUAL(cache.find(copy), nullptr);
}

CAF_TEST(a full cache keeps what it has and refuses the rest) {
  instrument_cache<int, 2> cache;
  int a = 1;
  int b = 2;
  int c = 3;
  CAF_CHECK(cache.put("A", &a));
  CAF_CHECK(cache.put("B", &b));
  CAF_CHECK(!cache.put("C", &c));
  CAF_CHECK_EQUAL(cache.size(), 2u);
  CAF_CHECK_EQUAL(cache.find("A"), &a);
  CAF_CHECK_EQUAL(cache.find("B"), &b);
  CAF_CHECK_EQUAL(cache.find("C"), nullptr);
  cache.clear();
  CAF_CHECK_EQUAL(cache.find("A"), nullptr);
  CAF_CHECK(cache.put("C", &c));
  CAF_CHECK_EQUAL(cache.find("C"), &c);
}

CAF_TEST(cached falls back to the lookup once per name) {
  std::map<std::string, int> map;
  instrument_cache<int> cache;
  int lookups = 0;
  auto at = [&](const std::string& name) -> int& {
    return cached(cache, name, [&]() -> int& {
      ++lookups;
      return map[name];
    });
  };
  at("BTCUSDT") = 5;
  at("ETHUSDT") = 7;
  CAF_CHECK_EQUAL(at("BTCUSDT"), 5);
  CAF_CHECK_EQUAL(at("ETHUSDT"), 7);
  CAF_CHECK_EQUAL(at("BTCUSDT"), 5);
  CAF_CHECK_EQUAL(lookups, 2);
  CAF_CHECK_EQUAL(map["BTCUSDT"], 5);
}

CAF_TEST(a copy of the owner starts with an empty cache) {
  // The owner's copy has its own map: pointers into the original's would
  // write to the wrong object.
  struct owner {
    std::map<std::string, int> map;
    instrument_cache<int> cache;
    int& at(const std::string& name) {
      return cached(cache, name, [&]() -> int& { return map[name]; });
    }
  };
  owner a;
  a.at("BTCUSDT") = 1;
  owner b = a;
  b.at("BTCUSDT") = 2;
  CAF_CHECK_EQUAL(a.at("BTCUSDT"), 1);
  CAF_CHECK_EQUAL(b.at("BTCUSDT"), 2);
  owner c;
  c.at("BTCUSDT") = 3;
  c = b;
  c.at("BTCUSDT") = 4;
  CAF_CHECK_EQUAL(b.at("BTCUSDT"), 2);
  CAF_CHECK_EQUAL(c.at("BTCUSDT"), 4);
}

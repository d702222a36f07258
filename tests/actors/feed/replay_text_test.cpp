#define CAF_SUITE replay_text
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <caf/test/unit_test.hpp>

#include "actors/feed/replay_text.hpp"

using namespace cdb;

namespace {

/// What read_number answered before its fast path: std::from_chars over the
/// whole field, finite only.
bool by_from_chars(const std::string& s, double& out) {
  if (s.empty())
    return false;
  auto end = s.data() + s.size();
  auto r = std::from_chars(s.data(), end, out);
  return r.ec == std::errc{} && r.ptr == end && std::isfinite(out);
}

std::uint64_t bits(double x) {
  std::uint64_t b = 0;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

/// True if read_number and from_chars agree on `s`: both refuse it, or both
/// read the same bits (so -0.0 and 0.0 are told apart).
bool agrees(const std::string& s) {
  double a = 0;
  double b = 0;
  bool ra = read_number(s, a);
  bool rb = by_from_chars(s, b);
  if (ra != rb || (ra && bits(a) != bits(b))) {
    CAF_MESSAGE("differs on '" << s << "': " << ra << " " << a << " against "
                               << rb << " " << b);
    return false;
  }
  return true;
}

bool agrees_uint(const std::string& s) {
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  bool ra = read_uint(s, a);
  auto end = s.data() + s.size();
  auto r = std::from_chars(s.data(), end, b);
  bool rb = !s.empty() && r.ec == std::errc{} && r.ptr == end;
  if (ra != rb || (ra && a != b)) {
    CAF_MESSAGE("differs on '" << s << "'");
    return false;
  }
  return true;
}

} // namespace

CAF_TEST(numbers read as from_chars reads them on hand picked fields) {
  for (const char* s : {"0",
                        "-0",
                        "0.0",
                        "-0.0",
                        "9682",
                        "9681.92",
                        "0.84",
                        "0.001",
                        "1.50",
                        "007.5",
                        "-1.5",
                        "+1.5",
                        "1.",
                        ".5",
                        "-.5",
                        "-",
                        ".",
                        "",
                        "1e5",
                        "1.5E-3",
                        "inf",
                        "nan",
                        "-inf",
                        "1,5",
                        " 1",
                        "1 ",
                        "1.2.3",
                        "0x10",
                        "9007199254740992",
                        "9007199254740993",
                        "9007199254740993.0",
                        "1234567890123456789",
                        "12345678901234567890",
                        "0.1234567890123456789",
                        "0.12345678901234567890123",
                        "0.0000000000000000000001",
                        "0.00000000000000000000001",
                        "179769313486231570000000000000000000000",
                        "1e400",
                        "4.9e-324",
                        "123456.7890123"})
    CAF_CHECK(agrees(s));
  double x = 0;
  CAF_CHECK(read_number("9681.92", x) && x == 9681.92);
  CAF_CHECK(!read_number("1e400", x));
  CAF_CHECK(!read_number("12a", x));
}

CAF_TEST(numbers read as from_chars reads them on random decimals) {
  // Prices and amounts as venues write them, and past the fast path's
  // bounds (more than 19 digits, more than 2^53, exponents) on purpose.
  std::mt19937_64 rng{20261206};
  std::uniform_int_distribution<int> len(1, 24);
  std::uniform_int_distribution<int> digit(0, 9);
  std::uniform_int_distribution<int> pick(0, 19);
  int checked = 0;
  int differing = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string s;
    if (pick(rng) == 0)
      s += '-';
    int a = len(rng) % 17;
    for (int k = 0; k < a; ++k)
      s += static_cast<char>('0' + digit(rng));
    if (pick(rng) < 15) {
      s += '.';
      int b = len(rng);
      for (int k = 0; k < b; ++k)
        s += static_cast<char>('0' + digit(rng));
    }
    if (pick(rng) == 0)
      s += "e-" + std::to_string(digit(rng));
    ++checked;
    differing += agrees(s) ? 0 : 1;
  }
  CAF_CHECK_EQUAL(differing, 0);
  CAF_CHECK_EQUAL(checked, 200000);
}

CAF_TEST(unsigned integers read as from_chars reads them) {
  for (const char* s :
       {"0", "7", "007", "1582329601096000", "9999999999999999999",
        "18446744073709551615", "18446744073709551616", "99999999999999999999",
        "", "-1", "+1", "12a", "1.0", " 1"})
    CAF_CHECK(agrees_uint(s));
  std::mt19937_64 rng{7};
  std::uniform_int_distribution<int> len(1, 21);
  std::uniform_int_distribution<int> digit(0, 9);
  int differing = 0;
  for (int i = 0; i < 100000; ++i) {
    std::string s;
    int n = len(rng);
    for (int k = 0; k < n; ++k)
      s += static_cast<char>('0' + digit(rng));
    differing += agrees_uint(s) ? 0 : 1;
  }
  CAF_CHECK_EQUAL(differing, 0);
}

namespace {

/// split_csv as it was before it read eight bytes at a time: a search for
/// each comma.
std::vector<std::string_view> split_by_search(std::string_view line) {
  std::vector<std::string_view> out;
  if (!line.empty() && line.back() == '\r')
    line.remove_suffix(1);
  std::size_t start = 0;
  for (;;) {
    auto comma = line.find(',', start);
    auto field = line.substr(start, comma == std::string_view::npos
                                      ? std::string_view::npos
                                      : comma - start);
    if (field.size() >= 2 && field.front() == '"' && field.back() == '"')
      field = field.substr(1, field.size() - 2);
    out.push_back(field);
    if (comma == std::string_view::npos)
      return out;
    start = comma + 1;
  }
}

} // namespace

CAF_TEST(lines split at the same commas as by a search for each) {
  std::vector<std::string_view> fields;
  const std::string quote_row = "binance-futures,BTCUSDT,1582329601096000,"
                                "1582329603502092,0.84,9682,9681.92,0.67";
  for (const char* s : {"", ",", ",,", "a", "a,b", "\"a\",b", "a,\"b\"\r", "\r",
                        ",\r", quote_row.c_str(), "12345678,", ",12345678",
                        "1234567,", "-,.,\x2c\x2d"}) {
    split_csv(s, fields);
    CAF_CHECK(fields == split_by_search(s));
  }
  // Random lines over the bytes that matter: the comma, its neighbours
  // (0x2B, 0x2D, which a borrow between bytes could take for one), the
  // quote, the carriage return, zero and high bytes.
  const char alphabet[] = {',', ',', ',', '+',  '-',    '"',    '\r',
                           '0', '9', 'a', '\0', '\x80', '\xff', '.'};
  std::mt19937_64 rng{20261207};
  std::uniform_int_distribution<int> len(0, 40);
  std::uniform_int_distribution<std::size_t> pick(0, sizeof alphabet - 1);
  int differing = 0;
  for (int i = 0; i < 100000; ++i) {
    std::string s;
    for (int k = len(rng); k > 0; --k)
      s += alphabet[pick(rng)];
    split_csv(s, fields);
    differing += fields == split_by_search(s) ? 0 : 1;
  }
  CAF_CHECK_EQUAL(differing, 0);
}

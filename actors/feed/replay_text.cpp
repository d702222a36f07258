#include "actors/feed/replay_text.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace cdb {

namespace {

/// A field as split_csv() keeps it: without the double quotes around it.
std::string_view unquoted(const char* b, const char* e) {
  std::string_view f{b, static_cast<std::size_t>(e - b)};
  if (f.size() >= 2 && f.front() == '"' && f.back() == '"')
    f = f.substr(1, f.size() - 2);
  return f;
}

/// The byte `c` in every byte of a word.
constexpr std::uint64_t every_byte(unsigned char c) {
  return 0x0101010101010101 * c;
}

/// 0x80 in each byte of `x` that is zero, 0 in the others: exact, with no
/// borrow from one byte into the next (the test of "bit twiddling hacks"
/// that never reports a byte that is not zero).
std::uint64_t zero_bytes(std::uint64_t x) {
  constexpr auto low7 = every_byte(0x7F);
  return ~(((x & low7) + low7) | x | low7);
}

} // namespace

void split_csv(std::string_view line, std::vector<std::string_view>& out) {
  out.clear();
  if (!line.empty() && line.back() == '\r')
    line.remove_suffix(1);
  const char* start = line.data();
  const char* p = start;
  const char* end = p + line.size();
  // Eight bytes at a time: one load finds every comma among them, where a
  // search per field paid a call and its set-up for fields of a few bytes.
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  for (; end - p >= 8; p += 8) {
    std::uint64_t x = 0;
    std::memcpy(&x, p, sizeof x);
    for (auto m = zero_bytes(x ^ every_byte(',')); m != 0; m &= m - 1) {
      const char* comma = p + (__builtin_ctzll(m) >> 3);
      out.push_back(unquoted(start, comma));
      start = comma + 1;
    }
  }
#endif
  for (; p != end; ++p)
    if (*p == ',') {
      out.push_back(unquoted(start, p));
      start = p + 1;
    }
  out.push_back(unquoted(start, end));
}

namespace {

/// True if the 8 chars in `x` (little-endian load) are all '0'..'9'.
bool eight_digits(std::uint64_t x) {
  return ((x & 0xF0F0F0F0F0F0F0F0)
          | (((x + 0x0606060606060606) & 0xF0F0F0F0F0F0F0F0) >> 4))
         == 0x3333333333333333;
}

/// The value of 8 digit chars loaded little-endian: three multiplies in
/// place of eight steps (the SWAR method of simdjson and fast_float).
std::uint64_t eight_value(std::uint64_t x) {
  constexpr std::uint64_t mask = 0x000000FF000000FF;
  constexpr std::uint64_t mul1 = 100 + (std::uint64_t{1000000} << 32);
  constexpr std::uint64_t mul2 = 1 + (std::uint64_t{10000} << 32);
  x -= 0x3030303030303030;
  x = x * 10 + (x >> 8);
  return (((x & mask) * mul1) + (((x >> 16) & mask) * mul2)) >> 32;
}

/// Reads decimal digits from `p` into `n` until a char that is no digit
/// or `end`; returns where they stop. The caller keeps the digits read in
/// all at 19 or fewer (the field is at most 19 chars), so `n` cannot
/// overflow. Works on a local: the chars could alias `n`. Inlined into
/// each reader: a call cost as much as the few digits of most fields.
[[gnu::always_inline]] inline const char*
read_digits(const char* p, const char* end, std::uint64_t& n) {
  std::uint64_t v = n;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  while (end - p >= 8) {
    std::uint64_t x = 0;
    std::memcpy(&x, p, sizeof x);
    if (!eight_digits(x))
      break;
    v = v * 100000000 + eight_value(x);
    p += 8;
  }
#endif
  for (; p != end; ++p) {
    auto d = static_cast<unsigned char>(*p) - unsigned{'0'};
    if (d > 9)
      break;
    v = v * 10 + d;
  }
  n = v;
  return p;
}

/// The longest field the fast paths read: 19 digits cannot overflow.
constexpr std::size_t fast_chars = 19;

/// Clinger's fast path: "[-]digits[.digits]" of at most 19 chars whose
/// digits form an integer m <= 2^53, with k digits after the point, is
/// m / 10^k. Both are exact doubles and IEEE division rounds once, so the
/// result is the correctly rounded value: the same bits std::from_chars
/// gives. Anything else (longer, exponent, a bare point, inf, nan) is left
/// to from_chars.
bool fast_decimal(std::string_view s, double& out) {
  static constexpr double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,
                                     1e7,  1e8,  1e9,  1e10, 1e11, 1e12, 1e13,
                                     1e14, 1e15, 1e16, 1e17, 1e18};
  if (s.size() > fast_chars)
    return false;
  const char* p = s.data();
  const char* end = p + s.size();
  bool negative = p != end && *p == '-';
  p += negative;
  std::uint64_t m = 0;
  const char* q = read_digits(p, end, m);
  if (q == p)
    return false;
  std::size_t fraction = 0;
  if (q != end && *q == '.') {
    const char* f = q + 1;
    q = read_digits(f, end, m);
    fraction = static_cast<std::size_t>(q - f);
    if (fraction == 0)
      return false;
  }
  if (q != end || m > (std::uint64_t{1} << 53))
    return false;
  double x = static_cast<double>(m) / pow10[fraction];
  out = negative ? -x : x;
  return true;
}

} // namespace

bool read_number(std::string_view s, double& out) {
  if (s.empty())
    return false;
  if (fast_decimal(s, out))
    return true;
  auto end = s.data() + s.size();
  auto r = std::from_chars(s.data(), end, out);
  return r.ec == std::errc{} && r.ptr == end && std::isfinite(out);
}

bool read_uint(std::string_view s, std::uint64_t& out) {
  if (s.empty())
    return false;
  auto end = s.data() + s.size();
  if (s.size() <= fast_chars) {
    std::uint64_t n = 0;
    if (read_digits(s.data(), end, n) != end)
      return false;
    out = n;
    return true;
  }
  auto r = std::from_chars(s.data(), end, out);
  return r.ec == std::errc{} && r.ptr == end;
}

bool read_epoch(std::string_view s, timestamp& out) {
  // The digits in one pass; a point after them sends seconds with a
  // fraction to read_number().
  const char* p = s.data();
  const char* end = p + s.size();
  const char* stop = s.size() > fast_chars ? p + fast_chars : end;
  std::uint64_t n = 0;
  const char* q = read_digits(p, stop, n);
  auto len = static_cast<std::size_t>(q - p);
  if (len == 0)
    return false;
  if (q != end && *q == '.') {
    // Only seconds may carry a fraction.
    double x = 0;
    // Beyond int64 nanoseconds (year 2262) llround has no answer.
    if (len > 11 || !read_number(s, x) || !(x >= 0 && x < 9.2e9))
      return false;
    out = static_cast<timestamp>(std::llround(x * 1e9));
    return true;
  }
  if (q != end) // not a digit, or a 20th one: more than int64 nanoseconds
    return false;
  std::uint64_t scale = len <= 11   ? 1'000'000'000
                        : len <= 14 ? 1'000'000
                        : len <= 17 ? 1'000
                                    : 1;
  if (n > static_cast<std::uint64_t>(INT64_MAX) / scale)
    return false;
  out = static_cast<timestamp>(n * scale);
  return true;
}

namespace {

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  auto era = (y >= 0 ? y : y - 399) / 400;
  auto yoe = static_cast<unsigned>(y - era * 400);
  auto doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  auto doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool fixed(std::string_view s, std::size_t pos, std::size_t n, unsigned& out) {
  std::uint64_t x = 0;
  if (pos + n > s.size() || !read_uint(s.substr(pos, n), x))
    return false;
  out = static_cast<unsigned>(x);
  return true;
}

} // namespace

bool read_iso_time(std::string_view s, timestamp& out) {
  unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!s.empty() && s.back() == 'Z')
    s.remove_suffix(1);
  if (s.size() < 10 || s[4] != '-' || s[7] != '-' || !fixed(s, 0, 4, y)
      || !fixed(s, 5, 2, mo) || !fixed(s, 8, 2, d) || mo < 1 || mo > 12 || d < 1
      || d > 31 || y < 1970 || y > 2261) // nanoseconds in int64 end in 2262
    return false;
  std::int64_t frac_ns = 0;
  if (s.size() > 10) {
    if ((s[10] != ' ' && s[10] != 'T') || s.size() < 19 || s[13] != ':'
        || s[16] != ':' || !fixed(s, 11, 2, h) || !fixed(s, 14, 2, mi)
        || !fixed(s, 17, 2, sec) || h > 23 || mi > 59 || sec > 60)
      return false;
    if (s.size() > 19) {
      auto frac = s.substr(20);
      std::uint64_t f = 0;
      if (s[19] != '.' || frac.empty() || frac.size() > 9
          || !read_uint(frac, f))
        return false;
      for (auto i = frac.size(); i < 9; ++i)
        f *= 10;
      frac_ns = static_cast<std::int64_t>(f);
    }
  }
  auto days = days_from_civil(y, mo, d);
  out = ((days * 24 + h) * 60 + mi) * 60 * 1'000'000'000LL
        + static_cast<std::int64_t>(sec) * 1'000'000'000LL + frac_ns;
  return true;
}

bool read_any_time(std::string_view s, timestamp& out) {
  return read_epoch(s, out) || read_iso_time(s, out);
}

std::string lower(std::string_view s) {
  std::string out{s};
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return out;
}

} // namespace cdb

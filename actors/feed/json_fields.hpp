// Field helpers shared by the venue parsers (simdjson DOM): each reads one
// field or rejects the whole message with a parse_error, thrown as `reject`
// and caught by the parser's entry point. Internal to actors/feed.
#pragma once

#include <charconv>
#include <cmath>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include <simdjson.h>

#include "actors/feed/venue_message.hpp"

namespace cdb::json_fields {

namespace dom = simdjson::dom;

inline constexpr timestamp ns_per_ms = 1'000'000;

/// Thrown inside one parse() and caught there: keeps the field helpers short.
struct reject {
  parse_error why;
};

[[noreturn]] inline void fail(parse_error why) {
  throw reject{why};
}

/// Maps a simdjson error: an absent or mistyped field is missing_field, a
/// number simdjson cannot read is bad_number, anything else is not JSON.
[[noreturn]] inline void fail(simdjson::error_code e) {
  switch (e) {
    case simdjson::NO_SUCH_FIELD:
    case simdjson::INCORRECT_TYPE: fail(parse_error::missing_field);
    case simdjson::NUMBER_ERROR:
    case simdjson::NUMBER_OUT_OF_RANGE: fail(parse_error::bad_number);
    default: fail(parse_error::not_json);
  }
}

/// Stores the value of `r` in `out` or rejects the message.
template <class T, class Result>
void take(Result&& r, T& out) {
  if (auto e = std::forward<Result>(r).get(out); e != simdjson::SUCCESS)
    fail(e);
}

inline double to_double(std::string_view s) {
  double x = 0;
  auto end = s.data() + s.size();
  auto r = std::from_chars(s.data(), end, x);
  if (r.ec != std::errc{} || r.ptr != end || !std::isfinite(x))
    fail(parse_error::bad_number);
  return x;
}

/// A number sent as a JSON string ("0.0014") or, tolerated, as a number.
inline double number(dom::element v) {
  if (v.is_string()) {
    std::string_view s;
    take(v.get_string(), s);
    return to_double(s);
  }
  if (v.is_number()) {
    double x = 0;
    take(v.get_double(), x);
    if (!std::isfinite(x))
      fail(parse_error::bad_number);
    return x;
  }
  fail(parse_error::missing_field);
}

inline dom::element field(dom::object o, std::string_view key) {
  dom::element v;
  take(o.at_key(key), v);
  return v;
}

inline bool has(dom::object o, std::string_view key) {
  dom::element v;
  return o.at_key(key).get(v) == simdjson::SUCCESS;
}

inline double num_field(dom::object o, std::string_view key) {
  return number(field(o, key));
}

inline double price_field(dom::object o, std::string_view key) {
  auto x = num_field(o, key);
  if (!(x > 0))
    fail(parse_error::bad_number);
  return x;
}

inline double qty_field(dom::object o, std::string_view key) {
  auto x = num_field(o, key);
  if (x < 0)
    fail(parse_error::bad_number);
  return x;
}

inline std::uint64_t uint_field(dom::object o, std::string_view key) {
  std::uint64_t x = 0;
  take(field(o, key).get_uint64(), x);
  return x;
}

inline timestamp ms_field(dom::object o, std::string_view key) {
  auto ms = uint_field(o, key);
  if (ms > static_cast<std::uint64_t>(INT64_MAX / ns_per_ms))
    fail(parse_error::bad_number);
  return static_cast<timestamp>(ms) * ns_per_ms;
}

inline std::string_view str_field(dom::object o, std::string_view key) {
  std::string_view s;
  take(field(o, key).get_string(), s);
  return s;
}

inline bool bool_field(dom::object o, std::string_view key) {
  bool b = false;
  take(field(o, key).get_bool(), b);
  return b;
}

/// The DOM parser over a reused padded buffer: validates the whole message
/// (runtime-dispatched SIMD kernels); the copy avoids an allocation.
class padded_json {
public:
  explicit padded_json(std::size_t max) : max_bytes_(max), parser_(max) {
    buffer_.resize(max + simdjson::SIMDJSON_PADDING);
  }

  /// The message's root element; rejects oversized, truncated and invalid
  /// messages.
  dom::element parse(std::string_view msg) {
    if (msg.size() > max_bytes_)
      fail(parse_error::oversized);
    auto last = msg.find_last_not_of(" \t\r\n");
    if (last != std::string_view::npos && msg[last] != '}'
        && msg.find('{') != std::string_view::npos)
      fail(parse_error::truncated);
    std::memcpy(buffer_.data(), msg.data(), msg.size());
    std::memset(buffer_.data() + msg.size(), 0, simdjson::SIMDJSON_PADDING);
    dom::element doc;
    if (auto e = parser_.parse(buffer_.data(), msg.size(), false).get(doc))
      fail(e == simdjson::NUMBER_ERROR ? parse_error::bad_number
                                       : parse_error::not_json);
    return doc;
  }

private:
  std::size_t max_bytes_;
  dom::parser parser_;
  std::string buffer_;
};

} // namespace cdb::json_fields

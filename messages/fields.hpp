// Field lists for the message structs: one macro names a struct's fields once,
// and equality, CAF inspection and printing all derive from that list.
// This header has no CAF include: pure logic may use the structs freely.
#pragma once

#include <cstdint>
#include <tuple>

/// Declares the fields of a message struct, in wire order.
#define CDB_FIELDS(...)                                                        \
  auto tie() {                                                                 \
    return std::tie(__VA_ARGS__);                                              \
  }                                                                            \
  auto tie() const {                                                           \
    return std::tie(__VA_ARGS__);                                              \
  }

namespace cdb {

/// Nanoseconds since the Unix epoch (UTC). Event times and processing times
/// are both of this type, so replays compare them exactly.
using timestamp = std::int64_t;

/// Nanoseconds; the span between two timestamps.
using nanoseconds = std::int64_t;

template <class T>
auto operator==(const T& x, const T& y) -> decltype(x.tie() == y.tie()) {
  return x.tie() == y.tie();
}

template <class T>
auto operator!=(const T& x, const T& y) -> decltype(x.tie() != y.tie()) {
  return !(x == y);
}

} // namespace cdb

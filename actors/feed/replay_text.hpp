// Text helpers for recorded market data: splitting a CSV line, reading
// numbers, and reading timestamps in every form the recorded files use
// (epoch seconds/ms/µs/ns told apart by magnitude, or ISO-8601 text in UTC).
// Each reader returns false instead of throwing. No CAF include.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "messages/fields.hpp"

namespace cdb {

/// Splits `line` at commas into `out` (views into `line`); strips a trailing
/// '\r' and surrounding double quotes of a field. No embedded commas.
void split_csv(std::string_view line, std::vector<std::string_view>& out);

/// Reads a finite number; false on anything else (empty, text, trailing
/// characters, NaN, inf, out of range).
bool read_number(std::string_view s, double& out);

/// Reads a non-negative integer.
bool read_uint(std::string_view s, std::uint64_t& out);

/// Reads an epoch timestamp; the unit is told by the number of digits:
/// <= 11 seconds, 12-14 milliseconds, 15-17 microseconds, else nanoseconds.
/// A fractional part is allowed for seconds ("1570752011.62").
bool read_epoch(std::string_view s, timestamp& out);

/// Reads "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS[.fraction]" or the same with 'T'
/// and an optional trailing 'Z' (UTC; other offsets are refused).
bool read_iso_time(std::string_view s, timestamp& out);

/// read_epoch, else read_iso_time.
bool read_any_time(std::string_view s, timestamp& out);

/// Lower-cases ASCII letters.
std::string lower(std::string_view s);

} // namespace cdb

// Column positions of a CSV replay format, read from its header. Shared by
// replay_reader.cpp (header) and replay_rows.cpp (rows). No CAF include.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "actors/feed/replay_reader.hpp"

namespace cdb {

/// An absent column.
inline constexpr std::size_t no_column = static_cast<std::size_t>(-1);

struct replay_file::columns {
  std::size_t count = 0;
  std::size_t symbol = no_column, time = no_column, recv = no_column,
              id = no_column, side = no_column, price = no_column,
              amount = no_column, ask_amount = no_column, ask_price = no_column,
              bid_price = no_column, bid_amount = no_column, open = no_column,
              high = no_column, low = no_column, close = no_column,
              volume = no_column;
  std::vector<std::pair<std::size_t, std::size_t>> asks, bids;

  /// Reads a header (lower-cased names); returns the format it describes,
  /// or record_format::detect if no_column.
  record_format from_header(const std::vector<std::string>& names);
};

} // namespace cdb

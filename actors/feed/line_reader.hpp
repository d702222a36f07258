// Reads a stream line by line out of a block buffer: what std::getline does
// for the recorded files, without a string grown and copied per line. A
// line is a view into the buffer, valid until the next call. No CAF
// include.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <istream>
#include <string_view>
#include <vector>

namespace cdb {

class line_reader {
public:
  /// Reads `in` `block` bytes at a time (at least 1; the buffer grows for
  /// a longer line).
  explicit line_reader(std::size_t block = 1 << 16);

  /// The next line of `in` into `line`, without its '\n' (a '\r' before it
  /// stays, as with std::getline); the last line needs no '\n'. False at
  /// the end of the stream (or on a read error), as std::getline.
  bool next(std::istream& in, std::string_view& line);

  /// From now on adds the bytes each read takes from the stream to `*to`
  /// (any thread may read it: a backtest's progress); null: not counted.
  void count_into(std::atomic<std::uint64_t>* to) noexcept {
    counted_ = to;
  }

private:
  std::vector<char> buf_;
  std::size_t begin_ = 0;   ///< first byte not yet returned
  std::size_t end_ = 0;     ///< one past the last byte read
  std::size_t scanned_ = 0; ///< bytes after begin_ known to hold no '\n'
  bool eof_ = false;
  std::atomic<std::uint64_t>* counted_ = nullptr;
};

} // namespace cdb

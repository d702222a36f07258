// The spool: an append-only file where persistence keeps events while the
// database cannot take them. Each record is one batch, framed as
//   u32 payload size | u32 CRC-32 of the payload | u32 events | payload
// (little endian) and synced to disk before append() returns. A record cut
// short by a crash (or failing its CRC) ends the readable part: it and
// what follows are dropped at open and counted. Records are read back in
// order; once all are written elsewhere, clear() empties the file. One
// process at a time: the file is locked while open. No CAF include.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cdb {

class spool {
public:
  /// Opens (creating) `path` and scans it. Throws std::runtime_error naming
  /// the path when it cannot be opened, locked or read.
  explicit spool(std::string path);
  ~spool();

  spool(const spool&) = delete;
  spool& operator=(const spool&) = delete;

  /// Appends one record and syncs it to disk; throws std::runtime_error
  /// (the file is unchanged as far as readers are concerned) on failure.
  void append(std::string_view payload, std::uint32_t events);

  /// Reads the oldest record not yet popped; false when there is none.
  bool front(std::string& payload, std::uint32_t& events);

  /// Forgets the record front() returned; the file empties once all are.
  void pop();

  /// Empties the file (every record written elsewhere).
  void clear();

  bool empty() const noexcept {
    return records_ == 0;
  }
  /// Records and events not yet popped, and their bytes on disk.
  std::uint64_t records() const noexcept {
    return records_;
  }
  std::uint64_t events() const noexcept {
    return events_;
  }
  std::uint64_t bytes() const noexcept {
    return end_ - head_;
  }
  /// Bytes dropped at open: a torn or corrupt tail.
  std::uint64_t dropped_bytes() const noexcept {
    return dropped_;
  }
  const std::string& path() const noexcept {
    return path_;
  }

  /// CRC-32 (IEEE 802.3, as zlib's crc32).
  static std::uint32_t crc32(const char* data, std::size_t size) noexcept;

private:
  bool read_at(std::uint64_t offset, std::string* payload,
               std::uint32_t& events, std::uint64_t& next) const;

  std::string path_;
  int fd_ = -1;
  std::uint64_t head_ = 0; ///< Offset of the oldest unpopped record.
  std::uint64_t end_ = 0;  ///< End of the last good record.
  std::uint64_t next_ = 0; ///< Offset after the record front() returned.
  std::uint32_t front_events_ = 0;
  std::uint64_t records_ = 0;
  std::uint64_t events_ = 0;
  std::uint64_t dropped_ = 0;
};

} // namespace cdb

// Duplicate and gap detection per stream: each (instrument, kind) carries
// the venue's sequence (trade id, update id). A sequence at or below the
// last one seen is a duplicate or out of order and must not reach
// subscribers (a reconnect replays what was already sent); a jump in a
// contiguous sequence (trade ids) is a gap, counted and reported.
// No CAF include.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace cdb {

enum class seq_verdict : std::uint8_t { first, in_order, gap, stale };

const char* to_string(seq_verdict x);

class sequence_tracker {
public:
  /// Judges `seq` on stream `key`. `contiguous`: the venue numbers every
  /// message (trade ids), so a jump means messages were missed.
  seq_verdict check(std::string_view key, std::uint64_t seq, bool contiguous);

  /// Messages dropped as duplicates or out of order.
  std::uint64_t stale() const noexcept {
    return stale_;
  }

  /// Gaps seen, and the messages they skipped in all.
  std::uint64_t gaps() const noexcept {
    return gaps_;
  }

  std::uint64_t missing() const noexcept {
    return missing_;
  }

private:
  // Ordered, with transparent lookup: finding a stream allocates nothing
  // (this runs for every tick).
  std::map<std::string, std::uint64_t, std::less<>> last_;
  std::uint64_t stale_ = 0;
  std::uint64_t gaps_ = 0;
  std::uint64_t missing_ = 0;
};

} // namespace cdb

// Stable, unique event ids: "<kind>-<run>-<incarnation>-<sequence>".
// The run tag is unique per node start, the incarnation counts actor restarts,
// so a restarted actor never repeats an id of its predecessor.
#pragma once

#include <cstdint>
#include <string>

namespace cdb {

class id_source {
public:
  id_source(const std::string& kind, const std::string& run,
            std::uint32_t incarnation)
    : prefix_(kind + '-' + run + '-' + std::to_string(incarnation) + '-') {
    // nop
  }

  /// Returns the next id.
  std::string next() {
    return prefix_ + std::to_string(++seq_);
  }

  std::uint64_t issued() const noexcept {
    return seq_;
  }

private:
  std::string prefix_;
  std::uint64_t seq_ = 0;
};

} // namespace cdb

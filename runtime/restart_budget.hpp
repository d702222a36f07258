// OTP-style restart intensity: at most `max_restarts` within `window`;
// backoff doubles per recent restart up to `backoff_max`. No CAF include.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "messages/fields.hpp"

namespace cdb {

struct supervisor_config {
  std::size_t max_restarts = 5;
  nanoseconds window = 60'000'000'000;
  nanoseconds backoff_initial = 100'000'000;
  nanoseconds backoff_max = 5'000'000'000;

  void validate(std::vector<std::string>& errors) const;
};

class restart_budget {
public:
  explicit restart_budget(const supervisor_config& cfg) : cfg_(cfg) {
    // nop
  }

  /// Records a failure at `t`; returns false when the budget is spent.
  bool admit(timestamp t);

  /// Delay before the restart just admitted.
  nanoseconds backoff() const;

  std::size_t recent() const noexcept {
    return restarts_.size();
  }

private:
  supervisor_config cfg_;
  std::deque<timestamp> restarts_;
};

} // namespace cdb

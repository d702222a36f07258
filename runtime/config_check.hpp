// Collects configuration errors so validate() can report every bad key at
// once. Each error names the key, the value and the rule it broke.
#pragma once

#include <sstream>
#include <string>
#include <vector>

namespace cdb {

class config_check {
public:
  /// `group` prefixes every key, e.g. "risk" for "risk.max_position_pct".
  config_check(std::string group, std::vector<std::string>& errors)
    : group_(std::move(group)), errors_(errors) {
    // nop
  }

  /// Records an error unless `ok`.
  template <class T>
  void require(bool ok, const char* key, const T& value, const char* rule) {
    if (ok)
      return;
    std::ostringstream out;
    out << group_ << '.' << key << " = " << value << ": " << rule;
    errors_.push_back(out.str());
  }

  /// Requires lo < value <= hi (a percentage or fraction with a ceiling).
  void in_range_open_closed(const char* key, double value, double lo,
                            double hi);

  /// Requires lo <= value <= hi.
  void in_range(const char* key, double value, double lo, double hi);

  /// Requires a strictly positive, finite value.
  void positive(const char* key, double value);

  const std::string& group() const noexcept {
    return group_;
  }

private:
  std::string group_;
  std::vector<std::string>& errors_;
};

} // namespace cdb

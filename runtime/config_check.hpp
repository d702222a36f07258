// Collects configuration errors so validate() can report every bad key at
// once. Each error names the key, the value and the rule it broke.
#pragma once

#include <cstdint>
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

  /// Like require(), for a duration in nanoseconds: the message shows it in
  /// the unit of the config file ("1s", "250ms"), not as a raw count.
  void require_span(bool ok, const char* key, std::int64_t ns,
                    const char* rule) {
    require(ok, key, format_span(ns), rule);
  }

  /// "1s", "250ms", "3us" or "7ns": the largest unit that divides `ns`.
  static std::string format_span(std::int64_t ns);

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

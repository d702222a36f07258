#include "runtime/config_check.hpp"

#include <cmath>

namespace cdb {

namespace {

std::string range_rule(const char* open, double lo, double hi,
                       const char* close) {
  std::ostringstream out;
  out << "must be in " << open << lo << ", " << hi << close;
  return out.str();
}

} // namespace

std::string config_check::format_span(std::int64_t ns) {
  struct unit {
    std::int64_t size;
    const char* name;
  };
  static constexpr unit units[] = {
    {1'000'000'000, "s"}, {1'000'000, "ms"}, {1'000, "us"}};
  if (ns == 0)
    return "0s";
  for (auto& u : units)
    if (ns % u.size == 0)
      return std::to_string(ns / u.size) + u.name;
  return std::to_string(ns) + "ns";
}

void config_check::in_range_open_closed(const char* key, double value,
                                        double lo, double hi) {
  auto rule = range_rule("(", lo, hi, "]");
  require(std::isfinite(value) && value > lo && value <= hi, key, value,
          rule.c_str());
}

void config_check::in_range(const char* key, double value, double lo,
                            double hi) {
  auto rule = range_rule("[", lo, hi, "]");
  require(std::isfinite(value) && value >= lo && value <= hi, key, value,
          rule.c_str());
}

void config_check::positive(const char* key, double value) {
  require(std::isfinite(value) && value > 0, key, value,
          "must be a finite number > 0");
}

} // namespace cdb

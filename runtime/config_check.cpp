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

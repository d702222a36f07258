#include "actors/signal/strategy.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace cdb {

const std::string* strategy_params::find(const std::string& key) {
  if (std::find(read_.begin(), read_.end(), key) == read_.end())
    read_.push_back(key);
  auto i = kv_.find(key);
  return i == kv_.end() ? nullptr : &i->second;
}

void strategy_params::fail(const std::string& key, const std::string& value,
                           const std::string& rule) {
  errors_.push_back(context_ + ": " + key + " = " + value + ": " + rule);
}

std::size_t strategy_params::count(const std::string& key, std::size_t def,
                                   std::size_t min) {
  auto* text = find(key);
  if (text == nullptr)
    return def;
  char* end = nullptr;
  auto x = std::strtoull(text->c_str(), &end, 10);
  bool whole = !text->empty() && text->find('-') == std::string::npos
               && *end == '\0' && x <= 10'000'000;
  if (!whole || x < min) {
    fail(key, *text,
         "must be a whole number >= " + std::to_string(min)
           + (whole ? "" : " (and <= 10000000)"));
    return def;
  }
  return static_cast<std::size_t>(x);
}

double strategy_params::number(const std::string& key, double def, double lo,
                               double hi) {
  auto* text = find(key);
  if (text == nullptr)
    return def;
  char* end = nullptr;
  auto x = std::strtod(text->c_str(), &end);
  if (text->empty() || *end != '\0' || !std::isfinite(x) || x < lo || x > hi) {
    fail(key, *text,
         "must be a number in [" + price_text(lo) + ", " + price_text(hi)
           + "]");
    return def;
  }
  return x;
}

void strategy_params::require(bool ok, const std::string& key,
                              const std::string& rule) {
  if (ok)
    return;
  auto i = kv_.find(key);
  fail(key, i == kv_.end() ? "(default)" : i->second, rule);
}

void strategy_params::finish() {
  std::string known;
  for (auto& k : read_)
    known += (known.empty() ? "" : ", ") + k;
  for (auto& [key, value] : kv_)
    if (std::find(read_.begin(), read_.end(), key) == read_.end())
      fail(key, value,
           "unknown parameter (known: bars, warmup, cooldown"
             + (known.empty() ? std::string{} : ", " + known) + ")");
}

std::string price_text(double x) {
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%.8g", x);
  std::string out = buf;
  if (out.find('e') == std::string::npos)
    return out;
  std::snprintf(buf, sizeof(buf), "%.10f", x); // tiny or huge: no exponent
  out = buf;
  while (out.size() > 1 && out.back() == '0')
    out.pop_back();
  if (out.back() == '.')
    out.pop_back();
  return out;
}

} // namespace cdb

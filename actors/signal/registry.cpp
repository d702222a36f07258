#include "actors/signal/registry.hpp"

#include <algorithm>
#include <sstream>

#include "actors/signal/strategies/breakout.hpp"
#include "actors/signal/strategies/ema_cross.hpp"
#include "actors/signal/strategies/mean_reversion.hpp"

namespace cdb {

void strategy_registry::add(const std::string& name, strategy_factory make) {
  factories_[name] = std::move(make);
}

std::unique_ptr<strategy>
strategy_registry::make(const std::string& name,
                        strategy_params& params) const {
  auto i = factories_.find(name);
  if (i == factories_.end())
    return nullptr;
  auto out = i->second(params);
  params.finish();
  if (!params.ok())
    return nullptr;
  return out;
}

std::string strategy_registry::names() const {
  std::string out;
  for (auto& kvp : factories_)
    out += (out.empty() ? "" : ", ") + kvp.first;
  return out;
}

namespace {

template <class T>
strategy_factory factory() {
  return [](strategy_params& p) { return std::make_unique<T>(p); };
}

} // namespace

std::shared_ptr<const strategy_registry> builtin_strategies() {
  static auto reg = [] {
    auto r = std::make_shared<strategy_registry>();
    r->add("ema_cross", factory<ema_cross>());
    r->add("breakout", factory<breakout>());
    r->add("mean_reversion", factory<mean_reversion>());
    return std::shared_ptr<const strategy_registry>{r};
  }();
  return reg;
}

bool strategy_spec::applies_to(const std::string& instrument) const {
  if (instruments.empty())
    return true;
  for (auto& x : instruments)
    if (x == instrument)
      return true;
  return false;
}

namespace {

bool whole(const std::string& text, std::size_t& out) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos
      || text.size() > 9)
    return false;
  out = std::stoul(text);
  return true;
}

} // namespace

bool parse_strategy_spec(const std::string& text, strategy_spec& out,
                         std::string& error) {
  std::istringstream in{text};
  std::string word;
  std::vector<std::string> words;
  while (in >> word)
    words.push_back(word);
  if (words.size() < 2) {
    error = "must be \"STRATEGY INSTRUMENTS [key=value ...]\", e.g. "
            "\"ema_cross BTCUSDT fast=12 slow=26\" (* for every instrument)";
    return false;
  }
  out = strategy_spec{};
  out.text = text;
  out.name = words[0];
  if (words[1] != "*") {
    std::istringstream list{words[1]};
    std::string x;
    while (std::getline(list, x, ','))
      if (!x.empty())
        out.instruments.push_back(x);
    if (out.instruments.empty()) {
      error = "names no instrument (give a comma-separated list or *)";
      return false;
    }
  }
  std::vector<std::string> seen;
  for (std::size_t i = 2; i < words.size(); ++i) {
    auto eq = words[i].find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == words[i].size()) {
      error = "\"" + words[i] + "\" must be key=value";
      return false;
    }
    auto key = words[i].substr(0, eq);
    auto value = words[i].substr(eq + 1);
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      error = key + " is given twice";
      return false;
    }
    seen.push_back(key);
    if (key == "bars") {
      if (!parse_bar_spec(value, out.bars, error)) {
        error = "bars = " + value + ": " + error;
        return false;
      }
      out.own_bars = true;
    } else if (key == "warmup" || key == "cooldown") {
      auto& target = key == "warmup" ? out.warmup : out.cooldown;
      if (!whole(value, target)) {
        error = key + " = " + value + ": must be a whole number of bars";
        return false;
      }
    } else {
      out.params.emplace(key, value);
    }
  }
  return true;
}

} // namespace cdb

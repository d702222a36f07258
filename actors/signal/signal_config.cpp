#include "actors/signal/signal_config.hpp"

#include "runtime/config_check.hpp"

namespace cdb {

void signal_config::validate(std::vector<std::string>& errors) const {
  config_check c{"signal", errors};
  bar_spec b;
  std::string why;
  auto bars_ok = parse_bar_spec(bars, b, why);
  c.require(bars_ok, "bars", bars, why.c_str());
  c.require(max_strategy_errors >= 1, "max_strategy_errors",
            max_strategy_errors, "must be >= 1");
  c.require(recovered_bars <= 100'000, "recovered_bars", recovered_bars,
            "must be <= 100000");
  c.require_span(recovered_bars_max_age > 0, "recovered_bars_max_age",
                 recovered_bars_max_age, "must be > 0");
  c.require(!strategies.empty(), "strategies", "[]",
            "must name at least one strategy instance");
  for (std::size_t n = 0; n < strategies.size(); ++n) {
    auto key = "signal.strategies[" + std::to_string(n) + "] \"" + strategies[n]
               + "\"";
    strategy_spec spec;
    if (!parse_strategy_spec(strategies[n], spec, why)) {
      errors.push_back(key + ": " + why);
      continue;
    }
    if (!registry->contains(spec.name)) {
      errors.push_back(key + ": unknown strategy " + spec.name
                       + " (known: " + registry->names() + ")");
      continue;
    }
    strategy_params params{key, spec.params, errors};
    registry->make(spec.name, params);
  }
}

std::vector<strategy_spec> signal_config::specs() const {
  std::vector<strategy_spec> out;
  for (auto& text : strategies) {
    strategy_spec spec;
    std::string why;
    if (parse_strategy_spec(text, spec, why))
      out.push_back(std::move(spec));
  }
  return out;
}

bar_spec signal_config::default_bars() const {
  bar_spec out;
  std::string why;
  parse_bar_spec(bars, out, why);
  return out;
}

} // namespace cdb

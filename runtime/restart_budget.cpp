#include "runtime/restart_budget.hpp"

#include "runtime/config_check.hpp"

namespace cdb {

void supervisor_config::validate(std::vector<std::string>& errors) const {
  config_check c{"supervisor", errors};
  c.require(max_restarts >= 1, "max_restarts", max_restarts, "must be >= 1");
  c.require_span(window > 0, "window", window, "must be > 0");
  c.require_span(backoff_initial > 0, "backoff_initial", backoff_initial,
                 "must be > 0");
  c.require_span(backoff_max >= backoff_initial, "backoff_max", backoff_max,
                 "must be >= supervisor.backoff_initial");
}

bool restart_budget::admit(timestamp t) {
  while (!restarts_.empty() && t - restarts_.front() >= cfg_.window)
    restarts_.pop_front();
  if (restarts_.size() >= cfg_.max_restarts)
    return false;
  restarts_.push_back(t);
  return true;
}

nanoseconds restart_budget::backoff() const {
  auto d = cfg_.backoff_initial;
  for (std::size_t i = 1; i < restarts_.size() && d < cfg_.backoff_max; ++i)
    d *= 2;
  return d < cfg_.backoff_max ? d : cfg_.backoff_max;
}

} // namespace cdb

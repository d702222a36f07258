#include "actors/circuit_breaker/breaker.hpp"

#include <cmath>
#include <cstdio>

#include "runtime/config_check.hpp"

namespace cdb {

void breaker_config::validate(std::vector<std::string>& errors) const {
  config_check c{"circuit_breaker", errors};
  c.in_range_open_closed("drawdown_pct", circuit_breaker_drawdown_pct, 0, 100);
  c.require_span(reset_after >= 0, "reset_after", reset_after, "must be >= 0");
}

double breaker::drawdown_pct() const noexcept {
  return peak_ > 0 ? (peak_ - equity_) / peak_ * 100 : 0.0;
}

std::optional<transition> breaker::set(trading_mode m, std::string reason,
                                       timestamp t) {
  if (m == mode_)
    return std::nullopt;
  mode_ = m;
  if (m == trading_mode::halted)
    tripped_at_ = t;
  return transition{m, std::move(reason)};
}

std::optional<transition> breaker::on_equity(double equity, timestamp t) {
  if (!std::isfinite(equity))
    return set(trading_mode::halted, "equity_not_finite", t);
  equity_ = equity;
  if (equity > peak_)
    peak_ = equity;
  auto dd = drawdown_pct();
  if (mode_ != trading_mode::halted
      && dd >= cfg_.circuit_breaker_drawdown_pct) {
    char buf[96];
    std::snprintf(buf, sizeof(buf), "drawdown %.2f%% >= %.2f%% from peak %.2f",
                  dd, cfg_.circuit_breaker_drawdown_pct, peak_);
    timed_ = true;
    return set(trading_mode::halted, buf, t);
  }
  return std::nullopt;
}

std::optional<transition> breaker::on_time(timestamp t) {
  if (mode_ != trading_mode::halted || !timed_ || cfg_.reset_after <= 0
      || t - tripped_at_ < cfg_.reset_after)
    return std::nullopt;
  // The reset starts a new peak so the old drawdown does not re-trip at once.
  peak_ = equity_;
  timed_ = false;
  return set(trading_mode::active, "timed_reset", t);
}

std::optional<transition> breaker::halt(const std::string& reason,
                                        timestamp t) {
  timed_ = false;
  return set(trading_mode::halted, "manual: " + reason, t);
}

std::optional<transition> breaker::restarted(timestamp t) {
  timed_ = false;
  return set(trading_mode::halted,
             "breaker restarted: peak and trip state unknown, resume manually",
             t);
}

std::optional<transition> breaker::resume(const std::string& reason,
                                          timestamp t) {
  peak_ = equity_;
  timed_ = false;
  return set(trading_mode::active, "manual: " + reason, t);
}

} // namespace cdb

#include "actors/execution/fill_model.hpp"

#include <cmath>

#include "runtime/config_check.hpp"

namespace cdb {

void execution_config::validate(std::vector<std::string>& errors) const {
  config_check c{"execution", errors};
  c.positive("initial_cash", initial_cash);
  c.in_range("taker_fee_pct", taker_fee_pct, 0, 5);
  c.in_range("maker_fee_pct", maker_fee_pct, -1, 5);
  c.require_span(snapshot_interval > 0, "snapshot_interval", snapshot_interval,
                 "must be > 0");
}

fill_quote price_market_order(const execution_config& cfg, side direction,
                              double qty, const quote_tick& q) {
  fill_quote r;
  if (!std::isfinite(qty) || qty <= 0) {
    r.reason = "invalid_quantity";
    return r;
  }
  if (!std::isfinite(q.bid) || !std::isfinite(q.ask) || q.bid <= 0
      || q.ask <= 0) {
    r.reason = "no_valid_quote";
    return r;
  }
  if (q.bid >= q.ask) {
    r.reason = "crossed_quote";
    return r;
  }
  r.price = direction == side::buy ? q.ask : q.bid;
  r.fee = qty * r.price * cfg.taker_fee_pct / 100;
  r.ok = true;
  return r;
}

std::optional<std::string> exit_trigger(const position& p,
                                        const quote_tick& q) {
  if (p.qty > 0) {
    if (p.stop_loss > 0 && q.bid <= p.stop_loss)
      return "stop_loss";
    if (p.take_profit > 0 && q.bid >= p.take_profit)
      return "take_profit";
  } else if (p.qty < 0) {
    if (p.stop_loss > 0 && q.ask >= p.stop_loss)
      return "stop_loss";
    if (p.take_profit > 0 && q.ask <= p.take_profit)
      return "take_profit";
  }
  return std::nullopt;
}

} // namespace cdb

#include "actors/execution/fill_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "runtime/config_check.hpp"
#include "runtime/leverage.hpp"

namespace cdb {

void execution_config::validate(std::vector<std::string>& errors) const {
  config_check c{"execution", errors};
  c.positive("initial_cash", initial_cash);
  c.in_range("taker_fee_pct", taker_fee_pct, 0, 5);
  c.in_range("maker_fee_pct", maker_fee_pct, -1, 5);
  c.require_span(snapshot_interval > 0, "snapshot_interval", snapshot_interval,
                 "must be > 0");
  c.require_span(latency >= 0, "latency", latency, "must be >= 0");
  c.require_span(max_wait > 0, "max_wait", max_wait, "must be > 0");
  c.require_span(max_quote_age > 0, "max_quote_age", max_quote_age,
                 "must be > 0");
  c.require(partial_remainder == "cancel" || partial_remainder == "keep",
            "partial_remainder", partial_remainder, "must be cancel or keep");
  c.require(history >= 1 && history <= 1'000'000, "history", history,
            "must be in [1, 1000000]");
  c.in_range("impact_coefficient", impact_coefficient, 0, 100);
  c.in_range("fallback_impact_bps", fallback_impact_bps, 0, 10'000);
  c.in_range("max_impact_bps", max_impact_bps, 0, 10'000);
  c.require(fallback_impact_bps <= max_impact_bps, "fallback_impact_bps",
            fallback_impact_bps, "must be <= execution.max_impact_bps");
  c.in_range_open_closed("extreme_volatility_bps", extreme_volatility_bps, 0,
                         10'000);
  c.in_range("queue_position", queue_position, 0, 1);
  c.require_span(stats_bar > 0, "stats_bar", stats_bar, "must be > 0");
  c.require(stats_window >= 2, "stats_window", stats_window, "must be >= 2");
  c.require(margin_mode == "isolated" || margin_mode == "cross", "margin_mode",
            margin_mode, "must be isolated or cross");
  c.in_range("liquidation_offset_pct", liquidation_offset_pct, 0, 50);
  c.require_span(funding_interval > 0, "funding_interval", funding_interval,
                 "must be > 0");
  c.in_range_open_closed("funding_alarm_pct_per_hour",
                         funding_alarm_pct_per_hour, 0, 100);
}

bool execution_config::is_perpetual(const std::string& instrument) const {
  return std::any_of(perpetuals.begin(), perpetuals.end(),
                     [&](const std::string& x) {
                       return x == "*" || x == instrument;
                     });
}

double execution_config::leverage_of(const std::string& instrument) const {
  return leverage_for(instrument_leverage, leverage, instrument);
}

margin_terms execution_config::margin() const {
  margin_terms t;
  t.mode = margin_mode == "cross" ? margin_mode::cross : margin_mode::isolated;
  t.maintenance_margin_pct = maintenance_margin_pct;
  t.liquidation_offset_pct = liquidation_offset_pct;
  return t;
}

void book_state::take(const quote_tick& q) {
  quote_time = q.event_time;
  bid = q.bid;
  bid_qty = q.bid_qty;
  ask = q.ask;
  ask_qty = q.ask_qty;
}

void book_state::take(const book_snapshot& b) {
  depth_time = b.event_time;
  bids = std::make_shared<const std::vector<book_level>>(b.bids);
  asks = std::make_shared<const std::vector<book_level>>(b.asks);
  // The best levels are also the best bid/offer.
  quote_time = b.event_time;
  bid = b.bids.empty() ? 0 : b.bids.front().price;
  bid_qty = b.bids.empty() ? 0 : b.bids.front().qty;
  ask = b.asks.empty() ? 0 : b.asks.front().price;
  ask_qty = b.asks.empty() ? 0 : b.asks.front().qty;
}

std::string book_problem(const execution_config& cfg, const book_state& b,
                         side s, timestamp t) {
  if (b.quote_time < 0)
    return "no_quote";
  if (b.use_depth()) {
    auto& levels = s == side::buy ? *b.asks : *b.bids;
    if (levels.empty())
      return "empty_book_side";
  } else if ((s == side::buy ? b.ask_qty : b.bid_qty) < 0) {
    return "invalid_quote";
  }
  if (!std::isfinite(b.bid) || !std::isfinite(b.ask) || b.bid <= 0
      || b.ask <= 0)
    return b.use_depth() ? "empty_book_side" : "invalid_quote";
  if (b.bid >= b.ask)
    return "crossed_quote";
  if (t - b.quote_time > cfg.max_quote_age)
    return "stale_quote";
  return {};
}

taker_price price_taker(const execution_config& cfg, side s, double qty,
                        double limit, const book_state& b,
                        const market_conditions& m) {
  taker_price r;
  auto buy = s == side::buy;
  auto mid = b.mid();
  // Worse than the limit: a buy above it, a sale below it.
  auto beyond = [&](double px) {
    return limit > 0 && (buy ? px > limit : px < limit);
  };
  if (b.use_depth()) {
    auto& levels = buy ? *b.asks : *b.bids;
    auto notional = 0.0;
    auto rest = qty;
    for (auto& lvl : levels) {
      if (beyond(lvl.price)) {
        r.reason = "limit_price";
        break;
      }
      if (!(lvl.qty > 0) || !std::isfinite(lvl.price))
        continue;
      auto take = std::min(rest, lvl.qty);
      notional += take * lvl.price;
      r.qty += take;
      rest -= take;
      if (rest <= 0)
        break;
    }
    if (rest > 0 && r.reason.empty())
      r.reason = "depth_exhausted";
    r.note = "depth";
    r.price = r.qty > 0 ? notional / r.qty : 0;
  } else {
    auto touch = buy ? b.ask : b.bid;
    auto sign = buy ? 1.0 : -1.0;
    auto known = m.bar_sigma > 0 && m.bar_volume > 0;
    auto impact_of = [&](double q) {
      return cfg.impact_coefficient * m.bar_sigma * std::sqrt(q / m.bar_volume)
             * 1e4;
    };
    auto impact = known ? impact_of(qty) : cfg.fallback_impact_bps;
    r.note = known ? "impact" : "impact_fallback";
    if (impact > cfg.max_impact_bps) {
      impact = cfg.max_impact_bps;
      r.note = "impact_capped";
    }
    r.qty = qty;
    r.price = touch + sign * mid * impact / 1e4;
    if (beyond(r.price)) {
      r.reason = "limit_price";
      auto room = beyond(touch) ? -1.0 : sign * (limit - touch) / mid * 1e4;
      if (room >= 0 && known && r.note == "impact" && impact > 0) {
        // The largest size whose impact stays within the limit.
        auto k = room / impact;
        r.qty = std::min(qty, qty * k * k);
        r.price = touch + sign * mid * impact_of(r.qty) / 1e4;
        if (beyond(r.price))
          r.price = limit;
      } else {
        r.qty = 0;
        r.price = 0;
      }
    }
  }
  if (r.qty > 0 && mid > 0)
    r.slippage_bps = (buy ? r.price - mid : mid - r.price) / mid * 1e4;
  return r;
}

double fee_of(const execution_config& cfg, double qty, double price,
              liquidity role) {
  auto pct = role == liquidity::maker ? cfg.maker_fee_pct : cfg.taker_fee_pct;
  return qty * price * pct / 100;
}

} // namespace cdb

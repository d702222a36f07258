#include "actors/feed/synthetic_market.hpp"

#include <cmath>

#include "runtime/config_check.hpp"

namespace cdb {

void synthetic_config::validate(std::vector<std::string>& errors) const {
  config_check c{"market", errors};
  c.require(!instruments.empty(), "instruments", "[]",
            "must name at least one instrument");
  c.require(start_prices.size() == instruments.size(), "start_prices",
            start_prices.size(),
            "must have one price per entry of market.instruments");
  for (auto p : start_prices)
    c.positive("start_prices", p);
  c.require_span(step > 0, "step", step, "must be > 0");
  c.in_range("volatility", volatility, 0, 0.1);
  c.in_range("trend", trend, 0, 0.1);
  c.positive("regime_seconds", regime_seconds);
  c.in_range_open_closed("spread_bps", spread_bps, 0, 1000);
  c.in_range("trades_per_step", trades_per_step, 0, 100);
  c.positive("tick_size", tick_size);
  c.positive("lot_step", lot_step);
}

std::uint64_t splitmix64::next() {
  auto z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

double splitmix64::uniform() {
  return static_cast<double>(next() >> 11) * 0x1.0p-53;
}

double splitmix64::normal() {
  auto u1 = uniform();
  auto u2 = uniform();
  if (u1 < 1e-300)
    u1 = 1e-300;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

synthetic_market::synthetic_market(synthetic_config cfg, timestamp start)
  : cfg_(std::move(cfg)), rng_(cfg_.seed), now_(start) {
  for (auto p : cfg_.start_prices)
    states_.push_back({std::log(p), 0.0});
}

double synthetic_market::round_price(double x) const {
  return std::round(x / cfg_.tick_size) * cfg_.tick_size;
}

double synthetic_market::round_qty(double x) const {
  auto q = std::floor(x / cfg_.lot_step) * cfg_.lot_step;
  return q < cfg_.lot_step ? cfg_.lot_step : q;
}

void synthetic_market::step(std::vector<quote_tick>& quotes,
                            std::vector<trade_tick>& trades) {
  now_ += cfg_.step;
  auto dt = static_cast<double>(cfg_.step) * 1e-9;
  auto switch_prob = dt / cfg_.regime_seconds;
  for (size_t i = 0; i < states_.size(); ++i) {
    auto& st = states_[i];
    if (rng_.uniform() < switch_prob) {
      auto u = rng_.uniform();
      st.drift = u < 0.4 ? cfg_.trend : (u < 0.8 ? -cfg_.trend : 0.0);
    }
    st.log_price += st.drift * dt
                    + cfg_.volatility * std::sqrt(dt) * rng_.normal();
    auto mid = std::exp(st.log_price);
    auto half = std::max(mid * cfg_.spread_bps * 1e-4 / 2, cfg_.tick_size);
    quote_tick q;
    q.instrument = cfg_.instruments[i];
    q.bid = round_price(mid - half);
    q.ask = round_price(mid + half);
    if (q.ask <= q.bid)
      q.ask = q.bid + cfg_.tick_size;
    q.bid_qty = round_qty(0.5 + 4.0 * rng_.uniform());
    q.ask_qty = round_qty(0.5 + 4.0 * rng_.uniform());
    q.event_time = now_;
    q.recv_time = now_;
    // Poisson-ish trade count: one draw per unit of the mean, rounded.
    auto n = static_cast<int>(cfg_.trades_per_step + rng_.uniform());
    for (int k = 0; k < n; ++k) {
      trade_tick t;
      t.instrument = q.instrument;
      t.aggressor = rng_.uniform() < 0.5 ? side::buy : side::sell;
      t.price = t.aggressor == side::buy ? q.ask : q.bid;
      t.qty = round_qty(0.01 + 0.5 * rng_.uniform() * rng_.uniform());
      t.trade_id = std::to_string(++trade_seq_);
      t.event_time = now_;
      t.recv_time = now_;
      trades.push_back(std::move(t));
    }
    quotes.push_back(std::move(q));
  }
}

} // namespace cdb

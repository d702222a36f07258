#include "actors/execution/portfolio.hpp"

#include <cmath>
#include <tuple>
#include <utility>

#include "runtime/trading_day.hpp"

namespace cdb {

namespace {

double signed_qty(const fill& f) {
  return f.direction == side::buy ? f.qty : -f.qty;
}

/// The part of a fill of signed size `q` that opens or adds to `held`.
double opening_part(double held, double q) {
  if (held == 0 || (held > 0) == (q > 0))
    return std::fabs(q);
  return std::fmax(0.0, std::fabs(q) - std::fabs(held));
}

} // namespace

void portfolio::set_terms(const std::string& instrument, instrument_terms t) {
  instruments_[instrument] = t;
}

instrument_terms portfolio::terms(const std::string& instrument) const {
  auto i = instruments_.find(instrument);
  return i == instruments_.end() ? instrument_terms{} : i->second;
}

std::string portfolio::affordability(const fill& f) const {
  auto q = signed_qty(f);
  auto opening = opening_part(position_qty(f.instrument), q);
  auto t = terms(f.instrument);
  if (t.perpetual) {
    // Closing first releases margin and realizes PnL; only what opens
    // must be covered, from free cash.
    if (opening > 0 && opening * f.price / t.leverage + f.fee > cash_)
      return "insufficient_margin";
    return {};
  }
  // Spot: a buy that opens or adds pays its notional; sales credit cash.
  if (q > 0 && opening > 0 && q * f.price + f.fee > cash_)
    return "insufficient_funds";
  return {};
}

void portfolio::restore(const portfolio_snapshot& s) {
  cash_ = s.cash;
  fees_ = s.fees;
  realized_ = s.realized_pnl;
  funding_ = s.funding;
  day_ = trading_day(s.event_time, day_start_);
  start_of_day_equity_ = s.start_of_day_equity;
  positions_.clear();
  mark_cache_.clear();
  for (auto& p : s.positions) {
    positions_[p.instrument] = p;
    if (p.perpetual)
      instruments_[p.instrument] = {true, p.leverage};
  }
}

double portfolio::apply(const fill& f) {
  double realized = 0;
  auto q = signed_qty(f);
  auto t = terms(f.instrument);
  auto& p = positions_[f.instrument];
  p.instrument = f.instrument;
  if (p.qty == 0) {
    p.perpetual = t.perpetual;
    p.leverage = t.leverage;
  }
  cash_ -= f.fee;
  fees_ += f.fee;
  if (!p.perpetual)
    cash_ -= q * f.price;
  if (p.qty == 0 || (p.qty > 0) == (q > 0)) {
    auto total = std::fabs(p.qty) + std::fabs(q);
    p.avg_price = (std::fabs(p.qty) * p.avg_price + std::fabs(q) * f.price)
                  / total;
    if (p.perpetual) {
      auto m = std::fabs(q) * f.price / p.leverage;
      p.margin += m;
      cash_ -= m;
    }
  } else {
    auto closed = std::fmin(std::fabs(q), std::fabs(p.qty));
    auto pnl = closed * (f.price - p.avg_price) * (p.qty > 0 ? 1 : -1);
    p.realized_pnl += pnl;
    realized_ += pnl;
    realized = pnl;
    if (p.perpetual) {
      auto released = p.margin * closed / std::fabs(p.qty);
      p.margin -= released;
      cash_ += released + pnl;
    }
    if (std::fabs(q) > std::fabs(p.qty)) {
      // Reversal: the rest opens a new position at the fill price.
      p.avg_price = f.price;
      p.stop_loss = p.take_profit = 0;
      p.perpetual = t.perpetual;
      p.leverage = t.leverage;
      if (p.perpetual) {
        auto m = (std::fabs(q) - closed) * f.price / p.leverage;
        p.margin = m;
        cash_ -= m;
      }
    }
  }
  p.qty += q;
  // Float noise below a nano-lot is no position.
  if (std::fabs(p.qty) < 1e-12) {
    p.qty = 0;
    p.avg_price = 0;
    cash_ += p.margin;
    p.margin = 0;
    p.stop_loss = p.take_profit = 0;
  }
  p.mark = f.price;
  return realized;
}

double portfolio::settle_funding(const std::string& instrument, double rate,
                                 double mark) {
  auto i = positions_.find(instrument);
  if (i == positions_.end() || i->second.qty == 0 || !i->second.perpetual)
    return 0;
  auto paid = i->second.qty * mark * rate;
  cash_ -= paid;
  funding_ += paid;
  i->second.funding += paid;
  return paid;
}

void portfolio::mark(const std::string& instrument, double price) {
  auto* p = cached_if(mark_cache_, instrument, [&]() -> position* {
    auto i = positions_.find(instrument);
    return i != positions_.end() ? &i->second : nullptr;
  });
  if (p != nullptr)
    p->mark = price;
}

void portfolio::set_exits(const std::string& instrument, double stop_loss,
                          double take_profit) {
  auto i = positions_.find(instrument);
  if (i != positions_.end() && i->second.qty != 0) {
    i->second.stop_loss = stop_loss;
    i->second.take_profit = take_profit;
  }
}

double portfolio::position_qty(const std::string& instrument) const {
  auto i = positions_.find(instrument);
  return i == positions_.end() ? 0.0 : i->second.qty;
}

double portfolio::liquidation_price(const std::string& instrument) const {
  auto i = positions_.find(instrument);
  if (i == positions_.end() || i->second.qty == 0 || !i->second.perpetual)
    return 0;
  auto& p = i->second;
  auto mmr = terms_.maintenance_margin_pct / 100;
  // Collateral backing the position, less what other positions need.
  auto backing = p.margin;
  if (terms_.mode == margin_mode::cross) {
    backing += cash_;
    for (auto& kvp : positions_) {
      auto& o = kvp.second;
      if (&o == &p || !o.perpetual || o.qty == 0)
        continue;
      backing += o.margin + o.qty * (o.mark - o.avg_price)
                 - mmr * std::fabs(o.qty) * o.mark;
    }
  }
  // backing + q (P - E) = mmr |q| P, solved for P.
  auto q = p.qty;
  auto price = (q * p.avg_price - backing) / (q - mmr * std::fabs(q));
  return std::isfinite(price) && price > 0 ? price : 0.0;
}

bool portfolio::liquidation_due(const std::string& instrument) const {
  auto liq = liquidation_price(instrument);
  if (liq <= 0)
    return false;
  auto& p = positions_.at(instrument);
  auto off = terms_.liquidation_offset_pct / 100;
  return p.qty > 0 ? p.mark <= liq * (1 + off) : p.mark >= liq * (1 - off);
}

double portfolio::margin_used() const {
  auto m = 0.0;
  for (auto& kvp : positions_)
    m += kvp.second.margin;
  return m;
}

double portfolio::equity() const {
  auto e = cash_;
  for (auto& kvp : positions_) {
    auto& p = kvp.second;
    e += p.perpetual ? p.margin + p.qty * (p.mark - p.avg_price)
                     : p.qty * p.mark;
  }
  return e;
}

portfolio_snapshot portfolio::snapshot(std::string id, timestamp t) {
  if (auto day = trading_day(t, day_start_); day != day_) {
    day_ = day;
    start_of_day_equity_ = equity();
  }
  portfolio_snapshot s;
  s.id = std::move(id);
  s.cash = cash_;
  s.fees = fees_;
  s.realized_pnl = realized_;
  s.funding = funding_;
  s.event_time = t;
  for (auto& kvp : positions_) {
    auto& p = kvp.second;
    s.exposure += std::fabs(p.qty) * p.mark;
    s.unrealized_pnl += p.qty * (p.mark - p.avg_price);
    s.margin_used += p.margin;
    if (p.qty != 0) {
      s.positions.push_back(p);
      s.positions.back().liquidation_price = liquidation_price(kvp.first);
    }
  }
  s.equity = equity();
  s.start_of_day_equity = start_of_day_equity_;
  return s;
}

bool same_account(const portfolio_snapshot& a, const portfolio_snapshot& b,
                  nanoseconds day_start) {
  static_assert(
    std::tuple_size_v<
      decltype(std::declval<const portfolio_snapshot&>().tie())> == 12,
    "portfolio_snapshot has a new field: compare it here");
  auto figures = [](const portfolio_snapshot& s) {
    return std::tie(s.equity, s.cash, s.exposure, s.realized_pnl,
                    s.unrealized_pnl, s.fees, s.start_of_day_equity,
                    s.margin_used, s.funding);
  };
  return figures(a) == figures(b) && a.positions == b.positions
         && trading_day(a.event_time, day_start)
              == trading_day(b.event_time, day_start);
}

} // namespace cdb

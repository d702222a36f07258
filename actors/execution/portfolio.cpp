#include "actors/execution/portfolio.hpp"

#include <cmath>

#include "runtime/trading_day.hpp"

namespace cdb {

void portfolio::apply(const fill& f) {
  auto q = f.direction == side::buy ? f.qty : -f.qty;
  cash_ -= q * f.price + f.fee;
  fees_ += f.fee;
  auto& p = positions_[f.instrument];
  p.instrument = f.instrument;
  if (p.qty == 0 || (p.qty > 0) == (q > 0)) {
    auto total = std::fabs(p.qty) + std::fabs(q);
    p.avg_price = (std::fabs(p.qty) * p.avg_price + std::fabs(q) * f.price)
                  / total;
  } else {
    auto closed = std::fmin(std::fabs(q), std::fabs(p.qty));
    auto pnl = closed * (f.price - p.avg_price) * (p.qty > 0 ? 1 : -1);
    p.realized_pnl += pnl;
    realized_ += pnl;
    if (std::fabs(q) > std::fabs(p.qty)) {
      p.avg_price = f.price;
      p.stop_loss = p.take_profit = 0;
    }
  }
  p.qty += q;
  // Float noise below a nano-lot is no position.
  if (std::fabs(p.qty) < 1e-12) {
    p.qty = 0;
    p.avg_price = 0;
    p.stop_loss = p.take_profit = 0;
  }
  p.mark = f.price;
}

void portfolio::mark(const std::string& instrument, double price) {
  auto i = positions_.find(instrument);
  if (i != positions_.end())
    i->second.mark = price;
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

double portfolio::equity() const {
  auto e = cash_;
  for (auto& kvp : positions_)
    e += kvp.second.qty * kvp.second.mark;
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
  s.event_time = t;
  for (auto& kvp : positions_) {
    auto& p = kvp.second;
    s.exposure += std::fabs(p.qty) * p.mark;
    s.unrealized_pnl += p.qty * (p.mark - p.avg_price);
    if (p.qty != 0)
      s.positions.push_back(p);
  }
  s.equity = equity();
  s.start_of_day_equity = start_of_day_equity_;
  return s;
}

} // namespace cdb

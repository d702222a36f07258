#include "actors/risk/engine.hpp"

#include <cmath>

#include "runtime/trading_day.hpp"

namespace cdb {

namespace {

side to_side(signal_side x) {
  return x == signal_side::buy ? side::buy : side::sell;
}

} // namespace

risk_engine::risk_engine(const risk_config& cfg, id_source decision_ids,
                         id_source order_ids)
  : cfg_(cfg), decision_ids_(std::move(decision_ids)),
    order_ids_(std::move(order_ids)), sizing_(cfg.sizing_settings()) {
  // nop
}

risk_engine::instrument_view&
risk_engine::view_of(const std::string& instrument) {
  return cached(view_cache_, instrument, [&]() -> instrument_view& {
    auto i = markets_.find(instrument);
    if (i != markets_.end())
      return i->second;
    market_view m;
    for (auto& p : cfg_.perpetuals)
      m.perpetual = m.perpetual || p == "*" || p == instrument;
    return markets_
      .emplace(instrument,
               instrument_view{m, market_stats{cfg_.vol_bar, cfg_.vol_window}})
      .first->second;
  });
}

void risk_engine::on_quote(const quote_tick& q) {
  auto& v = view_of(q.instrument);
  auto& m = v.quote;
  m.known = true;
  m.bid = q.bid;
  m.ask = q.ask;
  m.quote_time = q.event_time;
  v.stats.on_mid((q.bid + q.ask) / 2, q.event_time);
}

void risk_engine::on_trade(const trade_tick& t) {
  view_of(t.instrument).stats.on_volume(t.qty, t.event_time);
}

void risk_engine::on_trades(const std::vector<trade_tick>& trades) {
  const std::string* last = nullptr;
  instrument_view* view = nullptr;
  for (auto& t : trades) {
    if (last == nullptr || t.instrument != *last) {
      view = &view_of(t.instrument);
      last = &t.instrument;
    }
    view->stats.on_volume(t.qty, t.event_time);
  }
}

void risk_engine::on_mark(const mark_price& mp) {
  auto& m = view_of(mp.instrument).quote;
  m.perpetual = true;
  if (std::isfinite(mp.funding_rate)) {
    m.funding_known = true;
    m.funding_rate = mp.funding_rate;
  }
}

market_view risk_engine::decision_view(const std::string& instrument) const {
  auto i = markets_.find(instrument);
  if (i == markets_.end())
    return market_view{};
  auto m = i->second.quote;
  if (m.perpetual) {
    m.bar_sigma = i->second.stats.bar_volatility();
    m.bar_volume = i->second.stats.bar_volume();
    m.leverage = cfg_.leverage_of(instrument);
  }
  return m;
}

const market_stats* risk_engine::stats(const std::string& instrument) const {
  auto i = markets_.find(instrument);
  return i == markets_.end() ? nullptr : &i->second.stats;
}

const market_view& risk_engine::quote_of(const std::string& instrument) const {
  static const market_view unknown;
  auto i = markets_.find(instrument);
  return i == markets_.end() ? unknown : i->second.quote;
}

void risk_engine::on_portfolio(const portfolio_snapshot& s) {
  has_account_ = true;
  account_.equity = s.equity;
  account_.exposure = s.exposure;
  // The trading day starts risk.day_start after UTC midnight. Execution
  // keeps the day's base (it outlives a restart of risk); without it, the
  // first equity seen today.
  auto day = trading_day(s.event_time, cfg_.day_start);
  if (s.start_of_day_equity > 0) {
    day_ = day;
    account_.start_of_day_equity = s.start_of_day_equity;
  } else if (day != day_) {
    day_ = day;
    account_.start_of_day_equity = s.equity;
  }
  positions_.clear();
  for (auto& p : s.positions)
    positions_[p.instrument] = p.qty;
}

void risk_engine::on_state(const trading_state& s) {
  has_state_ = true;
  mode_ = s.mode;
}

double risk_engine::position_qty(const std::string& instrument) const {
  auto i = positions_.find(instrument);
  return i == positions_.end() ? 0.0 : i->second;
}

std::vector<decision_out> risk_engine::on_signal(const signal& s,
                                                 timestamp now) {
  std::vector<decision_out> out;
  if (!ready()) {
    out.push_back(reject(s, risk_layer::readiness, "not_ready", 0,
                         has_state_ ? "awaiting the account from execution"
                                    : "awaiting the trading state from the "
                                      "circuit breaker",
                         now));
    return out;
  }
  auto held = position_qty(s.instrument);
  auto& m = quote_of(s.instrument);
  // Close what points the other way (or everything on a close signal).
  bool closes = s.direction == signal_side::close
                || (s.direction == signal_side::buy && held < 0)
                || (s.direction == signal_side::sell && held > 0);
  if (closes && held != 0) {
    order_intent close;
    close.direction = held > 0 ? side::sell : side::buy;
    close.qty = std::fabs(held);
    close.price = close.direction == side::buy ? m.ask : m.bid;
    close.reduces = true;
    close.signal_time = s.event_time;
    out.push_back(decide(s, close, "method=close_position", 0, now));
  }
  if (s.direction == signal_side::close)
    return out;
  // Layer 1 before sizing: a HALTED or REDUCING state refuses a new
  // position as such, whatever sizing would have made of it.
  order_intent opening;
  opening.direction = to_side(s.direction);
  if (auto st = check_trading_state(mode_, opening);
      st.outcome == layer_outcome::reject) {
    auto r = reject(s, st.layer, st.reason, 0, "", now);
    r.decision.observed = st.observed;
    r.decision.limit = st.limit;
    out.push_back(std::move(r));
    return out;
  }
  auto entry = s.direction == signal_side::buy ? m.ask : m.bid;
  if (!m.known)
    entry = s.ref_price;
  sizing_inputs in;
  in.equity = account_.equity;
  in.entry = entry;
  in.stop_hint = s.stop_hint;
  if (auto* st = stats(s.instrument)) {
    in.volatility = st->volatility();
    in.atr = st->atr();
  }
  // Kelly's recorded trade statistics come with persistence's recovery
  // service; until then it sizes from risk.kelly_win_rate / kelly_payoff.
  auto sized = size_position(sizing_, in);
  if (!sized.ok) {
    auto r = reject(s, risk_layer::sizing, sized.reason, 0, sized.audit, now);
    r.decision.observed = sized.observed;
    r.decision.limit = sized.limit;
    out.push_back(std::move(r));
    return out;
  }
  order_intent open;
  open.direction = to_side(s.direction);
  open.qty = sized.qty;
  open.price = entry;
  open.signal_time = s.event_time;
  out.push_back(decide(s, open, sized.audit, sized.stop_distance, now));
  return out;
}

decision_out risk_engine::decide(const signal& s, const order_intent& intent,
                                 const std::string& audit, double stop_distance,
                                 timestamp now) {
  layer_result cap;
  cap.outcome = layer_outcome::pass;
  auto a = account_;
  a.position_qty = position_qty(s.instrument);
  auto r = evaluate(cfg_, mode_, intent, decision_view(s.instrument), a, now,
                    &cap);
  if (r.outcome == layer_outcome::reject) {
    auto out = reject(s, r.layer, r.reason, intent.qty, audit, now);
    out.decision.observed = r.observed;
    out.decision.limit = r.limit;
    return out;
  }
  decision_out out;
  auto& d = out.decision;
  d.id = decision_ids_.next();
  d.signal_id = s.id;
  d.approved = true;
  d.requested_qty = intent.qty;
  d.approved_qty = r.qty;
  if (cap.outcome == layer_outcome::cap) {
    d.layer = to_string(cap.layer);
    d.reason = cap.reason;
    d.observed = cap.observed;
    d.limit = cap.limit;
  } else {
    d.layer = intent.reduces ? "close" : "all";
    d.reason = "approved";
  }
  d.notes = audit;
  d.event_time = s.event_time;
  d.init_time = now;
  order o;
  o.id = order_ids_.next();
  o.decision_id = d.id;
  o.signal_id = s.id;
  o.instrument = s.instrument;
  o.direction = intent.direction;
  o.type = order_type::market;
  o.qty = r.qty;
  o.reduce_only = intent.reduces;
  if (!intent.reduces && stop_distance > 0) {
    auto sign = intent.direction == side::buy ? 1.0 : -1.0;
    o.stop_loss = intent.price - sign * stop_distance;
    if (cfg_.take_profit_r > 0)
      o.take_profit = intent.price + sign * cfg_.take_profit_r * stop_distance;
  }
  o.event_time = s.event_time;
  o.init_time = now;
  d.order_id = o.id;
  book(o);
  out.approved = std::move(o);
  return out;
}

decision_out risk_engine::reject(const signal& s, risk_layer layer,
                                 const std::string& reason, double requested,
                                 const std::string& audit, timestamp now) {
  decision_out out;
  auto& d = out.decision;
  d.id = decision_ids_.next();
  d.signal_id = s.id;
  d.approved = false;
  d.layer = to_string(layer);
  d.reason = reason;
  d.requested_qty = requested;
  d.notes = audit;
  d.event_time = s.event_time;
  d.init_time = now;
  return out;
}

void risk_engine::book(const order& o) {
  // Count the order at once so a second signal before execution's next
  // snapshot sees it; the snapshot then replaces the estimate.
  auto q = o.direction == side::buy ? o.qty : -o.qty;
  positions_[o.instrument] += q;
  auto& m = quote_of(o.instrument);
  auto px = o.direction == side::buy ? m.ask : m.bid;
  account_.exposure += o.reduce_only ? -o.qty * px : o.qty * px;
}

std::vector<decision_out> risk_engine::flatten(const std::string& reason,
                                               timestamp now) {
  std::vector<decision_out> out;
  for (auto& kvp : positions_) {
    if (kvp.second == 0)
      continue;
    decision_out d;
    d.decision.id = decision_ids_.next();
    d.decision.signal_id = "";
    d.decision.approved = true;
    d.decision.layer = "flatten";
    d.decision.reason = reason;
    d.decision.requested_qty = d.decision.approved_qty = std::fabs(kvp.second);
    d.decision.event_time = d.decision.init_time = now;
    order o;
    o.id = order_ids_.next();
    o.decision_id = d.decision.id;
    o.instrument = kvp.first;
    o.direction = kvp.second > 0 ? side::sell : side::buy;
    o.qty = std::fabs(kvp.second);
    o.reduce_only = true;
    o.event_time = o.init_time = now;
    d.decision.order_id = o.id;
    d.approved = o;
    out.push_back(std::move(d));
  }
  for (auto& d : out)
    book(*d.approved);
  return out;
}

} // namespace cdb

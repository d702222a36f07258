#include "actors/execution/venue.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace cdb {

namespace {

constexpr double qty_epsilon = 1e-12;

side opposite(side s) {
  return s == side::buy ? side::sell : side::buy;
}

bool valid_book(const book_state& b) {
  return b.quote_time >= 0 && std::isfinite(b.bid) && std::isfinite(b.ask)
         && b.bid > 0 && b.ask > 0 && b.bid < b.ask;
}

/// The quantity displayed at `price` on the side a resting order of side
/// `s` joins; the best level's size when the level is not known.
double displayed_at(const book_state& b, side s, double price) {
  if (!valid_book(b))
    return 0;
  auto best = s == side::buy ? b.bid : b.ask;
  auto improves = s == side::buy ? price > best : price < best;
  if (improves)
    return 0;
  if (b.use_depth()) {
    for (auto& lvl : s == side::buy ? *b.bids : *b.asks)
      if (lvl.price == price)
        return lvl.qty;
  }
  return s == side::buy ? b.bid_qty : b.ask_qty;
}

std::string format(double x) {
  std::ostringstream out;
  out.precision(10);
  out << x;
  return out.str();
}

} // namespace

venue::instrument_state::instrument_state(const execution_config& cfg)
  : stats(cfg.stats_bar, cfg.stats_window), history(cfg.history) {
  // nop
}

venue::venue(const execution_config& cfg, venue_ids ids, venue_sink& sink)
  : cfg_(cfg), ids_(std::move(ids)), sink_(sink),
    account_(cfg.initial_cash, cfg.day_start, cfg.margin()) {
  // nop
}

venue::instrument_state& venue::market(const std::string& instrument) {
  return cached(market_cache_, instrument, [&]() -> instrument_state& {
    auto i = markets_.find(instrument);
    if (i == markets_.end()) {
      i = markets_.emplace(instrument, instrument_state{cfg_}).first;
      i->second.perpetual = cfg_.is_perpetual(instrument);
      if (i->second.perpetual)
        account_.set_terms(instrument, {true, cfg_.leverage_of(instrument)});
    }
    return i->second;
  });
}

venue::working* venue::find(const std::string& id) {
  auto i = orders_.find(id);
  return i == orders_.end() || i->second.done ? nullptr : &i->second;
}

double venue::remaining(const working& w) const {
  auto r = w.o.qty - w.filled;
  return r > qty_epsilon * std::max(1.0, w.o.qty) ? r : 0.0;
}

double venue::allowed(const working& w) const {
  auto r = remaining(w);
  if (!w.o.reduce_only)
    return r;
  auto held = account_.position_qty(w.o.instrument);
  auto reducible = w.o.direction == side::buy ? -held : held;
  return std::max(0.0, std::min(r, reducible));
}

market_conditions venue::conditions(const instrument_state& m) const {
  return {m.stats.bar_volatility(), m.stats.bar_volume()};
}

void venue::emit(const working& w, order_event_kind kind, std::string reason,
                 timestamp t, timestamp now) {
  sink_.on_event({ids_.events.next(), w.o.id, kind, std::move(reason), t, now});
}

void venue::finish(working& w, order_event_kind kind, const std::string& reason,
                   timestamp t, timestamp now) {
  if (w.done)
    return;
  w.done = true;
  emit(w, kind, reason, t, now);
}

// -- orders -------------------------------------------------------------------

void venue::submit(const order& o, timestamp now) {
  if (known(o.id)) {
    // A resent order (risk restarted, or a duplicate): nothing new.
    return;
  }
  auto& w = orders_[o.id];
  w.o = o;
  w.seq = ++seq_;
  w.due = o.event_time + cfg_.latency;
  w.wait_from = w.due;
  auto bad = [&](const std::string& why) {
    emit(w, order_event_kind::rejected, why, w.due, now);
    remember_final(o.id);
    orders_.erase(o.id);
  };
  if (!std::isfinite(o.qty) || o.qty <= 0)
    return bad("invalid_quantity");
  if (o.type == order_type::limit
      && (!std::isfinite(o.limit_price) || o.limit_price <= 0))
    return bad("invalid_limit_price");
  if ((o.type == order_type::stop_market || o.type == order_type::take_profit)
      && (!std::isfinite(o.stop_price) || o.stop_price <= 0))
    return bad("invalid_stop_price");
  if (o.instrument.empty())
    return bad("no_instrument");
  if (o.id.empty())
    return bad("no_order_id");
  auto& m = market(o.instrument);
  m.orders.emplace(w.seq, o.id);
  emit(w, order_event_kind::accepted, "", w.due, now);
  catch_up(o.id, now);
  sweep(m);
}

bool venue_error(const order_event& e) {
  if (e.kind != order_event_kind::rejected
      && e.kind != order_event_kind::expired)
    return false;
  return e.reason != "post_only_would_take"
         && e.reason != "reduce_only_no_position" && e.reason != "restarted";
}

void venue::restore(const account_recovery& r, timestamp now) {
  if (r.found)
    account_.restore(r.account);
  for (auto& o : r.open_orders) {
    if (known(o.id) || !(o.qty > 0))
      continue;
    auto& w = orders_[o.id];
    w.o = o;
    w.seq = ++seq_;
    w.due = o.event_time + cfg_.latency;
    w.wait_from = w.due;
    market(o.instrument).orders.emplace(w.seq, o.id);
    auto taker = o.type == order_type::market;
    if (taker && now - w.due > cfg_.max_wait)
      finish(w, order_event_kind::expired, "restarted", now, now);
  }
  // Brackets: the children of one entry cancel each other again.
  for (auto& kvp : orders_) {
    auto& c = kvp.second;
    if (c.done || c.o.parent_id.empty())
      continue;
    if (auto* entry = find(c.o.parent_id)) {
      auto& slot = c.o.type == order_type::stop_market ? entry->stop_child
                                                       : entry->target_child;
      slot = c.o.id;
    }
    for (auto& other : orders_)
      if (&other.second != &c && !other.second.done
          && other.second.o.parent_id == c.o.parent_id)
        c.sibling = other.first;
  }
  for (auto& m : markets_)
    sweep(m.second);
}

void venue::catch_up(const std::string& id, timestamp now) {
  std::vector<std::string> pending{id};
  while (!pending.empty()) {
    auto next = pending.back();
    pending.pop_back();
    auto* w = find(next);
    if (w == nullptr)
      continue;
    auto& m = market(w->o.instrument);
    auto due = w->due;
    auto first = std::lower_bound(m.history.begin(), m.history.end(), due,
                                  [](const market_event& e, timestamp t) {
                                    return e.t < t;
                                  });
    for (auto i = first; i != m.history.end(); ++i) {
      step(*w, *i, m, now);
      if (w->done)
        break;
    }
    // Children placed meanwhile catch up from their own due time.
    pending.insert(pending.end(), new_children_.begin(), new_children_.end());
    new_children_.clear();
  }
}

void venue::cancel(const cancel_order& c, timestamp now) {
  auto t = std::max(c.event_time, time_);
  auto* w = find(c.order_id);
  if (w == nullptr) {
    sink_.on_event(
      {ids_.events.next(), c.order_id, order_event_kind::request_rejected,
       known(c.order_id) ? "cancel: order is final" : "cancel: unknown order",
       t, now});
    return;
  }
  finish(*w, order_event_kind::cancelled,
         c.reason.empty() ? "by request" : c.reason, t, now);
  sweep(market(w->o.instrument));
}

void venue::amend(const amend_order& a, timestamp now) {
  auto t = std::max(a.event_time, time_);
  auto* w = find(a.order_id);
  auto refuse = [&](const std::string& why) {
    sink_.on_event({ids_.events.next(), a.order_id,
                    order_event_kind::request_rejected, "amend: " + why, t,
                    now});
  };
  if (w == nullptr)
    return refuse(known(a.order_id) ? "order is final" : "unknown order");
  auto& o = w->o;
  auto bad_number = [](double x) { return !std::isfinite(x) || x < 0; };
  if (bad_number(a.qty) || bad_number(a.limit_price)
      || bad_number(a.stop_price))
    return refuse("invalid value");
  if (a.qty > 0 && a.qty <= w->filled)
    return refuse("quantity not above the filled " + format(w->filled));
  if (a.limit_price > 0 && o.type != order_type::limit)
    return refuse("limit price of a " + std::string{to_string(o.type)}
                  + " order");
  if (a.stop_price > 0
      && ((o.type != order_type::stop_market
           && o.type != order_type::take_profit)
          || w->triggered))
    return refuse("stop price of an order without a pending trigger");
  auto& m = market(o.instrument);
  auto limit = a.limit_price > 0 ? a.limit_price : o.limit_price;
  if (o.type == order_type::limit && o.tif == time_in_force::post_only
      && w->active && valid_book(m.book)
      && (o.direction == side::buy ? m.book.ask <= limit : m.book.bid >= limit))
    return refuse("post_only_would_take");
  std::ostringstream what;
  // A larger quantity or a new price loses the queue place; a smaller
  // quantity keeps it.
  auto requeue = (a.qty > o.qty)
                 || (a.limit_price > 0 && limit != o.limit_price);
  if (a.qty > 0) {
    what << "qty " << format(o.qty) << "->" << format(a.qty) << ' ';
    o.qty = a.qty;
  }
  if (a.limit_price > 0) {
    what << "limit " << format(o.limit_price) << "->" << format(limit) << ' ';
    o.limit_price = limit;
  }
  if (a.stop_price > 0) {
    what << "stop " << format(o.stop_price) << "->" << format(a.stop_price);
    o.stop_price = a.stop_price;
  }
  auto text = what.str();
  while (!text.empty() && text.back() == ' ')
    text.pop_back();
  emit(*w, order_event_kind::amended, text, t, now);
  if (w->resting && requeue)
    w->queue_ahead = displayed_at(m.book, o.direction, o.limit_price)
                     * cfg_.queue_position;
  if (w->resting && a.limit_price > 0 && valid_book(m.book)
      && (o.direction == side::buy ? m.book.ask <= limit
                                   : m.book.bid >= limit)) {
    // Amended into the spread: it takes what crosses now.
    market_event e;
    e.t = t;
    e.book = m.book;
    take(*w, e, m, limit, now);
  }
  sweep(m);
}

std::vector<order> venue::open_orders() const {
  std::vector<std::pair<std::uint64_t, order>> open;
  for (auto& kvp : orders_)
    if (!kvp.second.done)
      open.emplace_back(kvp.second.seq, kvp.second.o);
  std::sort(open.begin(), open.end(),
            [](auto& x, auto& y) { return x.first < y.first; });
  std::vector<order> out;
  out.reserve(open.size());
  for (auto& x : open)
    out.push_back(std::move(x.second));
  return out;
}

// -- matching -----------------------------------------------------------------

void venue::step(working& w, const market_event& e, instrument_state& m,
                 timestamp now) {
  if (w.done || e.t < w.due)
    return;
  auto& b = e.book;
  if (!w.active) {
    w.active = true;
    w.ref_mid = valid_book(b) ? b.mid() : 0;
    if (w.o.type == order_type::limit) {
      activate_limit(w, e, m, now);
      return;
    }
  }
  switch (w.o.type) {
    case order_type::limit: rest_step(w, e, now); return;
    case order_type::stop_market:
    case order_type::take_profit:
      if (!w.triggered) {
        if (!triggers(w, e))
          return;
        w.triggered = true;
        w.wait_from = e.t;
        w.ref_mid = valid_book(b) ? b.mid() : 0;
        emit(w, order_event_kind::accepted,
             "triggered at "
               + format(e.is_trade                   ? e.trade.price
                        : w.o.direction == side::buy ? b.ask
                                                     : b.bid),
             e.t, now);
      }
      break;
    case order_type::market: break;
  }
  // A market order, or a triggered stop or target.
  if (w.used_book >= 0 && b.quote_time <= w.used_book) {
    // Its rest was kept: it waits for a new book, not the one it emptied.
    check_expiry(w, e.t, now);
    return;
  }
  if (!take(w, e, m, 0, now) || w.done)
    return;
  if (remaining(w) > 0) {
    if (w.o.reduce_only && allowed(w) <= 0)
      finish(w, order_event_kind::cancelled, "reduce_only_capped", e.t, now);
    else if (cfg_.partial_remainder == "cancel")
      finish(w, order_event_kind::cancelled, "depth_exhausted", e.t, now);
    else
      w.wait_from = e.t;
  }
}

void venue::activate_limit(working& w, const market_event& e,
                           instrument_state& m, timestamp now) {
  auto& b = e.book;
  auto& o = w.o;
  auto crossing = valid_book(b)
                  && (o.direction == side::buy ? b.ask <= o.limit_price
                                               : b.bid >= o.limit_price);
  if (crossing && o.tif == time_in_force::post_only)
    return finish(w, order_event_kind::rejected, "post_only_would_take", e.t,
                  now);
  if (crossing) {
    take(w, e, m, o.limit_price, now);
    if (w.done)
      return;
  }
  if (o.tif == time_in_force::ioc) {
    if (remaining(w) > 0)
      finish(w, order_event_kind::cancelled,
             w.filled > 0 ? "ioc_remainder" : "ioc_not_marketable", e.t, now);
    return;
  }
  if (remaining(w) > 0) {
    w.resting = true;
    w.queue_ahead = displayed_at(b, o.direction, o.limit_price)
                    * cfg_.queue_position;
    if (e.is_trade)
      rest_step(w, e, now);
  }
}

void venue::rest_step(working& w, const market_event& e, timestamp now) {
  auto& o = w.o;
  auto buy = o.direction == side::buy;
  auto px = o.limit_price;
  auto fill_maker = [&](double qty, const char* note) {
    qty = std::min(qty, allowed(w));
    if (qty <= 0) {
      if (o.reduce_only)
        finish(w,
               w.filled > 0 ? order_event_kind::cancelled
                            : order_event_kind::rejected,
               w.filled > 0 ? "position_closed" : "reduce_only_no_position",
               e.t, now);
      return;
    }
    auto slip = w.ref_mid > 0
                  ? (buy ? px - w.ref_mid : w.ref_mid - px) / w.ref_mid * 1e4
                  : 0.0;
    book_fill(w, qty, px, liquidity::maker, slip, note, e.t, now);
  };
  if (e.is_trade) {
    auto& tr = e.trade;
    if (buy ? tr.price < px : tr.price > px)
      return fill_maker(remaining(w), "traded_through");
    auto hits_us = buy ? tr.aggressor == side::sell : tr.aggressor == side::buy;
    if (tr.price == px && hits_us) {
      auto avail = tr.qty - w.queue_ahead;
      w.queue_ahead = std::max(0.0, w.queue_ahead - tr.qty);
      if (avail > 0)
        fill_maker(std::min(avail, remaining(w)), "traded_at_price");
    }
    return;
  }
  auto& b = e.book;
  if (!valid_book(b))
    return;
  if (buy ? b.ask < px : b.bid > px)
    return fill_maker(remaining(w), "book_through");
  // Orders ahead of ours left the level (or we are the best now).
  auto shown = displayed_at(b, o.direction, px);
  w.queue_ahead = std::min(w.queue_ahead, shown);
}

bool venue::triggers(const working& w, const market_event& e) const {
  auto& o = w.o;
  auto sells = o.direction == side::sell;
  auto stop = o.type == order_type::stop_market;
  double px = 0;
  if (e.is_trade) {
    px = e.trade.price;
  } else {
    if (!valid_book(e.book))
      return false;
    px = sells ? e.book.bid : e.book.ask;
  }
  // A sell stop (protecting a long) fires at or below its price, a sell
  // target at or above; buys mirror that.
  if (stop)
    return sells ? px <= o.stop_price : px >= o.stop_price;
  return sells ? px >= o.stop_price : px <= o.stop_price;
}

bool venue::take(working& w, const market_event& e, instrument_state& m,
                 double limit, timestamp now) {
  auto want = allowed(w);
  if (want <= 0) {
    if (w.o.reduce_only)
      finish(
        w,
        w.filled > 0 ? order_event_kind::cancelled : order_event_kind::rejected,
        w.filled > 0 ? "position_closed" : "reduce_only_no_position", e.t, now);
    return false;
  }
  auto& b = e.book;
  if (auto problem = book_problem(cfg_, b, w.o.direction, e.t);
      !problem.empty()) {
    w.problem = problem;
    check_expiry(w, e.t, now);
    return false;
  }
  auto cond = conditions(m);
  if (cond.bar_sigma * 1e4 > cfg_.extreme_volatility_bps) {
    finish(w,
           w.filled > 0 ? order_event_kind::cancelled
                        : order_event_kind::rejected,
           "extreme_volatility: bar sigma " + format(cond.bar_sigma * 1e4)
             + " bps > " + format(cfg_.extreme_volatility_bps),
           e.t, now);
    return false;
  }
  auto px = price_taker(cfg_, w.o.direction, want, limit, b, cond);
  if (px.qty <= 0) {
    w.problem = px.reason;
    if (limit <= 0)
      check_expiry(w, e.t, now);
    return false;
  }
  auto slip = px.slippage_bps;
  if (w.ref_mid > 0)
    slip = (w.o.direction == side::buy ? px.price - w.ref_mid
                                       : w.ref_mid - px.price)
           / w.ref_mid * 1e4;
  w.used_book = b.quote_time;
  return book_fill(w, px.qty, px.price, liquidity::taker, slip, px.note, e.t,
                   now);
}

bool venue::book_fill(working& w, double qty, double price, liquidity role,
                      double slippage_bps, const std::string& note, timestamp t,
                      timestamp now) {
  auto& o = w.o;
  fill f{ids_.fills.next(),
         o.id,
         o.instrument,
         o.direction,
         qty,
         price,
         fee_of(cfg_, qty, price, role),
         role,
         t,
         now,
         slippage_bps,
         0.0};
  if (auto why = account_.affordability(f); !why.empty()) {
    finish(w,
           w.filled > 0 ? order_event_kind::cancelled
                        : order_event_kind::rejected,
           why, t, now);
    return false;
  }
  f.realized_pnl = account_.apply(f);
  w.filled += qty;
  sink_.on_fill(f);
  auto rest = remaining(w);
  if (rest > 0) {
    emit(w, order_event_kind::partially_filled, note, t, now);
  } else {
    w.done = true;
    emit(w, order_event_kind::filled, note, t, now);
  }
  if (!o.reduce_only && (o.stop_loss > 0 || o.take_profit > 0))
    place_children(w, qty, t, now);
  if (rest <= 0 && !w.sibling.empty()) {
    if (auto* other = find(w.sibling))
      finish(*other, order_event_kind::cancelled, "oco: " + o.id + " filled", t,
             now);
  }
  if (account_.position_qty(o.instrument) == 0) {
    // Nothing left to protect or reduce.
    auto& m = market(o.instrument);
    for (auto& kvp : m.orders) {
      auto* x = find(kvp.second);
      if (x != nullptr && x != &w && x->o.reduce_only)
        finish(*x, order_event_kind::cancelled, "position_closed", t, now);
    }
  }
  return true;
}

void venue::place_children(working& entry, double qty, timestamp t,
                           timestamp now) {
  auto& e = entry.o;
  auto grow = [&](const std::string& id) {
    auto* c = find(id);
    if (c == nullptr)
      return;
    c->o.qty += qty;
    emit(*c, order_event_kind::amended, "bracket qty " + format(c->o.qty), t,
         now);
  };
  if (!entry.stop_child.empty() || !entry.target_child.empty()) {
    grow(entry.stop_child);
    grow(entry.target_child);
    return;
  }
  auto child = [&](order_type type, double trigger) {
    order c;
    c.id = ids_.exits.next();
    c.decision_id = e.decision_id;
    c.signal_id = e.signal_id;
    c.instrument = e.instrument;
    c.direction = opposite(e.direction);
    c.type = type;
    c.qty = qty;
    c.reduce_only = true;
    c.stop_price = trigger;
    c.parent_id = e.id;
    // Placed by the venue as the entry fills: active from the next event.
    c.event_time = t + 1;
    c.init_time = now;
    sink_.on_order(c);
    auto& w = orders_[c.id];
    w.o = c;
    w.seq = ++seq_;
    w.due = c.event_time;
    w.wait_from = w.due;
    market(c.instrument).orders.emplace(w.seq, c.id);
    emit(w, order_event_kind::accepted, "bracket of " + e.id, t, now);
    new_children_.push_back(c.id);
    return c.id;
  };
  if (e.stop_loss > 0)
    entry.stop_child = child(order_type::stop_market, e.stop_loss);
  if (e.take_profit > 0)
    entry.target_child = child(order_type::take_profit, e.take_profit);
  if (!entry.stop_child.empty() && !entry.target_child.empty()) {
    orders_[entry.stop_child].sibling = entry.target_child;
    orders_[entry.target_child].sibling = entry.stop_child;
  }
  account_.set_exits(e.instrument, e.stop_loss, e.take_profit);
}

void venue::check_expiry(working& w, timestamp t, timestamp now) {
  auto waiting = w.o.type == order_type::market || w.triggered;
  if (w.done || !waiting || t - w.wait_from <= cfg_.max_wait)
    return;
  finish(w, order_event_kind::expired,
         w.problem.empty() ? "no_market_data" : w.problem, t, now);
}

void venue::expire(timestamp t, timestamp now) {
  for (auto& kvp : markets_) {
    auto& m = kvp.second;
    for (auto& o : m.orders)
      if (auto* w = find(o.second); w != nullptr && w->active)
        check_expiry(*w, t, now);
      else if (w != nullptr && !w->active && w->o.type == order_type::market
               && t - w->due > cfg_.max_wait)
        finish(*w, order_event_kind::expired, "no_market_data", t, now);
    sweep(m);
  }
}

void venue::on_feed_down(const std::string& instrument,
                         const std::string& reason, timestamp t,
                         timestamp now) {
  auto i = markets_.find(instrument);
  if (i == markets_.end())
    return;
  for (auto& o : i->second.orders) {
    auto* w = find(o.second);
    if (w != nullptr && (w->o.type == order_type::market || w->triggered))
      finish(*w, order_event_kind::expired, reason, t, now);
  }
  sweep(i->second);
}

void venue::sweep(instrument_state& m) {
  for (auto i = m.orders.begin(); i != m.orders.end();) {
    auto w = orders_.find(i->second);
    if (w == orders_.end() || w->second.done) {
      // Final orders are forgotten, except for their id: the record is
      // persistence's.
      if (w != orders_.end()) {
        remember_final(std::move(orders_.extract(w).key()));
      }
      i = m.orders.erase(i);
    } else {
      ++i;
    }
  }
}

void venue::remember_final(std::string id) {
  // The set views the strings the deque owns (a deque's elements stay put
  // on push_back and pop_front).
  constexpr std::size_t keep = 4'096;
  if (final_.count(id) > 0)
    return;
  final_order_.push_back(std::move(id));
  final_.insert(final_order_.back());
  if (final_order_.size() > keep) {
    final_.erase(final_order_.front());
    final_order_.pop_front();
  }
}

bool venue::known(const std::string& id) const {
  return orders_.count(id) > 0 || final_.count(id) > 0;
}

// -- market data --------------------------------------------------------------

bool venue::accept_time(instrument_state& m, timestamp t) {
  if (t < m.time) {
    ++out_of_order_;
    return false;
  }
  m.time = t;
  time_ = std::max(time_, t);
  return true;
}

void venue::record(instrument_state& m, market_event e, timestamp now,
                   const std::string& instrument) {
  m.history.push_back(std::move(e)); // full: replaces the oldest
  auto& ev = m.history.back();
  for (auto& kvp : m.orders)
    if (auto* w = find(kvp.second))
      step(*w, ev, m, now);
  // Children placed meanwhile start with the next event.
  new_children_.clear();
  after_market(instrument, m, ev.t, now);
  sweep(m);
}

void venue::book_changed(instrument_state& m, const std::string& instrument,
                         timestamp t, timestamp now) {
  if (valid_book(m.book)) {
    m.stats.on_mid(m.book.mid(), t);
    if (!m.mark_feed)
      account_.mark(instrument, m.book.mid());
  }
  market_event e;
  e.t = t;
  e.book = m.book;
  record(m, std::move(e), now, instrument);
}

void venue::on_quote(const quote_tick& q, timestamp now) {
  auto& m = market(q.instrument);
  if (!accept_time(m, q.event_time))
    return;
  m.book.take(q);
  book_changed(m, q.instrument, q.event_time, now);
}

void venue::on_book(const book_snapshot& b, timestamp now) {
  auto& m = market(b.instrument);
  if (!accept_time(m, b.event_time))
    return;
  m.book.take(b);
  book_changed(m, b.instrument, b.event_time, now);
}

void venue::on_trade(const trade_tick& t, timestamp now) {
  auto& m = market(t.instrument);
  if (!accept_time(m, t.event_time))
    return;
  m.stats.on_volume(t.qty, t.event_time);
  market_event e;
  e.t = t.event_time;
  e.is_trade = true;
  e.book = m.book;
  e.trade = {t.price, t.qty, t.aggressor};
  record(m, std::move(e), now, t.instrument);
}

void venue::on_bar(const bar& b) {
  auto& m = market(b.instrument);
  m.stats.on_mid(b.close, b.end_time);
}

void venue::on_mark(const mark_price& mk, timestamp now) {
  auto& m = market(mk.instrument);
  if (!accept_time(m, mk.event_time))
    return;
  if (!m.mark_feed) {
    // A mark price makes it a perpetual, whatever the config says.
    m.mark_feed = true;
    if (!account_.terms(mk.instrument).perpetual)
      account_.set_terms(mk.instrument,
                         {true, cfg_.leverage_of(mk.instrument)});
  }
  if (std::isfinite(mk.mark) && mk.mark > 0)
    account_.mark(mk.instrument, mk.mark);
  auto t = mk.event_time;
  // Settle at the announced time with the rate announced before it.
  if (m.rate_known && m.next_funding > 0 && t >= m.next_funding) {
    settle_funding(mk.instrument, m, m.funding_rate, m.next_funding);
    m.next_funding = 0;
  }
  if (std::isfinite(mk.funding_rate)) {
    m.funding_rate = mk.funding_rate;
    m.rate_known = true;
  }
  if (mk.next_funding_time > t)
    m.next_funding = mk.next_funding_time;
  after_market(mk.instrument, m, t, now);
  sweep(m);
}

void venue::after_market(const std::string& instrument, instrument_state& m,
                         timestamp t, timestamp now) {
  if (!m.mark_feed && !m.perpetual)
    return;
  if (!m.mark_feed) {
    // Replay without marks: the configured rate at every interval boundary.
    auto interval = cfg_.funding_interval;
    if (m.next_funding <= 0)
      m.next_funding = (t / interval + 1) * interval;
    for (int n = 0; t >= m.next_funding && n < 10'000; ++n) {
      settle_funding(instrument, m, cfg_.funding_rate_fallback, m.next_funding);
      m.next_funding += interval;
    }
  }
  // The alarm: the rate in force, per hour of the funding interval.
  auto hours = static_cast<double>(cfg_.funding_interval) / 3600e9;
  auto rate = m.mark_feed ? m.funding_rate : cfg_.funding_rate_fallback;
  auto per_hour = std::fabs(rate) * 100 / hours;
  if ((m.mark_feed ? m.rate_known : true)
      && per_hour > cfg_.funding_alarm_pct_per_hour
      && m.alarmed != m.next_funding) {
    m.alarmed = m.next_funding;
    sink_.on_alarm("funding spike on " + instrument + ": " + format(rate * 100)
                     + " % per interval = " + format(per_hour)
                     + " %/h (alarm above "
                     + format(cfg_.funding_alarm_pct_per_hour) + " %/h)",
                   t);
  }
  if (account_.liquidation_due(instrument))
    liquidate(instrument, m, t, now);
}

void venue::settle_funding(const std::string& instrument, instrument_state& m,
                           double rate, timestamp t) {
  auto i = account_.positions().find(instrument);
  if (i == account_.positions().end() || i->second.qty == 0)
    return;
  auto mark = i->second.mark;
  if (!(mark > 0) && valid_book(m.book))
    mark = m.book.mid();
  auto paid = account_.settle_funding(instrument, rate, mark);
  sink_.on_funding(instrument, rate, paid, t);
}

void venue::liquidate(const std::string& instrument, instrument_state& m,
                      timestamp t, timestamp now) {
  auto& p = account_.positions().at(instrument);
  auto liq = account_.liquidation_price(instrument);
  auto mark = p.mark;
  for (auto& kvp : m.orders)
    if (auto* w = find(kvp.second))
      finish(*w, order_event_kind::cancelled, "liquidation", t, now);
  order x;
  x.id = ids_.liquidations.next();
  x.instrument = instrument;
  x.direction = p.qty > 0 ? side::sell : side::buy;
  x.type = order_type::market;
  x.qty = std::fabs(p.qty);
  x.reduce_only = true;
  x.event_time = t;
  x.init_time = now;
  sink_.on_order(x);
  auto& w = orders_[x.id];
  w.o = x;
  w.seq = ++seq_;
  w.due = t;
  w.active = true;
  w.ref_mid = mark;
  auto why = "liquidation: mark " + format(mark) + " crossed " + format(liq)
             + " (liquidation price, offset "
             + format(cfg_.liquidation_offset_pct) + " %)";
  emit(w, order_event_kind::accepted, why, t, now);
  // Against the book when it can take the whole position; else at the mark
  // less the largest impact: a liquidation always completes.
  double price = 0;
  std::string note = "liquidation";
  if (book_problem(cfg_, m.book, x.direction, t).empty()) {
    auto px = price_taker(cfg_, x.direction, x.qty, 0, m.book, conditions(m));
    if (px.qty >= x.qty)
      price = px.price;
  }
  if (price <= 0) {
    auto sign = x.direction == side::buy ? 1.0 : -1.0;
    price = mark * (1 + sign * cfg_.max_impact_bps / 1e4);
    note = "liquidation at the mark less max_impact_bps";
  }
  auto slip = (x.direction == side::buy ? price - mark : mark - price) / mark
              * 1e4;
  fill f{ids_.fills.next(),
         x.id,
         instrument,
         x.direction,
         x.qty,
         price,
         fee_of(cfg_, x.qty, price, liquidity::taker),
         liquidity::taker,
         t,
         now,
         slip,
         0.0};
  f.realized_pnl = account_.apply(f);
  w.filled = x.qty;
  sink_.on_fill(f);
  emit(w, order_event_kind::filled, note, t, now);
  sink_.on_alarm(instrument + " liquidated: " + why, t);
  remember_final(x.id);
  orders_.erase(x.id);
}

} // namespace cdb

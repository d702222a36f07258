#include "actors/signal/engine.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>

namespace cdb {

struct signal_engine::instance {
  const strategy_spec* spec;
  std::string instrument;
  bar_builder bars;
  std::unique_ptr<strategy> impl;
  std::size_t cooldown_left = 0;
  bool warm = false;
  strategy_status status;
  /// Time bars: this instance's entry of built_until_ (its instrument and
  /// interval), found when the instance is made, not per closed bar.
  timestamp* kept_until = nullptr;
};

signal_engine::signal_engine(const signal_config& cfg)
  : cfg_(cfg), specs_(cfg.specs()), default_bars_(cfg.default_bars()) {
  for (auto& spec : specs_)
    for (auto& name : spec.instruments)
      route(name);
}

signal_engine::~signal_engine() = default;

void signal_engine::add_instances(const std::string& instrument,
                                  std::vector<instance*>& into) {
  std::vector<std::string> errors;
  for (auto& spec : specs_) {
    if (!spec.applies_to(instrument))
      continue;
    strategy_params params{spec.text, spec.params, errors};
    auto bars = spec.own_bars ? spec.bars : default_bars_;
    auto impl = cfg_.registry->make(spec.name, params);
    if (!impl) // validate() made one already: cannot happen
      continue;
    auto i = std::make_unique<instance>(
      instance{&spec, instrument, bar_builder{instrument, bars, cfg_.fill_gaps},
               std::move(impl), 0, false, strategy_status{}, nullptr});
    if (bars.kind == bar_kind::time) // the map's entries never move
      i->kept_until = &built_until_
                         .try_emplace(instrument + '/'
                                        + std::to_string(bars.interval),
                                      std::numeric_limits<timestamp>::min())
                         .first->second;
    i->status.strategy = spec.name;
    i->status.instrument = instrument;
    i->status.bars = to_string(bars);
    into.push_back(i.get());
    instances_.push_back(std::move(i));
  }
}

std::vector<signal_engine::instance*>&
signal_engine::route(const std::string& instrument) {
  return cached(route_cache_, instrument, [&]() -> std::vector<instance*>& {
    auto i = routes_.find(instrument);
    if (i == routes_.end()) {
      i = routes_.emplace(instrument, std::vector<instance*>{}).first;
      add_instances(instrument, i->second);
    }
    return i->second;
  });
}

template <class F>
void signal_engine::guarded(instance& i, F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    fail(i, e.what());
  } catch (...) {
    fail(i, "an exception that is not a std::exception");
  }
}

void signal_engine::fail(instance& i, const std::string& what) {
  ++errors_;
  auto& st = i.status;
  ++st.errors;
  st.last_error = what;
  intents_.clear();
  auto name = st.strategy + ' ' + st.instrument;
  if (st.errors >= cfg_.max_strategy_errors) {
    st.disabled = true;
    i.warm = st.warm = false;
    events_.push_back({engine_event_kind::disabled,
                       name + " disabled after " + std::to_string(st.errors)
                         + " errors; last: " + what});
    return;
  }
  // Start afresh: whatever state led to the error is gone.
  std::vector<std::string> errors;
  strategy_params params{i.spec->text, i.spec->params, errors};
  i.impl = cfg_.registry->make(i.spec->name, params);
  if (!i.impl) // validate() made one with these parameters: cannot happen
    st.disabled = true;
  i.warm = st.warm = false;
  st.bars_seen = 0;
  i.cooldown_left = 0;
  events_.push_back({engine_event_kind::error,
                     name + " failed (" + std::to_string(st.errors) + " of "
                       + std::to_string(cfg_.max_strategy_errors)
                       + " allowed): " + what + "; restarted, warming up"});
}

void signal_engine::emit(instance& i, timestamp t, bool cooling,
                         std::vector<signal>& out) {
  for (auto& x : intents_) {
    if (!std::isfinite(x.ref_price) || x.ref_price <= 0) {
      fail(i,
           "signal intent with reference price " + std::to_string(x.ref_price));
      return;
    }
    if (!i.warm || cooling || replaying_) {
      ++i.status.suppressed;
      if (i.warm && !cooling) // replay: the cooldown still starts
        i.cooldown_left = i.spec->cooldown;
      continue;
    }
    signal s;
    s.strategy = i.spec->name;
    s.instrument = i.instrument;
    s.direction = x.direction;
    s.strength = std::isfinite(x.strength)
                   ? std::min(1.0, std::max(0.0, x.strength))
                   : 0.0;
    s.ref_price = x.ref_price;
    s.stop_hint = std::isfinite(x.stop_hint) && x.stop_hint > 0 ? x.stop_hint
                                                                : 0.0;
    s.reason = std::move(x.reason);
    s.event_time = t;
    out.push_back(std::move(s));
    ++i.status.signals;
    i.cooldown_left = i.spec->cooldown;
  }
  intents_.clear();
}

void signal_engine::on_closed_bar(instance& i, const bar& b, timestamp t,
                                  std::vector<signal>& out) {
  if (i.status.disabled)
    return;
  ++i.status.bars_seen;
  bool cooling = i.cooldown_left > 0;
  if (cooling)
    --i.cooldown_left;
  intents_.clear();
  guarded(i, [&] { i.impl->on_bar(b, intents_); });
  if (i.status.disabled || !i.impl)
    return;
  if (!i.warm && i.status.bars_seen >= i.spec->warmup && i.impl->warm()) {
    i.warm = i.status.warm = true;
    events_.push_back({engine_event_kind::warm,
                       i.status.strategy + ' ' + i.instrument + " warm after "
                         + std::to_string(i.status.bars_seen) + " bars of "
                         + i.status.bars});
  }
  emit(i, t, cooling, out);
}

void signal_engine::bars_closed(instance& i, timestamp t,
                                std::vector<signal>& out) {
  for (auto& b : closed_) {
    // The builder's bars are the instance's series: time bars carry its
    // interval, activity bars 0 (never recorded).
    if (record_bars_ && b.interval > 0 && b.start_time > *i.kept_until) {
      *i.kept_until = b.start_time;
      built_.push_back(b);
    }
    on_closed_bar(i, b, t, out);
  }
  closed_.clear();
}

std::vector<bar> signal_engine::take_built_bars() {
  std::vector<bar> result;
  result.swap(built_);
  return result;
}

void signal_engine::on_recorded_bar(const bar& b, std::vector<signal>& out) {
  for (auto* i : route(b.instrument))
    if (!i->status.disabled && i->bars.take_recorded(b))
      on_closed_bar(*i, b, b.end_time, out);
}

void signal_engine::on_trade(const trade_tick& t, std::vector<signal>& out) {
  for (auto* i : route(t.instrument)) {
    if (i->status.disabled)
      continue;
    guarded(*i, [&] { i->impl->on_trade(t, intents_); });
    if (!intents_.empty())
      emit(*i, t.event_time, i->cooldown_left > 0, out);
    i->bars.add(t, closed_);
    bars_closed(*i, t.event_time, out);
  }
}

void signal_engine::on_quote(const quote_tick& q, std::vector<signal>& out) {
  for (auto* i : route(q.instrument)) {
    if (i->status.disabled)
      continue;
    guarded(*i, [&] { i->impl->on_quote(q, intents_); });
    if (!intents_.empty())
      emit(*i, q.event_time, i->cooldown_left > 0, out);
    i->bars.advance(q.event_time, closed_);
    bars_closed(*i, q.event_time, out);
  }
}

void signal_engine::on_bar(const bar& b, std::vector<signal>& out) {
  for (auto* i : route(b.instrument))
    if (i->bars.take_venue(b))
      on_closed_bar(*i, b, b.end_time, out);
}

bool signal_engine::warm() const noexcept {
  return !instances_.empty() && warm_instances() == instances_.size();
}

std::size_t signal_engine::warm_instances() const noexcept {
  std::size_t n = 0;
  for (auto& i : instances_)
    n += i->warm ? 1 : 0;
  return n;
}

std::vector<strategy_status> signal_engine::status() const {
  std::vector<strategy_status> out;
  out.reserve(instances_.size());
  for (auto& i : instances_)
    out.push_back(i->status);
  return out;
}

std::vector<engine_event> signal_engine::take_events() {
  std::vector<engine_event> out;
  out.swap(events_);
  return out;
}

} // namespace cdb

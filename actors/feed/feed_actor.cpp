#include "actors/feed/feed_actor.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>

#include <caf/all.hpp>

#include "actors/feed/data_silence.hpp"
#include "actors/feed/mexc_format.hpp"
#include "runtime/config_check.hpp"
#include "runtime/log.hpp"

namespace cdb {

replay_options feed_config::replay_opts() const {
  replay_options o;
  from_string(format, o.format);
  o.instrument = bar_instrument;
  o.bar_interval = bar_interval;
  return o;
}

std::unique_ptr<replay_merge>
feed_config::open_replay(std::string& error,
                         std::atomic<std::uint64_t>* bytes_read) const {
  auto opts = replay_opts();
  opts.bytes_read = bytes_read;
  std::vector<std::unique_ptr<replay_file>> opened;
  for (auto& path : files) {
    auto f = replay_file::open(path, opts, error);
    if (!f)
      return nullptr;
    opened.push_back(std::move(f));
  }
  auto merged = std::make_unique<replay_merge>(std::move(opened));
  merged->window(replay_from, replay_to);
  return merged;
}

bool feed_config::sizes(cdb::contract_sizes& out, std::string& error) const {
  for (auto& entry : contract_sizes) {
    auto eq = entry.find('=');
    double x = 0;
    std::size_t used = 0;
    try {
      if (eq != std::string::npos && eq > 0)
        x = std::stod(entry.substr(eq + 1), &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (eq == std::string::npos || eq == 0 || used == 0
        || used != entry.size() - eq - 1 || !std::isfinite(x) || x <= 0) {
      error = entry;
      return false;
    }
    out[entry.substr(0, eq)] = x;
  }
  return true;
}

ws_client_config feed_config::client_config() const {
  ws_client_config wc;
  ws_url::parse(url, wc.url);
  wc.ca_file = ca_file;
  wc.idle_timeout = idle_timeout;
  wc.rotate_after = rotate_after;
  if (mexc()) {
    for (auto& spec : subscribe) {
      mexc_channel ch;
      if (mexc_channel::parse(spec, ch))
        wc.subscribe.push_back(mexc_subscribe(ch));
    }
    wc.ping_text = mexc_ping();
    wc.ping_every = ping_every;
  }
  return wc;
}

void feed_config::validate(std::vector<std::string>& errors) const {
  config_check c{"feed", errors};
  synthetic.validate(errors);
  c.require(source == "synthetic" || source == "replay" || source == "binance"
              || source == "mexc",
            "source", source, "must be synthetic, replay, binance or mexc");
  ws_url u;
  c.require(!live() || ws_url::parse(url, u), "url", url,
            "must be ws:// or wss://host[:port]/path for a live source");
  c.require_span(ping_every >= 0, "ping_every", ping_every, "must be >= 0");
  c.require_span(idle_timeout >= 0, "idle_timeout", idle_timeout,
                 "must be >= 0");
  c.require_span(rotate_after == 0 || rotate_after >= 1'000'000'000,
                 "rotate_after", rotate_after, "must be 0 (never) or >= 1s");
  cdb::contract_sizes known;
  std::string bad;
  c.require(sizes(known, bad), "contract_sizes", bad,
            "must be SYMBOL=SIZE with SIZE > 0, e.g. BTC_USDT=0.0001");
  if (mexc()) {
    c.require(!subscribe.empty(), "subscribe", "[]",
              "must name at least one channel when feed.source = mexc");
    for (auto& spec : subscribe) {
      mexc_channel ch;
      if (!mexc_channel::parse(spec, ch))
        c.require(false, "subscribe", spec,
                  "must be SYMBOL@deal, @ticker, @depth5/10/20 or "
                  "@kline_<Min1|Min5|Min15|Min30|Min60|Hour4|Hour8|Day1|"
                  "Week1|Month1>");
      else
        c.require(known.count(ch.symbol) > 0, "contract_sizes", ch.symbol,
                  "must give the contract size of every subscribed symbol");
    }
  }
  record_format f;
  c.require(from_string(format, f), "format", format,
            "must be detect, tardis_trades, tardis_quotes, tardis_book, "
            "ohlcv_bars, binance_klines or ws_jsonl");
  c.require(std::isfinite(speed) && speed > 0 && speed <= 1e6, "speed", speed,
            "must be in (0, 1e6]");
  c.require_span(bar_interval > 0, "bar_interval", bar_interval, "must be > 0");
  c.require_span(stale_after > 0, "stale_after", stale_after, "must be > 0");
  c.require(std::isfinite(bar_quote_spread_bps) && bar_quote_spread_bps >= 0
              && bar_quote_spread_bps <= 1000,
            "bar_quote_spread_bps", bar_quote_spread_bps,
            "must be in [0, 1000]");
  c.require(std::isfinite(trade_quote_spread_bps) && trade_quote_spread_bps >= 0
              && trade_quote_spread_bps <= 1000,
            "trade_quote_spread_bps", trade_quote_spread_bps,
            "must be in [0, 1000]");
  c.require(history_trades <= 10'000'000, "history_trades", history_trades,
            "must be <= 10000000 (about 1 GB per instrument)");
  c.require(history_bars <= 1'000'000, "history_bars", history_bars,
            "must be <= 1000000");
  if (!replay())
    return;
  auto before = errors.size();
  c.require(!files.empty(), "files", "[]",
            "must name at least one file when feed.source = replay");
  std::string error;
  if (errors.size() == before && !open_replay(error))
    errors.push_back("feed.files: " + error);
}

namespace {

using self_ptr = instrumented_pointer<feed_actor, feed_state>;

/// Sorts the subscribers into those that take market data by calls, in
/// role order, and the others; after every change of the subscribers.
void sort_subscribers(self_ptr self, const actor_context& ctx) {
  auto& st = self->state;
  st.direct.clear();
  st.by_message.clear();
  for (auto& sink : st.subscribers) {
    auto taker = ctx.direct ? ctx.direct->find(sink->id()) : nullptr;
    if (taker)
      st.direct.push_back({sink, std::move(taker)});
    else
      st.by_message.push_back(sink);
  }
  std::stable_sort(st.direct.begin(), st.direct.end(),
                   [](const auto& a, const auto& b) {
                     return a.taker->rank < b.taker->rank;
                   });
}

/// The feed is about to send the direct subscribers something else: what
/// they have of this step goes by message first, and the rest of the step.
void hand_over_by_message(self_ptr self) {
  auto& st = self->state;
  if (st.step.empty())
    return; // what comes later goes behind this message anyway
  for (auto& d : st.direct) {
    if (d.by_message)
      continue;
    d.by_message = true;
    st.step.each([&](const auto& x) { self->send(d.sink, x); });
  }
}

/// The step is complete: each direct subscriber takes it by calls, in role
/// order, if it was idle at the start (else by message, behind its mail);
/// what they send meanwhile queues as in their turns.
void hand_over(self_ptr self) {
  auto& st = self->state;
  for (auto& d : st.direct)
    d.idle = !d.by_message && d.taker->alive
             && direct_market::idle(d.taker->actor);
  for (auto& d : st.direct) {
    if (d.by_message) {
      d.by_message = false;
      continue;
    }
    if (!d.idle) {
      st.step.each([&](const auto& x) { self->send(d.sink, x); });
      continue;
    }
    try {
      d.taker->take(st.step);
    } catch (const std::exception& e) {
      // As in its own turn: the subscriber fails, its supervisor decides.
      CDB_ERROR("feed", d.taker->actor->name()
                          << " failed on market data: " << e.what());
      d.taker->alive = false;
      self->send_exit(d.sink, caf::make_error(caf::sec::runtime_error,
                                              std::string{e.what()}));
    }
  }
  st.step.clear();
}

/// " (12 more since 00:43:37.596Z not logged)", or nothing for none.
std::string untold_words(std::uint64_t n, timestamp since) {
  if (n == 0)
    return {};
  return " (" + std::to_string(n) + " more since " + format_time(since)
         + " not logged)";
}

/// Tells subscribers an instrument's health; a bad one is counted and is a
/// warning in the log (the first few per instrument, then one an hour:
/// stale_log.hpp), unless `planned` (the data ran out as it should: a
/// replay's end, the tick budget), which is no news for whoever is on call.
void send_status(self_ptr self, const actor_context& ctx, const feed_status& s,
                 bool planned = false) {
  auto* cell = s.instrument.empty()
                 ? nullptr
                 : &ctx.metrics->feed_instruments.at({s.instrument});
  if (cell != nullptr)
    cell->health = static_cast<int>(s.state);
  if (s.state != feed_health::fresh && planned)
    CDB_INFO("feed", s.instrument << ' ' << to_string(s.state) << ": "
                                  << s.reason << " (data age "
                                  << s.data_age / 1'000'000 << " ms)");
  else if (s.state != feed_health::fresh) {
    if (cell != nullptr)
      cell->stale++;
    auto v = self->state.stale_lines.on_turn(s.instrument, s.event_time);
    if (v.log)
      CDB_WARN("feed", s.instrument
                         << ' ' << to_string(s.state) << ": " << s.reason
                         << " (data age " << s.data_age / 1'000'000 << " ms)"
                         << untold_words(v.untold, v.untold_since)
                         << (v.last ? "; from here on at most one such line "
                                      "an hour (cdb_feed_stale_total counts "
                                      "every turn)"
                                    : ""));
  }
  hand_over_by_message(self);
  for (auto& sink : self->state.subscribers)
    self->send(sink, s);
  for (auto& sink : self->state.status_subscribers)
    self->send(sink, s);
}

/// Sends `x` to `subs` as one shared message: CAF copies a message only
/// for a receiver that changes it, so three subscribers cost one tuple
/// (and one copy of its strings), not three.
template <class T>
void send_all(self_ptr self, const std::vector<market_sink>& subs, const T& x) {
  if (subs.empty())
    return;
  if (subs.size() == 1) {
    self->send(subs.front(), x);
    return;
  }
  auto msg = caf::make_message(x);
  for (auto& sink : subs)
    caf::actor_cast<caf::abstract_actor*>(sink)->enqueue(
      self->ctrl(), caf::make_message_id(), msg, self->context());
}

/// With direct subscribers: sends `x` to every subscriber that gets it by
/// message; true if a direct subscriber is to take it with the step.
template <class T>
bool send_by_message(self_ptr self, const T& x) {
  auto& st = self->state;
  send_all(self, st.by_message, x);
  bool kept = false;
  for (auto& d : st.direct)
    if (d.by_message)
      self->send(d.sink, x);
    else
      kept = true;
  return kept;
}

/// Publishes `x` to every market subscriber: a message each, or for a
/// direct subscriber into the step it takes at the end of the step.
template <class T>
void broadcast(self_ptr self, const T& x) {
  auto& st = self->state;
  if (st.direct.empty())
    send_all(self, st.subscribers, x);
  else if (send_by_message(self, x))
    st.step.add(x);
}

/// Publishes every record of `xs` as broadcast() does; the step takes them
/// without a copy. Leaves `xs` empty.
template <class T>
void broadcast_all(self_ptr self, std::vector<T>& xs) {
  auto& st = self->state;
  // A backtest's usual step: every subscriber takes it by calls.
  if (!st.direct.empty() && st.by_message.empty()
      && std::none_of(st.direct.begin(), st.direct.end(),
                      [](const auto& d) { return d.by_message; })) {
    if (!xs.empty())
      st.step.take(xs);
    return;
  }
  bool kept = false;
  for (auto& x : xs)
    if (st.direct.empty())
      send_all(self, st.subscribers, x);
    else
      kept |= send_by_message(self, x);
  if (kept)
    st.step.take(xs);
  xs.clear();
}

/// Tells the status subscribers (the circuit breaker, persistence's record)
/// of an event that leaves the health as it is: a gap, a reconnect. The
/// market subscribers do not hear it.
void report(self_ptr self, const std::string& instrument, std::string reason,
            timestamp t) {
  feed_status s;
  s.instrument = instrument;
  s.reason = std::move(reason);
  s.event_time = t;
  for (auto& sink : self->state.status_subscribers)
    self->send(sink, s);
}

/// Adds `sink` (once) and tells it the current health of every instrument;
/// false if it was subscribed already.
template <class Sink>
bool add_subscriber(self_ptr self, const actor_context& ctx,
                    std::vector<Sink>& subs, const Sink& sink) {
  if (std::find(subs.begin(), subs.end(), sink) != subs.end())
    return false;
  self->monitor(sink);
  subs.push_back(sink);
  for (auto& s : self->state.watchdog->current(ctx.clock->now()))
    self->send(sink, s);
  return true;
}

/// Data for `instrument` arrived: the watchdog may announce it fresh.
void saw(self_ptr self, const actor_context& ctx,
         const std::string& instrument) {
  auto now = ctx.clock->now();
  auto& cell = cached(self->state.feed_cells, instrument,
                      [&]() -> instrument_feed& {
                        return ctx.metrics->feed_instruments.at({instrument});
                      });
  cell.last_data.store(now, std::memory_order_relaxed);
  if (auto s = self->state.watchdog->on_data(instrument, now))
    send_status(self, ctx, *s);
}

/// The feed has nothing more to say: subscribers hear it, the node may stop.
void finish(self_ptr self, const actor_context& ctx, const std::string& why,
            timestamp t) {
  auto& st = self->state;
  st.stopped = true;
  ctx.metrics->feed_done = true;
  CDB_INFO("feed",
           why << "; feed stopped after " << st.published << " records ("
               << st.trade_ids.stale() + st.quote_ids.stale()
                    + st.book_ids.stale() + st.out_of_order
               << " stale or duplicate records dropped, " << st.trade_ids.gaps()
               << " gaps, " << st.trade_ids.missing() << " trades missing)");
  for (auto& s : st.watchdog->disconnect(why, t))
    send_status(self, ctx, s, true);
  for (auto& u : st.stale_lines.flush())
    CDB_WARN("feed", u.instrument << " turned stale or disconnected " << u.count
                                  << " more times from " << format_time(u.since)
                                  << " on, not logged");
}

/// The instrument a record is about.
const std::string& instrument_of(const market_message& m) {
  switch (m.kind) {
    case market_kind::trade: return m.trade.instrument;
    case market_kind::quote: return m.quote.instrument;
    case market_kind::book: return m.book.instrument;
    case market_kind::bar: return m.kline.instrument;
    default: return m.mark.instrument;
  }
}

/// False for a record subscribers must not see: a venue sequence not newer
/// than the last one (a duplicate or out of order), a bar not after the
/// last one of its instrument and interval, an id-less trade older than the
/// last one of its instrument.
bool in_order(feed_state& st, const market_message& m,
              const std::string& name) {
  if (m.sequence != 0) {
    // Trade ids are contiguous; update and book ids merely increasing.
    bool trade = m.kind == market_kind::trade;
    auto& ids = trade                          ? st.trade_ids
                : m.kind == market_kind::quote ? st.quote_ids
                                               : st.book_ids;
    auto v = ids.check(name, m.sequence, trade);
    if (v == seq_verdict::gap && trade && ids.gaps() <= 10)
      CDB_WARN("feed", name << " trade ids jump to " << m.sequence << ": gap "
                            << ids.gaps());
    return v != seq_verdict::stale;
  }
  auto later = [&](std::map<std::string, timestamp, std::less<>>& last,
                   const std::string& key, timestamp t, bool strictly) {
    auto i = last.find(key);
    if (i != last.end() && (strictly ? t <= i->second : t < i->second)) {
      ++st.out_of_order;
      return false;
    }
    last[key] = t;
    return true;
  };
  if (m.kind == market_kind::bar)
    return later(st.bar_starts, name + '/' + std::to_string(m.kline.interval),
                 m.kline.start_time, true);
  if (m.kind == market_kind::trade) // MEXC deals: several per millisecond
    return later(st.trade_times, name, m.trade.event_time, false);
  return true;
}

feed_kind kind_of(const market_message& m) {
  switch (m.kind) {
    case market_kind::trade: return feed_kind::trade;
    case market_kind::quote: return feed_kind::quote;
    case market_kind::book: return feed_kind::book;
    case market_kind::bar: return feed_kind::bar;
    default: return feed_kind::mark;
  }
}

/// Publishes a quote the feed made for a recording without one (of a bar,
/// of a trade): a tick like a recorded quote.
void publish_made(self_ptr self, const actor_context& ctx,
                  const quote_tick& q) {
  broadcast(self, q);
  ++ctx.metrics->ticks;
  count_feed(*ctx.metrics, feed_kind::quote);
}

/// Before a replayed trade: the quote it stands in for, if one is made;
/// the warning, once, that its instrument's trades have no recorded quote.
void quote_of_trade(self_ptr self, const actor_context& ctx,
                    const trade_tick& t) {
  auto& made = *self->state.quotes_from_trades;
  auto out = made.on_trade(t);
  if (out.tell && made.spread_bps() > 0)
    CDB_INFO("feed", t.instrument << ": no recorded quote or book since "
                                  << format_time(out.since)
                                  << "; its trades make its quotes ("
                                  << "feed.trade_quote_spread_bps = "
                                  << made.spread_bps() << ")");
  else if (out.tell)
    CDB_WARN("feed",
             t.instrument
               << ": trades without a recorded quote or book since "
               << format_time(out.since)
               << ", longer than feed.stale_after: risk rejects its signals "
                  "as stale data and the paper venue has no price to fill "
                  "at; feed.trade_quote_spread_bps = 1 (or the instrument's "
                  "usual spread in bps) makes a quote of each such trade");
  if (!out.quote)
    return;
  // The quote first, as for a bar's: the trade's takers see its price.
  publish_made(self, ctx, *out.quote);
}

/// Publishes one record that passes the order checks.
void publish(self_ptr self, const actor_context& ctx, const market_message& m) {
  auto& st = self->state;
  auto& name = instrument_of(m);
  if (!in_order(st, m, name))
    return;
  saw(self, ctx, name);
  if (auto gaps = st.trade_ids.gaps(); gaps > st.reported_gaps) {
    ctx.metrics->feed_gaps += gaps - st.reported_gaps;
    // Each of the first 100, then every 100th: a record, not a flood.
    if (gaps <= 100 || gaps % 100 == 0)
      report(self, name,
             "gap: trade ids jump to " + std::to_string(m.sequence) + " (gap "
               + std::to_string(gaps) + ", "
               + std::to_string(st.trade_ids.missing())
               + " trades missing so far)",
             m.trade.event_time);
    st.reported_gaps = gaps;
  }
  if (m.kind == market_kind::trade)
    st.history->add(m.trade);
  else if (m.kind == market_kind::bar)
    st.history->add(m.kline);
  if (st.quotes_from_trades) {
    if (m.kind == market_kind::quote)
      st.quotes_from_trades->recorded(name, m.quote.event_time);
    else if (m.kind == market_kind::book)
      st.quotes_from_trades->recorded(name, m.book.event_time);
    else if (m.kind == market_kind::trade)
      quote_of_trade(self, ctx, m.trade);
  }
  if (m.kind == market_kind::bar && st.bar_quote_spread_bps > 0) {
    // The quote first: whoever acts on the bar already has its price.
    auto half = m.kline.close * st.bar_quote_spread_bps / 2e4;
    quote_tick q;
    q.instrument = m.kline.instrument;
    q.bid = m.kline.close - half;
    q.ask = m.kline.close + half;
    q.bid_qty = q.ask_qty = m.kline.volume;
    q.event_time = q.recv_time = m.kline.end_time;
    publish_made(self, ctx, q);
  }
  switch (m.kind) {
    case market_kind::trade: broadcast(self, m.trade); break;
    case market_kind::quote: broadcast(self, m.quote); break;
    case market_kind::book: broadcast(self, m.book); break;
    case market_kind::bar: broadcast(self, m.kline); break;
    case market_kind::mark: broadcast(self, m.mark); break;
    case market_kind::none: break;
  }
  ++st.published;
  count_feed(*ctx.metrics, kind_of(m));
  if (m.kind == market_kind::trade || m.kind == market_kind::quote)
    ++ctx.metrics->ticks;
  else
    ++st.others;
}

/// One step of the synthetic market; the wait until the next, none once
/// the feed stops.
std::optional<std::chrono::nanoseconds>
synthetic_step(self_ptr self, const feed_config& cfg,
               const actor_context& ctx) {
  auto& st = self->state;
  st.market->step(st.quotes, st.trades);
  for (auto& q : st.quotes)
    saw(self, ctx, q.instrument);
  for (auto& t : st.trades)
    st.history->add(t);
  auto n = st.quotes.size() + st.trades.size();
  st.published += n;
  ctx.metrics->ticks += n;
  count_feed(*ctx.metrics, feed_kind::quote, st.quotes.size());
  count_feed(*ctx.metrics, feed_kind::trade, st.trades.size());
  broadcast_all(self, st.quotes);
  broadcast_all(self, st.trades);
  if (cfg.max_ticks > 0 && ctx.metrics->ticks >= cfg.max_ticks) {
    finish(self, ctx, "tick budget reached", st.market->time());
    return std::nullopt;
  }
  // Pace in real time: aim at the next step's event time.
  auto step = std::chrono::nanoseconds{cfg.synthetic.step};
  auto next = st.market->time() + cfg.synthetic.step - ctx.clock->now();
  auto delay = std::chrono::nanoseconds{next > 0 ? next : 0};
  return std::min(delay, step);
}

/// Starts a replay once the expected subscribers are in, and the market
/// clock with it.
void maybe_release(self_ptr self, const feed_config& cfg,
                   const actor_context& ctx) {
  auto& st = self->state;
  if (st.released || st.subscribers.size() < cfg.await_subscribers)
    return;
  st.released = true;
  ctx.clock->start();
  self->send(self, timer_atom::value);
}

/// Publishes the records due by now; the wait until the next is due, none
/// before the release or once the feed stops.
std::optional<std::chrono::nanoseconds>
replay_step(self_ptr self, const feed_config& cfg, const actor_context& ctx) {
  auto& st = self->state;
  if (!st.released)
    return std::nullopt; // maybe_release() sends the first timer
  auto now = ctx.clock->now();
  for (timestamp t = 0; st.has_next && (t = event_time_of(st.next)) <= now;) {
    st.replay_last = t;
    if (st.replayed++ == 0)
      st.replay_first = st.replay_last;
    publish(self, ctx, st.next);
    st.has_next = st.replay->next(st.next);
    if (cfg.max_ticks > 0 && ctx.metrics->ticks >= cfg.max_ticks) {
      finish(self, ctx, "tick budget reached", now);
      return std::nullopt;
    }
  }
  if (!st.has_next) {
    std::uint64_t bad = 0;
    for (auto& f : st.replay->files()) {
      bad += f->bad_rows();
      for (auto& ex : f->bad_examples())
        CDB_WARN("feed", "bad row skipped: " << ex);
    }
    if (bad > 0)
      ctx.metrics->parse_errors.at({"bad_row"}) += bad;
    finish(self, ctx,
           "replay finished (" + std::to_string(bad) + " bad rows, "
             + std::to_string(st.others) + " books, bars and mark prices)",
           now);
    return std::nullopt;
  }
  auto next = event_time_of(st.next);
  if (next != st.silence_told
      && long_silence(st.replay_first, st.replay_last, next, st.replayed)) {
    st.silence_told = next;
    CDB_WARN("feed", silence_words(st.replay_last, next,
                                   cfg.event_clock ? 0 : cfg.speed));
  }
  // Sleep until the next record is due on the market clock, at most 100 ms
  // (a backtest's clock jumps there: no need to look earlier).
  auto wait = static_cast<double>(next - now) / cfg.speed;
  return std::chrono::nanoseconds{static_cast<std::int64_t>(
    std::clamp(wait, 0.0, cfg.event_clock ? 1e18 : 1e8))};
}

/// Steps at most this many times in one turn (a backtest's progress and
/// hourly samples come between turns).
constexpr int max_steps_per_turn = 256;

/// The timer: one step, handed over; with direct delivery, further steps
/// in the same turn while nothing else would run before them.
void on_timer(self_ptr self, const feed_config& cfg, const actor_context& ctx) {
  const bool replay = cfg.replay(); // a string compare: once, not per step
  for (int n = 1;; ++n) {
    auto wait = replay ? replay_step(self, cfg, ctx)
                       : synthetic_step(self, cfg, ctx);
    if (!self->state.direct.empty())
      hand_over(self);
    if (!wait)
      return;
    auto now = ctx.clock->now();
    auto next = now + wait->count();
    if (!ctx.direct || n == max_steps_per_turn
        || direct_market::mail_waiting(self)
        || !ctx.direct->run_ahead(now, next)) {
      self->delayed_send(self, *wait, timer_atom::value);
      return;
    }
  }
}

void start_synthetic(self_ptr self, const feed_config& cfg,
                     const actor_context& ctx, timestamp market_start) {
  auto& st = self->state;
  auto market = std::make_unique<synthetic_market>(cfg.synthetic, market_start);
  // Fast-forward silently to now: same seed, same path, no replayed ticks.
  auto now = ctx.clock->now();
  while (market->time() + cfg.synthetic.step <= now) {
    market->step(st.quotes, st.trades);
    st.quotes.clear();
    st.trades.clear();
  }
  // A backtest runs its actors on one thread: the market's next steps
  // are computed on another meanwhile.
  st.market = std::make_unique<synthetic_stream>(std::move(market),
                                                 cfg.event_clock);
  CDB_INFO("feed", "synthetic market seed="
                     << cfg.synthetic.seed
                     << " instruments=" << cfg.synthetic.instruments.size()
                     << " incarnation=" << ctx.incarnation);
}

void start_replay(self_ptr self, const feed_config& cfg,
                  const actor_context& ctx) {
  auto& st = self->state;
  std::string error;
  // A restart reads the files again from their start.
  ctx.metrics->replay_bytes.store(0, std::memory_order_relaxed);
  auto merge = cfg.open_replay(error, &ctx.metrics->replay_bytes);
  if (!merge) {
    CDB_ERROR("feed", "cannot replay: " << error);
    self->quit(caf::make_error(caf::sec::runtime_error, error));
    return;
  }
  // A backtest parses on another thread while its actors trade.
  st.replay = std::make_unique<replay_stream>(std::move(merge),
                                              cfg.event_clock);
  st.has_next = st.replay->next(st.next);
  // A restarted feed skips what its predecessor already published; the
  // clock already runs.
  if (ctx.incarnation > 1) {
    st.released = true;
    auto now = ctx.clock->now();
    while (st.has_next && event_time_of(st.next) < now)
      st.has_next = st.replay->next(st.next);
  }
  CDB_INFO("feed", "replaying " << cfg.files.size() << " file(s) at x"
                                << cfg.speed << " from "
                                << format_time(ctx.clock->now())
                                << " incarnation=" << ctx.incarnation);
}

void start_live(self_ptr self, const feed_config& cfg,
                const actor_context& ctx) {
  auto& st = self->state;
  if (cfg.mexc()) {
    cdb::contract_sizes sizes;
    std::string ignored; // validated at start
    cfg.sizes(sizes, ignored);
    st.mexc = std::make_unique<mexc_parser>(std::move(sizes));
  } else {
    st.parser = std::make_unique<binance_parser>();
  }
  auto wc = cfg.client_config();
  // The client's thread talks to the actor by messages only; a weak
  // address, so the client does not keep its actor alive.
  auto addr = self->address();
  auto to_actor = [addr](auto&&... xs) {
    if (auto hdl = caf::actor_cast<feed_actor>(addr))
      caf::anon_send(hdl, std::forward<decltype(xs)>(xs)...);
  };
  st.client = std::make_unique<ws_client>(
    wc,
    [to_actor](std::string msg, timestamp recv) {
      to_actor(ws_atom::value, std::move(msg), recv);
    },
    [to_actor](bool up, std::string why) {
      to_actor(ws_atom::value, up, std::move(why));
    });
  CDB_INFO("feed",
           "connecting to " << cfg.url << " incarnation=" << ctx.incarnation);
}

/// One message from the venue: parsed, checked, published.
void on_venue_message(self_ptr self, const feed_config& cfg,
                      const actor_context& ctx, const std::string& msg,
                      timestamp recv) {
  auto& st = self->state;
  if (st.stopped)
    return;
  auto e = st.mexc ? st.mexc->parse(msg, recv, st.batch)
                   : st.parser->parse(msg, recv, st.scratch);
  if (e == parse_error::open_kline || e == parse_error::control)
    return;
  if (e != parse_error::none) {
    ctx.metrics->parse_errors.at({to_string(e)})++;
    // Counted always, logged at first and then every 1000th; the venue's
    // own errors (a refused subscription) always.
    if (st.rejected++ % 1000 == 0 || e == parse_error::venue_error)
      CDB_WARN("feed", "venue message rejected ("
                         << to_string(e) << ", " << st.rejected
                         << " so far): " << msg.substr(0, 120));
    return;
  }
  if (st.mexc)
    for (auto& m : st.batch)
      publish(self, ctx, m);
  else
    publish(self, ctx, st.scratch);
  if (cfg.max_ticks > 0 && ctx.metrics->ticks >= cfg.max_ticks) {
    finish(self, ctx, "tick budget reached", ctx.clock->now());
    st.client->stop();
  }
}

} // namespace

feed_actor::behavior_type spawn_feed(self_ptr self, const feed_config& cfg,
                                     const actor_context& ctx,
                                     timestamp market_start) {
  instrument(self, ctx, "feed");
  self->state.watchdog = std::make_unique<staleness_watchdog>(cfg.stale_after);
  self->state.bar_quote_spread_bps = cfg.replay() ? cfg.bar_quote_spread_bps
                                                  : 0.0;
  if (cfg.replay()) {
    self->state.quotes_from_trades = std::make_unique<trade_quotes>(
      cfg.trade_quote_spread_bps, cfg.stale_after);
  }
  self->state.history = std::make_unique<history_buffer>(cfg.history_trades,
                                                         cfg.history_bars);
  if (cfg.replay())
    start_replay(self, cfg, ctx);
  else if (cfg.live())
    start_live(self, cfg, ctx);
  else
    start_synthetic(self, cfg, ctx, market_start);
  self->set_down_handler([self, ctx](caf::down_msg& dm) {
    auto& subs = self->state.subscribers;
    subs.erase(std::remove_if(subs.begin(), subs.end(),
                              [&](const market_sink& s) {
                                return s.address() == dm.source;
                              }),
               subs.end());
    sort_subscribers(self, ctx);
    auto& ss = self->state.status_subscribers;
    ss.erase(std::remove_if(ss.begin(), ss.end(),
                            [&](const status_sink& s) {
                              return s.address() == dm.source;
                            }),
             ss.end());
  });
  // The watchdog looks four times per threshold of market time.
  auto period = std::chrono::nanoseconds{std::max<std::int64_t>(
    static_cast<std::int64_t>(static_cast<double>(cfg.stale_after) / 4
                              / (cfg.replay() ? cfg.speed : 1.0)),
    1'000'000)};
  self->delayed_send(self, period, watchdog_atom::value);
  if (cfg.replay() && self->state.released)
    self->send(self, timer_atom::value); // a restart: carry on at once
  else if (cfg.replay())
    maybe_release(self, cfg, ctx);
  else if (!cfg.live())
    self->delayed_send(self, std::chrono::nanoseconds{cfg.synthetic.step},
                       timer_atom::value);
  auto watch = [self, ctx, period] {
    if (self->state.stopped)
      return;
    for (auto& s : self->state.watchdog->poll(ctx.clock->now()))
      send_status(self, ctx, s);
    self->delayed_send(self, period, watchdog_atom::value);
  };
  auto step = [self, cfg, ctx] {
    if (!self->state.stopped)
      on_timer(self, cfg, ctx);
  };
  if (ctx.direct) {
    ctx.direct->attach_timer(self, watchdog_atom::value, watch);
    ctx.direct->attach_timer(self, timer_atom::value, step);
  }
  auto subscribe = [self, cfg, ctx](const market_sink& sink) {
    if (!add_subscriber(self, ctx, self->state.subscribers, sink))
      return;
    sort_subscribers(self, ctx);
    if (cfg.replay())
      maybe_release(self, cfg, ctx);
  };
  return {
    [subscribe](subscribe_atom, market_sink& sink) { subscribe(sink); },
    [self, ctx](subscribe_atom, status_sink& sink) {
      add_subscriber(self, ctx, self->state.status_subscribers, sink);
    },
    [self, subscribe](history_atom, market_sink& sink) {
      // The history goes first: everything after it is live, nothing twice.
      auto& subs = self->state.subscribers;
      if (std::find(subs.begin(), subs.end(), sink) == subs.end())
        self->send(sink, self->state.history->snapshot());
      subscribe(sink);
    },
    [self, ctx](unsubscribe_atom, const market_sink& sink) {
      auto& subs = self->state.subscribers;
      subs.erase(std::remove(subs.begin(), subs.end(), sink), subs.end());
      sort_subscribers(self, ctx);
      self->demonitor(sink.address());
    },
    [watch](watchdog_atom) { watch(); },
    [self, cfg, ctx](ws_atom, std::string& msg, timestamp recv) {
      on_venue_message(self, cfg, ctx, msg, recv);
    },
    [self, ctx](ws_atom, bool up, std::string& why) {
      auto& st = self->state;
      if (up) {
        CDB_INFO("feed",
                 why << " (connection " << st.client->connects() << ")");
        if (st.client->connects() > 1) {
          ctx.metrics->feed_reconnects++;
          report(self, "",
                 "reconnected: " + why + " (connection "
                   + std::to_string(st.client->connects()) + ")",
                 ctx.clock->now());
        }
        return;
      }
      ++st.disconnects;
      CDB_WARN("feed", "disconnected (" << why << "); reconnecting");
      for (auto& s :
           st.watchdog->disconnect("connection lost: " + why, ctx.clock->now()))
        send_status(self, ctx, s);
    },
    [step](timer_atom) { step(); },
  };
}

} // namespace cdb

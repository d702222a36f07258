// Node-local counters and gauges the actors update and the status line and
// summary read. Lock-free atomics; the Prometheus exporter (exporter.hpp)
// reads them at scrape time. No CAF include.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace cdb {

/// Durations in seconds, counted into exponential buckets (upper bounds
/// base x 1.25^i, 69 of them, and one for anything longer: 10 us .. ~50 s
/// with the default base). Lock-free; quantiles are bucket upper bounds, so
/// at most 25 % high. observe() may be called from any thread; record()
/// is the cheaper form for a histogram only one thread at a time writes
/// (an actor's own: plain loads and stores, no read-modify-write).
class latency_histogram {
public:
  static constexpr std::size_t buckets = 70;

  explicit latency_histogram(double base = 1e-5) noexcept {
    for (std::size_t i = 0; i + 1 < buckets; ++i)
      bounds_[i] = base * std::pow(1.25, static_cast<double>(i));
    bounds_[buckets - 1] = std::numeric_limits<double>::infinity();
  }

  double bound(std::size_t i) const noexcept {
    return bounds_[std::min(i, buckets - 1)];
  }

  void observe(double seconds) noexcept {
    counts_[index(seconds)].fetch_add(1, std::memory_order_relaxed);
    sum_ns_.fetch_add(nanos(seconds), std::memory_order_relaxed);
  }

  /// observe() for a single writer.
  void record(double seconds) noexcept {
    auto& c = counts_[index(seconds)];
    c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    sum_ns_.store(sum_ns_.load(std::memory_order_relaxed) + nanos(seconds),
                  std::memory_order_relaxed);
  }

  /// The sum of the observations, in seconds (nanosecond resolution).
  double sum() const noexcept {
    return static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) * 1e-9;
  }

  std::uint64_t count() const noexcept {
    std::uint64_t n = 0;
    for (auto& c : counts_)
      n += c.load(std::memory_order_relaxed);
    return n;
  }

  std::uint64_t count_in(std::size_t i) const noexcept {
    return counts_[i].load(std::memory_order_relaxed);
  }

  /// The upper bound of the bucket holding quantile `q`; 0 when empty.
  double quantile(double q) const noexcept {
    auto n = count();
    if (n == 0)
      return 0;
    auto rank = static_cast<std::uint64_t>(
      std::ceil(q * static_cast<double>(n)));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < buckets; ++i) {
      seen += count_in(i);
      if (seen >= rank && seen > 0)
        return bound(i);
    }
    return bound(buckets - 1);
  }

private:
  /// The first bucket whose bound is not below `seconds` (binary search).
  std::size_t index(double seconds) const noexcept {
    std::size_t lo = 0;
    std::size_t hi = buckets - 1;
    while (lo < hi) {
      auto mid = (lo + hi) / 2;
      if (seconds > bounds_[mid])
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo;
  }

  static std::uint64_t nanos(double seconds) noexcept {
    return seconds > 0 && seconds < 1e9
             ? static_cast<std::uint64_t>(std::llround(seconds * 1e9))
             : 0;
  }

  std::array<double, buckets> bounds_{};
  std::array<std::atomic<std::uint64_t>, buckets> counts_{};
  std::atomic<std::uint64_t> sum_ns_{0};
};

/// Values (not durations) counted into at most 16 fixed buckets given as
/// increasing upper bounds; one more bucket takes anything above the last.
/// Lock-free; the sum is kept in millionths.
class value_histogram {
public:
  static constexpr std::size_t max_bounds = 16;

  value_histogram(std::initializer_list<double> bounds) noexcept {
    for (auto b : bounds)
      if (size_ < max_bounds)
        bounds_[size_++] = b;
  }

  void observe(double x) noexcept {
    std::size_t i = 0;
    while (i < size_ && x > bounds_[i])
      ++i;
    counts_[i].fetch_add(1, std::memory_order_relaxed);
    if (std::isfinite(x) && std::fabs(x) < 1e12)
      sum_micro_.fetch_add(static_cast<std::int64_t>(std::llround(x * 1e6)),
                           std::memory_order_relaxed);
  }

  /// Finite upper bounds; bucket size() is everything above the last.
  std::size_t size() const noexcept {
    return size_;
  }

  double bound(std::size_t i) const noexcept {
    return i < size_ ? bounds_[i] : std::numeric_limits<double>::infinity();
  }

  std::uint64_t count_in(std::size_t i) const noexcept {
    return counts_[i].load(std::memory_order_relaxed);
  }

  double sum() const noexcept {
    return static_cast<double>(sum_micro_.load(std::memory_order_relaxed))
           * 1e-6;
  }

private:
  std::array<double, max_bounds> bounds_{};
  std::size_t size_ = 0;
  std::array<std::atomic<std::uint64_t>, max_bounds + 1> counts_{};
  std::atomic<std::int64_t> sum_micro_{0};
};

/// Cells of one labelled family, found by their label values. Bounded: the
/// first `capacity - 1` distinct label sets get a cell each, every later
/// one shares a last cell labelled "other", so a bug or a hostile input
/// cannot grow the scrape without limit. Lookups take no lock; adding a
/// label set takes one (once per label set). Cells never move.
template <class Cell, std::size_t Labels, std::size_t Capacity = 64>
class label_table {
public:
  using key = std::array<std::string_view, Labels>;

  Cell& at(const key& k) {
    auto n = size_.load(std::memory_order_acquire);
    if (auto* c = find(k, n))
      return *c;
    std::lock_guard<std::mutex> guard{mtx_};
    n = size_.load(std::memory_order_relaxed);
    if (auto* c = find(k, n))
      return *c;
    auto& s = slots_[n];
    if (n + 1 == Capacity)
      s.labels.fill("other");
    else
      for (std::size_t i = 0; i < Labels; ++i)
        s.labels[i] = std::string{k[i]};
    size_.store(n + 1, std::memory_order_release);
    return s.cell;
  }

  /// Calls f(labels, cell) for every label set seen so far.
  template <class F>
  void each(F&& f) const {
    auto n = size_.load(std::memory_order_acquire);
    for (std::size_t i = 0; i < n; ++i)
      f(slots_[i].labels, slots_[i].cell);
  }

  template <class F>
  void each(F&& f) {
    auto n = size_.load(std::memory_order_acquire);
    for (std::size_t i = 0; i < n; ++i)
      f(slots_[i].labels, slots_[i].cell);
  }

private:
  struct slot {
    std::array<std::string, Labels> labels;
    Cell cell{};
  };

  Cell* find(const key& k, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      auto& s = slots_[i];
      bool same = true;
      for (std::size_t j = 0; j < Labels && same; ++j)
        same = s.labels[j] == k[j];
      if (same)
        return &s.cell;
    }
    return n == Capacity ? &slots_[Capacity - 1].cell : nullptr;
  }

  std::array<slot, Capacity> slots_{};
  std::atomic<std::size_t> size_{0};
  std::mutex mtx_;
};

using counter_cell = std::atomic<std::uint64_t>;
using gauge_cell = std::atomic<double>;

/// One actor of the node (label actor=...): kept by its instrumented base
/// (runtime/instrumented.hpp) and by the supervisor; survives restarts.
/// The actor's thread writes `handling`, senders `enqueued`: each on cache
/// lines of its own, so neither side slows the other.
struct actor_stats {
  /// Time per handled message (not skipped); its count is the messages
  /// handled. 100 ns .. ~0.4 s, then +Inf.
  alignas(64) latency_histogram handling{1e-7};
  /// Messages sent to the current incarnation since it started, plus what
  /// the earlier ones handled (so enqueued - handled is its mailbox).
  alignas(64) std::atomic<std::uint64_t> enqueued{0};
  /// The incarnation that counts. Read on every message by both sides,
  /// written once per incarnation: a line of its own, never contended.
  alignas(64) std::atomic<const void*> owner{nullptr};
  std::atomic<bool> up{false};
  /// This node runs the actor (node.roles); false for one a peer hosts.
  std::atomic<bool> hosted{true};
  std::atomic<std::uint64_t> restarts{0};
  std::atomic<std::uint64_t> failures{0};

  std::uint64_t messages() const noexcept {
    return handling.count();
  }

  /// Messages waiting in the current incarnation's mailbox.
  std::uint64_t mailbox() const noexcept {
    auto handled = handling.count();
    auto in = enqueued.load(std::memory_order_relaxed);
    return in > handled ? in - handled : 0;
  }
};

/// The actors a node runs, in the order the supervisor starts them.
inline constexpr std::array<const char*, 7> actor_names{
  "feed",      "signal",      "risk",      "circuit_breaker",
  "execution", "persistence", "supervisor"};

/// One risk decision as the admin API's state shows it.
struct decision_summary {
  std::string id;
  std::string signal_id;
  bool approved = false;
  std::string layer;
  std::string reason;
  double qty = 0; ///< Approved quantity; requested when rejected.
  std::int64_t event_time = 0;
};

/// The newest decisions, for GET /api/state. Off the hot path (one entry
/// per decision), so a mutex is fine.
class decision_ring {
public:
  static constexpr std::size_t capacity = 20;

  void push(decision_summary d) {
    std::lock_guard<std::mutex> guard{mtx_};
    ring_[next_++ % capacity] = std::move(d);
  }

  /// Newest first.
  std::vector<decision_summary> newest() const {
    std::lock_guard<std::mutex> guard{mtx_};
    std::vector<decision_summary> out;
    auto n = std::min<std::size_t>(next_, capacity);
    for (std::size_t i = 0; i < n; ++i)
      out.push_back(ring_[(next_ - 1 - i) % capacity]);
    return out;
  }

private:
  mutable std::mutex mtx_;
  std::array<decision_summary, capacity> ring_{};
  std::size_t next_ = 0;
};

/// Feed health per instrument (label instrument=...).
/// The link to one peer node (label peer="host:port").
struct peer_link_stats {
  std::atomic<int> up{0}; ///< 1 while the link and the peer's roster are up.
  std::atomic<std::uint64_t> connects{0};
  std::atomic<std::uint64_t> losses{0};
};

struct instrument_feed {
  std::atomic<std::int64_t> last_data{0}; ///< Node clock at the last message.
  std::atomic<int> health{0};             ///< feed_health: 0 fresh, ...
  std::atomic<std::uint64_t> stale{0};    ///< Turns to stale/disconnected.
};

/// Actors the home scheduler's helper workers took from another worker
/// (runtime/home_scheduler.hpp), by the rule that let them.
struct helper_takes {
  std::atomic<std::uint64_t> stall{0};   ///< It finished no handler.
  std::atomic<std::uint64_t> backlog{0}; ///< It had too many queued.
};

struct node_metrics {
  std::atomic<std::uint64_t> ticks{0};
  /// Bytes the feed's replay has read from its files (a backtest's
  /// progress); not exported.
  std::atomic<std::uint64_t> replay_bytes{0};
  std::atomic<std::uint64_t> signals{0};
  std::atomic<std::uint64_t> strategy_errors{0}; ///< Caught in strategies.
  std::atomic<bool> signal_warm{false};          ///< Every instance warm.
  std::atomic<std::uint64_t> approved{0};
  std::atomic<std::uint64_t> rejected{0};
  std::atomic<std::uint64_t> fills{0};
  std::atomic<std::uint64_t> refused_orders{0}; ///< Orders not from risk.
  /// Trading-state orders and operator commands refused: not from the
  /// wired circuit breaker or from this node (runtime/sender.hpp).
  std::atomic<std::uint64_t> refused_commands{0};
  std::atomic<std::uint64_t> venue_rejects{0}; ///< Rejected or expired.
  std::atomic<std::uint64_t> liquidations{0};
  std::atomic<std::uint64_t> venue_alarms{0}; ///< Funding spikes, ...
  std::atomic<double> funding{0};             ///< Paid; negative: received.
  std::atomic<std::uint64_t> restarts{0};
  std::atomic<std::uint64_t> failures{0};
  std::atomic<std::uint64_t> persisted{0};
  std::atomic<std::uint64_t> persist_errors{0};
  std::atomic<std::uint64_t> persist_backlog{0}; ///< In memory + spooled.
  std::atomic<std::uint64_t> persist_spooled{0}; ///< Events in the spool.
  std::atomic<std::uint64_t> persist_spool_bytes{0};
  /// From an event's arrival at persistence to its batch being durable
  /// (committed, or synced to the spool).
  latency_histogram persist_latency;
  /// Events producers keep until persistence acknowledges them.
  std::atomic<std::uint64_t> persist_unacked{0};
  /// Events producers gave up on (persistence silent beyond the limit).
  std::atomic<std::uint64_t> persist_dropped{0};
  std::atomic<double> equity{0};
  std::atomic<double> realized_pnl{0};
  std::atomic<double> fees{0};
  std::atomic<int> trading_mode{0};
  std::atomic<std::uint64_t> breaker_trips{0}; ///< Mode made stricter.
  /// The feed has published everything it will (replay finished, tick
  /// budget reached): the node may stop.
  std::atomic<bool> feed_done{false};

  // -- per actor --------------------------------------------------------------
  std::array<actor_stats, actor_names.size()> actors;
  /// The home scheduler's, set before the node's actors start; nullptr on
  /// CAF's scheduler.
  std::shared_ptr<const helper_takes> scheduler_takes;

  /// The stats of the actor named `name`; nullptr for an unknown name.
  actor_stats* actor(std::string_view name) noexcept {
    for (std::size_t i = 0; i < actor_names.size(); ++i)
      if (name == actor_names[i])
        return &actors[i];
    return nullptr;
  }

  // -- feed -------------------------------------------------------------------
  /// Messages published by kind, in the order of feed_message_kinds.
  std::array<counter_cell, 5> feed_by_kind{};
  label_table<counter_cell, 1> parse_errors; ///< By reason.
  std::atomic<std::uint64_t> feed_reconnects{0};
  std::atomic<std::uint64_t> feed_gaps{0}; ///< Sequence or trade-id gaps.
  label_table<instrument_feed, 1, 256> feed_instruments;

  // -- signal, risk, circuit breaker ------------------------------------------
  label_table<counter_cell, 1> signals_by_strategy;
  /// Risk has the trading state and the account: it may approve.
  std::atomic<bool> risk_ready{false};
  /// Decisions by outcome, deciding layer and reason code.
  label_table<counter_cell, 3, 128> decisions;
  decision_ring recent_decisions;
  /// From the signal's creation (in the handler of the market data that
  /// caused it) to risk handing the approved order to execution.
  latency_histogram tick_to_order{1e-6};
  label_table<counter_cell, 1> trips_by_rule;

  // -- execution --------------------------------------------------------------
  std::atomic<std::uint64_t> orders_received{0}; ///< submit_order from risk.
  label_table<counter_cell, 1> orders_by_type;   ///< Placed at the venue.
  label_table<counter_cell, 1> order_events;     ///< By kind (status).
  value_histogram slippage_bps{-20, -10, -5, -2, -1, 0,  1,
                               2,   5,   10, 20, 50, 100};
  std::atomic<double> cash{0};
  std::atomic<double> exposure{0};
  std::atomic<double> daily_pnl{0};   ///< Equity - start-of-day equity.
  std::atomic<double> peak_equity{0}; ///< Since the process started.
  std::atomic<double> drawdown{0};    ///< From peak_equity, a fraction.
  std::atomic<std::uint64_t> open_positions{0};
  label_table<gauge_cell, 1, 256> position_notional; ///< |qty| x mark.

  // -- cluster ----------------------------------------------------------------
  /// The node talks to peer nodes (node.peers or node.listen_port set).
  std::atomic<bool> distributed{false};
  label_table<peer_link_stats, 1, 32> peers;
  /// Bit i set: actor_names[i] has a handle here, local or from a peer.
  std::atomic<std::uint32_t> reachable_roles{0};

  // -- persistence ------------------------------------------------------------
  value_histogram persist_batch{1,   2,   5,    10,   20,   50,   100,
                                200, 500, 1000, 2000, 5000, 10000};
  latency_histogram persist_commit{1e-5}; ///< One database transaction.
  /// 1 when the last database operation succeeded, 0 after a failure, -1
  /// before the first one.
  std::atomic<int> database_up{-1};
};

/// The kinds counted in node_metrics::feed_by_kind, in order.
inline constexpr std::array<const char*, 5> feed_message_kinds{
  "trade", "quote", "book", "bar", "mark"};

enum class feed_kind : std::size_t { trade, quote, book, bar, mark };

inline void count_feed(node_metrics& m, feed_kind k,
                       std::uint64_t n = 1) noexcept {
  m.feed_by_kind[static_cast<std::size_t>(k)].fetch_add(
    n, std::memory_order_relaxed);
}

using metrics_ptr = std::shared_ptr<node_metrics>;

} // namespace cdb

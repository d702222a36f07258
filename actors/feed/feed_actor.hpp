// feed: publishes market data to its subscribers.
// Takes:  (subscribe, market_sink), (unsub, market_sink), timer (own pacing),
//         (history, market_sink): subscribe after a market_history of the
//         recent trades and venue bars (feed.history_trades/_bars), so a
//         restarted subscriber warms up without seeing anything twice;
//         (subscribe, status_sink): feed_status only (the circuit breaker).
// Sends:  trade_tick, quote_tick, book_snapshot, bar, mark_price and
//         feed_status to every subscriber: fresh on first data, stale after
//         feed.stale_after of silence (watchdog), fresh again on data,
//         disconnected when the source ends. Records whose venue sequence is
//         not newer than the last one are dropped (bars: not after the last
//         bar; id-less trades: older than the last trade); gaps in trade ids
//         are counted.
// Sources: the built-in seeded synthetic market, paced in real time, or
// recorded files replayed on the node's market clock (real time x speed).
// Both are pure functions of their inputs and the clock, so a restarted feed
// fast-forwards to the present and continues where its predecessor was.
#pragma once

#include "actors/feed/history_buffer.hpp"
#include "actors/feed/mexc_parser.hpp"
#include "actors/feed/replay_reader.hpp"
#include "actors/feed/replay_stream.hpp"
#include "actors/feed/sequence_tracker.hpp"
#include "actors/feed/stale_log.hpp"
#include "actors/feed/staleness.hpp"
#include "actors/feed/synthetic_market.hpp"
#include "actors/feed/synthetic_stream.hpp"
#include "actors/feed/trade_quotes.hpp"
#include "actors/feed/ws_client.hpp"
#include "messages/interfaces.hpp"
#include "runtime/context.hpp"
#include "runtime/direct_market.hpp"
#include "runtime/instrumented.hpp"

namespace cdb {

struct feed_config {
  /// "synthetic", "replay", "binance" or "mexc".
  std::string source = "synthetic";
  std::string url;     ///< ws:// or wss:// URL of the venue's stream.
  std::string ca_file; ///< wss: trusted CAs (PEM); empty: the system's.
  /// MEXC: what to subscribe, "BTC_USDT@deal", "@ticker", "@depth20",
  /// "@kline_Min1".
  std::vector<std::string> subscribe;
  /// MEXC: "BTC_USDT=0.0001", base units per contract of each symbol.
  std::vector<std::string> contract_sizes;
  nanoseconds ping_every = 15'000'000'000;   ///< MEXC's application ping.
  nanoseconds idle_timeout = 20'000'000'000; ///< Silent peer: drop it.
  /// Planned reconnect, before the venue's 24 h cut; 0: never.
  nanoseconds rotate_after = 23 * 3'600'000'000'000;
  synthetic_config synthetic;
  std::uint64_t max_ticks = 0;    ///< Stop after this many ticks; 0: never.
  std::vector<std::string> files; ///< Recorded files for source=replay.
  /// Replay window in event time, 0: unbounded (set by `cdb backtest
  /// --from/--to`, not an option).
  timestamp replay_from = 0;
  timestamp replay_to = 0;
  /// The clock jumps from timer to timer (a backtest): the replay sleeps
  /// until its next record however far away, not at most 100 ms.
  bool event_clock = false;
  std::string format = "detect"; ///< record_format name for every file.
  double speed = 1;              ///< Replay speed: 1 = real time.
  std::string bar_instrument = "BTCUSDT";    ///< Of bar files without one.
  nanoseconds bar_interval = 60'000'000'000; ///< Of OHLCV bar files.
  /// > 0: each replayed bar is preceded by a quote at its close, this many
  /// basis points wide, stamped at the bar's end (prices for risk and the
  /// paper venue when a recording has bars only). 0: bars only.
  double bar_quote_spread_bps = 0;
  /// > 0: a replayed trade of an instrument with no recorded quote or book
  /// within `stale_after` is preceded by a quote at its price, this many
  /// basis points wide (trade_quotes.hpp). 0: trades only.
  double trade_quote_spread_bps = 0;
  nanoseconds stale_after = 5'000'000'000; ///< Silence before "stale".
  std::size_t history_trades = 100'000;    ///< Kept per instrument for warm-up.
  std::size_t history_bars = 1'000; ///< Kept per instrument and interval.
  /// A replay waits for this many subscribers before its first record
  /// (set by the node to its topology, not a user option).
  std::size_t await_subscribers = 0;

  bool replay() const {
    return source == "replay";
  }

  bool live() const {
    return source == "binance" || source == "mexc";
  }

  bool mexc() const {
    return source == "mexc";
  }

  /// contract_sizes as a map; false (the bad entry in `error`) otherwise.
  bool sizes(cdb::contract_sizes& out, std::string& error) const;

  /// The live client's settings: URL, keepalive, rotation, subscriptions.
  ws_client_config client_config() const;

  replay_options replay_opts() const;

  /// Opens every replay file; nullptr and `error` (naming the file) if one
  /// cannot be read as the configured format. With `bytes_read`, every
  /// file adds the bytes it reads there (replay_options::bytes_read).
  std::unique_ptr<replay_merge>
  open_replay(std::string& error,
              std::atomic<std::uint64_t>* bytes_read = nullptr) const;

  /// Checks every key; for a replay also opens each file and checks its
  /// format, so a wrong path fails at start with the key's name.
  void validate(std::vector<std::string>& errors) const;
};

struct feed_state {
  static inline const char* name = "feed";
  metrics_ptr metrics;             ///< The node's (actor_context::metrics).
  double bar_quote_spread_bps = 0; ///< feed.bar_quote_spread_bps.
  /// A replay's: the quotes its trades make, or the warning they need some.
  std::unique_ptr<trade_quotes> quotes_from_trades;
  stale_log stale_lines; ///< Which turns to stale the log shows.
  /// The synthetic market; in a backtest computed ahead on its own thread.
  std::unique_ptr<synthetic_stream> market;
  /// The recorded files; in a backtest read ahead on their own thread.
  std::unique_ptr<replay_stream> replay;
  market_message next; ///< The replay's next record, not yet due.
  bool has_next = false;
  /// The replay's records published or dropped: how many, the first's and
  /// the last's event time; and the next record's time of the last silence
  /// told (actors/feed/data_silence.hpp).
  std::uint64_t replayed = 0;
  timestamp replay_first = 0;
  timestamp replay_last = 0;
  timestamp silence_told = 0;
  std::unique_ptr<staleness_watchdog> watchdog;
  /// Each instrument's cell of metrics->feed_instruments (cells never move).
  instrument_cache<instrument_feed> feed_cells;
  std::unique_ptr<history_buffer> history; ///< For subscribers' warm-up.
  sequence_tracker trade_ids;      ///< Per instrument: contiguous trade ids.
  std::uint64_t reported_gaps = 0; ///< Gaps told to the status subscribers.
  sequence_tracker quote_ids;      ///< Per instrument: increasing update ids.
  sequence_tracker book_ids;       ///< Per instrument: increasing book ids.
  /// Without a venue sequence: the last bar start per instrument and
  /// interval, the last trade time per instrument (MEXC deals).
  std::map<std::string, timestamp, std::less<>> bar_starts;
  std::map<std::string, timestamp, std::less<>> trade_times;
  std::uint64_t out_of_order = 0;         ///< Records dropped by those two.
  bool released = false;                  ///< A replay has started publishing.
  std::unique_ptr<binance_parser> parser; ///< Live source: Binance...
  std::unique_ptr<mexc_parser> mexc;      ///< ...or MEXC.
  market_message scratch; ///< Reused per live message (keeps its buffers).
  std::vector<market_message> batch; ///< MEXC: one message, several records.
  std::uint64_t rejected = 0;        ///< Live messages rejected.
  std::uint64_t disconnects = 0;
  std::unique_ptr<ws_client> client; ///< Last: stopped first on exit.
  std::uint64_t others = 0;          ///< Books, bars and mark prices published.
  std::vector<market_sink> subscribers;
  /// A backtest on one node (runtime/direct_market.hpp): the subscribers
  /// that take market data by calls, in role order, and the step they
  /// have yet to take. The other subscribers get messages.
  struct direct_sub {
    market_sink sink;
    std::shared_ptr<market_taker> taker;
    /// This step's data goes by message: the feed sent it something else.
    bool by_message = false;
    bool idle = false; ///< Idle when the step is handed over.
  };
  std::vector<direct_sub> direct;
  std::vector<market_sink> by_message; ///< Subscribers without a taker.
  market_step step;
  std::vector<status_sink> status_subscribers; ///< Health reports only.
  std::vector<quote_tick> quotes;
  std::vector<trade_tick> trades;
  std::uint64_t published = 0;
  bool stopped = false;
};

/// Spawns with the market's start time (the node's start, shared by every
/// incarnation of the feed).
feed_actor::behavior_type
spawn_feed(instrumented_pointer<feed_actor, feed_state> self,
           const feed_config& cfg, const actor_context& ctx,
           timestamp market_start);

} // namespace cdb

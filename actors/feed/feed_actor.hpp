// feed: publishes market data to its subscribers.
// Takes:  (subscribe, market_sink), (unsub, market_sink), timer (own pacing).
// Sends:  quote_tick, trade_tick, feed_status to every subscriber: fresh on
//         first data, stale after feed.stale_after of silence (watchdog),
//         fresh again on data, disconnected when the source ends. Records
//         whose venue sequence is not newer than the last one are dropped;
//         gaps in trade ids are counted.
// Sources: the built-in seeded synthetic market, paced in real time, or
// recorded files replayed on the node's market clock (real time x speed).
// Both are pure functions of their inputs and the clock, so a restarted feed
// fast-forwards to the present and continues where its predecessor was.
#pragma once

#include "actors/feed/replay_reader.hpp"
#include "actors/feed/sequence_tracker.hpp"
#include "actors/feed/staleness.hpp"
#include "actors/feed/synthetic_market.hpp"
#include "actors/feed/ws_client.hpp"
#include "messages/interfaces.hpp"
#include "runtime/context.hpp"

namespace cdb {

struct feed_config {
  std::string source = "synthetic"; ///< "synthetic", "replay" or "binance".
  std::string url;     ///< ws:// or wss:// URL of a Binance combined stream.
  std::string ca_file; ///< wss: trusted CAs (PEM); empty: the system's.
  synthetic_config synthetic;
  std::uint64_t max_ticks = 0;    ///< Stop after this many ticks; 0: never.
  std::vector<std::string> files; ///< Recorded files for source=replay.
  std::string format = "detect";  ///< record_format name for every file.
  double speed = 1;               ///< Replay speed: 1 = real time.
  std::string bar_instrument = "BTCUSDT";    ///< Of bar files without one.
  nanoseconds bar_interval = 60'000'000'000; ///< Of OHLCV bar files.
  nanoseconds stale_after = 5'000'000'000;   ///< Silence before "stale".
  /// A replay waits for this many subscribers before its first record
  /// (set by the node to its topology, not a user option).
  std::size_t await_subscribers = 0;

  bool replay() const {
    return source == "replay";
  }

  bool live() const {
    return source == "binance";
  }

  replay_options replay_opts() const;

  /// Opens every replay file; nullptr and `error` (naming the file) if one
  /// cannot be read as the configured format.
  std::unique_ptr<replay_merge> open_replay(std::string& error) const;

  /// Checks every key; for a replay also opens each file and checks its
  /// format, so a wrong path fails at start with the key's name.
  void validate(std::vector<std::string>& errors) const;
};

struct feed_state {
  static inline const char* name = "feed";
  std::unique_ptr<synthetic_market> market;
  std::unique_ptr<replay_merge> replay;
  market_message next; ///< The replay's next record, not yet due.
  bool has_next = false;
  std::unique_ptr<staleness_watchdog> watchdog;
  sequence_tracker trade_ids; ///< Per instrument: contiguous trade ids.
  sequence_tracker quote_ids; ///< Per instrument: increasing update ids.
  bool released = false;      ///< A replay has started publishing.
  std::unique_ptr<binance_parser> parser; ///< Live source.
  market_message scratch;     ///< Reused per live message (keeps its buffers).
  std::uint64_t rejected = 0; ///< Live messages rejected.
  std::uint64_t disconnects = 0;
  std::unique_ptr<ws_client> client; ///< Last: stopped first on exit.
  std::uint64_t skipped = 0;         ///< Records no subscriber takes yet.
  std::vector<market_sink> subscribers;
  std::vector<quote_tick> quotes;
  std::vector<trade_tick> trades;
  std::uint64_t published = 0;
  bool stopped = false;
};

/// Spawns with the market's start time (the node's start, shared by every
/// incarnation of the feed).
feed_actor::behavior_type
spawn_feed(feed_actor::stateful_pointer<feed_state> self, feed_config cfg,
           actor_context ctx, timestamp market_start);

} // namespace cdb

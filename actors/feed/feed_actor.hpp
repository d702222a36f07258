// feed: publishes market data to its subscribers.
// Takes:  (subscribe, market_sink), (unsub, market_sink), timer (own pacing).
// Sends:  quote_tick, trade_tick, feed_status to every subscriber.
// Source: the built-in seeded synthetic market, paced in real time. The
// market is a pure function of (seed, start time, step), so a restarted feed
// fast-forwards to the present and continues the same price path.
#pragma once

#include "actors/feed/synthetic_market.hpp"
#include "messages/interfaces.hpp"
#include "runtime/context.hpp"

namespace cdb {

struct feed_config {
  synthetic_config synthetic;
  std::uint64_t max_ticks = 0; ///< Stop after this many ticks; 0: never.

  void validate(std::vector<std::string>& errors) const;
};

struct feed_state {
  static inline const char* name = "feed";
  std::unique_ptr<synthetic_market> market;
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

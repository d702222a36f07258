// cdb backtest: the node's actors over recorded data (or the synthetic
// market) as fast as the machine allows, in event time, with the same
// result run after run; then the report (runtime/trade_report.hpp).
//
// How: the actor system runs on the lockstep scheduler (runtime/
// lockstep.hpp: one turn at a time, in an order fixed by the actors' roles)
// and its actor clock is the market clock. After each timer, every
// consequence (signals, risk decisions, orders, fills, account updates,
// trading states) runs to the end before the clock moves on to the next
// event or timer. So no actor ever sees the market ahead of an order it has
// yet to receive, and the order of everything depends on the data and the
// config alone. A node with some of the roles runs its part of a backtest
// split over nodes (runtime/split_backtest.hpp), with the same result.
#pragma once

#include <string>
#include <vector>

#include "messages/fields.hpp"
#include "runtime/options.hpp"

namespace cdb {

struct backtest_args {
  std::vector<std::string> data; ///< Recorded files; none: synthetic market.
  timestamp from = 0;            ///< 0: from the first record.
  timestamp to = 0;              ///< 0: to the last record.
  bool persist = false;          ///< Also write the events to PostgreSQL.
  /// Market data to signal, risk and execution by message, as on a live
  /// node, not by calls (runtime/direct_market.hpp): slower, same result.
  bool messages = false;
  std::string json;  ///< Report file, JSON.
  std::string html;  ///< Report file, HTML.
  int progress = -1; ///< 1 bar, 0 lines, -1: bar on a terminal.
};

/// Takes the backtest's own flags out of `args` (--data FILE..., --from,
/// --to, --persist, --messages, --json, --html, --progress/--no-progress)
/// and leaves
/// the rest for load_options. Appends an error per bad flag.
backtest_args take_backtest_args(std::vector<std::string>& args,
                                 std::vector<std::string>& errors);

/// Parses "2020-02-22", "2020-02-22T01:30", "2020-02-22 01:30:15[.123][Z]"
/// (UTC) into nanoseconds since the epoch; false if it is none of those.
bool parse_utc(const std::string& text, timestamp& out);

/// How far a backtest is, for its progress bar: the market clock's way from
/// `origin` to `end` (without an end: the bytes the replay has read over
/// the files' `total_bytes`, so no pass over the files precedes the run),
/// or the `events` over the tick budget `max_ticks` (0: none), whichever is
/// further, since the run stops at the first it reaches. In [0, 1); 0 when
/// nothing tells.
double progress_fraction(timestamp origin, timestamp end, timestamp now,
                         std::uint64_t bytes_read, std::uint64_t total_bytes,
                         std::uint64_t events, std::uint64_t max_ticks);

/// Why a window from `from` to `to` (0: open) over `feed`'s files holds
/// no record: what the files hold without it (how many records, their
/// first and last event time, malformed rows), read through once. For the
/// error a backtest exits with.
std::string empty_window_words(const feed_config& feed, timestamp from,
                               timestamp to);

/// Sets the node up for a backtest: a replay of --data (else the synthetic
/// market, or the configured replay), every actor on this node, no
/// database unless --persist. Before validation.
void prepare_backtest(cdb_options& cfg, const backtest_args& args);

/// Runs the backtest; returns the exit status (0 done, 2 bad input, 3 an
/// actor failed beyond its restart budget).
int run_backtest(cdb_options& cfg, const backtest_args& args);

} // namespace cdb

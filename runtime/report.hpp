// cdb report: the operator's summary of what the database recorded (PnL,
// trades, win rate, drawdown, latency, per strategy and per day), for a
// run, a node and/or a time range, as a table or JSON. Reads the views of
// migration 5 (docs/persistence.md). No CAF include.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <pqxx/connection>

#include "runtime/trade_report.hpp"

namespace cdb {

/// Empty fields do not filter. `from` and `to` are PostgreSQL timestamps
/// ("2026-12-01", "2026-12-01 08:00:00+00"); `to` is exclusive.
struct report_filter {
  std::string run;
  std::string node;
  std::string from;
  std::string to;
};

struct report_counts {
  std::int64_t fills = 0;
  std::int64_t trades = 0; ///< Fills that closed (part of) a position.
  std::int64_t wins = 0;   ///< Trades with realized PnL > 0 (before fees).
  double notional = 0;
  double realized_pnl = 0;
  double fees = 0;
};

struct report_strategy {
  std::string strategy;
  std::int64_t signals = 0;
  report_counts c;
};

struct report_day {
  std::string day; ///< UTC date.
  report_counts c;
};

/// One node's account over the selection.
struct report_account {
  std::string node;
  std::int64_t snapshots = 0;
  double first_equity = 0;
  double last_equity = 0;
  double peak_equity = 0;
  double max_drawdown_pct = 0; ///< From the running peak within the range.
};

struct report_data {
  std::int64_t runs = 0;
  std::int64_t signals = 0;
  std::int64_t approved = 0;
  std::int64_t rejected = 0;
  std::int64_t orders = 0;
  report_counts total;
  /// Milliseconds; negative when there is nothing to measure.
  double signal_to_order_avg_ms = -1;
  double signal_to_order_p99_ms = -1;
  double order_to_fill_avg_ms = -1;
  double order_to_fill_p99_ms = -1;
  std::vector<report_account> accounts;
  std::vector<report_strategy> strategies;
  std::vector<report_day> days;
};

/// Queries the database. Throws std::runtime_error when its schema is
/// older than the views need, and pqxx's exceptions on database errors
/// (a malformed time names itself in the message).
report_data load_report(pqxx::connection& conn, const report_filter& f);

std::string report_table(const report_data& r, const report_filter& f);
std::string report_json(const report_data& r, const report_filter& f);

/// The `cdb report` command line: [--dsn DSN] [--run ID] [--node NAME]
/// [--from TIME] [--to TIME] [--format table|json]; the DSN defaults to
/// $CDB_PERSISTENCE_DSN. Exit status: 0, 1 database error, 2 usage.
/// What the database holds for the selection, for the trader's report
/// (runtime/trade_report.hpp: `cdb report --html`). Meant for one
/// execution node's account: select a run or a node.
run_record load_run_record(pqxx::connection& conn, const report_filter& f);

int report_main(const std::vector<std::string>& args, const char* env_dsn);

} // namespace cdb

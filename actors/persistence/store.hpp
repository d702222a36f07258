// Writes event batches to PostgreSQL: one transaction per batch, prepared
// inserts that ignore duplicate ids. Throws on database errors; the caller
// keeps the batch and retries. No CAF include.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/connection>

#include "messages/market_data.hpp"
#include "messages/trading.hpp"

namespace cdb {

/// The run row: one per node start.
struct run_info {
  std::string id;
  std::string mode;
  std::string version;
  std::string config_hash;
  timestamp started_at = 0;
  std::string node; ///< run.node_name: whose trading state is whose.
  static constexpr const char* type_name = "cdb::run_info";
  CDB_FIELDS(id, mode, version, config_hash, started_at, node)
};

/// A feed health report as recorded: persistence gives it its id.
struct feed_event {
  std::string id;
  feed_status status;
  static constexpr const char* type_name = "cdb::feed_event";
  CDB_FIELDS(id, status)
};

/// Events waiting to be written, by kind.
struct event_batch {
  std::vector<run_info> runs;
  std::vector<signal> signals;
  std::vector<risk_decision> decisions;
  std::vector<order> orders;
  std::vector<order_event> order_events;
  std::vector<fill> fills;
  std::vector<portfolio_snapshot> snapshots;
  std::vector<trading_state> states;
  std::vector<feed_event> feed_events;
  std::vector<bar> bars; ///< The signal actor's closed time bars.

  std::size_t size() const;
  void clear();

  static constexpr const char* type_name = "cdb::event_batch";
  CDB_FIELDS(runs, signals, decisions, orders, order_events, fills, snapshots,
             states, feed_events, bars)
};

class store {
public:
  explicit store(std::string dsn);
  ~store();

  /// Connects (if needed), migrates and prepares statements.
  void connect();

  bool connected() const;

  /// Drops the connection (after an error) so the next connect() starts
  /// afresh.
  void reset();

  /// Writes `batch`; trading states, orders and account snapshots are
  /// recorded as `node`'s.
  void write(const event_batch& batch, const std::string& node = "");

  /// The last trading state recorded for `node`, or nullopt.
  std::optional<trading_state> last_trading_state(const std::string& node);

  /// `node`'s last recorded account and its orders without a final event
  /// (quantity: what has not filled).
  account_recovery recover_account(const std::string& node);

  /// The newest `per_series` bars of each (instrument, interval) `node`
  /// recorded, oldest first.
  recorded_bars recover_bars(const std::string& node, std::uint32_t per_series);

private:
  std::string dsn_;
  std::unique_ptr<pqxx::connection> conn_;
};

} // namespace cdb

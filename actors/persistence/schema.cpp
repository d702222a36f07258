#include "actors/persistence/schema.hpp"

#include <pqxx/pqxx>

namespace cdb {

namespace {

// Ids are the producers' stable event ids: re-sent events are ignored by the
// primary key (ON CONFLICT DO NOTHING). Times are timestamptz; written_at is
// the database's clock at insert.
constexpr const char* v1 = R"sql(
CREATE TABLE runs (
  id text PRIMARY KEY,
  mode text NOT NULL,
  version text NOT NULL,
  config_hash text NOT NULL,
  started_at timestamptz NOT NULL,
  written_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE signals (
  id text PRIMARY KEY,
  strategy text NOT NULL,
  instrument text NOT NULL,
  direction text NOT NULL,
  strength double precision NOT NULL,
  ref_price double precision NOT NULL,
  stop_hint double precision NOT NULL,
  reason text NOT NULL,
  event_time timestamptz NOT NULL,
  init_time timestamptz NOT NULL,
  written_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE risk_decisions (
  id text PRIMARY KEY,
  signal_id text NOT NULL,
  order_id text NOT NULL,
  approved boolean NOT NULL,
  layer text NOT NULL,
  reason text NOT NULL,
  observed double precision NOT NULL,
  limit_value double precision NOT NULL,
  requested_qty double precision NOT NULL,
  approved_qty double precision NOT NULL,
  notes text NOT NULL,
  event_time timestamptz NOT NULL,
  init_time timestamptz NOT NULL,
  written_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX risk_decisions_signal ON risk_decisions (signal_id);
CREATE TABLE orders (
  id text PRIMARY KEY,
  decision_id text NOT NULL,
  signal_id text NOT NULL,
  instrument text NOT NULL,
  direction text NOT NULL,
  type text NOT NULL,
  qty double precision NOT NULL,
  limit_price double precision NOT NULL,
  stop_loss double precision NOT NULL,
  take_profit double precision NOT NULL,
  reduce_only boolean NOT NULL,
  event_time timestamptz NOT NULL,
  init_time timestamptz NOT NULL,
  written_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_decision ON orders (decision_id);
CREATE TABLE order_events (
  id text PRIMARY KEY,
  order_id text NOT NULL,
  kind text NOT NULL,
  reason text NOT NULL,
  event_time timestamptz NOT NULL,
  init_time timestamptz NOT NULL,
  written_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_events_order ON order_events (order_id);
CREATE TABLE fills (
  id text PRIMARY KEY,
  order_id text NOT NULL,
  instrument text NOT NULL,
  direction text NOT NULL,
  qty double precision NOT NULL,
  price double precision NOT NULL,
  fee double precision NOT NULL,
  liquidity text NOT NULL,
  event_time timestamptz NOT NULL,
  init_time timestamptz NOT NULL,
  written_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fills_order ON fills (order_id);
CREATE TABLE equity_snapshots (
  id text PRIMARY KEY,
  equity double precision NOT NULL,
  cash double precision NOT NULL,
  exposure double precision NOT NULL,
  realized_pnl double precision NOT NULL,
  unrealized_pnl double precision NOT NULL,
  fees double precision NOT NULL,
  open_positions integer NOT NULL,
  event_time timestamptz NOT NULL,
  written_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE trading_state_changes (
  id text PRIMARY KEY,
  state text NOT NULL,
  reason text NOT NULL,
  event_time timestamptz NOT NULL,
  written_at timestamptz NOT NULL DEFAULT now()
);
)sql";

// The base of the daily drawdown, as execution computed it.
constexpr const char* v2 = R"sql(
ALTER TABLE equity_snapshots
  ADD COLUMN start_of_day_equity double precision NOT NULL DEFAULT 0;
)sql";

// The circuit breaker's memory: its active trips and peak equity with each
// state, the node that recorded it, and the order of recording (seq).
constexpr const char* v3 = R"sql(
ALTER TABLE trading_state_changes
  ADD COLUMN node text NOT NULL DEFAULT '',
  ADD COLUMN trips jsonb NOT NULL DEFAULT '[]',
  ADD COLUMN peak_equity double precision NOT NULL DEFAULT 0,
  ADD COLUMN seq bigserial;
CREATE INDEX trading_state_changes_node_seq
  ON trading_state_changes (node, seq);
)sql";

// The paper venue (issue 6): time in force, trigger price and bracket
// parent of orders; slippage of fills; margin and funding of the account;
// and what a restarted execution recovers: the node of orders and
// snapshots, the snapshot's positions, the order of recording (seq).
constexpr const char* v4 = R"sql(
ALTER TABLE orders
  ADD COLUMN time_in_force text NOT NULL DEFAULT 'gtc',
  ADD COLUMN stop_price double precision NOT NULL DEFAULT 0,
  ADD COLUMN parent_id text NOT NULL DEFAULT '',
  ADD COLUMN node text NOT NULL DEFAULT '',
  ADD COLUMN seq bigserial;
CREATE INDEX orders_node_seq ON orders (node, seq);
CREATE INDEX order_events_order_kind ON order_events (order_id, kind);
ALTER TABLE fills
  ADD COLUMN slippage_bps double precision NOT NULL DEFAULT 0;
ALTER TABLE equity_snapshots
  ADD COLUMN margin_used double precision NOT NULL DEFAULT 0,
  ADD COLUMN funding double precision NOT NULL DEFAULT 0,
  ADD COLUMN node text NOT NULL DEFAULT '',
  ADD COLUMN positions jsonb NOT NULL DEFAULT '[]',
  ADD COLUMN seq bigserial;
CREATE INDEX equity_snapshots_node_seq ON equity_snapshots (node, seq);
)sql";

} // namespace

const std::vector<migration>& migrations() {
  static const std::vector<migration> all{{1, "initial schema", v1},
                                          {2, "start-of-day equity", v2},
                                          {3, "circuit-breaker trips", v3},
                                          {4, "paper venue", v4}};
  return all;
}

int migrate(pqxx::connection& conn) {
  int current = 0;
  for (auto& m : migrations()) {
    pqxx::work w{conn};
    // Serialises concurrent starters (two nodes, or two tests, on one
    // database); released at commit. Even CREATE TABLE IF NOT EXISTS races
    // without it (a unique violation in pg_type).
    w.exec("SELECT pg_advisory_xact_lock(7243110)");
    w.exec0("CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version integer PRIMARY KEY, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())");
    auto done = w.exec_params(
      "SELECT 1 FROM schema_migrations WHERE version=$1", m.version);
    if (done.empty()) {
      w.exec0(m.sql);
      w.exec_params("INSERT INTO schema_migrations (version, name) "
                    "VALUES ($1, $2)",
                    m.version, std::string{m.name});
    }
    w.commit();
    current = m.version;
  }
  return current;
}

} // namespace cdb

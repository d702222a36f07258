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

// Issue 7: the node of each run; what each fill realized; the position
// history (one row per instrument of every account snapshot); the feed's
// health changes; and the views that answer the operator's questions.
// Ids are "<kind>-<run>-<incarnation>-<n>": split_part(id, '-', 2) is the
// run, runs.node its node.
constexpr const char* v5 = R"sql(
ALTER TABLE runs ADD COLUMN node text NOT NULL DEFAULT '';
ALTER TABLE fills
  ADD COLUMN realized_pnl double precision NOT NULL DEFAULT 0;
CREATE TABLE positions (
  id text PRIMARY KEY,
  snapshot_id text NOT NULL,
  node text NOT NULL,
  instrument text NOT NULL,
  qty double precision NOT NULL,
  avg_price double precision NOT NULL,
  mark double precision NOT NULL,
  unrealized_pnl double precision NOT NULL,
  realized_pnl double precision NOT NULL,
  perpetual boolean NOT NULL,
  leverage double precision NOT NULL,
  margin double precision NOT NULL,
  liquidation_price double precision NOT NULL,
  funding double precision NOT NULL,
  event_time timestamptz NOT NULL,
  written_at timestamptz NOT NULL DEFAULT now(),
  seq bigserial
);
CREATE INDEX positions_snapshot ON positions (snapshot_id);
CREATE INDEX positions_node_instrument ON positions (node, instrument, seq);
CREATE TABLE feed_events (
  id text PRIMARY KEY,
  node text NOT NULL,
  instrument text NOT NULL,
  state text NOT NULL,
  data_age_ms double precision NOT NULL,
  reason text NOT NULL,
  event_time timestamptz NOT NULL,
  written_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fills_event_time ON fills (event_time);
CREATE INDEX signals_event_time ON signals (event_time);

-- The open positions of each node: those of its newest account snapshot.
CREATE VIEW open_positions AS
SELECT p.node, p.instrument, p.qty, p.avg_price, p.mark, p.unrealized_pnl,
       p.realized_pnl, p.perpetual, p.leverage, p.margin,
       p.liquidation_price, p.funding, p.event_time
FROM positions p
JOIN (SELECT DISTINCT ON (node) id FROM equity_snapshots
      ORDER BY node, seq DESC) s ON s.id = p.snapshot_id;

-- Every fill with its order's node, its signal's strategy and its run.
-- A trade is a fill that closed (part of) a position: realized_pnl <> 0;
-- it is won when realized_pnl > 0 (before fees).
CREATE VIEW fill_results AS
SELECT f.id, f.order_id, split_part(f.id, '-', 2) AS run_id, o.node,
       COALESCE(NULLIF(s.strategy, ''),
                CASE WHEN o.signal_id = '' THEN 'risk' ELSE 'unknown' END)
         AS strategy,
       f.instrument, f.direction, f.qty, f.price, f.qty * f.price AS notional,
       f.fee, f.liquidity, f.slippage_bps, f.realized_pnl,
       f.realized_pnl <> 0 AS is_trade, f.realized_pnl > 0 AS is_win,
       f.event_time, (f.event_time AT TIME ZONE 'UTC')::date AS day
FROM fills f
JOIN orders o ON o.id = f.order_id
LEFT JOIN signals s ON s.id = o.signal_id;

CREATE VIEW trades_per_day AS
SELECT node, day, count(*) AS fills,
       count(*) FILTER (WHERE is_trade) AS trades,
       count(*) FILTER (WHERE is_win) AS wins,
       sum(notional) AS notional, sum(fee) AS fees,
       sum(realized_pnl) AS realized_pnl
FROM fill_results GROUP BY node, day;

CREATE VIEW win_rate AS
SELECT node, strategy, count(*) FILTER (WHERE is_trade) AS trades,
       count(*) FILTER (WHERE is_win) AS wins,
       (count(*) FILTER (WHERE is_win))::double precision
         / NULLIF(count(*) FILTER (WHERE is_trade), 0) AS win_rate
FROM fill_results GROUP BY node, strategy;

-- Daily PnL: the last account of each UTC day against that day's
-- start-of-day equity (execution's, at risk.day_start).
CREATE VIEW daily_pnl AS
SELECT DISTINCT ON (node, day) node, day, equity, start_of_day_equity,
       equity - start_of_day_equity AS pnl, realized_pnl, fees
FROM (SELECT *, (event_time AT TIME ZONE 'UTC')::date AS day
      FROM equity_snapshots) e
ORDER BY node, day, seq DESC;

-- Drawdown from the running peak at every account snapshot.
CREATE VIEW equity_drawdown AS
SELECT node, split_part(id, '-', 2) AS run_id, event_time, equity, peak,
       CASE WHEN peak > 0 THEN (peak - equity) / peak * 100 ELSE 0 END
         AS drawdown_pct
FROM (SELECT *, max(equity) OVER (PARTITION BY node ORDER BY seq) AS peak
      FROM equity_snapshots) e;

CREATE VIEW max_drawdown AS
SELECT node, max(drawdown_pct) AS max_drawdown_pct, max(peak) AS peak_equity
FROM equity_drawdown GROUP BY node;

-- Processing-time latencies (init_time: when each actor produced the
-- event): from the signal to an order risk made of it (not to the
-- protective children execution places later), and from a market order
-- to its first fill (resting orders wait for the market by design).
CREATE VIEW order_latency AS
SELECT o.id AS order_id, split_part(o.id, '-', 2) AS run_id, o.node,
       s.strategy, o.type, o.event_time,
       CASE WHEN o.parent_id = '' THEN
         extract(epoch FROM o.init_time - s.init_time) * 1000 END
         AS signal_to_order_ms,
       CASE WHEN o.type = 'market' THEN
         extract(epoch FROM f.first_fill - o.init_time) * 1000 END
         AS order_to_fill_ms
FROM orders o
LEFT JOIN signals s ON s.id = o.signal_id
LEFT JOIN (SELECT order_id, min(init_time) AS first_fill FROM fills
           GROUP BY order_id) f ON f.order_id = o.id;

CREATE VIEW latency_summary AS
SELECT node, count(*) AS orders,
       avg(signal_to_order_ms) AS signal_to_order_avg_ms,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY signal_to_order_ms)
         AS signal_to_order_p99_ms,
       avg(order_to_fill_ms) AS order_to_fill_avg_ms,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY order_to_fill_ms)
         AS order_to_fill_p99_ms
FROM order_latency GROUP BY node;
)sql";

} // namespace

// The signal actor's closed time bars, so a restarted node warms its
// strategies up from what it saw before (id: node/instrument/interval/start,
// so a bar sent twice is one row); order_events_order is covered by
// order_events_order_kind (same leading column).
constexpr const char* v6 = R"sql(
CREATE TABLE bars (
  id text PRIMARY KEY,
  node text NOT NULL,
  instrument text NOT NULL,
  interval_ns bigint NOT NULL,
  open double precision NOT NULL,
  high double precision NOT NULL,
  low double precision NOT NULL,
  close double precision NOT NULL,
  volume double precision NOT NULL,
  start_time timestamptz NOT NULL,
  end_time timestamptz NOT NULL,
  written_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bars_node_series ON bars (node, instrument, interval_ns, start_time);
DROP INDEX IF EXISTS order_events_order;
)sql";

const std::vector<migration>& migrations() {
  static const std::vector<migration> all{{1, "initial schema", v1},
                                          {2, "start-of-day equity", v2},
                                          {3, "circuit-breaker trips", v3},
                                          {4, "paper venue", v4},
                                          {5, "positions, feed events, views",
                                           v5},
                                          {6, "bars", v6}};
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

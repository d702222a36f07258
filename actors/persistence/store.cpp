#include "actors/persistence/store.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "actors/persistence/schema.hpp"

namespace cdb {

namespace {

constexpr const char* ts = "to_timestamp($%d::double precision / 1e9)";

std::string at(int n) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), ts, n);
  return buf;
}

/// A table the store writes: its columns in write order and their types.
/// Each has a prepared statement named after the table.
struct table_spec {
  const char* table;
  const char* columns;
  std::vector<const char*> types;
};

const table_spec signals_table{
  "signals",
  "id, strategy, instrument, direction, strength, ref_price, stop_hint, "
  "reason, event_time, init_time",
  {"text", "text", "text", "text", "float8", "float8", "float8", "text",
   "timestamptz", "timestamptz"}};
const table_spec decisions_table{
  "risk_decisions",
  "id, signal_id, order_id, approved, layer, reason, observed, limit_value, "
  "requested_qty, approved_qty, notes, event_time, init_time",
  {"text", "text", "text", "bool", "text", "text", "float8", "float8", "float8",
   "float8", "text", "timestamptz", "timestamptz"}};
const table_spec orders_table{
  "orders",
  "id, decision_id, signal_id, instrument, direction, type, qty, "
  "limit_price, stop_loss, take_profit, reduce_only, event_time, init_time, "
  "time_in_force, stop_price, parent_id, node",
  {"text", "text", "text", "text", "text", "text", "float8", "float8", "float8",
   "float8", "bool", "timestamptz", "timestamptz", "text", "float8", "text",
   "text"}};
const table_spec order_events_table{
  "order_events",
  "id, order_id, kind, reason, event_time, init_time",
  {"text", "text", "text", "text", "timestamptz", "timestamptz"}};
const table_spec fills_table{
  "fills",
  "id, order_id, instrument, direction, qty, price, fee, liquidity, "
  "event_time, init_time, slippage_bps, realized_pnl",
  {"text", "text", "text", "text", "float8", "float8", "float8", "text",
   "timestamptz", "timestamptz", "float8", "float8"}};
const table_spec snapshots_table{
  "equity_snapshots",
  "id, equity, cash, exposure, realized_pnl, unrealized_pnl, fees, "
  "open_positions, event_time, start_of_day_equity, margin_used, funding, "
  "node, positions",
  {"text", "float8", "float8", "float8", "float8", "float8", "float8", "int4",
   "timestamptz", "float8", "float8", "float8", "text", "jsonb"}};
const table_spec positions_table{
  "positions",
  "id, snapshot_id, node, instrument, qty, avg_price, mark, unrealized_pnl, "
  "realized_pnl, perpetual, leverage, margin, liquidation_price, funding, "
  "event_time",
  {"text", "text", "text", "text", "float8", "float8", "float8", "float8",
   "float8", "bool", "float8", "float8", "float8", "float8", "timestamptz"}};
const table_spec states_table{
  "trading_state_changes",
  "id, state, reason, event_time, node, trips, peak_equity",
  {"text", "text", "text", "timestamptz", "text", "jsonb", "float8"}};
const table_spec bars_table{
  "bars",
  "id, node, instrument, interval_ns, open, high, low, close, volume, "
  "start_time, end_time",
  {"text", "text", "text", "int8", "float8", "float8", "float8", "float8",
   "float8", "timestamptz", "timestamptz"}};
const table_spec feed_events_table{
  "feed_events",
  "id, node, instrument, state, data_age_ms, reason, event_time",
  {"text", "text", "text", "text", "float8", "text", "timestamptz"}};

void prepare_inserts(pqxx::connection& c) {
  for (auto* t :
       {&signals_table, &decisions_table, &orders_table, &order_events_table,
        &fills_table, &snapshots_table, &positions_table, &states_table,
        &feed_events_table, &bars_table}) {
    std::string sql = std::string{"INSERT INTO "} + t->table + " (" + t->columns
                      + ") SELECT * FROM unnest(";
    for (std::size_t i = 0; i < t->types.size(); ++i)
      sql += (i > 0 ? ", $" : "$") + std::to_string(i + 1) + "::" + t->types[i]
             + "[]";
    sql += ") ON CONFLICT (id) DO NOTHING";
    c.prepare(t->table, sql);
  }
}

void prepare_all(pqxx::connection& c) {
  prepare_inserts(c);
  c.prepare("last_account",
            "SELECT id, equity, cash, exposure, realized_pnl, unrealized_pnl,"
            " fees, start_of_day_equity, margin_used, funding,"
            " (extract(epoch FROM event_time) * 1e9)::bigint, positions::text"
            " FROM equity_snapshots WHERE node = $1 ORDER BY seq DESC LIMIT 1");
  c.prepare("open_orders",
            "SELECT o.id, o.decision_id, o.signal_id, o.instrument,"
            " o.direction, o.type, o.qty - COALESCE((SELECT sum(f.qty) FROM"
            " fills f WHERE f.order_id = o.id), 0), o.limit_price,"
            " o.stop_loss, o.take_profit, o.reduce_only,"
            " (extract(epoch FROM o.event_time) * 1e9)::bigint,"
            " (extract(epoch FROM o.init_time) * 1e9)::bigint,"
            " o.time_in_force, o.stop_price, o.parent_id FROM orders o"
            " WHERE o.node = $1 AND NOT EXISTS (SELECT 1 FROM order_events e"
            " WHERE e.order_id = o.id AND e.kind IN"
            " ('filled', 'cancelled', 'expired', 'rejected'))"
            " ORDER BY o.seq");
  c.prepare("recent_bars",
            "SELECT instrument, interval_ns, open, high, low, close, volume,"
            " (extract(epoch FROM start_time) * 1e9)::bigint,"
            " (extract(epoch FROM end_time) * 1e9)::bigint FROM ("
            " SELECT b.*, row_number() OVER (PARTITION BY instrument,"
            " interval_ns ORDER BY start_time DESC) AS n FROM bars b"
            " WHERE node = $1) r WHERE n <= $2 ORDER BY start_time,"
            " instrument, interval_ns");
  c.prepare("last_state",
            "SELECT id, state, reason,"
            " (extract(epoch FROM event_time) * 1e9)::bigint, peak_equity,"
            " trips::text FROM trading_state_changes WHERE node = $1"
            " ORDER BY seq DESC LIMIT 1");
  c.prepare("run",
            "INSERT INTO runs (id, mode, version, config_hash, started_at, "
            "node) VALUES ($1,$2,$3,$4,"
              + at(5) + ",$6) ON CONFLICT (id) DO NOTHING");
}

std::string positions_json(const std::vector<position>& positions) {
  auto out = nlohmann::json::array();
  for (auto& p : positions)
    out.push_back({{"instrument", p.instrument},
                   {"qty", p.qty},
                   {"avg_price", p.avg_price},
                   {"mark", p.mark},
                   {"realized_pnl", p.realized_pnl},
                   {"stop_loss", p.stop_loss},
                   {"take_profit", p.take_profit},
                   {"perpetual", p.perpetual},
                   {"leverage", p.leverage},
                   {"margin", p.margin},
                   {"liquidation_price", p.liquidation_price},
                   {"funding", p.funding}});
  return out.dump();
}

std::string trips_json(const std::vector<breaker_trip>& trips) {
  auto out = nlohmann::json::array();
  for (auto& t : trips)
    out.push_back({{"rule", t.rule},
                   {"mode", to_string(t.mode)},
                   {"reason", t.reason},
                   {"since", t.since},
                   {"day", t.day}});
  return out.dump();
}

bool mode_from(const std::string& x, trading_mode& out) {
  for (auto m :
       {trading_mode::active, trading_mode::reducing, trading_mode::halted})
    if (x == to_string(m)) {
      out = m;
      return true;
    }
  return false;
}

} // namespace

// Both over every field (CDB_FIELDS): a new kind of event cannot be missed.
std::size_t event_batch::size() const {
  return std::apply([](auto&... kinds) { return (kinds.size() + ...); }, tie());
}

void event_batch::clear() {
  std::apply([](auto&... kinds) { (kinds.clear(), ...); }, tie());
}

store::store(std::string dsn) : dsn_(std::move(dsn)) {
  // nop
}

store::~store() = default;

void store::connect() {
  if (connected())
    return;
  auto conn = std::make_unique<pqxx::connection>(dsn_);
  migrate(*conn);
  prepare_all(*conn);
  conn_ = std::move(conn);
}

bool store::connected() const {
  return conn_ != nullptr && conn_->is_open();
}

void store::reset() {
  conn_.reset();
}

namespace {

/// A batch's rows of one table, sent column-wise: one array per column
/// and one prepared `INSERT ... SELECT * FROM unnest($1::text[], ...) ON
/// CONFLICT (id) DO NOTHING` per table and batch. The statement is parsed
/// and planned once per connection, whatever the batch size (about twice
/// as fast as a multi-row VALUES list; docs/performance.md). Values travel
/// as text: numbers in their shortest exact form, times as UTC with
/// microseconds, so nothing is lost in conversion.
class column_rows {
public:
  column_rows(pqxx::work& w, const table_spec& t)
    : w_(w), t_(t), arrays_(t.types.size()) {
    // nop
  }

  column_rows& text(const std::string& x) {
    auto& a = next();
    a += '"';
    for (char c : x) {
      if (c == '"' || c == '\\')
        a += '\\';
      a += c;
    }
    a += '"';
    return *this;
  }

  column_rows& num(double x) {
    auto& a = next();
    if (std::isnan(x)) {
      a += "NaN";
    } else if (std::isinf(x)) {
      a += x > 0 ? "Infinity" : "-Infinity";
    } else {
      char out[32];
      auto r = std::to_chars(out, out + sizeof(out), x);
      a.append(out, r.ptr);
    }
    return *this;
  }

  column_rows& integer(std::int64_t x) {
    next() += std::to_string(x);
    return *this;
  }

  column_rows& boolean(bool x) {
    next() += x ? 't' : 'f';
    return *this;
  }

  /// Nanoseconds since the epoch as timestamptz (microsecond resolution).
  column_rows& time(timestamp ns) {
    auto secs = ns >= 0 ? ns / 1'000'000'000 : (ns + 1) / 1'000'000'000 - 1;
    auto micros = (ns - secs * 1'000'000'000) / 1000;
    auto t = static_cast<std::time_t>(secs);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char out[64];
    std::snprintf(out, sizeof(out),
                  "\"%04d-%02d-%02d %02d:%02d:%02d.%06lld+00\"",
                  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                  tm.tm_min, tm.tm_sec, static_cast<long long>(micros));
    next() += out;
    return *this;
  }

  /// Closes the row; every `max_rows` rows go out as one statement.
  void end_row() {
    column_ = 0;
    if (++rows_ == max_rows)
      exec();
  }

  /// Sends what is left.
  void exec() {
    if (rows_ == 0)
      return;
    for (auto& a : arrays_)
      a += '}';
    w_.exec_prepared(t_.table, pqxx::prepare::make_dynamic_params(arrays_));
    for (auto& a : arrays_)
      a.clear();
    rows_ = 0;
  }

private:
  static constexpr std::size_t max_rows = 5000;

  /// The array of the next column, ready for its element.
  std::string& next() {
    auto& a = arrays_[column_++];
    a += rows_ == 0 ? '{' : ',';
    return a;
  }

  pqxx::work& w_;
  const table_spec& t_;
  std::vector<std::string> arrays_;
  std::size_t column_ = 0;
  std::size_t rows_ = 0;
};

} // namespace

void store::write(const event_batch& b, const std::string& node) {
  connect();
  pqxx::work w{*conn_};
  for (auto& r : b.runs)
    w.exec_prepared("run", r.id, r.mode, r.version, r.config_hash, r.started_at,
                    r.node);
  column_rows sig{w, signals_table};
  for (auto& s : b.signals) {
    sig.text(s.id).text(s.strategy).text(s.instrument);
    sig.text(to_string(s.direction)).num(s.strength).num(s.ref_price);
    sig.num(s.stop_hint).text(s.reason).time(s.event_time).time(s.init_time);
    sig.end_row();
  }
  sig.exec();
  column_rows dec{w, decisions_table};
  for (auto& d : b.decisions) {
    dec.text(d.id).text(d.signal_id).text(d.order_id).boolean(d.approved);
    dec.text(d.layer).text(d.reason).num(d.observed).num(d.limit);
    dec.num(d.requested_qty).num(d.approved_qty).text(d.notes);
    dec.time(d.event_time).time(d.init_time);
    dec.end_row();
  }
  dec.exec();
  column_rows ord{w, orders_table};
  for (auto& o : b.orders) {
    ord.text(o.id).text(o.decision_id).text(o.signal_id).text(o.instrument);
    ord.text(to_string(o.direction)).text(to_string(o.type)).num(o.qty);
    ord.num(o.limit_price).num(o.stop_loss).num(o.take_profit);
    ord.boolean(o.reduce_only).time(o.event_time).time(o.init_time);
    ord.text(to_string(o.tif)).num(o.stop_price).text(o.parent_id).text(node);
    ord.end_row();
  }
  ord.exec();
  column_rows ev{w, order_events_table};
  for (auto& e : b.order_events) {
    ev.text(e.id).text(e.order_id).text(to_string(e.kind)).text(e.reason);
    ev.time(e.event_time).time(e.init_time);
    ev.end_row();
  }
  ev.exec();
  column_rows fil{w, fills_table};
  for (auto& f : b.fills) {
    fil.text(f.id).text(f.order_id).text(f.instrument);
    fil.text(to_string(f.direction)).num(f.qty).num(f.price).num(f.fee);
    fil.text(to_string(f.role)).time(f.event_time).time(f.init_time);
    fil.num(f.slippage_bps).num(f.realized_pnl);
    fil.end_row();
  }
  fil.exec();
  column_rows snap{w, snapshots_table};
  for (auto& s : b.snapshots) {
    snap.text(s.id).num(s.equity).num(s.cash).num(s.exposure);
    snap.num(s.realized_pnl).num(s.unrealized_pnl).num(s.fees);
    snap.integer(static_cast<std::int64_t>(s.positions.size()));
    snap.time(s.event_time).num(s.start_of_day_equity).num(s.margin_used);
    snap.num(s.funding).text(node).text(positions_json(s.positions));
    snap.end_row();
  }
  snap.exec();
  column_rows pos{w, positions_table};
  for (auto& s : b.snapshots)
    for (auto& p : s.positions) {
      pos.text(s.id + '/' + p.instrument).text(s.id).text(node);
      pos.text(p.instrument).num(p.qty).num(p.avg_price).num(p.mark);
      pos.num(p.qty * (p.mark - p.avg_price)).num(p.realized_pnl);
      pos.boolean(p.perpetual).num(p.leverage).num(p.margin);
      pos.num(p.liquidation_price).num(p.funding).time(s.event_time);
      pos.end_row();
    }
  pos.exec();
  column_rows st{w, states_table};
  for (auto& s : b.states) {
    st.text(s.id).text(to_string(s.mode)).text(s.reason).time(s.since);
    st.text(node).text(trips_json(s.trips)).num(s.peak_equity);
    st.end_row();
  }
  st.exec();
  column_rows fe{w, feed_events_table};
  for (auto& e : b.feed_events) {
    fe.text(e.id).text(node).text(e.status.instrument);
    fe.text(to_string(e.status.state));
    fe.num(static_cast<double>(e.status.data_age) / 1e6);
    fe.text(e.status.reason).time(e.status.event_time);
    fe.end_row();
  }
  fe.exec();
  column_rows bars{w, bars_table};
  for (auto& x : b.bars) {
    bars.text(node + '/' + x.instrument + '/' + std::to_string(x.interval) + '/'
              + std::to_string(x.start_time));
    bars.text(node).text(x.instrument).integer(x.interval).num(x.open);
    bars.num(x.high).num(x.low).num(x.close).num(x.volume).time(x.start_time);
    bars.time(x.end_time);
    bars.end_row();
  }
  bars.exec();
  w.commit();
}

} // namespace cdb

namespace cdb {

std::optional<trading_state>
store::last_trading_state(const std::string& node) {
  connect();
  pqxx::work w{*conn_};
  auto r = w.exec_prepared("last_state", node);
  w.commit();
  if (r.empty())
    return std::nullopt;
  auto row = r[0];
  trading_state s;
  s.id = row[0].as<std::string>();
  if (!mode_from(row[1].as<std::string>(), s.mode))
    s.mode = trading_mode::halted; // unreadable: the strict answer
  s.reason = row[2].as<std::string>();
  s.since = row[3].as<std::int64_t>();
  s.peak_equity = row[4].as<double>();
  for (auto& t : nlohmann::json::parse(row[5].as<std::string>())) {
    breaker_trip x;
    x.rule = t.value("rule", "");
    if (!mode_from(t.value("mode", ""), x.mode))
      x.mode = trading_mode::halted;
    x.reason = t.value("reason", "");
    x.since = t.value("since", std::int64_t{0});
    x.day = t.value("day", std::int64_t{0});
    s.trips.push_back(std::move(x));
  }
  return s;
}

} // namespace cdb

namespace cdb {

namespace {

bool order_type_from(const std::string& text, order_type& out) {
  for (auto x : {order_type::market, order_type::limit, order_type::stop_market,
                 order_type::take_profit})
    if (text == to_string(x)) {
      out = x;
      return true;
    }
  return false;
}

bool time_in_force_from(const std::string& text, time_in_force& out) {
  for (auto x :
       {time_in_force::gtc, time_in_force::ioc, time_in_force::post_only})
    if (text == to_string(x)) {
      out = x;
      return true;
    }
  return false;
}

} // namespace

account_recovery store::recover_account(const std::string& node) {
  connect();
  pqxx::work w{*conn_};
  auto acct = w.exec_prepared("last_account", node);
  auto open = w.exec_prepared("open_orders", node);
  w.commit();
  account_recovery r;
  if (!acct.empty()) {
    auto row = acct[0];
    auto& a = r.account;
    r.found = true;
    a.id = row[0].as<std::string>();
    a.equity = row[1].as<double>();
    a.cash = row[2].as<double>();
    a.exposure = row[3].as<double>();
    a.realized_pnl = row[4].as<double>();
    a.unrealized_pnl = row[5].as<double>();
    a.fees = row[6].as<double>();
    a.start_of_day_equity = row[7].as<double>();
    a.margin_used = row[8].as<double>();
    a.funding = row[9].as<double>();
    a.event_time = row[10].as<std::int64_t>();
    for (auto& j : nlohmann::json::parse(row[11].as<std::string>())) {
      position p;
      p.instrument = j.value("instrument", "");
      p.qty = j.value("qty", 0.0);
      p.avg_price = j.value("avg_price", 0.0);
      p.mark = j.value("mark", 0.0);
      p.realized_pnl = j.value("realized_pnl", 0.0);
      p.stop_loss = j.value("stop_loss", 0.0);
      p.take_profit = j.value("take_profit", 0.0);
      p.perpetual = j.value("perpetual", false);
      p.leverage = j.value("leverage", 1.0);
      p.margin = j.value("margin", 0.0);
      p.liquidation_price = j.value("liquidation_price", 0.0);
      p.funding = j.value("funding", 0.0);
      a.positions.push_back(std::move(p));
    }
  }
  for (auto row : open) {
    order o;
    o.id = row[0].as<std::string>();
    o.decision_id = row[1].as<std::string>();
    o.signal_id = row[2].as<std::string>();
    o.instrument = row[3].as<std::string>();
    o.direction = row[4].as<std::string>() == "sell" ? side::sell : side::buy;
    if (!order_type_from(row[5].as<std::string>(), o.type))
      continue; // unreadable: not an order to trade on
    o.qty = row[6].as<double>();
    o.limit_price = row[7].as<double>();
    o.stop_loss = row[8].as<double>();
    o.take_profit = row[9].as<double>();
    o.reduce_only = row[10].as<bool>();
    o.event_time = row[11].as<std::int64_t>();
    o.init_time = row[12].as<std::int64_t>();
    if (!time_in_force_from(row[13].as<std::string>(), o.tif))
      continue;
    o.stop_price = row[14].as<double>();
    o.parent_id = row[15].as<std::string>();
    if (o.qty > 0)
      r.open_orders.push_back(std::move(o));
  }
  return r;
}

} // namespace cdb

namespace cdb {

recorded_bars store::recover_bars(const std::string& node,
                                  std::uint32_t per_series) {
  connect();
  pqxx::work w{*conn_};
  auto rows = w.exec_prepared("recent_bars", node,
                              static_cast<std::int64_t>(per_series));
  w.commit();
  recorded_bars r;
  r.bars.reserve(rows.size());
  for (auto row : rows) {
    bar b;
    b.instrument = row[0].as<std::string>();
    b.interval = row[1].as<std::int64_t>();
    b.open = row[2].as<double>();
    b.high = row[3].as<double>();
    b.low = row[4].as<double>();
    b.close = row[5].as<double>();
    b.volume = row[6].as<double>();
    b.start_time = row[7].as<std::int64_t>();
    b.end_time = row[8].as<std::int64_t>();
    r.bars.push_back(std::move(b));
  }
  return r;
}

} // namespace cdb

#include "actors/persistence/store.hpp"

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

void prepare_all(pqxx::connection& c) {
  c.prepare("signal",
            "INSERT INTO signals (id, strategy, instrument, direction, "
            "strength, ref_price, stop_hint, reason, event_time, init_time) "
            "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,"
              + at(9) + "," + at(10) + ") ON CONFLICT (id) DO NOTHING");
  c.prepare("decision",
            "INSERT INTO risk_decisions (id, signal_id, order_id, approved, "
            "layer, reason, observed, limit_value, requested_qty, "
            "approved_qty, notes, event_time, init_time) VALUES "
            "($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,"
              + at(12) + "," + at(13) + ") ON CONFLICT (id) DO NOTHING");
  c.prepare("order",
            "INSERT INTO orders (id, decision_id, signal_id, instrument, "
            "direction, type, qty, limit_price, stop_loss, take_profit, "
            "reduce_only, event_time, init_time, time_in_force, stop_price, "
            "parent_id, node) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,"
              + at(12) + "," + at(13)
              + ",$14,$15,$16,$17) ON CONFLICT (id) DO NOTHING");
  c.prepare("order_event",
            "INSERT INTO order_events (id, order_id, kind, reason, "
            "event_time, init_time) VALUES ($1,$2,$3,$4,"
              + at(5) + "," + at(6) + ") ON CONFLICT (id) DO NOTHING");
  c.prepare("fill",
            "INSERT INTO fills (id, order_id, instrument, direction, qty, "
            "price, fee, liquidity, event_time, init_time, slippage_bps) "
            "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,"
              + at(9) + "," + at(10) + ",$11) ON CONFLICT (id) DO NOTHING");
  c.prepare("snapshot",
            "INSERT INTO equity_snapshots (id, equity, cash, exposure, "
            "realized_pnl, unrealized_pnl, fees, open_positions, event_time, "
            "start_of_day_equity, margin_used, funding, node, positions) "
            "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,"
              + at(9)
              + ",$10,$11,$12,$13,$14::jsonb) ON CONFLICT (id) DO NOTHING");
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
  c.prepare("state", "INSERT INTO trading_state_changes (id, state, reason, "
                     "event_time, node, trips, peak_equity) VALUES ($1,$2,$3,"
                       + at(4)
                       + ",$5,$6::jsonb,$7) ON CONFLICT (id) DO NOTHING");
  c.prepare("last_state",
            "SELECT id, state, reason,"
            " (extract(epoch FROM event_time) * 1e9)::bigint, peak_equity,"
            " trips::text FROM trading_state_changes WHERE node = $1"
            " ORDER BY seq DESC LIMIT 1");
  c.prepare("run",
            "INSERT INTO runs (id, mode, version, config_hash, started_at) "
            "VALUES ($1,$2,$3,$4,"
              + at(5) + ") ON CONFLICT (id) DO NOTHING");
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

std::size_t event_batch::size() const {
  return signals.size() + decisions.size() + orders.size() + order_events.size()
         + fills.size() + snapshots.size() + states.size();
}

void event_batch::clear() {
  signals.clear();
  decisions.clear();
  orders.clear();
  order_events.clear();
  fills.clear();
  snapshots.clear();
  states.clear();
}

namespace {

template <class T>
void move_all(std::vector<T>& to, std::vector<T>& from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()),
            std::make_move_iterator(from.end()));
  from.clear();
}

} // namespace

void event_batch::append(event_batch&& other) {
  move_all(signals, other.signals);
  move_all(decisions, other.decisions);
  move_all(orders, other.orders);
  move_all(order_events, other.order_events);
  move_all(fills, other.fills);
  move_all(snapshots, other.snapshots);
  move_all(states, other.states);
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

void store::write(const event_batch& b, const std::string& node) {
  connect();
  pqxx::work w{*conn_};
  for (auto& s : b.signals)
    w.exec_prepared("signal", s.id, s.strategy, s.instrument,
                    std::string{to_string(s.direction)}, s.strength,
                    s.ref_price, s.stop_hint, s.reason, s.event_time,
                    s.init_time);
  for (auto& d : b.decisions)
    w.exec_prepared("decision", d.id, d.signal_id, d.order_id, d.approved,
                    d.layer, d.reason, d.observed, d.limit, d.requested_qty,
                    d.approved_qty, d.notes, d.event_time, d.init_time);
  for (auto& o : b.orders)
    w.exec_prepared("order", o.id, o.decision_id, o.signal_id, o.instrument,
                    std::string{to_string(o.direction)},
                    std::string{to_string(o.type)}, o.qty, o.limit_price,
                    o.stop_loss, o.take_profit, o.reduce_only, o.event_time,
                    o.init_time, std::string{to_string(o.tif)}, o.stop_price,
                    o.parent_id, node);
  for (auto& e : b.order_events)
    w.exec_prepared("order_event", e.id, e.order_id,
                    std::string{to_string(e.kind)}, e.reason, e.event_time,
                    e.init_time);
  for (auto& f : b.fills)
    w.exec_prepared("fill", f.id, f.order_id, f.instrument,
                    std::string{to_string(f.direction)}, f.qty, f.price, f.fee,
                    std::string{to_string(f.role)}, f.event_time, f.init_time,
                    f.slippage_bps);
  for (auto& s : b.snapshots)
    w.exec_prepared("snapshot", s.id, s.equity, s.cash, s.exposure,
                    s.realized_pnl, s.unrealized_pnl, s.fees,
                    static_cast<int>(s.positions.size()), s.event_time,
                    s.start_of_day_equity, s.margin_used, s.funding, node,
                    positions_json(s.positions));
  for (auto& s : b.states)
    w.exec_prepared("state", s.id, std::string{to_string(s.mode)}, s.reason,
                    s.since, node, trips_json(s.trips), s.peak_equity);
  w.commit();
}

void store::write(const run_info& r) {
  connect();
  pqxx::work w{*conn_};
  w.exec_prepared("run", r.id, r.mode, r.version, r.config_hash, r.started_at);
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

template <class Enum>
bool enum_from(const std::string& text, Enum& out, Enum last) {
  for (auto i = 0; i <= static_cast<int>(last); ++i) {
    auto x = static_cast<Enum>(i);
    if (text == to_string(x)) {
      out = x;
      return true;
    }
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
    if (!enum_from(row[5].as<std::string>(), o.type, order_type::take_profit))
      continue; // unreadable: not an order to trade on
    o.qty = row[6].as<double>();
    o.limit_price = row[7].as<double>();
    o.stop_loss = row[8].as<double>();
    o.take_profit = row[9].as<double>();
    o.reduce_only = row[10].as<bool>();
    o.event_time = row[11].as<std::int64_t>();
    o.init_time = row[12].as<std::int64_t>();
    if (!enum_from(row[13].as<std::string>(), o.tif, time_in_force::post_only))
      continue;
    o.stop_price = row[14].as<double>();
    o.parent_id = row[15].as<std::string>();
    if (o.qty > 0)
      r.open_orders.push_back(std::move(o));
  }
  return r;
}

} // namespace cdb

// The store against a real PostgreSQL (CDB_TEST_DSN, which make test
// sets): each test gets a database of its own, created empty and dropped
// afterwards, so counts and views are exact.
#define CAF_SUITE store_pg
#include <cmath>
#include <cstdlib>
#include <limits>
#include <random>
#include <stdexcept>

#include <caf/test/unit_test.hpp>
#include <pqxx/pqxx>

#include "actors/persistence/schema.hpp"
#include "actors/persistence/store.hpp"
#include "runtime/report.hpp"

using namespace cdb;

namespace {

constexpr timestamp sec = 1'000'000'000;
constexpr timestamp ms = 1'000'000;
/// 2026-12-01 08:00:00.123456789 UTC: nanoseconds below the microsecond.
constexpr timestamp t0 = 1'796'112'000 * sec + 123'456'789;

std::string base_dsn() {
  auto dsn = std::getenv("CDB_TEST_DSN");
  if (dsn == nullptr || *dsn == '\0')
    throw std::runtime_error{"CDB_TEST_DSN must name the test database "
                             "(make test sets it)"};
  return dsn;
}

/// A fresh, empty database for one test.
struct fresh_database {
  std::string name;
  std::string dsn;

  fresh_database()
    : name{"cdb_store_test_"
           + std::to_string(std::random_device{}() % 1000000000u)} {
    pqxx::connection admin{base_dsn()};
    pqxx::nontransaction w{admin};
    w.exec0("CREATE DATABASE " + name);
    // libpq takes the last value of a repeated keyword.
    dsn = base_dsn() + " dbname=" + name;
  }

  ~fresh_database() {
    try {
      pqxx::connection admin{base_dsn()};
      pqxx::nontransaction w{admin};
      w.exec0("DROP DATABASE IF EXISTS " + name);
    } catch (...) {
      // A leftover test database is harmless; the cluster is temporary.
    }
  }

  std::string scalar(const std::string& sql) {
    pqxx::connection c{dsn};
    pqxx::nontransaction w{c};
    auto r = w.exec(sql);
    return r[0][0].is_null() ? "NULL" : r[0][0].as<std::string>();
  }

  double number(const std::string& sql) {
    return std::stod(scalar(sql));
  }
};

signal make_signal(const std::string& id, const std::string& strategy,
                   timestamp t) {
  signal s;
  s.id = id;
  s.strategy = strategy;
  s.instrument = "BTCUSDT";
  s.ref_price = 100;
  s.reason = "test";
  s.event_time = s.init_time = t;
  return s;
}

order make_order(const std::string& id, const std::string& sig, side d,
                 timestamp t) {
  order o;
  o.id = id;
  o.decision_id = "dec" + id.substr(3);
  o.signal_id = sig;
  o.instrument = "BTCUSDT";
  o.direction = d;
  o.qty = 1;
  o.event_time = o.init_time = t;
  return o;
}

fill make_fill(const std::string& id, const order& o, double price, double fee,
               double realized, timestamp t) {
  fill f;
  f.id = id;
  f.order_id = o.id;
  f.instrument = o.instrument;
  f.direction = o.direction;
  f.qty = o.qty;
  f.price = price;
  f.fee = fee;
  f.realized_pnl = realized;
  f.event_time = f.init_time = t;
  return f;
}

portfolio_snapshot make_snapshot(const std::string& id, double equity,
                                 timestamp t) {
  portfolio_snapshot s;
  s.id = id;
  s.equity = s.cash = equity;
  s.start_of_day_equity = 1000;
  s.event_time = t;
  return s;
}

/// Two strategies on node "n1", run "r1": ema_cross wins 10, breakout
/// loses 5; equity 1000 -> 1010 -> 990 -> 1005; signal-to-order 2 ms and
/// 4 ms, order-to-fill 10 ms each.
event_batch scenario() {
  event_batch b;
  b.runs.push_back({"r1", "paper", "0.1.0", "h", t0, "n1"});
  b.signals.push_back(make_signal("sig-r1-1-1", "ema_cross", t0));
  b.signals.push_back(make_signal("sig-r1-1-2", "breakout", t0 + sec));
  auto o1 = make_order("ord-r1-1-1", "sig-r1-1-1", side::buy, t0 + 2 * ms);
  auto o2 = make_order("ord-r1-1-2", "sig-r1-1-1", side::sell, t0 + 2 * ms);
  auto o3 = make_order("ord-r1-1-3", "sig-r1-1-2", side::buy,
                       t0 + sec + 4 * ms);
  auto o4 = make_order("ord-r1-1-4", "sig-r1-1-2", side::sell,
                       t0 + sec + 4 * ms);
  for (auto* o : {&o1, &o2, &o3, &o4}) {
    risk_decision d;
    d.id = o->decision_id;
    d.signal_id = o->signal_id;
    d.order_id = o->id;
    d.approved = true;
    d.layer = "all";
    d.reason = "approved";
    d.event_time = d.init_time = o->init_time;
    b.decisions.push_back(d);
    b.orders.push_back(*o);
  }
  b.fills.push_back(make_fill("fil-r1-1-1", o1, 100, 0.1, 0, t0 + 12 * ms));
  b.fills.push_back(make_fill("fil-r1-1-2", o2, 110, 0.1, 10, t0 + 12 * ms));
  b.fills.push_back(
    make_fill("fil-r1-1-3", o3, 100, 0.1, 0, t0 + sec + 14 * ms));
  b.fills.push_back(
    make_fill("fil-r1-1-4", o4, 95, 0.1, -5, t0 + sec + 14 * ms));
  b.snapshots.push_back(make_snapshot("eq-r1-1-1", 1000, t0));
  b.snapshots.push_back(make_snapshot("eq-r1-1-2", 1010, t0 + sec));
  b.snapshots.push_back(make_snapshot("eq-r1-1-3", 990, t0 + 2 * sec));
  auto last = make_snapshot("eq-r1-1-4", 1005, t0 + 3 * sec);
  position p;
  p.instrument = "ETHUSDT";
  p.qty = 2;
  p.avg_price = 50;
  p.mark = 55;
  last.positions.push_back(p);
  b.snapshots.push_back(last);
  return b;
}

} // namespace

CAF_TEST(migrations apply to an empty database and are no - ops after) {
  fresh_database db;
  {
    pqxx::connection c{db.dsn};
    CAF_CHECK_EQUAL(migrate(c), migrations().back().version);
  }
  auto applied = db.scalar("SELECT count(*) FROM schema_migrations");
  auto tables = db.scalar("SELECT count(*) FROM pg_tables WHERE "
                          "schemaname = 'public'");
  {
    pqxx::connection c{db.dsn};
    CAF_CHECK_EQUAL(migrate(c), migrations().back().version);
  }
  store s{db.dsn};
  s.connect(); // a third time, through the store
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM schema_migrations"), applied);
  CAF_CHECK_EQUAL(applied, std::to_string(migrations().size()));
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM pg_tables WHERE "
                            "schemaname = 'public'"),
                  tables);
  for (auto view : {"open_positions", "fill_results", "trades_per_day",
                    "win_rate", "daily_pnl", "equity_drawdown", "max_drawdown",
                    "order_latency", "latency_summary"})
    CAF_CHECK_EQUAL(db.scalar(std::string{"SELECT count(*) FROM pg_views "
                                          "WHERE viewname = '"}
                              + view + "'"),
                    "1");
}

CAF_TEST(a batch written twice is recorded once) {
  fresh_database db;
  store s{db.dsn};
  auto b = scenario();
  s.write(b, "n1");
  s.write(b, "n1"); // a resend after a restart
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM runs"), "1");
  CAF_CHECK_EQUAL(db.scalar("SELECT node FROM runs"), "n1");
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM signals"), "2");
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM risk_decisions"), "4");
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM orders"), "4");
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM fills"), "4");
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM equity_snapshots"), "4");
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM positions"), "1");
}

CAF_TEST(values survive the trip exactly) {
  fresh_database db;
  store s{db.dsn};
  event_batch b;
  auto x = make_signal("sig-r2-1-1", "ema_cross", t0);
  x.reason = "it's \"odd\" \\ \\N \t\r\n \xc3\xbc; DROP TABLE signals; --";
  x.strength = 0.1 + 0.2; // not a short decimal
  x.ref_price = std::numeric_limits<double>::quiet_NaN();
  x.stop_hint = -std::numeric_limits<double>::infinity();
  b.signals.push_back(x);
  s.write(b, "n2");
  CAF_CHECK_EQUAL(db.scalar("SELECT reason FROM signals"), x.reason);
  CAF_CHECK_EQUAL(db.number("SELECT strength FROM signals"), 0.1 + 0.2);
  CAF_CHECK_EQUAL(db.scalar("SELECT ref_price FROM signals"), "NaN");
  CAF_CHECK_EQUAL(db.scalar("SELECT stop_hint FROM signals"), "-Infinity");
  // Microseconds kept, nanoseconds truncated.
  CAF_CHECK_EQUAL(db.scalar("SELECT to_char(event_time AT TIME ZONE 'UTC', "
                            "'YYYY-MM-DD HH24:MI:SS.US') FROM signals"),
                  "2026-12-01 08:00:00.123456");
}

CAF_TEST(a batch larger than one statement is written whole) {
  fresh_database db;
  store s{db.dsn};
  event_batch b;
  for (int i = 0; i < 12000; ++i) // three statements of 5 000 at most
    b.signals.push_back(
      make_signal("sig-r3-1-" + std::to_string(i), "ema_cross", t0 + i));
  s.write(b, "n3");
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM signals"), "12000");
}

CAF_TEST(the views answer the operator questions) {
  fresh_database db;
  store s{db.dsn};
  s.write(scenario(), "n1");
  CAF_CHECK_EQUAL(db.scalar("SELECT trades || '/' || wins FROM win_rate "
                            "WHERE strategy = 'ema_cross'"),
                  "1/1");
  CAF_CHECK_EQUAL(db.scalar("SELECT trades || '/' || wins FROM win_rate "
                            "WHERE strategy = 'breakout'"),
                  "1/0");
  CAF_CHECK_EQUAL(db.scalar("SELECT fills || '/' || trades || '/' || "
                            "realized_pnl FROM trades_per_day"),
                  "4/2/5");
  CAF_CHECK_EQUAL(db.number("SELECT pnl FROM daily_pnl WHERE node = 'n1'"),
                  5.0);
  CAF_CHECK(std::fabs(db.number("SELECT max_drawdown_pct FROM max_drawdown")
                      - 20.0 / 1010 * 100)
            < 1e-9);
  CAF_CHECK(
    std::fabs(db.number("SELECT signal_to_order_avg_ms FROM latency_summary")
              - 3)
    < 1e-6);
  CAF_CHECK(
    std::fabs(db.number("SELECT order_to_fill_avg_ms FROM latency_summary")
              - 10)
    < 1e-6);
  CAF_CHECK_EQUAL(db.scalar("SELECT instrument || ' ' || qty || ' ' || "
                            "unrealized_pnl FROM open_positions"),
                  "ETHUSDT 2 10");
}

CAF_TEST(the report sums the scenario per strategy and filters) {
  fresh_database db;
  store s{db.dsn};
  s.write(scenario(), "n1");
  pqxx::connection c{db.dsn};
  auto r = load_report(c, report_filter{});
  CAF_CHECK_EQUAL(r.runs, 1);
  CAF_CHECK_EQUAL(r.signals, 2);
  CAF_CHECK_EQUAL(r.approved, 4);
  CAF_CHECK_EQUAL(r.orders, 4);
  CAF_CHECK_EQUAL(r.total.fills, 4);
  CAF_CHECK_EQUAL(r.total.trades, 2);
  CAF_CHECK_EQUAL(r.total.wins, 1);
  CAF_CHECK(std::fabs(r.total.realized_pnl - 5) < 1e-9);
  CAF_CHECK(std::fabs(r.total.fees - 0.4) < 1e-9);
  CAF_CHECK(std::fabs(r.signal_to_order_avg_ms - 3) < 1e-6);
  CAF_REQUIRE_EQUAL(r.accounts.size(), 1u);
  CAF_CHECK_EQUAL(r.accounts[0].first_equity, 1000.0);
  CAF_CHECK_EQUAL(r.accounts[0].last_equity, 1005.0);
  CAF_REQUIRE_EQUAL(r.strategies.size(), 2u);
  CAF_CHECK_EQUAL(r.strategies[0].strategy, "breakout");
  CAF_CHECK(std::fabs(r.strategies[0].c.realized_pnl + 5) < 1e-9);
  CAF_CHECK_EQUAL(r.strategies[1].c.wins, 1);
  // A time range holding only the breakout second.
  report_filter later;
  later.from = "2026-12-01 08:00:01+00";
  auto l = load_report(c, later);
  CAF_CHECK_EQUAL(l.signals, 1);
  CAF_CHECK_EQUAL(l.total.fills, 2);
  CAF_CHECK_EQUAL(l.total.wins, 0);
  // Another node, another run: nothing.
  report_filter other;
  other.node = "n9";
  CAF_CHECK_EQUAL(load_report(c, other).total.fills, 0);
  other = report_filter{};
  other.run = "r1";
  CAF_CHECK_EQUAL(load_report(c, other).total.fills, 4);
  auto json = report_json(r, report_filter{});
  CAF_CHECK(json.find("\"win_rate\": 0.5") != std::string::npos);
  auto text = report_table(r, report_filter{});
  CAF_CHECK(text.find("50.0 %") != std::string::npos);
}

CAF_TEST(recovery returns the last account and the open orders) {
  fresh_database db;
  store s{db.dsn};
  auto b = scenario();
  auto resting = make_order("ord-r1-1-9", "sig-r1-1-1", side::buy,
                            t0 + 3 * sec);
  resting.type = order_type::limit;
  resting.limit_price = 90;
  resting.qty = 3;
  b.orders.push_back(resting);
  order_event filled;
  for (auto& f : b.fills) {
    filled.id = "oev-" + f.id;
    filled.order_id = f.order_id;
    filled.kind = order_event_kind::filled;
    b.order_events.push_back(filled);
  }
  s.write(b, "n1");
  auto r = s.recover_account("n1");
  CAF_CHECK(r.found);
  CAF_CHECK_EQUAL(r.account.id, "eq-r1-1-4");
  CAF_CHECK_EQUAL(r.account.equity, 1005.0);
  CAF_REQUIRE_EQUAL(r.account.positions.size(), 1u);
  CAF_CHECK_EQUAL(r.account.positions[0].instrument, "ETHUSDT");
  CAF_REQUIRE_EQUAL(r.open_orders.size(), 1u);
  CAF_CHECK_EQUAL(r.open_orders[0].id, "ord-r1-1-9");
  CAF_CHECK_EQUAL(r.open_orders[0].qty, 3.0);
  CAF_CHECK(!s.recover_account("n9").found);
}

CAF_TEST(recorded bars come back newest per series and oldest first) {
  fresh_database db;
  store s{db.dsn};
  event_batch b;
  auto add = [&](const char* instrument, nanoseconds interval, int i) {
    bar x;
    x.instrument = instrument;
    x.interval = interval;
    x.open = x.high = x.low = 100;
    x.close = 100 + i;
    x.volume = 0.5;
    x.start_time = 1'796'112'000'000'000'000 + i * interval;
    x.end_time = x.start_time + interval;
    b.bars.push_back(x);
  };
  for (int i = 0; i < 5; ++i) {
    add("BTCUSDT", 60'000'000'000, i);
    add("ETHUSDT", 60'000'000'000, i);
  }
  add("BTCUSDT", 500'000'000, 0); // another series
  s.write(b, "n1");
  s.write(b, "n1"); // sent twice: recorded once
  s.write(b, "n2"); // another node's
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM bars"), "22");
  auto r = s.recover_bars("n1", 3);
  CAF_REQUIRE_EQUAL(r.bars.size(), 7u);
  CAF_CHECK_EQUAL(r.bars.front().close, 100.0); // the 500 ms bar, oldest
  CAF_CHECK_EQUAL(r.bars.front().interval, 500'000'000);
  CAF_CHECK_EQUAL(r.bars[1].instrument, "BTCUSDT");
  CAF_CHECK_EQUAL(r.bars[1].close, 102.0);
  CAF_CHECK_EQUAL(r.bars[2].instrument, "ETHUSDT");
  CAF_CHECK_EQUAL(r.bars.back().close, 104.0);
  CAF_CHECK(r.bars.back() == b.bars[9]); // every field, exactly
  for (std::size_t i = 1; i < r.bars.size(); ++i)
    CAF_CHECK_LESS_OR_EQUAL(r.bars[i - 1].start_time, r.bars[i].start_time);
  CAF_CHECK(s.recover_bars("n3", 3).bars.empty());
}

CAF_TEST(a report on an old schema says what to do) {
  fresh_database db;
  {
    pqxx::connection c{db.dsn};
    pqxx::nontransaction w{c};
    w.exec0("CREATE TABLE schema_migrations (version integer PRIMARY KEY, "
            "name text NOT NULL)");
    w.exec0("INSERT INTO schema_migrations VALUES (4, 'paper venue')");
  }
  pqxx::connection c{db.dsn};
  std::string error;
  try {
    load_report(c, report_filter{});
  } catch (const std::runtime_error& e) {
    error = e.what();
  }
  CAF_CHECK(error.find("schema is version 4") != std::string::npos);
}

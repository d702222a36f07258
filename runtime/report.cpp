#include "runtime/report.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "actors/persistence/schema.hpp"
#include "runtime/flags.hpp"

namespace cdb {

namespace {

/// The selection on a table whose ids embed the run ("kind-run-inc-n"):
/// $1 run, $2 node, $3 from, $4 to; empty parameters do not filter.
std::string where(const char* id_column) {
  std::string run = std::string{"split_part(x."} + id_column + ", '-', 2)";
  return " WHERE ($1 = '' OR " + run
         + " = $1)"
           " AND ($2 = '' OR "
         + run
         + " IN (SELECT id FROM runs WHERE node = $2))"
           " AND ($3 = '' OR x.event_time >= $3::timestamptz)"
           " AND ($4 = '' OR x.event_time < $4::timestamptz)";
}

pqxx::result query(pqxx::work& w, const std::string& sql,
                   const report_filter& f) {
  return w.exec_params(sql, f.run, f.node, f.from, f.to);
}

/// An integer column; 0 when NULL.
std::int64_t count_of(const pqxx::field& x) {
  return x.is_null() ? 0 : x.as<std::int64_t>();
}

/// A number column; `fallback` when NULL (an aggregate over no row).
double number_or(const pqxx::field& x, double fallback) {
  return x.is_null() ? fallback : x.as<double>();
}

constexpr const char* counts_columns
  = "count(*), count(*) FILTER (WHERE is_trade),"
    " count(*) FILTER (WHERE is_win), sum(notional), sum(realized_pnl),"
    " sum(fee)";

/// Reads the six columns of counts_columns starting at `at`.
report_counts counts(const pqxx::row& row, int at) {
  report_counts c;
  c.fills = count_of(row[at]);
  c.trades = count_of(row[at + 1]);
  c.wins = count_of(row[at + 2]);
  c.notional = number_or(row[at + 3], 0);
  c.realized_pnl = number_or(row[at + 4], 0);
  c.fees = number_or(row[at + 5], 0);
  return c;
}

std::string fixed(double x, int digits = 2) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, x);
  return buf;
}

std::string percent(std::int64_t part, std::int64_t whole) {
  return whole > 0 ? fixed(100.0 * static_cast<double>(part)
                             / static_cast<double>(whole),
                           1)
                       + " %"
                   : "-";
}

std::string ms(double x) {
  return x < 0 ? "-" : fixed(x, 3) + " ms";
}

/// A text table: columns padded to their widest cell, numbers right.
class table {
public:
  explicit table(std::vector<std::string> head) {
    rows_.push_back(std::move(head));
  }

  void add(std::vector<std::string> row) {
    rows_.push_back(std::move(row));
  }

  std::string str() const {
    std::vector<std::size_t> width(rows_[0].size(), 0);
    for (auto& r : rows_)
      for (std::size_t i = 0; i < r.size(); ++i)
        width[i] = std::max(width[i], r[i].size());
    std::string out;
    for (const auto& row : rows_) {
      for (std::size_t i = 0; i < row.size(); ++i) {
        auto pad = std::string(width[i] - row[i].size(), ' ');
        out += i == 0 ? row[i] + pad : "  " + pad + row[i];
      }
      out += '\n';
    }
    return out;
  }

private:
  std::vector<std::vector<std::string>> rows_;
};

std::vector<std::string> count_cells(const report_counts& c) {
  return {std::to_string(c.fills),
          std::to_string(c.trades),
          percent(c.wins, c.trades),
          fixed(c.realized_pnl),
          fixed(c.fees),
          fixed(c.realized_pnl - c.fees)};
}

nlohmann::json counts_json(const report_counts& c) {
  return {{"fills", c.fills},
          {"trades", c.trades},
          {"wins", c.wins},
          {"win_rate", c.trades > 0
                         ? nlohmann::json(static_cast<double>(c.wins)
                                          / static_cast<double>(c.trades))
                         : nlohmann::json(nullptr)},
          {"notional", c.notional},
          {"realized_pnl", c.realized_pnl},
          {"fees", c.fees},
          {"net_pnl", c.realized_pnl - c.fees}};
}

nlohmann::json maybe(double x) {
  return x < 0 ? nlohmann::json(nullptr) : nlohmann::json(x);
}

/// Why `--run` or `--node` selects nothing: the run or node is not in the
/// database (a typo would otherwise print a report of zeros), with the
/// runs written last to pick from; empty when both are there or not given.
std::string unknown_run_or_node(pqxx::connection& conn,
                                const report_filter& f) {
  pqxx::nontransaction w{conn};
  std::string flag;
  std::string value;
  if (!f.run.empty()
      && w.exec_params("SELECT 1 FROM runs WHERE id = $1", f.run).empty()) {
    flag = "--run";
    value = f.run;
  } else if (!f.node.empty()
             && w.exec_params("SELECT 1 FROM runs WHERE node = $1", f.node)
                  .empty()) {
    flag = "--node";
    value = f.node;
  } else {
    return {};
  }
  auto latest = w.exec(
    "SELECT id, mode, node, to_char(started_at AT TIME ZONE 'UTC', "
    "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM runs ORDER BY written_at DESC, "
    "id LIMIT 3");
  std::string words = flag + " = " + value + ": no such "
                      + (flag == "--run" ? "run" : "node") + " in the database";
  if (latest.empty())
    return words + " (it holds no run)";
  words += "; the latest runs:";
  for (const auto& row : latest)
    words += std::string{" "} + row[0].c_str() + " (" + row[1].c_str()
             + ", node " + row[2].c_str() + ", started " + row[3].c_str() + ")";
  return words;
}

} // namespace

report_data load_report(pqxx::connection& conn, const report_filter& f) {
  pqxx::work w{conn};
  auto version = w.exec("SELECT max(version) FROM schema_migrations")[0][0];
  auto have = static_cast<int>(count_of(version));
  auto need = migrations().back().version;
  if (have < need)
    throw std::runtime_error{"the database schema is version "
                             + std::to_string(have) + "; cdb report needs "
                             + std::to_string(need)
                             + " (start a node once: it migrates)"};
  report_data r;
  r.runs = query(w,
                 "SELECT count(*) FROM runs x WHERE ($1 = '' OR x.id = $1)"
                 " AND ($2 = '' OR x.node = $2)"
                 " AND ($3 = '' OR x.started_at >= $3::timestamptz)"
                 " AND ($4 = '' OR x.started_at < $4::timestamptz)",
                 f)[0][0]
             .as<std::int64_t>();
  r.signals = query(w, "SELECT count(*) FROM signals x" + where("id"), f)[0][0]
                .as<std::int64_t>();
  auto d = query(w,
                 "SELECT count(*) FILTER (WHERE approved),"
                 " count(*) FILTER (WHERE NOT approved) FROM risk_decisions x"
                   + where("id"),
                 f)[0];
  r.approved = count_of(d[0]);
  r.rejected = count_of(d[1]);
  auto l = query(w,
                 "SELECT count(*), avg(signal_to_order_ms),"
                 " percentile_cont(0.99) WITHIN GROUP"
                 " (ORDER BY signal_to_order_ms), avg(order_to_fill_ms),"
                 " percentile_cont(0.99) WITHIN GROUP"
                 " (ORDER BY order_to_fill_ms) FROM order_latency x"
                   + where("order_id"),
                 f)[0];
  r.orders = count_of(l[0]);
  r.signal_to_order_avg_ms = number_or(l[1], -1);
  r.signal_to_order_p99_ms = number_or(l[2], -1);
  r.order_to_fill_avg_ms = number_or(l[3], -1);
  r.order_to_fill_p99_ms = number_or(l[4], -1);
  r.total = counts(query(w,
                         std::string{"SELECT "} + counts_columns
                           + " FROM fill_results x" + where("id"),
                         f)[0],
                   0);
  for (auto row : query(w,
                        "SELECT node, count(*), (array_agg(equity ORDER BY"
                        " seq))[1], (array_agg(equity ORDER BY seq DESC))[1],"
                        " max(peak), max(CASE WHEN peak > 0 THEN (peak -"
                        " equity) / peak * 100 ELSE 0 END) FROM (SELECT"
                        " x.node, x.seq, x.equity, max(x.equity) OVER"
                        " (PARTITION BY x.node ORDER BY x.seq) AS peak FROM"
                        " equity_snapshots x"
                          + where("id") + ") e GROUP BY node ORDER BY node",
                        f)) {
    report_account a;
    a.node = row[0].as<std::string>();
    a.snapshots = row[1].as<std::int64_t>();
    a.first_equity = number_or(row[2], 0);
    a.last_equity = number_or(row[3], 0);
    a.peak_equity = number_or(row[4], 0);
    a.max_drawdown_pct = number_or(row[5], 0);
    r.accounts.push_back(std::move(a));
  }
  std::map<std::string, report_strategy> by_strategy;
  for (auto row : query(w,
                        "SELECT strategy, count(*) FROM signals x" + where("id")
                          + " GROUP BY strategy",
                        f)) {
    auto& s = by_strategy[row[0].as<std::string>()];
    s.signals = row[1].as<std::int64_t>();
  }
  for (auto row :
       query(w,
             std::string{"SELECT strategy, "} + counts_columns
               + " FROM fill_results x" + where("id") + " GROUP BY strategy",
             f))
    by_strategy[row[0].as<std::string>()].c = counts(row, 1);
  for (auto& [name, s] : by_strategy) {
    s.strategy = name;
    r.strategies.push_back(s);
  }
  for (auto row : query(w,
                        std::string{"SELECT day::text, "} + counts_columns
                          + " FROM fill_results x" + where("id")
                          + " GROUP BY day ORDER BY day",
                        f)) {
    report_day day;
    day.day = row[0].as<std::string>();
    day.c = counts(row, 1);
    r.days.push_back(std::move(day));
  }
  w.commit();
  return r;
}

std::string report_table(const report_data& r, const report_filter& f) {
  std::ostringstream out;
  out << "cdb report";
  if (!f.run.empty())
    out << "  run " << f.run;
  if (!f.node.empty())
    out << "  node " << f.node;
  if (!f.from.empty())
    out << "  from " << f.from;
  if (!f.to.empty())
    out << "  to " << f.to;
  out << "\n\n";
  table sum{{"summary", ""}};
  sum.add({"runs", std::to_string(r.runs)});
  sum.add({"signals", std::to_string(r.signals)});
  sum.add({"risk decisions approved / rejected",
           std::to_string(r.approved) + " / " + std::to_string(r.rejected)});
  sum.add({"orders", std::to_string(r.orders)});
  sum.add({"fills", std::to_string(r.total.fills)});
  sum.add({"trades (closing fills)", std::to_string(r.total.trades)});
  sum.add({"win rate", percent(r.total.wins, r.total.trades)});
  sum.add({"traded notional", fixed(r.total.notional)});
  sum.add({"realized PnL", fixed(r.total.realized_pnl)});
  sum.add({"fees", fixed(r.total.fees)});
  sum.add(
    {"net PnL (realized - fees)", fixed(r.total.realized_pnl - r.total.fees)});
  sum.add({"signal to order avg / p99", ms(r.signal_to_order_avg_ms) + " / "
                                          + ms(r.signal_to_order_p99_ms)});
  sum.add({"order to fill avg / p99",
           ms(r.order_to_fill_avg_ms) + " / " + ms(r.order_to_fill_p99_ms)});
  out << sum.str();
  if (!r.accounts.empty()) {
    table acc{{"node", "snapshots", "first equity", "last equity", "change",
               "peak", "max drawdown"}};
    for (auto& a : r.accounts)
      acc.add({a.node, std::to_string(a.snapshots), fixed(a.first_equity),
               fixed(a.last_equity), fixed(a.last_equity - a.first_equity),
               fixed(a.peak_equity), fixed(a.max_drawdown_pct, 3) + " %"});
    out << '\n' << acc.str();
  }
  if (!r.strategies.empty()) {
    table st{{"strategy", "signals", "fills", "trades", "win rate", "realized",
              "fees", "net"}};
    for (auto& s : r.strategies) {
      std::vector<std::string> row{s.strategy, std::to_string(s.signals)};
      for (auto& c : count_cells(s.c))
        row.push_back(c);
      st.add(std::move(row));
    }
    out << '\n' << st.str();
  }
  if (!r.days.empty()) {
    table days{
      {"day (UTC)", "fills", "trades", "win rate", "realized", "fees", "net"}};
    for (auto& d : r.days) {
      std::vector<std::string> row{d.day};
      for (auto& c : count_cells(d.c))
        row.push_back(c);
      days.add(std::move(row));
    }
    out << '\n' << days.str();
  }
  return out.str();
}

std::string report_json(const report_data& r, const report_filter& f) {
  nlohmann::json j;
  j["filter"] = {
    {"run", f.run}, {"node", f.node}, {"from", f.from}, {"to", f.to}};
  j["runs"] = r.runs;
  j["signals"] = r.signals;
  j["decisions"] = {{"approved", r.approved}, {"rejected", r.rejected}};
  j["orders"] = r.orders;
  j["total"] = counts_json(r.total);
  j["latency_ms"] = {{"signal_to_order_avg", maybe(r.signal_to_order_avg_ms)},
                     {"signal_to_order_p99", maybe(r.signal_to_order_p99_ms)},
                     {"order_to_fill_avg", maybe(r.order_to_fill_avg_ms)},
                     {"order_to_fill_p99", maybe(r.order_to_fill_p99_ms)}};
  j["accounts"] = nlohmann::json::array();
  for (auto& a : r.accounts)
    j["accounts"].push_back({{"node", a.node},
                             {"snapshots", a.snapshots},
                             {"first_equity", a.first_equity},
                             {"last_equity", a.last_equity},
                             {"peak_equity", a.peak_equity},
                             {"max_drawdown_pct", a.max_drawdown_pct}});
  j["strategies"] = nlohmann::json::array();
  for (auto& s : r.strategies) {
    auto row = counts_json(s.c);
    row["strategy"] = s.strategy;
    row["signals"] = s.signals;
    j["strategies"].push_back(std::move(row));
  }
  j["days"] = nlohmann::json::array();
  for (auto& d : r.days) {
    auto row = counts_json(d.c);
    row["day"] = d.day;
    j["days"].push_back(std::move(row));
  }
  return j.dump(2) + '\n';
}

run_record load_run_record(pqxx::connection& conn, const report_filter& f) {
  pqxx::work w{conn};
  run_record r;
  // Event times in µs since the epoch (PostgreSQL's precision).
  constexpr const char* us = "(extract(epoch FROM x.event_time) * 1e6)::bigint";
  for (auto row : query(w,
                        std::string{"SELECT "} + us
                          + ", x.equity, x.open_positions > 0"
                            " FROM equity_snapshots x"
                          + where("id") + " ORDER BY x.event_time, x.seq",
                        f)) {
    equity_point p{row[0].as<std::int64_t>() * 1000, row[1].as<double>(),
                   row[2].as<bool>()};
    if (!r.equity.empty() && r.equity.back().t == p.t)
      r.equity.back() = p;
    else
      r.equity.push_back(p);
  }
  // The strategy of a fill: its order's signal, or for a bracket's stop or
  // target the signal of its entry; "(risk)" for orders without one.
  for (auto row : query(
         w,
         std::string{"SELECT "} + us
           + ", x.instrument, COALESCE(s.strategy, ps.strategy, CASE WHEN"
             " o.signal_id = '' THEN '(risk)' ELSE '(unknown)' END),"
             " x.direction, x.qty, x.price, x.fee, x.slippage_bps,"
             " x.realized_pnl FROM fills x JOIN orders o ON o.id = x.order_id"
             " LEFT JOIN signals s ON s.id = o.signal_id"
             " LEFT JOIN orders po ON po.id = o.parent_id"
             " LEFT JOIN signals ps ON ps.id = po.signal_id"
           + where("id") + " ORDER BY x.event_time, x.id",
         f)) {
    report_fill x;
    x.t = row[0].as<std::int64_t>() * 1000;
    x.instrument = row[1].as<std::string>();
    x.strategy = row[2].as<std::string>();
    x.direction = row[3].as<std::string>() == "sell" ? side::sell : side::buy;
    x.qty = row[4].as<double>();
    x.price = row[5].as<double>();
    x.fee = row[6].as<double>();
    x.slippage_bps = row[7].as<double>();
    x.realized_pnl = row[8].as<double>();
    r.fills.push_back(std::move(x));
  }
  // With each group, the signals risk decided on (the rest: a close
  // signal while flat).
  for (auto row : query(w,
                        "SELECT x.strategy, x.instrument, count(*),"
                        " count(*) FILTER (WHERE EXISTS (SELECT 1 FROM"
                        " risk_decisions d WHERE d.signal_id = x.id))"
                        " FROM signals x"
                          + where("id") + " GROUP BY 1, 2",
                        f)) {
    auto n = row[2].as<std::int64_t>();
    r.signals[row[0].as<std::string>()] += n;
    r.instrument_signals[row[1].as<std::string>()] += n;
    r.decided_signals += row[3].as<std::int64_t>();
  }
  for (auto row : query(w,
                        "SELECT x.approved, x.layer, count(*) FROM"
                        " risk_decisions x"
                          + where("id") + " GROUP BY 1, 2",
                        f)) {
    if (row[0].as<bool>())
      r.approved += row[2].as<std::int64_t>();
    else
      r.rejections[row[1].as<std::string>()] += row[2].as<std::int64_t>();
  }
  for (auto row : query(w,
                        "SELECT x.trips::text FROM trading_state_changes x"
                          + where("id") + " ORDER BY x.event_time, x.seq",
                        f))
    for (auto& t : nlohmann::json::parse(row[0].as<std::string>()))
      add_trip(r, report_trip{t.value("since", std::int64_t{0}),
                              t.value("rule", ""), t.value("mode", ""),
                              t.value("reason", "")});
  // Prices: the closes of the smallest bars the selected runs' nodes
  // recorded over the account's time span.
  if (!r.equity.empty()) {
    auto from = std::to_string(r.equity.front().t / 1000);
    auto to = std::to_string(r.equity.back().t / 1000);
    auto rows = w.exec_params(
      "SELECT instrument, (extract(epoch FROM end_time) * 1e6)::bigint, close"
      " FROM bars b WHERE interval_ns = (SELECT min(interval_ns) FROM bars c"
      " WHERE c.node = b.node AND c.instrument = b.instrument)"
      " AND ($2 = '' OR node = $2)"
      " AND ($1 = '' OR node IN (SELECT node FROM runs WHERE id = $1))"
      " AND end_time >= to_timestamp($3::double precision / 1e6)"
      " AND end_time <= to_timestamp($4::double precision / 1e6)"
      " ORDER BY instrument, end_time",
      f.run, f.node, from, to);
    for (auto row : rows)
      r.prices[row[0].as<std::string>()].push_back(
        price_point{row[1].as<std::int64_t>() * 1000, row[2].as<double>()});
  }
  r.title = "cdb report";
  if (!f.run.empty())
    r.title += " of run " + f.run;
  if (!f.node.empty())
    r.title += " of node " + f.node;
  if (!f.from.empty() || !f.to.empty())
    r.title += " (" + f.from + " .. " + f.to + ")";
  return r;
}

int report_main(const std::vector<std::string>& args, const char* env_dsn) {
  report_filter f;
  std::string dsn = env_dsn != nullptr ? env_dsn : "";
  std::string format = "table";
  std::string html;
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto& a = args[i];
    auto value = [&](const std::string& flag, std::string& out) {
      return flag_value(args, i, flag, out);
    };
    if (value("--dsn", dsn) || value("--run", f.run) || value("--node", f.node)
        || value("--from", f.from) || value("--to", f.to)
        || value("--format", format) || value("--html", html))
      continue;
    std::cerr << "cdb report: unexpected argument '" << a
              << "'\nusage: cdb report [--dsn DSN] [--run ID] [--node NAME]"
                 " [--from TIME] [--to TIME] [--format table|json]"
                 " [--html FILE]\n";
    return 2;
  }
  if (format != "table" && format != "json") {
    std::cerr << "cdb report: --format = " << format
              << ": must be table or json\n";
    return 2;
  }
  if (auto why = html.empty() ? std::string{} : unwritable(html);
      !why.empty()) {
    std::cerr << "cdb report: --html = " << html << ": " << why << '\n';
    return 2;
  }
  if (dsn.empty()) {
    std::cerr << "cdb report: no database: give --dsn or set "
                 "CDB_PERSISTENCE_DSN\n";
    return 2;
  }
  try {
    pqxx::connection conn{dsn};
    for (auto [flag, value] : {std::pair{"--from", f.from}, {"--to", f.to}}) {
      if (value.empty())
        continue;
      try {
        pqxx::nontransaction w{conn};
        w.exec_params("SELECT $1::timestamptz", value);
      } catch (const pqxx::data_exception&) {
        std::cerr << "cdb report: " << flag << " = " << value
                  << ": not a timestamp (e.g. 2026-12-01 or "
                     "\"2026-12-01 08:00:00+00\")\n";
        return 2;
      }
    }
    if (auto why = unknown_run_or_node(conn, f); !why.empty()) {
      std::cerr << "cdb report: " << why << '\n';
      return 2;
    }
    auto r = load_report(conn, f);
    std::cout << (format == "json" ? report_json(r, f) : report_table(r, f));
    if (!html.empty()) {
      auto rec = load_run_record(conn, f);
      std::ofstream out{html, std::ios::binary | std::ios::trunc};
      out << report_html(compute_report(rec), rec);
      out.close();
      if (!out) {
        std::cerr << "cdb report: cannot write " << html << '\n';
        return 1;
      }
    }
    return 0;
  } catch (const pqxx::broken_connection& e) {
    // libpq's message names host and socket, never the password.
    std::cerr << "cdb report: cannot connect: " << e.what();
  } catch (const std::exception& e) {
    std::cerr << "cdb report: " << e.what() << '\n';
  }
  return 1;
}

} // namespace cdb

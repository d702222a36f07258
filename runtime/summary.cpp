#include "runtime/summary.hpp"

#include <cstdio>

#include <pqxx/pqxx>

#include "messages/trading.hpp"

namespace cdb {

std::string database_counts(const std::string& dsn, const std::string& run_id) {
  static const char* tables[] = {"signals",
                                 "risk_decisions",
                                 "orders",
                                 "order_events",
                                 "fills",
                                 "equity_snapshots",
                                 "trading_state_changes",
                                 "positions",
                                 "feed_events"};
  try {
    pqxx::connection c{dsn};
    pqxx::work w{c};
    std::string out;
    auto pattern = "%-" + run_id + "-%";
    for (auto t : tables) {
      auto r = w.exec_params(std::string{"SELECT count(*) FROM "} + t
                               + " WHERE id LIKE $1",
                             pattern);
      char buf[96];
      std::snprintf(buf, sizeof(buf), "  %-22s %8lld rows\n", t,
                    r[0][0].as<long long>());
      out += buf;
    }
    return out;
  } catch (const std::exception& e) {
    return std::string{"  database unavailable: "} + e.what() + "\n";
  }
}

std::string status_line(const node_metrics& m, double initial_cash,
                        double elapsed) {
  char buf[256];
  auto equity = m.equity.load();
  std::snprintf(buf, sizeof(buf),
                "cdb %6.1fs | ticks %llu | signals %llu | approved %llu "
                "rejected %llu | fills %llu | equity %.2f (%+.2f) | %s | "
                "db %llu written, %llu queued",
                elapsed, static_cast<unsigned long long>(m.ticks.load()),
                static_cast<unsigned long long>(m.signals.load()),
                static_cast<unsigned long long>(m.approved.load()),
                static_cast<unsigned long long>(m.rejected.load()),
                static_cast<unsigned long long>(m.fills.load()), equity,
                equity - initial_cash,
                to_string(static_cast<trading_mode>(m.trading_mode.load())),
                static_cast<unsigned long long>(m.persisted.load()),
                static_cast<unsigned long long>(m.persist_backlog.load()));
  return buf;
}

} // namespace cdb

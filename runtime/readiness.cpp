#include "runtime/readiness.hpp"

#include <algorithm>
#include <string_view>

#include <nlohmann/json.hpp>

#include "messages/market_data.hpp"

namespace cdb {

std::string readiness::to_json() const {
  nlohmann::json j;
  j["ready"] = ready;
  j["not_ready"] = not_ready;
  j["signal_warm"] = signal_warm;
  return j.dump();
}

readiness check_readiness(const node_metrics& m, std::uint64_t max_backlog) {
  readiness r;
  auto problem = [&r](std::string what) {
    r.ready = false;
    r.not_ready.push_back(std::move(what));
  };
  auto hosted = [&m](const char* name) {
    auto i = static_cast<std::size_t>(
      std::find(actor_names.begin(), actor_names.end(), std::string_view{name})
      - actor_names.begin());
    return m.actors[i].hosted.load(std::memory_order_relaxed);
  };
  for (std::size_t i = 0; i < actor_names.size(); ++i)
    if (m.actors[i].hosted.load(std::memory_order_relaxed)
        && !m.actors[i].up.load(std::memory_order_relaxed))
      problem(std::string{"actor "} + actor_names[i] + " is down");
  if (m.distributed.load(std::memory_order_relaxed)) {
    m.peers.each([&](const auto& labels, const peer_link_stats& p) {
      if (p.up.load(std::memory_order_relaxed) == 0)
        problem("peer " + labels[0] + " is not connected");
    });
    auto reachable = m.reachable_roles.load(std::memory_order_relaxed);
    for (std::size_t i = 0; i + 1 < actor_names.size(); ++i)
      if ((reachable & (1u << i)) == 0)
        problem(std::string{"no node here or among the peers runs "}
                + actor_names[i]);
  }
  if (hosted("risk") && !m.risk_ready.load(std::memory_order_relaxed))
    problem("risk is not ready: it waits for the trading state and the "
            "account");
  if (hosted("feed")) {
    bool any = false;
    m.feed_instruments.each([&](const auto& labels, const instrument_feed& f) {
      if (f.last_data.load(std::memory_order_relaxed) != 0)
        any = true;
      auto health = static_cast<feed_health>(f.health.load());
      if (health != feed_health::fresh)
        problem("feed " + labels[0] + " is " + to_string(health));
    });
    if (!any)
      problem("no market data yet");
  }
  if (hosted("persistence")) {
    auto db = m.database_up.load(std::memory_order_relaxed);
    auto backlog = m.persist_backlog.load(std::memory_order_relaxed);
    if (db < 0)
      problem("database not connected yet");
    else if (db == 0 && backlog > max_backlog)
      problem("database unreachable and " + std::to_string(backlog)
              + " events wait (limit " + std::to_string(max_backlog) + ")");
  }
  r.signal_warm = m.signal_warm.load(std::memory_order_relaxed);
  return r;
}

} // namespace cdb

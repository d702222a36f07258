#define CAF_SUITE readiness
#include <caf/test/unit_test.hpp>

#include "messages/market_data.hpp"
#include "runtime/readiness.hpp"

using namespace cdb;

namespace {

/// A node whose every part is fine.
void healthy(node_metrics& m) {
  for (auto& a : m.actors)
    a.up = true;
  m.risk_ready = true;
  m.feed_instruments.at({"BTCUSDT"}).last_data = 1;
  m.database_up = 1;
}

bool mentions(const readiness& r, const std::string& what) {
  for (auto& line : r.not_ready)
    if (line.find(what) != std::string::npos)
      return true;
  return false;
}

} // namespace

CAF_TEST(a healthy node is ready) {
  node_metrics m;
  healthy(m);
  auto r = check_readiness(m, 1000);
  CAF_CHECK(r.ready);
  CAF_CHECK(r.not_ready.empty());
  CAF_CHECK_EQUAL(r.to_json(),
                  "{\"not_ready\":[],\"ready\":true,\"signal_warm\":false}");
}

CAF_TEST(a fresh node says everything it waits for) {
  node_metrics m;
  auto r = check_readiness(m, 1000);
  CAF_CHECK(!r.ready);
  CAF_CHECK(mentions(r, "actor feed is down"));
  CAF_CHECK(mentions(r, "actor persistence is down"));
  CAF_CHECK(mentions(r, "risk is not ready"));
  CAF_CHECK(mentions(r, "no market data yet"));
  CAF_CHECK(mentions(r, "database not connected yet"));
}

CAF_TEST(each problem alone makes the node not ready) {
  {
    node_metrics m;
    healthy(m);
    m.actor("execution")->up = false;
    auto r = check_readiness(m, 1000);
    CAF_CHECK(!r.ready);
    CAF_CHECK_EQUAL(r.not_ready.size(), 1u);
    CAF_CHECK(mentions(r, "actor execution is down"));
  }
  {
    node_metrics m;
    healthy(m);
    m.feed_instruments.at({"ETHUSDT"}).health = static_cast<int>(
      feed_health::stale);
    auto r = check_readiness(m, 1000);
    CAF_CHECK(!r.ready);
    CAF_CHECK(mentions(r, "feed ETHUSDT is stale"));
  }
  {
    node_metrics m;
    healthy(m);
    m.risk_ready = false;
    CAF_CHECK(!check_readiness(m, 1000).ready);
  }
}

CAF_TEST(an unreachable database is tolerated while the spool is small) {
  node_metrics m;
  healthy(m);
  m.database_up = 0;
  m.persist_backlog = 1000;
  CAF_CHECK(check_readiness(m, 1000).ready);
  m.persist_backlog = 1001;
  auto r = check_readiness(m, 1000);
  CAF_CHECK(!r.ready);
  CAF_CHECK(mentions(r, "1001 events wait (limit 1000)"));
}

CAF_TEST(a node of several checks only its own actors and its peers) {
  node_metrics m;
  healthy(m);
  m.distributed = true;
  // This node hosts risk and the circuit breaker only.
  for (auto* name : {"feed", "signal", "execution", "persistence"}) {
    m.actor(name)->hosted = false;
    m.actor(name)->up = false;
  }
  m.feed_instruments.at({"ETHUSDT"}).health = 2; // a peer's business
  m.database_up = -1;
  m.peers.at({"10.0.0.1:7101"}).up = 1;
  auto& exec_peer = m.peers.at({"10.0.0.3:7103"});
  exec_peer.up = 1;
  m.reachable_roles = 0x3f; // all six
  auto r = check_readiness(m, 1000);
  CAF_CHECK(r.ready);
  CAF_CHECK(r.not_ready.empty());
  exec_peer.up = 0;
  m.reachable_roles = 0x3f & ~(1u << 4) & ~(1u << 5);
  r = check_readiness(m, 1000);
  CAF_CHECK(!r.ready);
  CAF_CHECK_EQUAL(r.not_ready.size(), 3u);
  CAF_CHECK(mentions(r, "peer 10.0.0.3:7103 is not connected"));
  CAF_CHECK(mentions(r, "runs execution"));
  CAF_CHECK(mentions(r, "runs persistence"));
}

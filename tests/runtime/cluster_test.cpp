#define CAF_SUITE cluster
#include <caf/test/unit_test.hpp>

#include "runtime/cluster.hpp"

using namespace cdb;

namespace {

node_roster roster(std::string node, timestamp epoch,
                   std::vector<std::string> names) {
  node_roster r;
  r.node = std::move(node);
  r.epoch = epoch;
  r.handles.resize(names.size());
  r.names = std::move(names);
  return r;
}

bool has_error(const std::vector<std::string>& errors, const std::string& x) {
  for (auto& e : errors)
    if (e.find(x) != std::string::npos)
      return true;
  return false;
}

} // namespace

CAF_TEST(endpoints parse host and port and reject the rest) {
  std::string err;
  auto e = parse_endpoint("10.0.0.3:7103", err);
  CAF_CHECK(err.empty());
  CAF_CHECK_EQUAL(e.host, "10.0.0.3");
  CAF_CHECK_EQUAL(e.port, 7103u);
  e = parse_endpoint("[::1]:9000", err);
  CAF_CHECK(err.empty());
  CAF_CHECK_EQUAL(e.host, "::1");
  for (auto* bad : {"", "host", "host:", ":7000", "host:0", "host:65536",
                    "host:7x", "host:123456"}) {
    parse_endpoint(bad, err);
    CAF_CHECK(!err.empty());
  }
}

CAF_TEST(the default node hosts every role and talks to nobody) {
  cluster_config c;
  std::vector<std::string> errors;
  c.validate(errors);
  CAF_CHECK(errors.empty());
  CAF_CHECK(!c.distributed());
  CAF_CHECK(c.hosts("execution"));
  CAF_CHECK(!c.tls());
}

CAF_TEST(config errors name the key and the rule) {
  cluster_config c;
  c.roles = {"feed", "feed", "trader"};
  c.peers = {"nohost", "10.0.0.1:7101", "10.0.0.1:7101"};
  c.listen_port = 70000;
  c.connection_timeout = c.heartbeat_interval;
  c.link_timeout = 0;
  c.tls_cert = "/nonexistent/cert.pem";
  std::vector<std::string> errors;
  c.validate(errors);
  CAF_CHECK(has_error(errors, "node.roles = trader: must each be one of"));
  CAF_CHECK(has_error(errors, "node.roles = feed: must not repeat"));
  CAF_CHECK(has_error(errors, "node.peers = nohost: must be host:port"));
  CAF_CHECK(has_error(errors, "node.peers = 10.0.0.1:7101: must not repeat"));
  CAF_CHECK(has_error(errors, "node.listen_port = 70000"));
  CAF_CHECK(has_error(errors, "node.connection_timeout = 500ms: must be at "
                              "least twice"));
  CAF_CHECK(has_error(errors, "node.link_timeout = 0s: must be > 0"));
  CAF_CHECK(has_error(errors, "node.tls_cert = /nonexistent/cert.pem: "
                              "node.tls_ca, node.tls_cert and node.tls_key"));
  cluster_config alone;
  alone.roles = {"risk", "circuit_breaker"};
  errors.clear();
  alone.validate(errors);
  CAF_CHECK(has_error(errors, "needs node.peers or node.listen_port"));
  alone.listen_port = 7102; // the others dial it
  errors.clear();
  alone.validate(errors);
  CAF_CHECK(errors.empty());
}

CAF_TEST(merged rosters take each role once and skip local roles) {
  auto a = roster("market", 1, {"feed", "signal"});
  auto c = roster("execution", 1, {"execution", "persistence"});
  std::vector<std::string> conflicts;
  auto m = merge_rosters({&a, &c}, {"risk", "circuit_breaker"}, conflicts);
  CAF_CHECK(conflicts.empty());
  CAF_CHECK_EQUAL(m.names, (std::vector<std::string>{"execution", "feed",
                                                     "persistence", "signal"}));
  CAF_CHECK_EQUAL(m.handles.size(), 4u);
}

CAF_TEST(a role claimed twice stays with the peer linked first) {
  auto first = roster("execution", 1, {"execution"});
  auto intruder = roster("intruder", 7, {"execution"}); // newer, later
  auto self_claim = roster("market", 3, {"risk", "feed"});
  std::vector<std::string> conflicts;
  auto m = merge_rosters({&first, &intruder, &self_claim}, {"risk"}, conflicts);
  CAF_CHECK_EQUAL(m.names, (std::vector<std::string>{"execution", "feed"}));
  CAF_REQUIRE_EQUAL(conflicts.size(), 2u);
  CAF_CHECK(has_error(conflicts, "execution is hosted by nodes execution and "
                                 "intruder; execution (linked first) is used"));
  CAF_CHECK(has_error(conflicts, "risk is hosted here and by node market"));
  // The first one's link gone, the other takes the role over.
  conflicts.clear();
  m = merge_rosters({&intruder}, {"risk"}, conflicts);
  CAF_CHECK_EQUAL(m.names, (std::vector<std::string>{"execution"}));
  CAF_CHECK(conflicts.empty());
}

CAF_TEST(reconnect delays double up to the maximum) {
  nanoseconds ms = 1'000'000;
  CAF_CHECK_EQUAL(reconnect_delay(0, 100 * ms, 5000 * ms), 100 * ms);
  CAF_CHECK_EQUAL(reconnect_delay(1, 100 * ms, 5000 * ms), 200 * ms);
  CAF_CHECK_EQUAL(reconnect_delay(5, 100 * ms, 5000 * ms), 3200 * ms);
  CAF_CHECK_EQUAL(reconnect_delay(6, 100 * ms, 5000 * ms), 5000 * ms);
  CAF_CHECK_EQUAL(reconnect_delay(4000000000u, 100 * ms, 5000 * ms), 5000 * ms);
}

// Distribution: which roles this node hosts, where it listens for peer
// nodes and which peers it connects to, the link's heartbeat and timeout,
// and TLS. Pure logic (config rules, endpoints, merging peers' rosters,
// reconnect backoff); the actors that use it are in runtime/cluster_actor.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "messages/interfaces.hpp"

namespace cdb {

/// The roles a node may host: the actor names of a single node.
inline const std::vector<std::string>& all_roles() {
  static const std::vector<std::string> roles{
    "feed", "signal", "risk", "circuit_breaker", "execution", "persistence"};
  return roles;
}

struct cluster_config {
  /// The actors this node runs; the others run on the peer nodes.
  std::vector<std::string> roles = all_roles();
  /// Where this node's cluster actor listens for peer nodes (0: nowhere).
  std::string listen_address = "127.0.0.1";
  std::uint64_t listen_port = 0;
  /// "host:port" of the nodes this node dials. A link carries both
  /// directions: list each pair of nodes once (one node dials, the other
  /// listens); listed on both sides, the two dials end up as one link.
  std::vector<std::string> peers;
  /// CAF's middleman: a heartbeat this often on every link, and a link
  /// silent this long is closed (its actors count as lost).
  nanoseconds heartbeat_interval = 500'000'000;
  nanoseconds connection_timeout = 2'000'000'000;
  /// Reconnect attempts: the first after reconnect_initial, doubling up to
  /// reconnect_max.
  nanoseconds reconnect_initial = 100'000'000;
  nanoseconds reconnect_max = 5'000'000'000;
  /// A split backtest: the nodes link within this span, and in the run
  /// each answers within it; else every node stops with status 3.
  nanoseconds link_timeout = 60'000'000'000;
  /// Mutual TLS on every link (all three set) or none (all empty): PEM
  /// files of the CA that signed every node's certificate, this node's
  /// certificate and its private key.
  std::string tls_ca;
  std::string tls_cert;
  std::string tls_key;

  /// Whether this node talks to other nodes at all.
  bool distributed() const noexcept {
    return listen_port != 0 || !peers.empty();
  }
  bool tls() const noexcept {
    return !tls_cert.empty();
  }
  bool hosts(const std::string& role) const;

  void validate(std::vector<std::string>& errors) const;
};

struct endpoint {
  std::string host;
  std::uint16_t port = 0;
};

/// Parses "host:port" ("[v6]:port" too). Empty `error` on success.
endpoint parse_endpoint(const std::string& text, std::string& error);

/// Merges the rosters of the connected peers, given in the order their
/// links came up: each role from the first peer that has it (a role stays
/// with its node while that node's link lives: a later claimant, be it a
/// misconfiguration or a process that is no node of ours, cannot take it
/// over), except roles this node hosts itself. Appends one line per role
/// claimed twice. A restarted node takes over once its predecessor's link
/// closed or timed out.
node_roster merge_rosters(const std::vector<const node_roster*>& rosters,
                          const std::vector<std::string>& local_roles,
                          std::vector<std::string>& conflicts);

/// The delay before reconnect attempt `attempt` (0 for the first retry).
nanoseconds reconnect_delay(std::uint32_t attempt, nanoseconds initial,
                            nanoseconds max);

} // namespace cdb

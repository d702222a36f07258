#include "runtime/cluster.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>

#include "runtime/config_check.hpp"

namespace cdb {

bool cluster_config::hosts(const std::string& role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

namespace {

std::string join(const std::vector<std::string>& xs) {
  std::string out;
  for (auto& x : xs)
    out += (out.empty() ? "" : ",") + x;
  return out;
}

bool readable(const std::string& path) {
  std::ifstream in{path};
  return in.good();
}

} // namespace

void cluster_config::validate(std::vector<std::string>& errors) const {
  config_check c{"node", errors};
  std::set<std::string> seen;
  for (auto& r : roles) {
    c.require(std::find(all_roles().begin(), all_roles().end(), r)
                != all_roles().end(),
              "roles", r,
              "must each be one of feed, signal, risk, circuit_breaker, "
              "execution, persistence");
    c.require(seen.insert(r).second, "roles", r, "must not repeat a role");
  }
  c.require(!roles.empty(), "roles", "[]", "must name at least one role");
  c.require(roles.size() == all_roles().size() || !peers.empty()
              || listen_port != 0,
            "roles", join(roles),
            "a node without every role needs node.peers or node.listen_port "
            "(to reach the nodes that host the others)");
  c.require(listen_port <= 65535, "listen_port", listen_port,
            "must be in [0, 65535] (0: do not listen)");
  c.require(!listen_address.empty(), "listen_address", listen_address,
            "must be an address to bind (127.0.0.1: this machine only)");
  std::set<std::string> peer_set;
  for (auto& p : peers) {
    std::string err;
    parse_endpoint(p, err);
    c.require(err.empty(), "peers", p, err.empty() ? "" : err.c_str());
    c.require(peer_set.insert(p).second, "peers", p, "must not repeat");
  }
  c.require_span(heartbeat_interval > 0, "heartbeat_interval",
                 heartbeat_interval, "must be > 0");
  c.require_span(connection_timeout >= 2 * heartbeat_interval,
                 "connection_timeout", connection_timeout,
                 "must be at least twice node.heartbeat_interval (one late "
                 "heartbeat must not close a link)");
  c.require_span(reconnect_initial > 0, "reconnect_initial", reconnect_initial,
                 "must be > 0");
  c.require_span(reconnect_max >= reconnect_initial, "reconnect_max",
                 reconnect_max, "must be >= node.reconnect_initial");
  c.require_span(link_timeout > 0, "link_timeout", link_timeout, "must be > 0");
  bool any = !tls_ca.empty() || !tls_cert.empty() || !tls_key.empty();
  bool all = !tls_ca.empty() && !tls_cert.empty() && !tls_key.empty();
  c.require(!any || all, "tls_cert", tls_cert,
            "node.tls_ca, node.tls_cert and node.tls_key go together (mutual "
            "TLS needs all three)");
  if (all) {
    c.require(readable(tls_ca), "tls_ca", tls_ca, "must be a readable file");
    c.require(readable(tls_cert), "tls_cert", tls_cert,
              "must be a readable file");
    c.require(readable(tls_key), "tls_key", tls_key, "must be a readable file");
  }
}

endpoint parse_endpoint(const std::string& text, std::string& error) {
  endpoint out;
  error.clear();
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    error = "must be host:port";
    return out;
  }
  out.host = text.substr(0, colon);
  if (out.host.front() == '[' && out.host.back() == ']')
    out.host = out.host.substr(1, out.host.size() - 2);
  auto digits = text.substr(colon + 1);
  if (digits.size() > 5
      || !std::all_of(digits.begin(), digits.end(),
                      [](char ch) { return ch >= '0' && ch <= '9'; })) {
    error = "must be host:port with a numeric port";
    return out;
  }
  auto port = std::strtoul(digits.c_str(), nullptr, 10);
  if (port == 0 || port > 65535) {
    error = "must have a port in [1, 65535]";
    return out;
  }
  out.port = static_cast<std::uint16_t>(port);
  return out;
}

node_roster merge_rosters(const std::vector<const node_roster*>& rosters,
                          const std::vector<std::string>& local_roles,
                          std::vector<std::string>& conflicts) {
  struct pick {
    const node_roster* from;
    std::size_t index;
  };
  std::map<std::string, pick> best;
  auto local = [&](const std::string& name) {
    return std::find(local_roles.begin(), local_roles.end(), name)
           != local_roles.end();
  };
  for (auto* r : rosters) {
    for (std::size_t i = 0; i < r->names.size(); ++i) {
      auto& name = r->names[i];
      if (local(name)) {
        conflicts.push_back(name + " is hosted here and by node " + r->node
                            + "; this node's own is used");
        continue;
      }
      auto [it, added] = best.emplace(name, pick{r, i});
      if (added)
        continue;
      conflicts.push_back(name + " is hosted by nodes " + it->second.from->node
                          + " and " + r->node + "; " + it->second.from->node
                          + " (linked first) is used");
    }
  }
  node_roster out;
  for (auto& kvp : best) {
    out.names.push_back(kvp.first);
    auto& handles = kvp.second.from->handles;
    out.handles.push_back(kvp.second.index < handles.size()
                            ? handles[kvp.second.index]
                            : caf::actor{});
  }
  return out;
}

nanoseconds reconnect_delay(std::uint32_t attempt, nanoseconds initial,
                            nanoseconds max) {
  auto d = initial;
  for (std::uint32_t i = 0; i < attempt && d < max; ++i)
    d *= 2;
  return std::min(d, max);
}

} // namespace cdb

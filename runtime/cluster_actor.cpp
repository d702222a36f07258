#include "runtime/cluster_actor.hpp"

#include <chrono>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "messages/register.hpp"
#include "runtime/log.hpp"

namespace cdb {

directory_actor::behavior_type
spawn_directory(directory_actor::stateful_pointer<directory_state> self,
                std::string node, timestamp epoch) {
  self->state.roster.node = std::move(node);
  self->state.roster.epoch = epoch;
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& subs = self->state.subscribers;
    subs.erase(std::remove_if(subs.begin(), subs.end(),
                              [&](const roster_sink& s) {
                                return s.address() == dm.source;
                              }),
               subs.end());
  });
  return {
    [self](roster_atom) { return self->state.roster; },
    [self](subscribe_atom, roster_sink& peer) {
      if (!peer)
        return;
      self->monitor(peer);
      self->send(peer, self->state.roster);
      self->state.subscribers.push_back(std::move(peer));
    },
    [self](node_roster& r) {
      // Only this node's supervisor describes this node.
      auto sender = self->current_sender();
      if (!sender || sender->node() != self->node()) {
        CDB_WARN("directory", "refused a roster from another node");
        return;
      }
      auto& st = self->state;
      st.roster.names = std::move(r.names);
      st.roster.handles = std::move(r.handles);
      for (auto& s : st.subscribers)
        self->send(s, st.roster);
    },
  };
}

namespace {

using cluster_ptr = caf::stateful_actor<cluster_state>*;

std::uint32_t role_bits(const std::vector<std::string>& names) {
  std::uint32_t bits = 0;
  for (auto& n : names)
    for (std::size_t i = 0; i < actor_names.size(); ++i)
      if (n == actor_names[i])
        bits |= 1u << i;
  return bits;
}

/// Merges the connected peers' rosters and hands them to the supervisor.
void publish_view(cluster_ptr self, const cluster_settings& cfg,
                  const caf::actor& supervisor, const metrics_ptr& metrics) {
  auto& st = self->state;
  std::vector<const node_roster*> rosters;
  for (auto& l : st.links)
    if (l.has_roster)
      rosters.push_back(&l.roster);
  std::vector<std::string> conflicts;
  auto merged = merge_rosters(rosters, cfg.local_roles, conflicts);
  std::string said;
  for (auto& c : conflicts)
    said += c + "; ";
  if (!said.empty() && said != st.last_conflicts)
    CDB_WARN("cluster", "roles claimed twice: " << said);
  st.last_conflicts = said;
  metrics->reachable_roles = role_bits(cfg.local_roles)
                             | role_bits(merged.names);
  self->send(supervisor, std::move(merged));
}

void retry_later(cluster_ptr self, const cluster_settings& cfg,
                 std::size_t index) {
  auto& l = self->state.links[index];
  auto delay = reconnect_delay(l.attempts++, cfg.reconnect_initial,
                               cfg.reconnect_max);
  self->delayed_send(self, std::chrono::nanoseconds{delay},
                     caf::connect_atom::value,
                     static_cast<std::uint64_t>(index));
}

void dial(cluster_ptr self, const cluster_settings& cfg,
          const caf::io::middleman_actor& mm, std::size_t index) {
  auto& l = self->state.links[index];
  if (l.directory)
    return;
  auto expected_ifs = self->system().message_types<directory_actor>();
  self
    ->request(mm, std::chrono::nanoseconds{cfg.connect_timeout},
              caf::connect_atom::value, l.where.host, l.where.port)
    .then(
      [self, cfg, index, expected_ifs](caf::node_id&, caf::strong_actor_ptr& p,
                                       std::set<std::string>& ifs) {
        auto& l = self->state.links[index];
        if (l.directory)
          return;
        if (!p || ifs != expected_ifs) {
          CDB_WARN("cluster", "peer " << l.label
                                      << " is not a cdb node directory (or "
                                         "runs another version); retrying");
          retry_later(self, cfg, index);
          return;
        }
        // attempts restart from 0 with the peer's roster: a port that
        // answers for a node shutting down keeps backing off.
        l.directory = caf::actor_cast<caf::actor>(std::move(p));
        self->monitor(l.directory);
        self->send(caf::actor_cast<directory_actor>(l.directory),
                   subscribe_atom::value, caf::actor_cast<roster_sink>(self));
        l.stats->connects++;
        CDB_INFO("cluster", "linked to peer " << l.label);
      },
      [self, cfg, index](caf::error& err) {
        auto& l = self->state.links[index];
        if (l.attempts == 0 || l.attempts % 20 == 0)
          CDB_WARN("cluster", "peer " << l.label << " not reachable yet ("
                                      << caf::to_string(err) << "); retrying");
        retry_later(self, cfg, index);
      });
}

} // namespace

caf::behavior spawn_cluster(cluster_ptr self, cluster_settings cfg,
                            caf::io::middleman_actor mm, caf::actor supervisor,
                            metrics_ptr metrics) {
  metrics->distributed = true;
  metrics->reachable_roles = role_bits(cfg.local_roles);
  for (auto& p : cfg.peers) {
    cluster_state::link l;
    std::string err;
    l.where = parse_endpoint(p, err);
    l.label = p;
    l.stats = &metrics->peers.at({p});
    self->state.links.push_back(std::move(l));
  }
  for (std::size_t i = 0; i < self->state.links.size(); ++i)
    self->send(self, caf::connect_atom::value, static_cast<std::uint64_t>(i));
  self->set_down_handler([self, cfg, supervisor, metrics](caf::down_msg& dm) {
    auto& links = self->state.links;
    for (std::size_t i = 0; i < links.size(); ++i) {
      auto& l = links[i];
      if (!l.directory || l.directory.address() != dm.source)
        continue;
      auto why = caf::to_string(dm.reason);
      if (l.has_roster)
        CDB_WARN("cluster", "lost peer " << l.label << " (node "
                                         << l.roster.node << "): " << why);
      else
        CDB_INFO("cluster",
                 "peer " << l.label << " closed before its roster: " << why);
      peer_lost lost{l.roster.node, {}, "link to " + l.label + " lost"};
      for (auto& name : l.roster.names)
        if (std::find(cfg.local_roles.begin(), cfg.local_roles.end(), name)
            == cfg.local_roles.end())
          lost.roles.push_back(name);
      l.directory = nullptr;
      l.has_roster = false;
      l.roster = node_roster{};
      l.stats->up = 0;
      l.stats->losses++;
      publish_view(self, cfg, supervisor, metrics);
      self->send(supervisor, std::move(lost));
      retry_later(self, cfg, i);
      return;
    }
  });
  // Detached from the supervisor's fate only by the process: it stops with
  // the node.
  return {
    [self, cfg, mm](caf::connect_atom, std::uint64_t index) {
      if (index < self->state.links.size())
        dial(self, cfg, mm, static_cast<std::size_t>(index));
    },
    [self, cfg, supervisor, metrics](node_roster& r) {
      auto sender = self->current_sender();
      for (auto& l : self->state.links) {
        if (!l.directory || !sender
            || sender->address() != l.directory.address())
          continue;
        if (!l.has_roster)
          CDB_INFO("cluster", "peer " << l.label << " is node " << r.node
                                      << " hosting " << r.names.size()
                                      << " actors");
        l.roster = std::move(r);
        l.has_roster = true;
        l.attempts = 0;
        l.stats->up = 1;
        publish_view(self, cfg, supervisor, metrics);
        return;
      }
      CDB_WARN("cluster", "ignored a roster from an unknown sender");
    },
  };
}

} // namespace cdb

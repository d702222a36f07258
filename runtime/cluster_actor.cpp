#include "runtime/cluster_actor.hpp"

#include <algorithm>
#include <chrono>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "runtime/log.hpp"

namespace cdb {

namespace {

using self_ptr = cluster_actor::stateful_pointer<cluster_state>;
using link = cluster_state::link;

std::uint32_t role_bits(const std::vector<std::string>& names) {
  std::uint32_t bits = 0;
  for (auto& n : names)
    for (std::size_t i = 0; i < actor_names.size(); ++i)
      if (n == actor_names[i])
        bits |= 1u << i;
  return bits;
}

link* find_link(self_ptr self, const caf::actor_addr& addr) {
  for (auto& l : self->state.links)
    if (l.peer && l.peer.address() == addr)
      return &l;
  return nullptr;
}

/// The roles of `names` this node does not host itself.
std::vector<std::string> remote_roles(const cluster_settings& cfg,
                                      const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (auto& name : names)
    if (std::find(cfg.local_roles.begin(), cfg.local_roles.end(), name)
        == cfg.local_roles.end())
      out.push_back(name);
  return out;
}

/// Merges the linked peers' rosters and hands them to the supervisor.
void publish_view(self_ptr self, const cluster_settings& cfg,
                  const metrics_ptr& metrics) {
  auto& st = self->state;
  // The link that came up first keeps a role claimed twice.
  std::vector<const link*> linked;
  for (auto& l : st.links)
    if (l.has_roster)
      linked.push_back(&l);
  std::sort(linked.begin(), linked.end(), [](const link* x, const link* y) {
    return x->linked_seq < y->linked_seq;
  });
  std::vector<const node_roster*> rosters;
  rosters.reserve(linked.size());
  for (auto* l : linked)
    rosters.push_back(&l->roster);
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
  if (st.supervisor)
    caf::anon_send(st.supervisor, std::move(merged));
}

/// (Re)arms the one timer of dialed link `i`: a later arm replaces an
/// earlier one (the message carries the generation, stale ones are dropped).
void arm(self_ptr self, std::size_t i, nanoseconds delay) {
  auto gen = ++self->state.links[i].timer;
  self->delayed_send(self, std::chrono::nanoseconds{delay},
                     caf::connect_atom::value,
                     (gen << 16) | static_cast<std::uint64_t>(i));
}

void dial_later(self_ptr self, const cluster_settings& cfg, std::size_t i) {
  auto& l = self->state.links[i];
  arm(self, i,
      reconnect_delay(l.attempts++, cfg.reconnect_initial, cfg.reconnect_max));
}

/// Starts the exchange of rosters with a linked peer.
void subscribe_at(self_ptr self, link& l) {
  if (l.subscribed)
    return;
  l.subscribed = true;
  self->send(caf::actor_cast<cluster_actor>(l.peer), subscribe_atom::value,
             caf::actor_cast<roster_sink>(self));
}

void dial(self_ptr self, const cluster_settings& cfg,
          const caf::io::middleman_actor& mm, std::size_t i) {
  auto& l = self->state.links[i];
  if (l.peer || l.dialing)
    return;
  l.dialing = true;
  auto expected = self->system().message_types<cluster_actor>();
  self
    ->request(mm, std::chrono::nanoseconds{cfg.connect_timeout},
              caf::connect_atom::value, l.where.host, l.where.port)
    .then(
      [self, cfg, i, expected](caf::node_id&, caf::strong_actor_ptr& p,
                               std::set<std::string>& ifs) {
        auto& l = self->state.links[i];
        l.dialing = false;
        if (!p || ifs != expected) {
          CDB_WARN("cluster", "peer " << l.label
                                      << " is not a cdb node (or runs "
                                         "another version); retrying");
          dial_later(self, cfg, i);
          return;
        }
        auto peer = caf::actor_cast<caf::actor>(std::move(p));
        l.stats->connects++;
        auto& links = self->state.links;
        if (auto* in = find_link(self, peer.address()); in != nullptr) {
          // It dialed in first (both list each other): one link, kept as
          // this dialed one. Dialed links come first, so `l` stays put.
          CDB_INFO("cluster", "peer " << l.label << " had dialed in already");
          l.peer = std::move(in->peer);
          l.roster = std::move(in->roster);
          l.has_roster = in->has_roster;
          l.linked_seq = in->linked_seq;
          l.subscribed = in->subscribed;
          l.pushes = in->pushes;
          l.stats->up = l.has_roster ? 1 : 0;
          links.erase(links.begin() + (in - links.data()));
          return;
        }
        // attempts restart from 0 with the peer's roster: a port that
        // answers for a node shutting down keeps backing off.
        l.peer = std::move(peer);
        self->monitor(l.peer);
        subscribe_at(self, l);
        arm(self, i, cfg.connect_timeout); // the roster refresh
        CDB_INFO("cluster", "linked to peer " << l.label);
      },
      [self, cfg, i](caf::error& err) {
        auto& l = self->state.links[i];
        l.dialing = false;
        if (l.attempts == 0 || l.attempts % 20 == 0)
          CDB_WARN("cluster", "peer " << l.label << " not reachable yet ("
                                      << caf::to_string(err) << "); retrying");
        dial_later(self, cfg, i);
      });
}

/// A peer that dialed this node (it subscribed, or pushed a roster this
/// node had no link for): its link, created on first contact; it gets this
/// node's roster now and after every change, and this node subscribes back.
link& link_back(self_ptr self, caf::actor peer) {
  auto& st = self->state;
  auto* l = find_link(self, peer.address());
  if (l == nullptr) {
    link in;
    in.label = "(dialed in)";
    in.peer = std::move(peer);
    st.links.push_back(std::move(in));
    l = &st.links.back();
    self->monitor(l->peer);
  }
  l->pushes = true;
  self->send(caf::actor_cast<roster_sink>(l->peer), st.own);
  subscribe_at(self, *l);
  return *l;
}

} // namespace

cluster_actor::behavior_type
spawn_cluster(self_ptr self, const cluster_settings& cfg,
              const caf::io::middleman_actor& mm, std::string node,
              timestamp epoch, const metrics_ptr& metrics) {
  auto& st = self->state;
  st.own.node = std::move(node);
  st.own.epoch = epoch;
  metrics->distributed = true;
  metrics->reachable_roles = role_bits(cfg.local_roles);
  for (auto& p : cfg.peers) {
    link l;
    std::string err;
    l.dialed = true;
    l.where = parse_endpoint(p, err);
    l.label = p;
    l.stats = &metrics->peers.at({p});
    st.links.push_back(std::move(l));
  }
  for (std::size_t i = 0; i < st.links.size(); ++i)
    arm(self, i, 0);
  self->set_down_handler([self, cfg, metrics](caf::down_msg& dm) {
    auto& links = self->state.links;
    for (std::size_t i = 0; i < links.size(); ++i) {
      auto& l = links[i];
      if (!l.peer || l.peer.address() != dm.source)
        continue;
      auto why = caf::to_string(dm.reason);
      peer_lost lost{l.roster.node,
                     {},
                     "link to " + l.label + " lost",
                     self->state.own.node};
      if (l.has_roster) {
        CDB_WARN("cluster", "lost peer " << l.label << " (node "
                                         << l.roster.node << "): " << why);
        lost.roles = remote_roles(cfg, l.roster.names);
      } else {
        CDB_INFO("cluster",
                 "peer " << l.label << " closed before its roster: " << why);
      }
      if (l.stats != nullptr) {
        l.stats->up = 0;
        l.stats->losses++;
      }
      l.peer = nullptr;
      l.has_roster = false;
      l.subscribed = false;
      l.pushes = false;
      l.roster = node_roster{};
      publish_view(self, cfg, metrics);
      if (!lost.roles.empty() && self->state.supervisor)
        caf::anon_send(self->state.supervisor, std::move(lost));
      if (l.dialed)
        dial_later(self, cfg, i);
      else // it dialed in: it dials again
        links.erase(links.begin() + static_cast<std::ptrdiff_t>(i));
      return;
    }
  });
  return {
    [self](roster_atom) { return self->state.own; },
    [self, cfg, metrics](subscribe_atom, roster_sink& peer) {
      if (!peer || peer.node() == self->node())
        return;
      auto* known = find_link(self, peer.address());
      auto again = known != nullptr && known->pushes && known->has_roster;
      auto& l = link_back(self, caf::actor_cast<caf::actor>(peer));
      if (!again)
        return;
      // A peer subscribes once per link: a second time means it lost the
      // link and made a new one while this node saw nothing (a freeze
      // ended, and its new connection replaced the old one here). Its side
      // dropped what this node's actors had there (the feed's subscribers,
      // say), so they are wired without it and with it again, as after a
      // loss this node had seen: they subscribe anew.
      CDB_WARN("cluster", "peer " << l.label << " (node " << l.roster.node
                                  << ") linked again without a loss seen "
                                     "here: re-wiring its actors");
      l.has_roster = false;
      publish_view(self, cfg, metrics);
      l.has_roster = true;
      publish_view(self, cfg, metrics);
    },
    [self, cfg, metrics](node_roster& r) {
      auto& st = self->state;
      auto sender = self->current_sender();
      if (sender && sender->node() == self->node()) {
        // This node's supervisor: its actors, and where views go.
        st.supervisor = caf::actor_cast<caf::actor>(sender);
        st.own.names = std::move(r.names);
        st.own.handles = std::move(r.handles);
        for (auto& l : st.links)
          if (l.pushes)
            self->send(caf::actor_cast<roster_sink>(l.peer), st.own);
        publish_view(self, cfg, metrics);
        return;
      }
      if (!sender)
        return;
      auto* l = find_link(self, sender->address());
      if (l == nullptr) // a dialer whose link this node had dropped
        l = &link_back(self, caf::actor_cast<caf::actor>(sender));
      if (!l->has_roster) {
        if (!l->dialed)
          l->label = "node " + r.node + " (it dialed in)";
        CDB_INFO("cluster", "peer " << l->label << " is node " << r.node
                                    << " (started " << r.epoch / 1'000'000
                                    << " ms after the epoch) hosting "
                                    << r.names.size() << " actors");
      }
      if (l->has_roster && l->roster == r)
        return; // the dialer's periodic refresh: nothing changed
      auto linked = !l->has_roster;
      if (linked)
        l->linked_seq = ++st.links_seen;
      l->roster = std::move(r);
      l->has_roster = true;
      l->attempts = 0;
      if (l->stats != nullptr)
        l->stats->up = 1;
      publish_view(self, cfg, metrics);
      // What this node may have reported lost of that peer is back: the
      // breaker holds a loss until the node that saw it sees it end.
      if (linked && st.supervisor)
        caf::anon_send(st.supervisor,
                       peer_back{l->roster.node,
                                 remote_roles(cfg, l->roster.names),
                                 st.own.node});
    },
    [self, cfg, mm](caf::connect_atom, std::uint64_t tag) {
      auto i = static_cast<std::size_t>(tag & 0xffff);
      auto& links = self->state.links;
      if (i >= links.size() || !links[i].dialed || links[i].timer != tag >> 16)
        return;
      auto& l = links[i];
      if (!l.peer) {
        dial(self, cfg, mm, i);
        return;
      }
      // Linked: push this node's roster again. The dialed node may have
      // dropped its side of the link (a freeze: it saw the old connection
      // close after this side had already dialed again); a roster from a
      // node it does not know links it back.
      self->send(caf::actor_cast<roster_sink>(l.peer), self->state.own);
      arm(self, i, cfg.connect_timeout);
    },
  };
}

} // namespace cdb

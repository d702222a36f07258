#include "runtime/supervisor.hpp"

#include <chrono>

#include <caf/all.hpp>

#include "messages/atoms.hpp"
#include "runtime/log.hpp"

namespace cdb {

namespace {

using self_ptr = supervisor_pointer;
using child = supervisor_state::child;

child_map local(self_ptr self) {
  child_map out;
  for (auto& c : self->state.children)
    if (c.handle)
      out.emplace(c.spec.name, c.handle);
  return out;
}

/// Every actor this node can reach: its own, then those of peer nodes.
child_map running(self_ptr self) {
  auto out = local(self);
  for (auto& kvp : self->state.remote)
    out.emplace(kvp.first, kvp.second);
  return out;
}

/// Wires every local child, once the actors it waits for are all there.
void wire(self_ptr self, const supervisor_hooks& hooks) {
  auto& st = self->state;
  auto all = running(self);
  if (!st.wired) {
    std::string missing;
    for (auto& name : hooks.wait_for)
      if (all.count(name) == 0)
        missing += (missing.empty() ? "" : ", ") + name;
    if (missing != st.waiting_for && hooks.waiting)
      hooks.waiting(missing);
    if (!missing.empty()) {
      if (missing != st.waiting_for)
        CDB_INFO("supervisor", "waiting for " << missing << " (peer nodes)");
      st.waiting_for = missing;
      return;
    }
    st.wired = true;
    if (!hooks.wait_for.empty())
      CDB_INFO("supervisor", "every actor is reachable: wiring");
  }
  hooks.wire(self, all);
}

void local_changed(self_ptr self, const supervisor_hooks& hooks) {
  if (hooks.local_changed)
    hooks.local_changed(self, local(self));
}

/// The child's per-actor metrics; nullptr for a name not in actor_names.
actor_stats* stats(self_ptr self, const child& c) {
  auto& m = self->state.metrics;
  return m ? m->actor(c.spec.name) : nullptr;
}

void start(self_ptr self, child& c) {
  c.handle = c.spec.start(self->system(), ++c.incarnation);
  self->monitor(c.handle);
  // A child dies with its supervisor (they are not linked: a child's failure
  // must not take the supervisor down). Without this, a supervisor that
  // quits early (a failed start, an escalation) leaves children running and
  // the actor system waits for them forever. A child already stopped
  // ignores it.
  self->attach_functor([child = c.handle.address()] {
    caf::anon_send_exit(child, caf::exit_reason::kill);
  });
  if (auto* s = stats(self, c))
    s->up = true;
}

child* find(self_ptr self, const std::string& name) {
  for (auto& c : self->state.children)
    if (c.spec.name == name)
      return &c;
  return nullptr;
}

child* find(self_ptr self, const caf::actor_addr& addr) {
  for (auto& c : self->state.children)
    if (c.handle && c.handle.address() == addr)
      return &c;
  return nullptr;
}

std::size_t index_of(self_ptr self, const child& c) {
  return static_cast<std::size_t>(&c - self->state.children.data());
}

/// Whether the stop passes over `c`: gone, and not a persistence about to
/// be restarted (the stop waits for that one).
bool passed_over(const child& c) {
  return !c.handle && !(c.restart_pending && c.spec.flush_before_stop);
}

/// Stops the next child in order; the supervisor quits after the last. A
/// child that flushes before its stop and is being restarted is waited for
/// (its restart calls this again).
void stop_next(self_ptr self, nanoseconds drain) {
  auto& st = self->state;
  while (st.next_to_stop < st.children.size()
         && passed_over(st.children[st.next_to_stop]))
    ++st.next_to_stop;
  if (st.next_to_stop >= st.children.size()) {
    CDB_INFO("supervisor", "all actors stopped");
    self->quit(st.shutdown_error);
    return;
  }
  auto& c = st.children[st.next_to_stop];
  if (!c.handle)
    return; // restarting
  st.asked = st.next_to_stop + 1;
  auto handle = c.handle;
  auto stop = [self, handle] {
    self->send_exit(handle, caf::exit_reason::user_shutdown);
  };
  if (c.spec.flush_before_stop) {
    self->request(handle, stop_wait, flush_atom::value)
      .then(
        [stop, name = c.spec.name](std::uint64_t written) {
          CDB_INFO("supervisor", name << " flushed; " << written
                                      << " events written this run");
          stop();
        },
        [self, stop, name = c.spec.name](caf::error& err) {
          CDB_ERROR("supervisor",
                    name << " flush failed: " << caf::to_string(err));
          self->state.shutdown_error = err;
          stop();
        });
  } else {
    stop();
  }
  // The first child stopped is the source (the feed): let in-flight work
  // drain through the pipeline before stopping the rest.
  if (st.next_to_stop == 0)
    self->delayed_send(self, std::chrono::nanoseconds{drain},
                       drained_atom::value);
}

/// One producer answered (or could not): the rest stop once all have.
void settled_one(self_ptr self, nanoseconds drain) {
  auto& st = self->state;
  if (--st.unsettled > 0)
    return;
  if (!st.shutdown_error)
    CDB_INFO("supervisor", "every event the actors sent is acknowledged");
  stop_next(self, drain);
}

/// After the drain: asks each producer to settle (see settle_before_stop),
/// then stops the rest. Without a persistence on this node nothing waits.
void settle(self_ptr self, nanoseconds drain) {
  auto& st = self->state;
  bool local_db = false;
  for (auto& c : st.children)
    local_db |= c.spec.flush_before_stop;
  if (local_db)
    for (auto& c : st.children) {
      if (!c.spec.settle_before_stop || !c.handle)
        continue;
      ++st.unsettled;
      auto name = c.spec.name;
      self->request(c.handle, stop_wait, flush_atom::value)
        .then(
          [self, drain, name](std::uint64_t kept) {
            if (kept > 0) {
              CDB_ERROR("supervisor",
                        name << ": " << kept
                             << " events no persistence acknowledged are "
                                "lost at this stop");
              self->state.shutdown_error = caf::make_error(
                caf::sec::runtime_error, name + " lost unacknowledged events");
            }
            settled_one(self, drain);
          },
          [self, drain, name](caf::error& err) {
            if (err == caf::sec::request_timeout) {
              CDB_ERROR("supervisor",
                        name << ": events still unacknowledged after "
                             << stop_wait.count()
                             << " s; stopping anyway (they may be lost)");
              self->state.shutdown_error = err;
            } else { // it failed: its kept events died with it
              CDB_WARN("supervisor",
                       name << " did not settle: " << caf::to_string(err));
            }
            settled_one(self, drain);
          });
    }
  if (st.unsettled == 0)
    stop_next(self, drain);
  else
    self->send(self, settle_atom::value);
}

/// While producers settle: asks persistence to write what it holds, so
/// their acknowledgements come now, not after persistence.flush_interval
/// (one request at a time: a slow persistence is not flooded).
void kick(self_ptr self) {
  auto& st = self->state;
  if (st.unsettled == 0)
    return;
  self->delayed_send(self, settle_kick, settle_atom::value);
  if (st.kicking)
    return;
  for (auto& c : st.children) {
    if (!c.spec.flush_before_stop || !c.handle)
      continue;
    st.kicking = true;
    self->request(c.handle, stop_wait, flush_atom::value)
      .then([self](std::uint64_t) { self->state.kicking = false; },
            [self](caf::error&) { self->state.kicking = false; });
  }
}

} // namespace

caf::behavior supervisor(self_ptr self, supervisor_config cfg,
                         std::vector<child_spec> specs,
                         const supervisor_hooks& hooks, const clock_ptr& clock,
                         const metrics_ptr& metrics, nanoseconds drain) {
  self->state.metrics = metrics;
  if (metrics) {
    instrument(self, metrics, "supervisor");
    metrics->actor("supervisor")->up = true;
  }
  for (auto& s : specs)
    self->state.children.push_back(
      child{std::move(s), {}, 0, restart_budget{cfg}});
  for (auto& c : self->state.children)
    start(self, c);
  local_changed(self, hooks);
  wire(self, hooks);
  CDB_INFO("supervisor",
           "started " << self->state.children.size() << " actors");
  self->set_down_handler([=](caf::down_msg& dm) {
    auto& st = self->state;
    auto* c = find(self, dm.source);
    if (c == nullptr)
      return;
    c->handle = nullptr;
    auto* cs = stats(self, *c);
    if (cs != nullptr)
      cs->up = false;
    if (st.shutting_down) {
      auto i = index_of(self, *c);
      if (i < st.asked) { // asked to stop
        if (i == st.next_to_stop && i > 0) {
          ++st.next_to_stop;
          stop_next(self, drain);
        }
        return;
      }
      if (!c->spec.flush_before_stop) { // its successor would find nothing
        CDB_WARN("supervisor", c->spec.name << " failed while stopping ("
                                            << caf::to_string(dm.reason)
                                            << ')');
        return;
      }
      // Persistence before its stop: restarted like at any time (below);
      // a settle flush it did not answer will never be answered.
      st.kicking = false;
    }
    metrics->failures++;
    if (cs != nullptr)
      cs->failures++;
    auto why = caf::to_string(dm.reason);
    if (!c->budget.admit(clock->now())) {
      CDB_ERROR("supervisor",
                c->spec.name << " failed (" << why << "): restart budget of "
                             << cfg.max_restarts << " exhausted; escalating");
      hooks.failed(self, running(self), c->spec.name, true, why);
      wire(self, hooks);
      if (c->spec.critical)
        self->quit(caf::make_error(caf::sec::runtime_error,
                                   c->spec.name + " cannot be restarted"));
      return;
    }
    hooks.failed(self, running(self), c->spec.name, false, why);
    auto delay = c->budget.backoff();
    CDB_WARN("supervisor", c->spec.name << " failed (" << why
                                        << "); restart in " << delay / 1000000
                                        << " ms");
    c->restart_pending = true;
    self->delayed_send(self, std::chrono::nanoseconds{delay},
                       restart_atom::value, c->spec.name);
  });
  return {
    [=](restart_atom, const std::string& name) {
      auto& st = self->state;
      auto* c = find(self, name);
      if (c == nullptr || c->handle)
        return;
      c->restart_pending = false;
      if (st.shutting_down
          && (!c->spec.flush_before_stop || index_of(self, *c) < st.asked))
        return;
      start(self, *c);
      metrics->restarts++;
      if (auto* s = stats(self, *c))
        s->restarts++;
      CDB_WARN("supervisor", "restarted " << name << " (incarnation "
                                          << c->incarnation << ')');
      local_changed(self, hooks);
      wire(self, hooks);
      // The stop waited for it (stop_next).
      if (st.shutting_down && st.unsettled == 0 && st.next_to_stop > 0
          && st.next_to_stop < st.children.size()
          && &st.children[st.next_to_stop] == c)
        stop_next(self, drain);
    },
    [=](node_roster& r) {
      auto& remote = self->state.remote;
      remote.clear();
      for (std::size_t i = 0; i < r.names.size() && i < r.handles.size(); ++i)
        if (r.handles[i])
          remote.emplace(r.names[i], r.handles[i]);
      wire(self, hooks);
    },
    [=](const peer_lost& p) {
      if (hooks.lost && !self->state.shutting_down)
        hooks.lost(self, running(self), p);
    },
    [=](const peer_back& p) {
      if (hooks.back && !self->state.shutting_down)
        hooks.back(self, running(self), p);
    },
    [=](kill_atom, const std::string& name) {
      auto* c = find(self, name);
      if (c != nullptr && c->handle) {
        CDB_WARN("supervisor", "killing " << name << " on request");
        self->send_exit(c->handle, caf::exit_reason::kill);
      }
    },
    [=](child_atom, const std::string& name) -> caf::actor {
      auto* c = find(self, name);
      return c != nullptr ? c->handle : caf::actor{};
    },
    [=](shutdown_atom) {
      auto& st = self->state;
      if (st.shutting_down)
        return;
      st.shutting_down = true;
      CDB_INFO("supervisor", "shutting down");
      st.next_to_stop = 0;
      stop_next(self, drain);
    },
    [=](drained_atom) {
      ++self->state.next_to_stop;
      settle(self, drain);
    },
    [=](settle_atom) { kick(self); },
  };
}

} // namespace cdb

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

/// Stops the next child in order; the supervisor quits after the last.
void stop_next(self_ptr self, nanoseconds drain) {
  auto& st = self->state;
  while (st.next_to_stop < st.children.size()
         && !st.children[st.next_to_stop].handle)
    ++st.next_to_stop;
  if (st.next_to_stop >= st.children.size()) {
    CDB_INFO("supervisor", "all actors stopped");
    self->quit(st.shutdown_error);
    return;
  }
  auto& c = st.children[st.next_to_stop];
  auto handle = c.handle;
  auto stop = [self, handle] {
    self->send_exit(handle, caf::exit_reason::user_shutdown);
  };
  if (c.spec.flush_before_stop) {
    self->request(handle, std::chrono::seconds{30}, flush_atom::value)
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
      if (st.next_to_stop < st.children.size()
          && &st.children[st.next_to_stop] == c && st.next_to_stop > 0) {
        ++st.next_to_stop;
        stop_next(self, drain);
      }
      return;
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
    self->delayed_send(self, std::chrono::nanoseconds{delay},
                       restart_atom::value, c->spec.name);
  });
  return {
    [=](restart_atom, const std::string& name) {
      auto* c = find(self, name);
      if (c == nullptr || c->handle || self->state.shutting_down)
        return;
      start(self, *c);
      metrics->restarts++;
      if (auto* s = stats(self, *c))
        s->restarts++;
      CDB_WARN("supervisor", "restarted " << name << " (incarnation "
                                          << c->incarnation << ')');
      local_changed(self, hooks);
      wire(self, hooks);
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
      stop_next(self, drain);
    },
  };
}

} // namespace cdb

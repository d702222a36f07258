#include "actors/persistence/persistence_actor.hpp"

#include <chrono>

#include <caf/all.hpp>

#include "runtime/config_check.hpp"
#include "runtime/log.hpp"

namespace cdb {

void persistence_config::validate(std::vector<std::string>& errors) const {
  config_check c{"persistence", errors};
  c.require(!dsn.empty(), "dsn", "\"\"",
            "must be a libpq connection string (or set CDB_PERSISTENCE_DSN)");
  c.require_span(flush_interval > 0, "flush_interval", flush_interval,
                 "must be > 0");
  c.require(batch_size >= 1, "batch_size", batch_size, "must be >= 1");
  c.require_span(retry_max > 0, "retry_max", retry_max, "must be > 0");
}

namespace {

using self_ptr = persistence_actor::stateful_pointer<persistence_state>;

/// Writes the pending batch; on failure keeps it and schedules a retry.
void flush(self_ptr self, const persistence_config& cfg,
           const actor_context& ctx) {
  auto& st = self->state;
  auto n = st.pending.size();
  if (n == 0 && !st.pending_run)
    return;
  auto now = ctx.clock->now();
  if (now < st.retry_at)
    return;
  try {
    if (st.pending_run) {
      st.db->write(*st.pending_run);
      st.pending_run.reset();
    }
    if (n > 0)
      st.db->write(st.pending, st.node);
    st.pending.clear();
    st.written += n;
    ctx.metrics->persisted += n;
    if (st.retry_delay > 0)
      CDB_INFO("persistence", "database reachable again; backlog written");
    st.retry_delay = 0;
    st.retry_at = 0;
  } catch (const std::exception& e) {
    ctx.metrics->persist_errors++;
    st.db->reset();
    st.retry_delay = st.retry_delay == 0
                       ? cfg.flush_interval
                       : std::min(st.retry_delay * 2, cfg.retry_max);
    st.retry_at = now + st.retry_delay;
    CDB_ERROR("persistence", "write of " << n << " events failed (kept, retry "
                                         << "in " << st.retry_delay / 1000000
                                         << " ms): " << e.what());
  }
  ctx.metrics->persist_backlog = st.pending.size();
}

template <class T>
void add(self_ptr self, const persistence_config& cfg, const actor_context& ctx,
         std::vector<T>& to, T x) {
  to.push_back(std::move(x));
  ctx.metrics->persist_backlog = self->state.pending.size();
  if (self->state.pending.size() >= cfg.batch_size)
    flush(self, cfg, ctx);
}

} // namespace

persistence_actor::behavior_type
spawn_persistence(self_ptr self, persistence_config cfg, actor_context ctx,
                  run_info run) {
  auto& st = self->state;
  st.db = std::make_unique<store>(cfg.dsn);
  st.pending_run = run;
  st.node = run.node;
  try {
    st.db->connect();
    st.db->write(run);
    st.pending_run.reset();
    CDB_INFO("persistence", "connected; schema migrated; run " << run.id);
  } catch (const std::exception& e) {
    // Keep going: the run row and the events are kept and retried.
    st.db->reset();
    ctx.metrics->persist_errors++;
    st.retry_delay = cfg.flush_interval;
    CDB_ERROR("persistence",
              "database unavailable at start (kept, retrying): " << e.what());
  }
  auto interval = std::chrono::nanoseconds{cfg.flush_interval};
  self->delayed_send(self, interval, timer_atom::value);
  auto& p = st.pending;
  return {
    [=, &p](signal& x) { add(self, cfg, ctx, p.signals, std::move(x)); },
    [=, &p](risk_decision& x) {
      add(self, cfg, ctx, p.decisions, std::move(x));
    },
    [=, &p](order& x) { add(self, cfg, ctx, p.orders, std::move(x)); },
    [=, &p](order_event& x) {
      add(self, cfg, ctx, p.order_events, std::move(x));
    },
    [=, &p](fill& x) { add(self, cfg, ctx, p.fills, std::move(x)); },
    [=, &p](portfolio_snapshot& x) {
      add(self, cfg, ctx, p.snapshots, std::move(x));
    },
    [=, &p](trading_state& x) { add(self, cfg, ctx, p.states, std::move(x)); },
    [=](timer_atom) {
      flush(self, cfg, ctx);
      self->delayed_send(self, interval, timer_atom::value);
    },
    [=](recover_atom) -> caf::result<trading_state> {
      auto& pending = self->state.pending.states;
      if (!pending.empty())
        return pending.back();
      try {
        if (auto s = self->state.db->last_trading_state(self->state.node))
          return *s;
        return trading_state{};
      } catch (const std::exception& e) {
        self->state.db->reset();
        ctx.metrics->persist_errors++;
        CDB_ERROR("persistence",
                  "cannot read the last trading state: " << e.what());
        return caf::make_error(caf::sec::runtime_error, e.what());
      }
    },
    [=](recover_account_atom) -> caf::result<account_recovery> {
      // Everything received first: the account and the orders execution
      // sent before it restarted are in the mailbox ahead of this.
      self->state.retry_at = 0;
      flush(self, cfg, ctx);
      auto left = self->state.pending.size();
      if (left > 0)
        return caf::make_error(caf::sec::runtime_error,
                               "database unavailable: " + std::to_string(left)
                                 + " events not written");
      try {
        return self->state.db->recover_account(self->state.node);
      } catch (const std::exception& e) {
        self->state.db->reset();
        ctx.metrics->persist_errors++;
        CDB_ERROR("persistence", "cannot read the last account: " << e.what());
        return caf::make_error(caf::sec::runtime_error, e.what());
      }
    },
    [=](flush_atom) -> caf::result<std::uint64_t> {
      // A shutdown flush ignores the retry schedule but not the outcome.
      self->state.retry_at = 0;
      flush(self, cfg, ctx);
      auto left = self->state.pending.size()
                  + (self->state.pending_run ? 1 : 0);
      if (left > 0)
        return caf::make_error(caf::sec::runtime_error,
                               std::to_string(left) + " events not written");
      return self->state.written;
    },
  };
}

} // namespace cdb

#include "actors/persistence/persistence_actor.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

#include <unistd.h>

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
  std::error_code ec;
  auto usable = !spool_dir.empty()
                && (std::filesystem::create_directories(spool_dir, ec), !ec)
                && std::filesystem::is_directory(spool_dir, ec)
                && ::access(spool_dir.c_str(), W_OK | X_OK) == 0;
  c.require(usable, "spool_dir", '"' + spool_dir + '"',
            "must be a directory this process can create and write");
}

namespace {

using self_ptr = instrumented_pointer<persistence_actor, persistence_state>;

std::int64_t steady_now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

} // namespace

void acknowledge(event_senders& senders) {
  std::vector<std::pair<caf::strong_actor_ptr, persisted_ack>> acks;
  for (auto& [from, id] : senders) {
    const auto& sender = from; // a lambda cannot capture a binding (C++17)
    auto i = std::find_if(acks.begin(), acks.end(),
                          [&](auto& a) { return a.first == sender; });
    if (i == acks.end())
      i = acks.emplace(acks.end(), sender, persisted_ack{});
    i->second.ids.push_back(std::move(id));
  }
  senders.clear();
  for (auto& [sender, ack] : acks)
    caf::anon_send(caf::actor_cast<caf::actor>(sender), std::move(ack));
}

namespace {

/// The pending batch is durable (committed or synced to the spool).
void durable(self_ptr self, const actor_context& ctx) {
  auto& st = self->state;
  auto now = steady_now();
  for (auto t : st.arrivals)
    ctx.metrics->persist_latency.observe(static_cast<double>(now - t) * 1e-9);
  st.arrivals.clear();
  st.pending.clear();
  acknowledge(st.senders);
}

void update_gauges(self_ptr self, const actor_context& ctx) {
  auto& st = self->state;
  ctx.metrics->persist_spooled = st.disk->events();
  ctx.metrics->persist_spool_bytes = st.disk->bytes();
  ctx.metrics->persist_backlog = st.pending.size() + st.disk->events();
}

/// The database did not answer: back off before the next try.
void backoff(self_ptr self, const persistence_config& cfg,
             const actor_context& ctx, const char* what, std::size_t n,
             const std::exception& e) {
  auto& st = self->state;
  ctx.metrics->persist_errors++;
  ctx.metrics->database_up = 0;
  st.db->reset();
  st.retry_delay = st.retry_delay == 0
                     ? cfg.flush_interval
                     : std::min(st.retry_delay * 2, cfg.retry_max);
  st.retry_at = ctx.clock->now() + st.retry_delay;
  CDB_ERROR("persistence", what << ' ' << n << " events failed (spooled, "
                                << "retry in " << st.retry_delay / 1000000
                                << " ms): " << e.what());
}

/// Writes `batch` in one transaction, timed; throws what the store throws.
void commit(self_ptr self, const actor_context& ctx, const event_batch& batch) {
  auto t0 = steady_now();
  self->state.db->write(batch, self->state.node);
  auto& m = *ctx.metrics;
  m.persist_commit.observe(static_cast<double>(steady_now() - t0) * 1e-9);
  m.persist_batch.observe(static_cast<double>(batch.size()));
  m.database_up = 1;
}

void written(self_ptr self, const actor_context& ctx, std::size_t n) {
  self->state.written += n;
  ctx.metrics->persisted += n;
}

/// The database took a write: no more backoff.
void recovered(self_ptr self, const char* what) {
  auto& st = self->state;
  if (st.retry_delay > 0)
    CDB_INFO("persistence", "database reachable again; " << what);
  st.retry_delay = 0;
  st.retry_at = 0;
}

/// Reads a spool record: a batch as serialised now, or as cdb spooled it
/// before bars were recorded (schema 5: the same fields without `bars`).
caf::error decode(caf::actor_system& sys, const std::string& bytes,
                  event_batch& out) {
  caf::binary_deserializer source{sys, bytes.data(), bytes.size()};
  auto err = source(out);
  if (!err)
    return err;
  out.clear();
  caf::binary_deserializer legacy{sys, bytes.data(), bytes.size()};
  if (!legacy(out.runs, out.signals, out.decisions, out.orders,
              out.order_events, out.fills, out.snapshots, out.states,
              out.feed_events)
      && legacy.remaining() == 0)
    return caf::error{};
  out.clear();
  return err;
}

/// Writes the spool's batches in order until it is empty or the database
/// fails.
void drain(self_ptr self, const persistence_config& cfg,
           const actor_context& ctx) {
  auto& st = self->state;
  std::string bytes;
  std::uint32_t events = 0;
  std::uint64_t drained = 0;
  while (st.disk->front(bytes, events)) {
    event_batch batch;
    if (auto err = decode(self->system(), bytes, batch)) {
      // Its CRC held, so the format changed under an old spool (another cdb
      // version). Set the record aside for the operator instead of
      // blocking every later batch behind it.
      auto aside = st.disk->path() + ".undecodable";
      std::ofstream{aside, std::ios::binary | std::ios::app}.write(
        bytes.data(), static_cast<std::streamsize>(bytes.size()));
      ctx.metrics->persist_errors++;
      CDB_ERROR("persistence", "spool " << st.disk->path() << ": a record of "
                                        << events << " events cannot be "
                                        << "decoded (" << caf::to_string(err)
                                        << "); set aside in " << aside);
      st.disk->pop();
      continue;
    }
    try {
      commit(self, ctx, batch);
    } catch (const std::exception& e) {
      backoff(self, cfg, ctx, "draining the spool:", st.disk->events(), e);
      return;
    }
    st.disk->pop();
    written(self, ctx, events);
    drained += events;
    update_gauges(self, ctx);
  }
  if (drained > 0) {
    CDB_INFO("persistence", "spool written: " << drained << " events");
    recovered(self, "spool written");
  }
}

/// Appends the pending batch to the spool; false (batch kept in memory)
/// when the disk refuses it.
bool spill(self_ptr self, const actor_context& ctx) {
  auto& st = self->state;
  std::vector<char> buf;
  caf::binary_serializer sink{self->system(), buf};
  if (auto err = sink(st.pending)) {
    CDB_ERROR("persistence",
              "cannot encode a batch for the spool: " << caf::to_string(err));
    return false;
  }
  try {
    st.disk->append(std::string_view{buf.data(), buf.size()},
                    static_cast<std::uint32_t>(st.pending.size()));
  } catch (const std::exception& e) {
    ctx.metrics->persist_errors++;
    CDB_ERROR("persistence", "kept in memory: " << e.what());
    return false;
  }
  // The gauges first: whoever hears the acknowledgement sees the spool.
  ctx.metrics->persist_spooled = st.disk->events();
  ctx.metrics->persist_spool_bytes = st.disk->bytes();
  durable(self, ctx);
  return true;
}

/// Writes the pending batch: to the database when nothing is spooled and
/// it answers, else to the spool (in order behind what is there); then
/// drains the spool if the backoff allows.
void flush(self_ptr self, const persistence_config& cfg,
           const actor_context& ctx) {
  auto& st = self->state;
  auto n = st.pending.size();
  auto may_try = ctx.clock->now() >= st.retry_at;
  if (n > 0) {
    if (st.disk->empty() && may_try) {
      try {
        commit(self, ctx, st.pending);
        durable(self, ctx);
        written(self, ctx, n);
        recovered(self, "backlog written");
      } catch (const std::exception& e) {
        backoff(self, cfg, ctx, "write of", n, e);
        may_try = false;
        spill(self, ctx);
      }
    } else {
      spill(self, ctx);
    }
  }
  if (!st.disk->empty() && may_try)
    drain(self, cfg, ctx);
  update_gauges(self, ctx);
}

/// An event joined the pending batch: timed, counted, flushed when full.
void queued(self_ptr self, const persistence_config& cfg,
            const actor_context& ctx) {
  self->state.arrivals.push_back(steady_now());
  ctx.metrics->persist_backlog++;
  if (self->state.pending.size() >= cfg.batch_size)
    flush(self, cfg, ctx);
}

/// A producer's event: acknowledged to its sender once durable.
template <class T>
void add(self_ptr self, const persistence_config& cfg, const actor_context& ctx,
         std::vector<T>& to, T x) {
  if (auto sender = self->current_sender())
    self->state.senders.emplace_back(std::move(sender), x.id);
  to.push_back(std::move(x));
  queued(self, cfg, ctx);
}

/// Everything received written, now: nothing pending, nothing spooled.
bool all_written(self_ptr self, const persistence_config& cfg,
                 const actor_context& ctx) {
  self->state.retry_at = 0;
  flush(self, cfg, ctx);
  return self->state.pending.size() == 0 && self->state.disk->empty();
}

std::string unwritten(self_ptr self) {
  auto& st = self->state;
  return "database unavailable: " + std::to_string(st.disk->events())
         + " events spooled, " + std::to_string(st.pending.size())
         + " in memory";
}

} // namespace

persistence_actor::behavior_type
spawn_persistence(self_ptr self, const persistence_config& cfg,
                  const actor_context& ctx, const run_info& run) {
  instrument(self, ctx, "persistence");
  auto& st = self->state;
  st.db = std::make_unique<store>(cfg.dsn);
  st.node = run.node;
  st.feed_ids = std::make_unique<id_source>(ctx.ids("fev"));
  st.disk = std::make_unique<spool>(
    (std::filesystem::path{cfg.spool_dir} / (run.node + ".spool")).string());
  if (st.disk->dropped_bytes() > 0)
    CDB_WARN("persistence", "spool " << st.disk->path() << ": dropped a torn "
                                     << "tail of " << st.disk->dropped_bytes()
                                     << " bytes (a crash while appending)");
  if (!st.disk->empty())
    CDB_WARN("persistence", "spool " << st.disk->path() << " holds "
                                     << st.disk->events()
                                     << " events from before; writing them "
                                        "first");
  st.pending.runs.push_back(run);
  try {
    st.db->connect();
    ctx.metrics->database_up = 1;
    CDB_INFO("persistence", "connected; schema migrated; run " << run.id);
  } catch (const std::exception& e) {
    st.db->reset();
    ctx.metrics->database_up = 0;
    CDB_ERROR("persistence",
              "database unavailable at start (kept, retrying): " << e.what());
  }
  flush(self, cfg, ctx);
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
    [=, &p](feed_status& x) {
      // The feed keeps no copy: its reports are not acknowledged.
      p.feed_events.push_back(
        feed_event{self->state.feed_ids->next(), std::move(x)});
      queued(self, cfg, ctx);
    },
    [=, &p](bar& x) {
      // Derived data, not acknowledged: the signal actor keeps no copy.
      p.bars.push_back(std::move(x));
      queued(self, cfg, ctx);
    },
    [=](timer_atom) {
      flush(self, cfg, ctx);
      self->delayed_send(self, interval, timer_atom::value);
    },
    [=](recover_atom) -> caf::result<trading_state> {
      auto& pending = self->state.pending.states;
      if (!pending.empty())
        return pending.back();
      // A state may sit in the spool: the database is the answer only once
      // the spool is written.
      if (!all_written(self, cfg, ctx))
        return caf::make_error(caf::sec::runtime_error, unwritten(self));
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
      if (!all_written(self, cfg, ctx))
        return caf::make_error(caf::sec::runtime_error, unwritten(self));
      try {
        return self->state.db->recover_account(self->state.node);
      } catch (const std::exception& e) {
        self->state.db->reset();
        ctx.metrics->persist_errors++;
        CDB_ERROR("persistence", "cannot read the last account: " << e.what());
        return caf::make_error(caf::sec::runtime_error, e.what());
      }
    },
    [=](recover_bars_atom,
        std::uint32_t per_series) -> caf::result<recorded_bars> {
      try {
        return self->state.db->recover_bars(self->state.node, per_series);
      } catch (const std::exception& e) {
        self->state.db->reset();
        ctx.metrics->persist_errors++;
        CDB_ERROR("persistence", "cannot read recorded bars: " << e.what());
        return caf::make_error(caf::sec::runtime_error, e.what());
      }
    },
    [=](flush_atom) -> caf::result<std::uint64_t> {
      // A shutdown flush ignores the retry schedule. What the database
      // cannot take stays in the spool, on disk, for the next start.
      if (!all_written(self, cfg, ctx)) {
        auto& st = self->state;
        if (st.pending.size() > 0)
          return caf::make_error(caf::sec::runtime_error,
                                 std::to_string(st.pending.size())
                                   + " events neither written nor spooled");
        CDB_WARN("persistence", st.disk->events()
                                  << " events stay in the spool "
                                  << st.disk->path()
                                  << "; the next start writes them");
      }
      return self->state.written;
    },
  };
}

} // namespace cdb

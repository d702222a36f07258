// What a producer (signal, risk, execution, circuit breaker) sent to
// persistence and keeps until persistence acknowledges it as durable
// (persisted_ack: committed, or synced to the spool). When persistence is
// replaced (a restart re-wires everyone), everything kept goes to the new
// one again, in order; the database ignores what it already has. Bounded:
// beyond `limit` events the oldest are dropped, logged and counted
// (persist_dropped), so a dead persistence never costs unbounded memory.
// At shutdown the supervisor asks each producer to `flush` (settle) before
// it stops anyone but the feed: the producer replies once everything it
// kept is acknowledged, so nothing dies in its outbox.
#pragma once

#include <cstddef>
#include <list>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/delegated.hpp>
#include <caf/message.hpp>
#include <caf/result.hpp>
#include <caf/typed_response_promise.hpp>

#include "messages/trading.hpp"
#include "runtime/metrics.hpp"

namespace cdb {

/// Events one producer keeps at most (about 50 MB of typical events).
constexpr std::size_t outbox_limit = 100'000;

/// Acknowledged events a producer forgets per message. Persistence
/// acknowledges a whole batch (up to persistence.batch_size ids) at once;
/// forgetting 500 events took risk 45-116 us, and a signal queued behind
/// that acknowledgement waited for all of it (docs/performance.md).
constexpr std::size_t outbox_ack_chunk = 32;

class outbox {
public:
  outbox(const char* owner, std::size_t limit, metrics_ptr metrics);
  ~outbox();

  outbox(const outbox&) = delete;
  outbox& operator=(const outbox&) = delete;

  /// Sends `msg` (the event `id`) to `db` under `self`'s identity, so the
  /// acknowledgement comes back, and keeps it until then. Without a
  /// persistence it is only kept.
  void send(const caf::actor& self, const caf::actor& db, std::string id,
            caf::message msg);

  /// Forgets up to `outbox_ack_chunk` of the acknowledged events, taken
  /// off the end of `ids`. Returns true when some are left in `ids`: the
  /// caller queues them behind what already waits (take_ack).
  bool ack(std::vector<std::string>& ids);

  /// Sends everything kept to `db` (a new persistence), oldest first.
  void resend(const caf::actor& self, const caf::actor& db);

  /// A wiring arrived: resends to `now` if it replaces `before`. Without
  /// a persistence any more, nothing will be acknowledged: a waiting
  /// `settle` hears how many events are kept.
  void rewire(const caf::actor& self, const caf::actor& before,
              const caf::actor& now);

  /// Replies through `promise` once nothing is kept (0); at once with the
  /// number kept when nothing is or `wired` is false (no persistence to
  /// acknowledge them: at a stop they are lost).
  void settle(caf::typed_response_promise<std::uint64_t> promise, bool wired);

  std::size_t size() const noexcept {
    return kept_.size();
  }

private:
  using entry = std::pair<std::string, caf::message>;

  const char* owner_;
  std::size_t limit_;
  metrics_ptr metrics_;
  std::list<entry> kept_;
  std::unordered_map<std::string, std::list<entry>::iterator> index_;
  std::vector<caf::typed_response_promise<std::uint64_t>> settling_;

  void settled();
};

/// A producer's persisted_ack handler: forgets a chunk of the acknowledged
/// events and sends the rest to itself, so a message that arrived meanwhile
/// (a signal, a fill) is handled before the next chunk.
template <class Self>
void take_ack(Self* self, outbox& box, persisted_ack& a) {
  if (box.ack(a.ids))
    self->send(self, std::move(a));
}

/// A producer's `flush` handler: replies once everything it sent to
/// persistence is acknowledged (0), or at once with the number of events
/// no persistence will acknowledge (`db` empty).
template <class Self, class Handle>
caf::result<std::uint64_t> settle(Self* self, outbox& box, const Handle& db) {
  box.settle(self->template make_response_promise<std::uint64_t>(),
             static_cast<bool>(db));
  return caf::delegated<std::uint64_t>{};
}

} // namespace cdb

#include "runtime/direct_market.hpp"

#include <exception>

#include <caf/scheduled_actor.hpp>
#include <caf/type_erased_tuple.hpp>

#include "runtime/lockstep.hpp"
#include "runtime/log.hpp"

namespace cdb {

std::shared_ptr<market_taker> direct_market::find(std::uint64_t id) const {
  auto i = takers_.find(id);
  return i != takers_.end() ? i->second : nullptr;
}

void direct_market::detach(std::uint64_t id) {
  auto i = takers_.find(id);
  if (i == takers_.end())
    return;
  i->second->alive = false;
  takers_.erase(i);
}

int direct_market::rank_of(const char* name) {
  return role_rank(name);
}

bool direct_market::idle(caf::scheduled_actor* actor) {
  // An idle actor's inbox is marked blocked (it waits for mail) and it
  // keeps no skipped message; anything else has a turn to come.
  return actor->mailbox().blocked() && actor->mailbox().queue().empty();
}

bool direct_market::mail_waiting(caf::scheduled_actor* actor) {
  return !actor->mailbox().blocked() && !actor->mailbox().empty();
}

bool direct_market::run_ahead(timestamp now, timestamp next) {
  if (horizon > 0 && now >= horizon)
    return false;
  // The feed's step goes first among the timers of its instant, unless
  // the feed itself has one there already (its watchdog): it was set first.
  return sched_.ready() == 0
         && sched_.clock().advance_if_clear(
           caf::actor_clock::time_point{std::chrono::nanoseconds{next}});
}

bool direct_market::take_timer(caf::abstract_actor* self,
                               const caf::type_erased_tuple& msg) {
  if (self == nullptr || msg.size() != 1
      || !msg.match_element<caf::atom_value>(0))
    return false;
  auto i = timers_.find(self->id());
  if (i == timers_.end())
    return false;
  auto atom = msg.get_as<caf::atom_value>(0);
  for (auto& t : i->second) {
    if (t.atom != atom)
      continue;
    if (!idle(t.actor))
      return false; // its turn comes anyway: the message goes behind
    auto* actor = t.actor;
    try {
      t.call();
    } catch (const std::exception& e) {
      // As in its own turn: the actor fails, its supervisor decides.
      CDB_ERROR("backtest", actor->name()
                              << " failed on its timer: " << e.what());
      actor->send_exit(actor->address(),
                       caf::make_error(caf::sec::runtime_error,
                                       std::string{e.what()}));
    }
    // What it sent itself would have come in the same turn.
    if (!idle(actor))
      sched_.run_turn(actor);
    return true;
  }
  return false;
}

} // namespace cdb

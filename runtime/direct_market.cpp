#include "runtime/direct_market.hpp"

#include <caf/scheduled_actor.hpp>

#include "runtime/lockstep.hpp"

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

bool direct_market::run_ahead(timestamp now, timestamp next) {
  if (horizon > 0 && now >= horizon)
    return false;
  // The feed's step goes first among the timers of its instant, unless
  // the feed itself has one there already (its watchdog): it was set first.
  return sched_.ready() == 0
         && sched_.clock().advance_if_clear(
           caf::actor_clock::time_point{std::chrono::nanoseconds{next}});
}

} // namespace cdb

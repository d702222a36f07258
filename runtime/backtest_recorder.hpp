// Plays persistence in a backtest: keeps in memory what the report needs
// (runtime/trade_report.hpp), acknowledges every event (per 512, and every
// 10 s of market time), answers every recovery with "nothing recorded" (a
// backtest starts fresh) and, with --persist, hands a copy of everything to
// the real persistence. Its name is persistence's: it takes persistence's
// place in the order of turns (runtime/lockstep.hpp).
// Takes: every event persistence takes; flush (adds the newest account
// point, acknowledges what is open).
#pragma once

#include <memory>

#include <caf/actor_system.hpp>

#include "messages/interfaces.hpp"
#include "runtime/trade_report.hpp"

namespace cdb {

class direct_market;

/// Spawns the recorder, filling `rec`; `db` (optional) gets a copy of
/// every event; with `direct` (one node), its timer is taken by calls
/// (runtime/direct_market.hpp).
caf::actor spawn_recorder(caf::actor_system& sys,
                          std::shared_ptr<run_record> rec, persistence_actor db,
                          std::shared_ptr<direct_market> direct = nullptr);

} // namespace cdb

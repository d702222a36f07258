// Atoms of the cdb vocabulary (CAF 0.17 atoms: at most 10 characters).
#pragma once

#include <caf/atom.hpp>

namespace cdb {

using subscribe_atom = caf::atom_constant<caf::atom("subscribe")>;
using unsubscribe_atom = caf::atom_constant<caf::atom("unsub")>;
using snapshot_atom = caf::atom_constant<caf::atom("snapshot")>;
using flush_atom = caf::atom_constant<caf::atom("flush")>;
using state_atom = caf::atom_constant<caf::atom("state")>;
using step_atom = caf::atom_constant<caf::atom("step")>;
using timer_atom = caf::atom_constant<caf::atom("timer")>;
using watchdog_atom = caf::atom_constant<caf::atom("watchdog")>;
using ws_atom = caf::atom_constant<caf::atom("ws")>;
using kill_atom = caf::atom_constant<caf::atom("kill")>;
using restart_atom = caf::atom_constant<caf::atom("restart")>;
using shutdown_atom = caf::atom_constant<caf::atom("shutdown")>;
using drained_atom = caf::atom_constant<caf::atom("drained")>;
using settle_atom = caf::atom_constant<caf::atom("settle")>;
using history_atom = caf::atom_constant<caf::atom("history")>;
using recover_atom = caf::atom_constant<caf::atom("recover")>;
/// Execution's recovery: its last account and open orders.
using recover_account_atom = caf::atom_constant<caf::atom("recacct")>;
/// Signal's recovery: the bars this node recorded last.
using recover_bars_atom = caf::atom_constant<caf::atom("recbars")>;
/// A backtest's recorder asks execution for the account as of its last
/// snapshot, published or held back as unchanged (the run's last point).
using last_account_atom = caf::atom_constant<caf::atom("lastacct")>;
using roster_atom = caf::atom_constant<caf::atom("roster")>;
using child_atom = caf::atom_constant<caf::atom("child")>;

} // namespace cdb

// Built by ctest: with CDB_CONTROL it must compile (signal sends a signal to
// risk); without, it must not (signal tries to send an order through any
// handle its wiring gives it).
#include <caf/all.hpp>

#include "messages/interfaces.hpp"

void signal_code(caf::event_based_actor* self, cdb::signal_wiring& w) {
#ifdef CDB_CONTROL
  self->send(w.risk, cdb::signal{});
#else
  self->send(w.risk, cdb::submit_order{});
#endif
}

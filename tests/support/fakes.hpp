// Stand-ins for peers in actor tests. They record what they receive; tests
// read the record with deref<...>(handle).state.
#pragma once

#include <vector>

#include "messages/interfaces.hpp"
#include "tests/support/fixtures.hpp"

namespace cdb::test {

/// What an actor under test sent to persistence.
struct persistence_record {
  std::vector<signal> signals;
  std::vector<risk_decision> decisions;
  std::vector<order> orders;
  std::vector<order_event> events;
  std::vector<fill> fills;
  std::vector<portfolio_snapshot> snapshots;
  std::vector<trading_state> states;
};

inline persistence_actor::behavior_type recording_persistence(
  persistence_actor::stateful_pointer<persistence_record> self, no_args) {
  return {
    [self](const signal& x) { self->state.signals.push_back(x); },
    [self](const risk_decision& x) { self->state.decisions.push_back(x); },
    [self](const order& x) { self->state.orders.push_back(x); },
    [self](const order_event& x) { self->state.events.push_back(x); },
    [self](const fill& x) { self->state.fills.push_back(x); },
    [self](const portfolio_snapshot& x) { self->state.snapshots.push_back(x); },
    [self](const trading_state& x) { self->state.states.push_back(x); },
    [](timer_atom) {},
    [](flush_atom) { return std::uint64_t{0}; },
  };
}

/// Reads the record of a recording_persistence actor.
template <class Fixture>
persistence_record& record_of(Fixture& f, const persistence_actor& h) {
  return f
    .template deref<persistence_actor::stateful_base<persistence_record>>(h)
    .state;
}

} // namespace cdb::test

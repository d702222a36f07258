// Shared test builders. They use the production constructors.
#pragma once

#include <caf/test/dsl.hpp>

#include "messages/register.hpp"
#include "runtime/context.hpp"
#include "tests/support/builders.hpp"

namespace cdb::test {

/// CAF 0.17.6 dereferences a null std::shared_ptr<std::tuple<>> when a
/// function-based actor is spawned without arguments
/// (caf/detail/init_fun_factory.hpp), which UBSan rejects. Test actors that
/// need no arguments take this tag instead: sys.spawn(fake, no_args{}).
struct no_args {};

/// An actor system config with every cdb message type registered.
struct test_config : caf::actor_system_config {
  test_config() {
    register_messages(*this);
  }
};

/// A deterministic actor system plus a manual clock and metrics. Tests call
/// sched.run() (messages only), not run(): run() also fires timers, and the
/// actors' periodic timers would never let it return.
struct coordinator_fixture : test_coordinator_fixture<test_config> {
  std::shared_ptr<manual_clock> clock = std::make_shared<manual_clock>(
    1'700'000'000'000'000'000);
  metrics_ptr metrics = std::make_shared<node_metrics>();

  actor_context context(std::uint32_t incarnation = 1) {
    return actor_context{"test", incarnation, clock, metrics, nullptr};
  }
};

} // namespace cdb::test

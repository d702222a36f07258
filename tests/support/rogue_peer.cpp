// A process that is not a node of the cluster but can reach one's port:
// it connects to the node's cluster actor, takes its roster and tries what a
// hostile or misconfigured peer would: an order straight to execution, a
// resume and a flatten at the circuit breaker, an ACTIVE trading state at
// risk. The cluster e2e test then checks that every one was refused and
// counted. Usage: cdb_rogue_peer HOST PORT. Exit 0 when it reached the
// node and sent what it could; 1 when it could not connect.
#include <chrono>
#include <iostream>
#include <thread>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "messages/register.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: cdb_rogue_peer HOST PORT\n";
    return 2;
  }
  caf::actor_system_config cfg;
  cdb::register_messages(cfg);
  cfg.load<caf::io::middleman>();
  caf::put(cfg.content, "scheduler.max-threads", 1);
  caf::actor_system sys{cfg};
  auto port = static_cast<std::uint16_t>(std::stoi(argv[2]));
  auto dir = sys.middleman().remote_actor<cdb::cluster_actor>(argv[1], port);
  if (!dir) {
    std::cerr << "rogue: cannot connect: " << sys.render(dir.error()) << '\n';
    return 1;
  }
  caf::scoped_actor self{sys};
  cdb::node_roster roster;
  bool got = false;
  self->request(*dir, std::chrono::seconds{5}, cdb::roster_atom::value)
    .receive(
      [&](cdb::node_roster& r) {
        roster = std::move(r);
        got = true;
      },
      [&](caf::error& err) {
        std::cerr << "rogue: no roster: " << sys.render(err) << '\n';
      });
  if (!got)
    return 1;
  for (std::size_t i = 0; i < roster.names.size(); ++i) {
    auto& name = roster.names[i];
    auto& h = roster.handles[i];
    if (name == "execution") {
      cdb::order o;
      o.id = "ord-rogue-1";
      o.decision_id = "dec-rogue-1";
      o.signal_id = "sig-rogue-1";
      o.instrument = "BTCUSDT";
      o.qty = 1;
      self->send(caf::actor_cast<cdb::execution_actor>(h),
                 cdb::submit_order{o});
      std::cout << "sent an order to execution\n";
    } else if (name == "circuit_breaker") {
      auto b = caf::actor_cast<cdb::circuit_breaker_actor>(h);
      auto report = [&](const char* what) {
        return [what](caf::error& err) {
          std::cout << what << " refused: " << caf::to_string(err) << '\n';
        };
      };
      auto accepted = [](const char* what) {
        return
          [what](cdb::trading_state&) { std::cout << what << " accepted\n"; };
      };
      self->request(b, std::chrono::seconds{5}, cdb::resume_trading{"rogue"})
        .receive(accepted("resume"), report("resume"));
      self->request(b, std::chrono::seconds{5}, cdb::flatten_positions{"rogue"})
        .receive(accepted("flatten"), report("flatten"));
    } else if (name == "risk") {
      cdb::trading_state st;
      st.id = "st-rogue-1";
      st.mode = cdb::trading_mode::active;
      st.reason = "rogue";
      self->send(caf::actor_cast<cdb::risk_actor>(h), st);
      std::cout << "sent ACTIVE to risk\n";
    }
  }
  // Let the middleman deliver before the process exits.
  std::this_thread::sleep_for(std::chrono::milliseconds{500});
  return 0;
}

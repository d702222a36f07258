#include "messages/register.hpp"

namespace cdb {

namespace {

template <class T>
void add(caf::actor_system_config& cfg) {
  cfg.add_message_type<T>(T::type_name);
}

} // namespace

void register_messages(caf::actor_system_config& cfg) {
  add<trade_tick>(cfg);
  add<quote_tick>(cfg);
  add<book_level>(cfg);
  add<book_snapshot>(cfg);
  add<bar>(cfg);
  add<mark_price>(cfg);
  add<feed_status>(cfg);
  add<trade_batch>(cfg);
  add<market_history>(cfg);
  add<strategy_status>(cfg);
  add<signal_status>(cfg);
  add<signal>(cfg);
  add<order>(cfg);
  add<submit_order>(cfg);
  add<cancel_order>(cfg);
  add<amend_order>(cfg);
  add<order_event>(cfg);
  add<fill>(cfg);
  add<position>(cfg);
  add<portfolio_snapshot>(cfg);
  add<account_recovery>(cfg);
  add<recorded_bars>(cfg);
  add<persisted_ack>(cfg);
  add<risk_decision>(cfg);
  add<breaker_trip>(cfg);
  add<trading_state>(cfg);
  add<actor_failure>(cfg);
  add<halt_trading>(cfg);
  add<resume_trading>(cfg);
  add<flatten_positions>(cfg);
  add<peer_lost>(cfg);
  add<peer_back>(cfg);
  add<node_roster>(cfg);
  add<execution_wiring>(cfg);
  add<breaker_wiring>(cfg);
  add<risk_wiring>(cfg);
  add<signal_wiring>(cfg);
  cfg.add_message_type<market_sink>("cdb::market_sink");
  cfg.add_message_type<persistence_actor>("cdb::persistence_actor");
  cfg.add_message_type<portfolio_sink>("cdb::portfolio_sink");
  cfg.add_message_type<signal_sink>("cdb::signal_sink");
  cfg.add_message_type<status_sink>("cdb::status_sink");
  cfg.add_message_type<breaker_inbox>("cdb::breaker_inbox");
  cfg.add_message_type<account_source>("cdb::account_source");
  cfg.add_message_type<risk_control>("cdb::risk_control");
  cfg.add_message_type<feed_actor>("cdb::feed_actor");
  cfg.add_message_type<execution_actor>("cdb::execution_actor");
  cfg.add_message_type<circuit_breaker_actor>("cdb::circuit_breaker_actor");
  cfg.add_message_type<risk_actor>("cdb::risk_actor");
  cfg.add_message_type<signal_actor>("cdb::signal_actor");
  cfg.add_message_type<roster_sink>("cdb::roster_sink");
  cfg.add_message_type<cluster_actor>("cdb::cluster_actor");
}

} // namespace cdb

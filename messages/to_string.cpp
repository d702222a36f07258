#include "messages/trading.hpp"

namespace cdb {

const char* to_string(side x) {
  return x == side::buy ? "buy" : "sell";
}

const char* to_string(feed_health x) {
  switch (x) {
    case feed_health::fresh: return "fresh";
    case feed_health::stale: return "stale";
    default: return "disconnected";
  }
}

const char* to_string(signal_side x) {
  switch (x) {
    case signal_side::buy: return "buy";
    case signal_side::sell: return "sell";
    default: return "close";
  }
}

const char* to_string(order_type x) {
  switch (x) {
    case order_type::market: return "market";
    case order_type::limit: return "limit";
    case order_type::stop_market: return "stop_market";
    default: return "take_profit";
  }
}

const char* to_string(time_in_force x) {
  switch (x) {
    case time_in_force::gtc: return "gtc";
    case time_in_force::ioc: return "ioc";
    default: return "post_only";
  }
}

const char* to_string(order_event_kind x) {
  switch (x) {
    case order_event_kind::accepted: return "accepted";
    case order_event_kind::rejected: return "rejected";
    case order_event_kind::partially_filled: return "partially_filled";
    case order_event_kind::filled: return "filled";
    case order_event_kind::cancelled: return "cancelled";
    case order_event_kind::expired: return "expired";
    case order_event_kind::amended: return "amended";
    default: return "request_rejected";
  }
}

const char* to_string(trading_mode x) {
  switch (x) {
    case trading_mode::active: return "ACTIVE";
    case trading_mode::reducing: return "REDUCING";
    default: return "HALTED";
  }
}

} // namespace cdb

namespace cdb {

const char* to_string(liquidity x) {
  return x == liquidity::maker ? "maker" : "taker";
}

} // namespace cdb

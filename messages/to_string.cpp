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
    default: return "stop_market";
  }
}

const char* to_string(order_event_kind x) {
  switch (x) {
    case order_event_kind::accepted: return "accepted";
    case order_event_kind::rejected: return "rejected";
    case order_event_kind::partially_filled: return "partially_filled";
    case order_event_kind::filled: return "filled";
    case order_event_kind::cancelled: return "cancelled";
    default: return "expired";
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

// What a venue parser makes of one message: a typed record or the reason
// it was rejected. Shared by the Binance and MEXC parsers, the replay reader
// and the feed. No CAF include.
#pragma once

#include <cstdint>
#include <string>

#include "messages/market_data.hpp"

namespace cdb {

enum class market_kind : std::uint8_t { none, trade, quote, book, bar, mark };

/// One parsed message. Only the member named by `kind` is meaningful.
struct market_message {
  market_kind kind = market_kind::none;
  /// The venue's sequence for gap and duplicate detection: trade id,
  /// aggregate trade id or book update id; 0 when the message has none.
  std::uint64_t sequence = 0;
  trade_tick trade;
  quote_tick quote;
  book_snapshot book;
  bar kline;
  mark_price mark;
};

enum class parse_error : std::uint8_t {
  none,
  oversized,       ///< Longer than the configured maximum.
  truncated,       ///< Does not end the object it starts.
  not_json,        ///< simdjson rejected it.
  unknown_message, ///< Valid JSON, but no stream or event type we parse.
  missing_field,   ///< A required field is absent or of the wrong type.
  bad_number,      ///< A price or quantity that is not a finite number.
  open_kline,      ///< A kline that is not closed yet (not an error to log).
  control,         ///< A pong or subscription ack (not an error to log).
  venue_error,     ///< The venue reports an error (e.g. a failed subscription).
  unknown_instrument, ///< No contract size configured for its symbol.
};

inline constexpr std::size_t parse_error_count = 11;

const char* to_string(parse_error x);

} // namespace cdb

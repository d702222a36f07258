#include "actors/feed/binance_parser.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <utility>
#include <vector>

#include "actors/feed/json_fields.hpp"

namespace cdb {

namespace dom = simdjson::dom;
using namespace json_fields;

const char* to_string(parse_error x) {
  switch (x) {
    case parse_error::none: return "none";
    case parse_error::oversized: return "oversized";
    case parse_error::truncated: return "truncated";
    case parse_error::not_json: return "not_json";
    case parse_error::unknown_message: return "unknown_message";
    case parse_error::missing_field: return "missing_field";
    case parse_error::bad_number: return "bad_number";
    case parse_error::open_kline: return "open_kline";
    case parse_error::control: return "control";
    case parse_error::venue_error: return "venue_error";
    case parse_error::unknown_instrument: return "unknown_instrument";
  }
  return "?";
}

namespace {

/// "1m" -> 60 s. Binance intervals: s, m, h, d, w, M (30 days).
nanoseconds interval_ns(std::string_view s) {
  if (s.size() < 2)
    fail(parse_error::bad_number);
  std::uint64_t n = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size() - 1, n);
  if (r.ec != std::errc{} || r.ptr != s.data() + s.size() - 1 || n == 0
      || n > 1000)
    fail(parse_error::bad_number);
  nanoseconds unit = 0;
  switch (s.back()) {
    case 's': unit = 1'000'000'000; break;
    case 'm': unit = 60'000'000'000; break;
    case 'h': unit = 3'600'000'000'000; break;
    case 'd': unit = 86'400'000'000'000; break;
    case 'w': unit = 7 * 86'400'000'000'000; break;
    case 'M': unit = 30 * 86'400'000'000'000; break;
    default: fail(parse_error::bad_number);
  }
  return static_cast<nanoseconds>(n) * unit;
}

void levels(dom::object o, std::string_view key, std::vector<book_level>& out) {
  dom::array arr;
  take(field(o, key).get_array(), arr);
  for (dom::element item : arr) {
    dom::array pair;
    take(item.get_array(), pair);
    book_level l;
    int i = 0;
    for (dom::element v : pair) {
      if (i == 0)
        l.price = number(v);
      else if (i == 1)
        l.qty = number(v);
      ++i;
    }
    if (i != 2 || !(l.price > 0) || l.qty < 0)
      fail(i != 2 ? parse_error::missing_field : parse_error::bad_number);
    out.push_back(l);
  }
}

std::string upper(std::string_view s) {
  std::string out{s};
  for (auto& c : out)
    if (c >= 'a' && c <= 'z')
      c = static_cast<char>(c - 'a' + 'A');
  return out;
}

/// What the stream name (or, without one, the event type) says the
/// message is.
enum class shape { trade, agg_trade, book_ticker, depth, kline, mark, unknown };

shape from_stream(std::string_view stream) {
  auto at = stream.find('@');
  if (at == std::string_view::npos)
    return shape::unknown;
  auto kind = stream.substr(at + 1);
  if (kind == "trade")
    return shape::trade;
  if (kind == "aggTrade")
    return shape::agg_trade;
  if (kind == "bookTicker")
    return shape::book_ticker;
  if (kind.substr(0, 5) == "depth")
    return shape::depth;
  if (kind.substr(0, 6) == "kline_")
    return shape::kline;
  if (kind.substr(0, 9) == "markPrice")
    return shape::mark;
  return shape::unknown;
}

shape from_event(std::string_view e) {
  if (e == "trade")
    return shape::trade;
  if (e == "aggTrade")
    return shape::agg_trade;
  if (e == "bookTicker")
    return shape::book_ticker;
  if (e == "depthUpdate")
    return shape::depth;
  if (e == "kline")
    return shape::kline;
  if (e == "markPriceUpdate")
    return shape::mark;
  return shape::unknown;
}

void parse_trade(dom::object d, bool aggregate, timestamp recv,
                 market_message& out) {
  auto& t = out.trade;
  t.instrument = upper(str_field(d, "s"));
  out.sequence = uint_field(d, aggregate ? "a" : "t");
  t.trade_id = std::to_string(out.sequence);
  t.price = price_field(d, "p");
  t.qty = qty_field(d, "q");
  // m: the buyer is the maker, so the seller crossed the spread.
  t.aggressor = bool_field(d, "m") ? side::sell : side::buy;
  t.event_time = ms_field(d, "T");
  t.recv_time = recv;
  out.kind = market_kind::trade;
}

void parse_book_ticker(dom::object d, timestamp recv, market_message& out) {
  auto& q = out.quote;
  q.instrument = upper(str_field(d, "s"));
  out.sequence = uint_field(d, "u");
  q.bid = price_field(d, "b");
  q.bid_qty = qty_field(d, "B");
  q.ask = price_field(d, "a");
  q.ask_qty = qty_field(d, "A");
  // Futures carry the transaction time; spot has none: use receive time.
  q.event_time = has(d, "T") ? ms_field(d, "T") : recv;
  q.recv_time = recv;
  out.kind = market_kind::quote;
}

void parse_depth(dom::object d, std::string_view stream, timestamp recv,
                 market_message& out) {
  auto& b = out.book;
  b.bids.clear();
  b.asks.clear();
  if (has(d, "lastUpdateId")) {
    // Spot partial depth: no symbol, no time; the stream names the symbol.
    if (stream.empty())
      fail(parse_error::unknown_message);
    b.instrument = upper(stream.substr(0, stream.find('@')));
    out.sequence = uint_field(d, "lastUpdateId");
    levels(d, "bids", b.bids);
    levels(d, "asks", b.asks);
    b.event_time = recv;
  } else {
    b.instrument = upper(str_field(d, "s"));
    out.sequence = uint_field(d, "u");
    b.event_time = ms_field(d, "T");
    levels(d, "b", b.bids);
    levels(d, "a", b.asks);
  }
  b.recv_time = recv;
  out.kind = market_kind::book;
}

void parse_kline(dom::object d, market_message& out) {
  dom::object k;
  take(field(d, "k").get_object(), k);
  if (!bool_field(k, "x"))
    fail(parse_error::open_kline);
  auto& b = out.kline;
  b.instrument = upper(str_field(k, "s"));
  b.interval = interval_ns(str_field(k, "i"));
  b.start_time = ms_field(k, "t");
  b.end_time = b.start_time + b.interval;
  b.open = price_field(k, "o");
  b.high = price_field(k, "h");
  b.low = price_field(k, "l");
  b.close = price_field(k, "c");
  b.volume = qty_field(k, "v");
  if (b.low > b.high || b.open > b.high || b.close > b.high || b.open < b.low
      || b.close < b.low)
    fail(parse_error::bad_number);
  out.sequence = 0;
  out.kind = market_kind::bar;
}

void parse_mark(dom::object d, timestamp recv, market_message& out) {
  auto& m = out.mark;
  m.instrument = upper(str_field(d, "s"));
  m.mark = price_field(d, "p");
  m.index = price_field(d, "i");
  m.funding_rate = num_field(d, "r");
  m.next_funding_time = ms_field(d, "T");
  m.event_time = ms_field(d, "E");
  m.recv_time = recv;
  out.sequence = 0;
  out.kind = market_kind::mark;
}

} // namespace

struct binance_parser::impl {
  explicit impl(std::size_t max) : json(max) {
    // nop
  }

  padded_json json;

  void parse(std::string_view msg, timestamp recv, market_message& out) {
    auto doc = json.parse(msg);
    dom::object root;
    if (doc.get_object().get(root) != simdjson::SUCCESS)
      fail(parse_error::not_json);
    std::string_view stream;
    dom::object data = root;
    if (has(root, "stream")) {
      take(field(root, "stream").get_string(), stream);
      take(field(root, "data").get_object(), data);
    }
    auto kind = shape::unknown;
    std::string_view e;
    dom::element ev;
    if (data.at_key("e").get(ev) == simdjson::SUCCESS)
      take(ev.get_string(), e);
    if (!e.empty())
      kind = from_event(e);
    else if (!stream.empty())
      kind = from_stream(stream);
    else if (has(data, "u") && has(data, "b"))
      kind = shape::book_ticker; // raw spot bookTicker: no type, no stream
    switch (kind) {
      case shape::trade: parse_trade(data, false, recv, out); break;
      case shape::agg_trade: parse_trade(data, true, recv, out); break;
      case shape::book_ticker: parse_book_ticker(data, recv, out); break;
      case shape::depth: parse_depth(data, stream, recv, out); break;
      case shape::kline: parse_kline(data, out); break;
      case shape::mark: parse_mark(data, recv, out); break;
      case shape::unknown: fail(parse_error::unknown_message);
    }
  }
};

binance_parser::binance_parser(std::size_t max_message_bytes)
  : impl_(std::make_unique<impl>(max_message_bytes)) {
  // nop
}

binance_parser::~binance_parser() = default;

parse_error binance_parser::parse(std::string_view message, timestamp recv_time,
                                  market_message& out) {
  try {
    impl_->parse(message, recv_time, out);
    ++parsed_;
    return parse_error::none;
  } catch (const reject& r) {
    out.kind = market_kind::none;
    ++errors_[static_cast<std::size_t>(r.why)];
    return r.why;
  }
}

} // namespace cdb

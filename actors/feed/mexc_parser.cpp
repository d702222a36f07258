#include "actors/feed/mexc_parser.hpp"

#include <cstddef>

#include "actors/feed/json_fields.hpp"

namespace cdb {

using namespace json_fields;

std::string mexc_instrument(std::string_view symbol) {
  std::string out;
  out.reserve(symbol.size());
  for (auto c : symbol)
    if (c != '_')
      out += c;
  return out;
}

nanoseconds mexc_interval(std::string_view name) {
  constexpr nanoseconds minute = 60'000'000'000;
  constexpr nanoseconds day = std::int64_t{24} * 60 * minute;
  static constexpr std::pair<std::string_view, nanoseconds> known[] = {
    {"Min1", minute},        {"Min5", 5 * minute},   {"Min15", 15 * minute},
    {"Min30", 30 * minute},  {"Min60", 60 * minute}, {"Hour4", 240 * minute},
    {"Hour8", 480 * minute}, {"Day1", day},          {"Week1", 7 * day},
    {"Month1", 30 * day},
  };
  for (auto& [n, d] : known)
    if (n == name)
      return d;
  return 0;
}

struct mexc_parser::impl {
  impl(contract_sizes s, std::size_t max) : sizes(std::move(s)), json(max) {
    // nop
  }

  contract_sizes sizes;
  padded_json json;
  /// The open bar per "SYMBOL/interval", emitted when the next one starts.
  std::map<std::string, bar, std::less<>> open_bars;

  double contract_size(std::string_view symbol) const {
    auto i = sizes.find(symbol);
    if (i == sizes.end())
      fail(parse_error::unknown_instrument);
    return i->second;
  }

  /// The push's symbol: at the top level, or inside the data.
  static std::string_view symbol_of(dom::object root, dom::element data) {
    if (has(root, "symbol"))
      return str_field(root, "symbol");
    dom::object d;
    take(data.get_object(), d);
    return str_field(d, "symbol");
  }

  static trade_tick deal(dom::object d, const std::string& instrument,
                         double size, timestamp recv) {
    trade_tick t;
    t.instrument = instrument;
    t.price = price_field(d, "p");
    t.qty = qty_field(d, "v") * size;
    // T: the taker's direction, 1 buy, 2 sell.
    auto dir = uint_field(d, "T");
    if (dir != 1 && dir != 2)
      fail(parse_error::bad_number);
    t.aggressor = dir == 1 ? side::buy : side::sell;
    t.event_time = ms_field(d, "t");
    t.recv_time = recv;
    return t;
  }

  void deals(dom::object root, dom::element data, timestamp recv,
             std::vector<market_message>& out) {
    auto symbol = symbol_of(root, data);
    auto size = contract_size(symbol);
    auto instrument = mexc_instrument(symbol);
    auto add = [&](dom::element e) {
      dom::object d;
      take(e.get_object(), d);
      out.emplace_back();
      out.back().kind = market_kind::trade;
      out.back().trade = deal(d, instrument, size, recv);
    };
    dom::array arr;
    if (data.get_array().get(arr) == simdjson::SUCCESS) {
      for (dom::element e : arr)
        add(e);
      if (out.empty())
        fail(parse_error::missing_field);
    } else {
      add(data);
    }
  }

  void ticker(dom::object root, dom::element data, timestamp recv,
              std::vector<market_message>& out) {
    auto symbol = symbol_of(root, data);
    contract_size(symbol); // a known symbol
    dom::object d;
    take(data.get_object(), d);
    auto instrument = mexc_instrument(symbol);
    auto time = has(d, "timestamp") ? ms_field(d, "timestamp") : recv;
    market_message q;
    q.kind = market_kind::quote;
    q.quote.instrument = instrument;
    q.quote.bid = price_field(d, "bid1");
    q.quote.ask = price_field(d, "ask1");
    q.quote.event_time = time;
    q.quote.recv_time = recv;
    market_message m;
    m.kind = market_kind::mark;
    m.mark.instrument = instrument;
    m.mark.mark = price_field(d, "fairPrice");
    m.mark.index = price_field(d, "indexPrice");
    m.mark.funding_rate = num_field(d, "fundingRate");
    m.mark.event_time = time;
    m.mark.recv_time = recv;
    out.push_back(std::move(q));
    out.push_back(std::move(m));
  }

  /// [[price, contracts, orders], ...] -> levels in base units.
  static void levels(dom::object d, std::string_view key, double size,
                     std::vector<book_level>& out) {
    dom::array arr;
    take(field(d, key).get_array(), arr);
    for (dom::element item : arr) {
      dom::array triple;
      take(item.get_array(), triple);
      book_level l;
      std::size_t i = 0;
      for (dom::element v : triple) {
        if (i == 0)
          l.price = number(v);
        else if (i == 1)
          l.qty = number(v) * size;
        ++i;
      }
      if (i < 2)
        fail(parse_error::missing_field);
      if (!(l.price > 0) || l.qty < 0)
        fail(parse_error::bad_number);
      out.push_back(l);
    }
  }

  void depth(dom::object root, dom::element data, timestamp recv,
             std::vector<market_message>& out) {
    auto symbol = symbol_of(root, data);
    auto size = contract_size(symbol);
    dom::object d;
    take(data.get_object(), d);
    market_message b;
    b.kind = market_kind::book;
    b.sequence = uint_field(d, "version");
    b.book.instrument = mexc_instrument(symbol);
    levels(d, "bids", size, b.book.bids);
    levels(d, "asks", size, b.book.asks);
    b.book.event_time = has(root, "ts") ? ms_field(root, "ts") : recv;
    b.book.recv_time = recv;
    out.push_back(std::move(b));
  }

  void kline(dom::object root, dom::element data,
             std::vector<market_message>& out) {
    auto symbol = symbol_of(root, data);
    auto size = contract_size(symbol);
    dom::object d;
    take(data.get_object(), d);
    auto name = str_field(d, "interval");
    bar b;
    b.instrument = mexc_instrument(symbol);
    b.interval = mexc_interval(name);
    if (b.interval == 0)
      fail(parse_error::bad_number);
    auto start_s = uint_field(d, "t"); // seconds
    if (start_s > static_cast<std::uint64_t>(INT64_MAX / 1'000'000'000))
      fail(parse_error::bad_number);
    b.start_time = static_cast<timestamp>(start_s) * 1'000'000'000;
    b.end_time = b.start_time + b.interval;
    b.open = price_field(d, "o");
    b.high = price_field(d, "h");
    b.low = price_field(d, "l");
    b.close = price_field(d, "c");
    b.volume = qty_field(d, "q") * size;
    if (b.low > b.high || b.open > b.high || b.close > b.high || b.open < b.low
        || b.close < b.low)
      fail(parse_error::bad_number);
    std::string key{symbol};
    key += '/';
    key += name;
    auto i = open_bars.find(key);
    if (i == open_bars.end()) {
      open_bars.emplace(std::move(key), std::move(b));
      fail(parse_error::open_kline);
    }
    if (b.start_time < i->second.start_time)
      fail(parse_error::open_kline); // a late update of a bar already out
    if (b.start_time == i->second.start_time) {
      i->second = std::move(b); // the open bar, updated
      fail(parse_error::open_kline);
    }
    market_message m;
    m.kind = market_kind::bar;
    m.kline = std::move(i->second);
    // fail() is [[noreturn]]: `b` was not moved when this line is reached.
    // cppcheck-suppress accessMoved
    i->second = std::move(b);
    out.push_back(std::move(m));
  }

  void parse(std::string_view msg, timestamp recv,
             std::vector<market_message>& out) {
    dom::object root;
    if (json.parse(msg).get_object().get(root) != simdjson::SUCCESS)
      fail(parse_error::not_json);
    auto channel = str_field(root, "channel");
    if (channel == "pong")
      fail(parse_error::control);
    dom::element data = field(root, "data");
    if (channel == "rs.error")
      fail(parse_error::venue_error);
    if (channel.substr(0, 3) == "rs.") {
      std::string_view ack;
      if (data.get_string().get(ack) == simdjson::SUCCESS && ack == "success")
        fail(parse_error::control);
      fail(parse_error::venue_error);
    }
    if (channel == "push.deal")
      deals(root, data, recv, out);
    else if (channel == "push.ticker")
      ticker(root, data, recv, out);
    else if (channel == "push.depth.full")
      depth(root, data, recv, out);
    else if (channel == "push.kline")
      kline(root, data, out);
    else
      fail(parse_error::unknown_message);
  }
};

mexc_parser::mexc_parser(contract_sizes sizes, std::size_t max_message_bytes)
  : impl_(std::make_unique<impl>(std::move(sizes), max_message_bytes)) {
  // nop
}

mexc_parser::~mexc_parser() = default;

parse_error mexc_parser::parse(std::string_view message, timestamp recv_time,
                               std::vector<market_message>& out) {
  out.clear();
  try {
    impl_->parse(message, recv_time, out);
    ++parsed_;
    return parse_error::none;
  } catch (const reject& r) {
    out.clear();
    ++errors_[static_cast<std::size_t>(r.why)];
    return r.why;
  }
}

} // namespace cdb

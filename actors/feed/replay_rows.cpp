// replay_file::parse_line: one row of each recorded format into a typed
// tick. A false return with a reason is a bad row; without one, a row that
// is skipped on purpose (an open kline in a JSONL recording).
#include <limits>

#include "actors/feed/replay_columns.hpp"
#include "actors/feed/replay_reader.hpp"
#include "actors/feed/replay_text.hpp"

namespace cdb {

namespace {

using fields_t = std::vector<std::string_view>;

struct row {
  const fields_t& f;
  std::string& why;

  std::string_view at(std::size_t i) const {
    return i < f.size() ? f[i] : std::string_view{};
  }

  bool number(std::size_t i, const char* name, double& out) const {
    if (read_number(at(i), out))
      return true;
    why = std::string{"bad "} + name + " \"" + std::string{at(i)} + "\"";
    return false;
  }

  bool price(std::size_t i, const char* name, double& out) const {
    if (!number(i, name, out))
      return false;
    if (out > 0)
      return true;
    why = std::string{name} + " must be > 0";
    return false;
  }

  bool qty(std::size_t i, const char* name, double& out) const {
    if (!number(i, name, out))
      return false;
    if (out >= 0)
      return true;
    why = std::string{name} + " must be >= 0";
    return false;
  }

  bool time(std::size_t i, const char* name, timestamp& out) const {
    if (read_any_time(at(i), out))
      return true;
    why = std::string{"bad "} + name + " \"" + std::string{at(i)} + "\"";
    return false;
  }
};

bool ohlc_consistent(const bar& b, std::string& why) {
  if (b.low <= b.open && b.low <= b.close && b.high >= b.open
      && b.high >= b.close)
    return true;
  why = "low/high do not bracket open and close";
  return false;
}

} // namespace

bool replay_file::parse_line(std::string_view line, market_message& out,
                             std::string& why) {
  if (format_ == record_format::ws_jsonl) {
    auto msg = line;
    timestamp recv = 0;
    auto tab = msg.find('\t');
    if (tab != std::string_view::npos) {
      std::uint64_t ns = 0;
      if (!read_uint(msg.substr(0, tab), ns)) {
        why = "bad receive timestamp before the tab";
        return false;
      }
      recv = static_cast<timestamp>(ns);
      msg.remove_prefix(tab + 1);
    }
    auto e = json_->parse(msg, recv, out);
    if (e == parse_error::none) {
      // Without a recorded receive time, the exchange time stands in.
      if (recv == 0 && out.kind == market_kind::trade)
        out.trade.recv_time = out.trade.event_time;
      return true;
    }
    if (e != parse_error::open_kline)
      why = std::string{"message rejected: "} + to_string(e);
    return false;
  }
  auto& f = fields_;
  split_csv(line, f);
  auto& c = *cols_;
  if (format_ != record_format::binance_klines && f.size() != c.count) {
    why = "expected " + std::to_string(c.count) + " fields, got "
          + std::to_string(f.size());
    return false;
  }
  row r{f, why};
  out.sequence = 0;
  switch (format_) {
    case record_format::tardis_trades: {
      auto& t = out.trade;
      t.instrument = std::string{r.at(c.symbol)};
      if (!r.time(c.time, "timestamp", t.event_time)
          || !r.time(c.recv, "local_timestamp", t.recv_time)
          || !r.price(c.price, "price", t.price)
          || !r.qty(c.amount, "amount", t.qty))
        return false;
      auto s = r.at(c.side);
      if (s != "buy" && s != "sell") {
        why = "side must be buy or sell, not \"" + std::string{s} + "\"";
        return false;
      }
      t.aggressor = s == "buy" ? side::buy : side::sell;
      t.trade_id = std::string{r.at(c.id)};
      read_uint(r.at(c.id), out.sequence);
      out.kind = market_kind::trade;
      return true;
    }
    case record_format::tardis_quotes: {
      auto& q = out.quote;
      q.instrument = std::string{r.at(c.symbol)};
      out.kind = market_kind::quote;
      return r.time(c.time, "timestamp", q.event_time)
             && r.time(c.recv, "local_timestamp", q.recv_time)
             && r.price(c.bid_price, "bid_price", q.bid)
             && r.qty(c.bid_amount, "bid_amount", q.bid_qty)
             && r.price(c.ask_price, "ask_price", q.ask)
             && r.qty(c.ask_amount, "ask_amount", q.ask_qty);
    }
    case record_format::tardis_book: {
      auto& b = out.book;
      b.instrument = std::string{r.at(c.symbol)};
      b.bids.clear();
      b.asks.clear();
      if (!r.time(c.time, "timestamp", b.event_time)
          || !r.time(c.recv, "local_timestamp", b.recv_time))
        return false;
      auto side_levels = [&](auto& idx, auto& levels, const char* name) {
        for (auto& [pi, ai] : idx) {
          if (r.at(pi).empty())
            break; // a thin book: fewer levels than columns
          book_level l;
          if (!r.price(pi, name, l.price) || !r.qty(ai, name, l.qty))
            return false;
          levels.push_back(l);
        }
        return true;
      };
      out.kind = market_kind::book;
      return side_levels(c.asks, b.asks, "ask level")
             && side_levels(c.bids, b.bids, "bid level");
    }
    case record_format::ohlcv_bars: {
      auto& b = out.kline;
      b.instrument = opts_.instrument;
      b.interval = opts_.bar_interval;
      b.volume = 0;
      if (!r.time(c.time, "timestamp", b.start_time)
          || !r.price(c.open, "open", b.open)
          || !r.price(c.high, "high", b.high) || !r.price(c.low, "low", b.low)
          || !r.price(c.close, "close", b.close)
          || (c.volume != no_column && !r.qty(c.volume, "volume", b.volume))
          || !ohlc_consistent(b, why))
        return false;
      b.end_time = b.start_time + b.interval;
      out.kind = market_kind::bar;
      return true;
    }
    case record_format::binance_klines: {
      // open_time, open, high, low, close, volume, close_time, ...
      auto& b = out.kline;
      b.instrument = opts_.instrument;
      timestamp close_time = 0;
      if (f.size() < 7) {
        why = "expected at least 7 fields, got " + std::to_string(f.size());
        return false;
      }
      if (!r.time(0, "open_time", b.start_time) || !r.price(1, "open", b.open)
          || !r.price(2, "high", b.high) || !r.price(3, "low", b.low)
          || !r.price(4, "close", b.close) || !r.qty(5, "volume", b.volume)
          || !r.time(6, "close_time", close_time) || !ohlc_consistent(b, why))
        return false;
      if (close_time > std::numeric_limits<timestamp>::max() - 1'000'000) {
        why = "close_time out of range";
        return false;
      }
      // Binance's close time is the last unit (ms, or µs in newer files)
      // inside the bar.
      b.end_time = close_time + (f[6].size() <= 14 ? 1'000'000 : 1'000);
      b.interval = b.end_time - b.start_time;
      if (b.interval <= 0) {
        why = "close_time is not after open_time";
        return false;
      }
      out.kind = market_kind::bar;
      return true;
    }
    default: why = "unsupported format"; return false;
  }
}

} // namespace cdb

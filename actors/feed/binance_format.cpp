#include "actors/feed/binance_format.hpp"

#include <cstdio>

namespace cdb {

namespace {

std::string num(double x) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.8f", x);
  return buf;
}

std::string ms(timestamp t) {
  return std::to_string(t / 1'000'000);
}

} // namespace

std::string binance_stream(const std::string& instrument, const char* kind) {
  std::string out;
  for (auto c : instrument)
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return out + '@' + kind;
}

std::string binance_trade(const trade_tick& t, std::uint64_t id) {
  // m: the buyer is the maker, i.e. the seller was the aggressor.
  return R"({"stream":")" + binance_stream(t.instrument, "trade")
         + R"(","data":{"e":"trade","E":)" + ms(t.event_time) + R"(,"s":")"
         + t.instrument + R"(","t":)" + std::to_string(id) + R"(,"p":")"
         + num(t.price) + R"(","q":")" + num(t.qty) + R"(","T":)"
         + ms(t.event_time) + R"(,"m":)"
         + (t.aggressor == side::sell ? "true" : "false") + R"(,"M":true}})";
}

std::string binance_book_ticker(const quote_tick& q, std::uint64_t update_id) {
  return R"({"stream":")" + binance_stream(q.instrument, "bookTicker")
         + R"(","data":{"u":)" + std::to_string(update_id) + R"(,"s":")"
         + q.instrument + R"(","b":")" + num(q.bid) + R"(","B":")"
         + num(q.bid_qty) + R"(","a":")" + num(q.ask) + R"(","A":")"
         + num(q.ask_qty) + R"("}})";
}

} // namespace cdb

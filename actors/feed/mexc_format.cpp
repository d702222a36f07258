#include "actors/feed/mexc_format.hpp"

#include <cmath>
#include <cstdio>

#include "actors/feed/mexc_parser.hpp"

namespace cdb {

namespace {

std::string num(double x) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.8g", x);
  return buf;
}

std::string ms(timestamp t) {
  return std::to_string(t / 1'000'000);
}

} // namespace

bool mexc_channel::parse(const std::string& spec, mexc_channel& out) {
  auto at = spec.find('@');
  if (at == std::string::npos || at == 0)
    return false;
  out.symbol = spec.substr(0, at);
  auto rest = spec.substr(at + 1);
  out.param.clear();
  if (rest == "deal" || rest == "ticker") {
    out.channel = rest;
    return true;
  }
  if (rest == "depth5" || rest == "depth10" || rest == "depth20") {
    out.channel = "depth";
    out.param = rest.substr(5);
    return true;
  }
  if (rest.compare(0, 6, "kline_") == 0 && mexc_interval(rest.substr(6)) > 0) {
    out.channel = "kline";
    out.param = rest.substr(6);
    return true;
  }
  return false;
}

std::string mexc_subscribe(const mexc_channel& c) {
  auto sym = R"({"symbol":")" + c.symbol + '"';
  if (c.channel == "depth")
    return R"({"method":"sub.depth.full","param":)" + sym + R"(,"limit":)"
           + c.param + "}}";
  if (c.channel == "kline")
    return R"({"method":"sub.kline","param":)" + sym + R"(,"interval":")"
           + c.param + "\"}}";
  return R"({"method":"sub.)" + c.channel + R"(","param":)" + sym + "}}";
}

std::string mexc_ping() {
  return R"({"method":"ping"})";
}

std::string mexc_symbol(const std::string& instrument) {
  for (const char* quote : {"USDT", "USDC", "USD"}) {
    std::string q{quote};
    if (instrument.size() > q.size()
        && instrument.compare(instrument.size() - q.size(), q.size(), q) == 0)
      return instrument.substr(0, instrument.size() - q.size()) + '_' + q;
  }
  return instrument;
}

std::string mexc_deal(const trade_tick& t, double contract_size,
                      bool as_array) {
  auto contracts = std::max(1.0, std::round(t.qty / contract_size));
  auto deal = R"({"M":2,"O":3,"T":)"
              + std::string{t.aggressor == side::buy ? "1" : "2"} + R"(,"p":)"
              + num(t.price) + R"(,"t":)" + ms(t.event_time) + R"(,"v":)"
              + num(contracts) + "}";
  if (as_array)
    deal = '[' + deal + ']';
  return R"({"channel":"push.deal","data":)" + deal + R"(,"symbol":")"
         + mexc_symbol(t.instrument) + R"(","ts":)" + ms(t.event_time) + "}";
}

std::string mexc_ticker(const quote_tick& q, double funding_rate) {
  auto sym = mexc_symbol(q.instrument);
  auto mid = (q.bid + q.ask) / 2;
  return R"({"channel":"push.ticker","data":{"ask1":)" + num(q.ask)
         + R"(,"bid1":)" + num(q.bid) + R"(,"fairPrice":)" + num(mid)
         + R"(,"fundingRate":)" + num(funding_rate) + R"(,"indexPrice":)"
         + num(mid) + R"(,"lastPrice":)" + num(mid) + R"(,"symbol":")" + sym
         + R"(","timestamp":)" + ms(q.event_time) + R"(},"symbol":")" + sym
         + R"(","ts":)" + ms(q.event_time) + "}";
}

std::string mexc_pong(timestamp now) {
  return R"({"channel":"pong","data":)" + ms(now) + "}";
}

std::string mexc_ack(const std::string& method, timestamp now) {
  return R"({"channel":"rs.)" + method + R"(","data":"success","ts":)" + ms(now)
         + "}";
}

} // namespace cdb

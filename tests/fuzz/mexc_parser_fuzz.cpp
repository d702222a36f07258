// libFuzzer target: any byte string given to the MEXC parser yields records
// or a counted reason, never a crash, hang or sanitizer report; accepted
// records hold finite, positive prices and non-negative quantities.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "actors/feed/mexc_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  static cdb::mexc_parser parser{
    cdb::contract_sizes{{"BTC_USDT", 0.0001}, {"ETH_USDT", 0.01}}, 16 * 1024};
  static std::vector<cdb::market_message> out;
  std::string_view msg{reinterpret_cast<const char*>(data), size};
  if (parser.parse(msg, 0, out) != cdb::parse_error::none) {
    if (!out.empty())
      std::abort(); // a rejection leaves nothing behind
    return 0;
  }
  if (out.empty())
    std::abort(); // success must name what was parsed
  auto bad = [](double x) { return !std::isfinite(x) || x < 0; };
  for (auto& m : out) {
    switch (m.kind) {
      case cdb::market_kind::trade:
        if (bad(m.trade.price) || bad(m.trade.qty) || m.trade.price == 0)
          std::abort();
        break;
      case cdb::market_kind::quote:
        if (bad(m.quote.bid) || bad(m.quote.ask))
          std::abort();
        break;
      case cdb::market_kind::book:
        for (auto& l : m.book.asks)
          if (bad(l.price) || bad(l.qty))
            std::abort();
        break;
      case cdb::market_kind::bar:
        if (m.kline.low > m.kline.high || bad(m.kline.volume))
          std::abort();
        break;
      case cdb::market_kind::mark:
        if (bad(m.mark.mark))
          std::abort();
        break;
      case cdb::market_kind::none: std::abort();
    }
  }
  return 0;
}

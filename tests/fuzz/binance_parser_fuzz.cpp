// libFuzzer target: any byte string given to the Binance parser yields a
// result or a counted reason, never a crash, hang or sanitizer report; and a
// message it accepts holds finite prices and quantities.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "actors/feed/binance_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  static cdb::binance_parser parser{16 * 1024};
  cdb::market_message out;
  std::string_view msg{reinterpret_cast<const char*>(data), size};
  if (parser.parse(msg, 0, out) != cdb::parse_error::none)
    return 0;
  auto bad = [](double x) { return !std::isfinite(x) || x < 0; };
  switch (out.kind) {
    case cdb::market_kind::trade:
      if (bad(out.trade.price) || bad(out.trade.qty))
        std::abort();
      break;
    case cdb::market_kind::quote:
      if (bad(out.quote.bid) || bad(out.quote.ask))
        std::abort();
      break;
    case cdb::market_kind::book:
      for (auto& l : out.book.bids)
        if (bad(l.price) || bad(l.qty))
          std::abort();
      break;
    case cdb::market_kind::bar:
      if (out.kline.low > out.kline.high)
        std::abort();
      break;
    case cdb::market_kind::mark:
      if (bad(out.mark.mark))
        std::abort();
      break;
    case cdb::market_kind::none:
      std::abort(); // success must name what was parsed
  }
  return 0;
}

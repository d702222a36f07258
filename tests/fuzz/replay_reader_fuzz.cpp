// libFuzzer target: any bytes given to the replay reader as a file (format
// detected from the first line, as `feed.format = detect` does) yield
// records or counted bad rows, never a crash, hang or sanitizer report;
// every record it accepts holds finite, positive prices and non-negative
// quantities; and reading the file a few bytes at a time gives the same
// records and bad rows as reading it in one block.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <unistd.h>

#include "actors/feed/replay_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  static const std::string path = "/dev/shm/cdb-fuzz-replay-"
                                  + std::to_string(::getpid()) + ".csv";
  if (auto* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  } else {
    std::abort();
  }
  std::string error;
  auto file = cdb::replay_file::open(path, cdb::replay_options{}, error);
  if (!file) {
    if (error.empty())
      std::abort(); // a refusal must say why
    return 0;
  }
  auto bad = [](double x) { return !std::isfinite(x) || x < 0; };
  cdb::market_message m;
  while (file->next(m)) {
    switch (m.kind) {
      case cdb::market_kind::trade:
        if (bad(m.trade.qty) || !(m.trade.price > 0))
          std::abort();
        break;
      case cdb::market_kind::quote:
        if (bad(m.quote.bid) || bad(m.quote.ask) || bad(m.quote.bid_qty))
          std::abort();
        break;
      case cdb::market_kind::book:
        for (auto& l : m.book.bids)
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
  // Line ends on block boundaries: the same records, the same bad rows.
  cdb::replay_options small;
  small.read_block = 1 + size % 7;
  auto again = cdb::replay_file::open(path, small, error);
  if (!again)
    std::abort();
  cdb::market_message m2;
  while (again->next(m2))
    if (m2.kind == cdb::market_kind::none)
      std::abort();
  if (again->records() != file->records()
      || again->bad_rows() != file->bad_rows()
      || again->bad_examples() != file->bad_examples())
    std::abort();
  return 0;
}

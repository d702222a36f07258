// Reads recorded market data files as typed ticks, one record at a time:
// Tardis-style trade, quote and book-snapshot CSVs, OHLCV bar CSVs (header
// names matched flexibly), Binance kline CSVs (no header) and JSONL of raw
// WebSocket messages (optionally "<recv_ns>\t" before each). The format is
// detected from the first line, or checked against the one the caller
// names. Bad rows are counted, kept as "file:line: reason" examples, and
// skipped. replay_merge interleaves several files in time order.
// No CAF include.
#pragma once

#include <atomic>
#include <cstdint>
#include <fstream>
#include <memory>
#include <queue>
#include <string>
#include <string_view>
#include <vector>

#include "actors/feed/binance_parser.hpp"
#include "actors/feed/line_reader.hpp"

namespace cdb {

enum class record_format : std::uint8_t {
  detect,
  tardis_trades,
  tardis_quotes,
  tardis_book,
  ohlcv_bars,
  binance_klines,
  ws_jsonl,
};

const char* to_string(record_format x);

/// Parses "tardis_trades", ... ("detect" included); false if unknown.
bool from_string(const std::string& name, record_format& out);

struct replay_options {
  record_format format = record_format::detect;
  /// Instrument of files that do not name one (OHLCV bars).
  std::string instrument = "BTCUSDT";
  /// Bar length of OHLCV files (their rows carry only the start).
  nanoseconds bar_interval = 60'000'000'000;
  /// How many bad-row examples to keep.
  std::size_t max_examples = 10;
  /// Bytes read from the file at a time (tests make it tiny to put line
  /// ends on block boundaries).
  std::size_t read_block = 1 << 16;
  /// Where every file adds the bytes it reads (a backtest's progress: the
  /// bytes read over the files' sizes); null: not counted.
  std::atomic<std::uint64_t>* bytes_read = nullptr;
};

class replay_file {
public:
  /// Opens `path`; on failure returns nullptr and sets `error` (names the
  /// file and what is wrong with it).
  static std::unique_ptr<replay_file>
  open(const std::string& path, const replay_options& opts, std::string& error);

  ~replay_file();

  /// Reads the next good record into `out`; false at the end of the file.
  bool next(market_message& out);

  record_format format() const noexcept {
    return format_;
  }

  const std::string& path() const noexcept {
    return path_;
  }

  std::uint64_t records() const noexcept {
    return records_;
  }

  std::uint64_t bad_rows() const noexcept {
    return bad_rows_;
  }

  /// The first bad rows, as "file:line: reason".
  const std::vector<std::string>& bad_examples() const noexcept {
    return examples_;
  }

  struct columns; // column positions of a CSV format

private:
  replay_file(std::string path, replay_options opts);

  bool parse_line(std::string_view line, market_message& out, std::string& why);
  void bad(const std::string& why);

  std::string path_;
  replay_options opts_;
  record_format format_ = record_format::detect;
  std::ifstream in_;
  line_reader lines_;
  std::vector<std::string_view> fields_; ///< the current row's, reused
  std::unique_ptr<columns> cols_;
  std::unique_ptr<binance_parser> json_;
  std::string pending_; ///< A first line that is data, not a header.
  bool has_pending_ = false;
  std::uint64_t line_ = 0;
  std::uint64_t records_ = 0;
  std::uint64_t bad_rows_ = 0;
  std::vector<std::string> examples_;
};

/// Event time of a parsed record (bars: their end, when they are known).
timestamp event_time_of(const market_message& m);

/// Receive time of a parsed record; 0 when it has none (bars).
timestamp recv_time_of(const market_message& m);

/// The time `replay_merge` orders and windows a record of a `format` file
/// by. A `cdb record` recording (ws_jsonl with receive times) is in
/// receive-time order, within a file and across its rotated files, but not
/// in event-time order: a bookTicker has no exchange time and is stamped on
/// receipt, a trade carries the exchange's. Merging its files by event time
/// could put the next file's first trade before the last trades of the
/// previous file, which the sequence check then drops. So those records
/// merge by receive time; every other record by event time.
timestamp merge_time_of(record_format format, const market_message& m);

/// Interleaves files by merge time; ties keep file order. One file is read
/// straight into the caller's record (no record moved, no heap).
class replay_merge {
public:
  explicit replay_merge(std::vector<std::unique_ptr<replay_file>> files);

  /// Reads the next record of all files; false when every file is done
  /// or the next record is at or after the window's end.
  bool next(market_message& out);

  /// Keeps records with `from` <= merge time < `to` (0: no bound).
  void window(timestamp from, timestamp to) {
    from_ = from;
    to_ = to;
  }

  const std::vector<std::unique_ptr<replay_file>>& files() const noexcept {
    return files_;
  }

private:
  struct head {
    timestamp time;
    std::size_t file;
    bool operator>(const head& other) const {
      return time != other.time ? time > other.time : file > other.file;
    }
  };

  void refill(std::size_t file);
  bool next_of_one(market_message& out);

  std::vector<std::unique_ptr<replay_file>> files_;
  bool done_ = false; ///< one file: its end or the window's end was read
  std::vector<market_message> next_;
  timestamp from_ = 0;
  timestamp to_ = 0;
  std::priority_queue<head, std::vector<head>, std::greater<head>> heads_;
};

} // namespace cdb

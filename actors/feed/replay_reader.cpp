#include "actors/feed/replay_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <system_error>

#include "actors/feed/replay_columns.hpp"
#include "actors/feed/replay_text.hpp"

namespace cdb {

namespace {

constexpr const char* format_names[] = {"detect",        "tardis_trades",
                                        "tardis_quotes", "tardis_book",
                                        "ohlcv_bars",    "binance_klines",
                                        "ws_jsonl"};

std::size_t find_col(const std::vector<std::string>& names,
                     std::initializer_list<const char*> candidates) {
  for (auto c : candidates) {
    auto i = std::find(names.begin(), names.end(), c);
    if (i != names.end())
      return static_cast<std::size_t>(i - names.begin());
  }
  return no_column;
}

bool looks_like_jsonl(const std::string& line) {
  auto tab = line.find('\t');
  std::uint64_t n = 0;
  return (!line.empty() && line[0] == '{')
         || (tab != std::string::npos && read_uint(line.substr(0, tab), n));
}

} // namespace

const char* to_string(record_format x) {
  return format_names[static_cast<int>(x)];
}

bool from_string(const std::string& name, record_format& out) {
  for (int i = 0; i < 7; ++i)
    if (name == format_names[i]) {
      out = static_cast<record_format>(i);
      return true;
    }
  return false;
}

record_format
replay_file::columns::from_header(const std::vector<std::string>& names) {
  count = names.size();
  symbol = find_col(names, {"symbol"});
  time = find_col(names,
                  {"timestamp", "time", "open_time", "date", "datetime"});
  recv = find_col(names, {"local_timestamp"});
  id = find_col(names, {"id"});
  side = find_col(names, {"side"});
  price = find_col(names, {"price"});
  amount = find_col(names, {"amount"});
  ask_amount = find_col(names, {"ask_amount"});
  ask_price = find_col(names, {"ask_price"});
  bid_price = find_col(names, {"bid_price"});
  bid_amount = find_col(names, {"bid_amount"});
  open = find_col(names, {"open", "o"});
  high = find_col(names, {"high", "h"});
  low = find_col(names, {"low", "l"});
  close = find_col(names, {"close", "c"});
  volume = find_col(names, {"volume", "v"});
  for (int i = 0;; ++i) {
    auto n = std::to_string(i);
    auto ap = find_col(names, {("asks[" + n + "].price").c_str()});
    auto bp = find_col(names, {("bids[" + n + "].price").c_str()});
    if (ap == no_column && bp == no_column)
      break;
    asks.emplace_back(ap,
                      find_col(names, {("asks[" + n + "].amount").c_str()}));
    bids.emplace_back(bp,
                      find_col(names, {("bids[" + n + "].amount").c_str()}));
  }
  if (symbol != no_column && time != no_column && !asks.empty())
    return record_format::tardis_book;
  if (symbol != no_column && time != no_column && price != no_column
      && amount != no_column && side != no_column)
    return record_format::tardis_trades;
  if (symbol != no_column && time != no_column && ask_price != no_column
      && bid_price != no_column)
    return record_format::tardis_quotes;
  if (time != no_column && open != no_column && high != no_column
      && low != no_column && close != no_column)
    return record_format::ohlcv_bars;
  return record_format::detect;
}

replay_file::replay_file(std::string path, replay_options opts)
  : path_(std::move(path)), opts_(std::move(opts)), lines_(opts_.read_block) {
  lines_.count_into(opts_.bytes_read);
}

replay_file::~replay_file() = default;

std::unique_ptr<replay_file> replay_file::open(const std::string& path,
                                               const replay_options& opts,
                                               std::string& error) {
  std::unique_ptr<replay_file> f{new replay_file(path, opts)};
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    error = path + ": a directory, not a file";
    return nullptr;
  }
  errno = 0;
  f->in_.open(path, std::ios::binary);
  if (!f->in_) {
    error = path + ": cannot open";
    if (errno != 0)
      error += " (" + std::generic_category().message(errno) + ")";
    return nullptr;
  }
  std::string_view first_line;
  if (!f->lines_.next(f->in_, first_line)) {
    error = path + ": empty file";
    return nullptr;
  }
  std::string first{first_line};
  f->line_ = 1;
  if (!first.empty() && first.back() == '\r')
    first.pop_back();
  auto found = record_format::detect;
  bool first_is_data = false;
  f->cols_ = std::make_unique<columns>();
  if (looks_like_jsonl(first)) {
    found = record_format::ws_jsonl;
    first_is_data = true;
  } else {
    std::vector<std::string_view> fields;
    split_csv(first, fields);
    std::vector<std::string> names;
    names.reserve(fields.size());
    for (auto x : fields)
      names.push_back(lower(x));
    found = f->cols_->from_header(names);
    std::uint64_t n = 0;
    if (found == record_format::detect && fields.size() >= 7
        && read_uint(fields[0], n)) {
      found = record_format::binance_klines;
      first_is_data = true;
    }
  }
  auto want = opts.format;
  if (found == record_format::detect
      || (want != record_format::detect && want != found)) {
    error = path + ": "
            + (want == record_format::detect
                 ? std::string{"cannot tell the format"}
                 : std::string{"is not "} + to_string(want))
            + " (first line: \"" + first.substr(0, 80) + "\")";
    return nullptr;
  }
  f->format_ = found;
  if (found == record_format::ws_jsonl)
    f->json_ = std::make_unique<binance_parser>();
  if (first_is_data) {
    f->pending_ = std::move(first);
    f->has_pending_ = true;
  }
  return f;
}

void replay_file::bad(const std::string& why) {
  ++bad_rows_;
  if (examples_.size() < opts_.max_examples)
    examples_.push_back(path_ + ":" + std::to_string(line_) + ": " + why);
}

bool replay_file::next(market_message& out) {
  std::string_view line;
  for (;;) {
    if (has_pending_) {
      line = pending_; // kept until the next call: no line is read before
      has_pending_ = false;
    } else if (lines_.next(in_, line)) {
      ++line_;
    } else {
      return false;
    }
    if (line.empty() || line == "\r")
      continue;
    std::string why;
    if (parse_line(line, out, why)) {
      ++records_;
      return true;
    }
    if (!why.empty())
      bad(why);
  }
}

timestamp event_time_of(const market_message& m) {
  switch (m.kind) {
    case market_kind::trade: return m.trade.event_time;
    case market_kind::quote: return m.quote.event_time;
    case market_kind::book: return m.book.event_time;
    case market_kind::bar: return m.kline.end_time;
    case market_kind::mark: return m.mark.event_time;
    case market_kind::none: return 0;
  }
  return 0;
}

timestamp recv_time_of(const market_message& m) {
  switch (m.kind) {
    case market_kind::trade: return m.trade.recv_time;
    case market_kind::quote: return m.quote.recv_time;
    case market_kind::book: return m.book.recv_time;
    case market_kind::mark: return m.mark.recv_time;
    case market_kind::bar:
    case market_kind::none: return 0;
  }
  return 0;
}

timestamp merge_time_of(record_format format, const market_message& m) {
  if (format == record_format::ws_jsonl) {
    auto recv = recv_time_of(m);
    if (recv > 0)
      return recv;
  }
  return event_time_of(m);
}

replay_merge::replay_merge(std::vector<std::unique_ptr<replay_file>> files)
  : files_(std::move(files)), next_(files_.size()) {
  if (files_.size() == 1)
    return; // next_of_one() reads it as it goes
  for (std::size_t i = 0; i < files_.size(); ++i)
    refill(i);
}

void replay_merge::refill(std::size_t file) {
  if (files_[file]->next(next_[file]))
    heads_.push(head{merge_time_of(files_[file]->format(), next_[file]), file});
}

bool replay_merge::next_of_one(market_message& out) {
  auto& f = *files_.front();
  while (!done_ && f.next(out)) {
    auto t = merge_time_of(f.format(), out);
    if (to_ > 0 && t >= to_)
      break;
    if (t >= from_)
      return true;
  }
  done_ = true;
  return false;
}

bool replay_merge::next(market_message& out) {
  if (files_.size() == 1)
    return next_of_one(out);
  for (;;) {
    if (heads_.empty())
      return false;
    auto h = heads_.top();
    if (to_ > 0 && h.time >= to_)
      return false;
    heads_.pop();
    out = std::move(next_[h.file]);
    refill(h.file);
    if (h.time >= from_)
      return true;
  }
}

} // namespace cdb

#include "actors/feed/replay_stream.hpp"

#include <utility>

namespace cdb {

namespace {

/// Swaps what `kind` names (and the kind, the sequence): the reader gets
/// the record, the block keeps the reader's old buffers to reuse.
void swap_record(market_message& a, market_message& b) {
  std::swap(a.kind, b.kind);
  std::swap(a.sequence, b.sequence);
  switch (a.kind) {
    case market_kind::trade: std::swap(a.trade, b.trade); break;
    case market_kind::quote: std::swap(a.quote, b.quote); break;
    case market_kind::book: std::swap(a.book, b.book); break;
    case market_kind::bar: std::swap(a.kline, b.kline); break;
    case market_kind::mark: std::swap(a.mark, b.mark); break;
    case market_kind::none: break;
  }
}

} // namespace

replay_stream::replay_stream(std::unique_ptr<replay_merge> merge, bool ahead,
                             std::size_t block, std::size_t blocks)
  : merge_(std::move(merge)) {
  if (!ahead || block == 0)
    return;
  ahead_ = std::make_unique<read_ahead<market_message>>(
    [m = merge_.get(), block](std::vector<market_message>& b) {
      b.resize(block);
      std::size_t n = 0;
      while (n < block && m->next(b[n]))
        ++n;
      b.resize(n);
      return n == block;
    },
    blocks);
}

bool replay_stream::next(market_message& out) {
  if (!ahead_)
    return merge_->next(out);
  auto* x = ahead_->next();
  if (x == nullptr)
    return false;
  swap_record(out, *x);
  return true;
}

} // namespace cdb

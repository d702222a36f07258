#include "actors/feed/sequence_tracker.hpp"

namespace cdb {

const char* to_string(seq_verdict x) {
  switch (x) {
    case seq_verdict::first: return "first";
    case seq_verdict::in_order: return "in_order";
    case seq_verdict::gap: return "gap";
    case seq_verdict::stale: return "stale";
  }
  return "?";
}

seq_verdict sequence_tracker::check(std::string_view key, std::uint64_t seq,
                                    bool contiguous) {
  auto i = last_.find(key);
  if (i == last_.end()) {
    last_.emplace(std::string{key}, seq);
    return seq_verdict::first;
  }
  auto last = i->second;
  if (seq <= last) {
    ++stale_;
    return seq_verdict::stale;
  }
  i->second = seq;
  if (contiguous && seq > last + 1) {
    ++gaps_;
    missing_ += seq - last - 1;
    return seq_verdict::gap;
  }
  return seq_verdict::in_order;
}

} // namespace cdb

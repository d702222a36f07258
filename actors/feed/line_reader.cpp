#include "actors/feed/line_reader.hpp"

#include <algorithm>
#include <cstring>

namespace cdb {

line_reader::line_reader(std::size_t block)
  : buf_(std::max<std::size_t>(block, 1)) {
  // nop
}

bool line_reader::next(std::istream& in, std::string_view& line) {
  for (;;) {
    auto from = begin_ + scanned_;
    auto* nl = static_cast<const char*>(
      std::memchr(buf_.data() + from, '\n', end_ - from));
    if (nl != nullptr) {
      auto at = static_cast<std::size_t>(nl - buf_.data());
      line = std::string_view{buf_.data() + begin_, at - begin_};
      begin_ = at + 1;
      scanned_ = 0;
      return true;
    }
    scanned_ = end_ - begin_;
    if (eof_) {
      if (begin_ == end_)
        return false;
      // The last line, without a '\n'.
      line = std::string_view{buf_.data() + begin_, end_ - begin_};
      begin_ = end_;
      scanned_ = 0;
      return true;
    }
    // Keep the start of a line that spans the block: move it to the front,
    // and grow the buffer if it fills the whole buffer.
    if (begin_ > 0) {
      std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (end_ == buf_.size())
      buf_.resize(buf_.size() * 2);
    in.read(buf_.data() + end_,
            static_cast<std::streamsize>(buf_.size() - end_));
    auto n = static_cast<std::size_t>(in.gcount());
    end_ += n;
    if (counted_ != nullptr && n > 0)
      counted_->fetch_add(n, std::memory_order_relaxed);
    if (n == 0 || !in)
      eof_ = true;
  }
}

} // namespace cdb

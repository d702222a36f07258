// Test builders and helpers without CAF, for pure-logic tests too.
#pragma once

#include <cstdio>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>

#include <unistd.h>

#include "messages/trading.hpp"

namespace cdb::test {

/// A trading state as the circuit breaker would send it.
inline trading_state state_of(trading_mode mode, std::string reason,
                              timestamp since, std::string id = "st") {
  trading_state s;
  s.id = std::move(id);
  s.mode = mode;
  s.reason = std::move(reason);
  s.since = since;
  return s;
}

inline quote_tick make_quote(const std::string& instrument, double bid,
                             double ask, timestamp t) {
  quote_tick q;
  q.instrument = instrument;
  q.bid = bid;
  q.ask = ask;
  q.bid_qty = q.ask_qty = 1;
  q.event_time = q.recv_time = t;
  return q;
}

/// An open spot position marked at its entry.
inline position make_position(const std::string& instrument, double qty,
                              double price) {
  position p;
  p.instrument = instrument;
  p.qty = qty;
  p.avg_price = p.mark = price;
  return p;
}

/// A file with the given content, removed when the object dies.
class temp_file {
public:
  explicit temp_file(const std::string& content) {
    char name[] = "/tmp/cdb-test-XXXXXX"; // mkstemp's template
    auto fd = mkstemp(name);
    if (fd < 0)
      throw std::runtime_error{"mkstemp failed"};
    path_ = name;
    auto written = ::write(fd, content.data(), content.size());
    ::close(fd);
    if (written != static_cast<ssize_t>(content.size()))
      throw std::runtime_error{"short write to " + path_};
  }

  ~temp_file() {
    std::remove(path_.c_str());
  }

  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;

  const std::string& path() const noexcept {
    return path_;
  }

private:
  std::string path_;
};

/// A fresh directory under /tmp, removed with everything in it.
class temp_dir {
public:
  temp_dir() {
    std::random_device rd;
    for (int attempt = 0; attempt < 100; ++attempt) {
      auto p = std::filesystem::temp_directory_path()
               / ("cdb-test-dir-" + std::to_string(rd()));
      if (std::filesystem::create_directory(p)) { // false: taken, try again
        path_ = p.string();
        return;
      }
    }
    throw std::runtime_error{"cannot create a temporary directory"};
  }

  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }

  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::string& path() const noexcept {
    return path_;
  }

private:
  std::string path_;
};

} // namespace cdb::test

#include "runtime/recorder.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "actors/feed/ws_client.hpp"
#include "runtime/clock.hpp"
#include "runtime/config_check.hpp"
#include "runtime/log.hpp"

namespace cdb {

void record_config::validate(std::vector<std::string>& errors) const {
  config_check c{"record", errors};
  c.require(!dir.empty(), "dir", "\"\"", "must name a directory");
  c.require(max_bytes >= 4096, "max_bytes", max_bytes, "must be >= 4096");
  c.require_span(rotate_after > 0, "rotate_after", rotate_after, "must be > 0");
  c.require_span(duration >= 0, "duration", duration, "must be >= 0");
}

namespace {

std::atomic<int> stop_signal{0};

extern "C" void on_record_signal(int sig) {
  stop_signal = sig;
}

/// The current output file; only the client's thread touches it.
class rotating_file {
public:
  explicit rotating_file(const record_config& cfg) : cfg_(cfg) {
    // nop
  }

  void write(const std::string& msg, timestamp recv) {
    if (!out_.is_open() || bytes_ >= cfg_.max_bytes
        || recv - opened_ >= cfg_.rotate_after)
      rotate(recv);
    auto line = std::to_string(recv) + '\t' + msg;
    // A line break inside a message would split its line; in JSON it is
    // whitespace, so a space stands in.
    std::replace(line.begin(), line.end(), '\n', ' ');
    std::replace(line.begin(), line.end(), '\r', ' ');
    out_ << line << '\n';
    bytes_ += line.size() + 1;
    ++messages_;
  }

  void close() {
    if (out_.is_open())
      out_.close();
  }

  std::uint64_t messages() const {
    return messages_;
  }

  std::uint64_t files() const {
    return files_;
  }

private:
  void rotate(timestamp now) {
    close();
    // recorded-<UTC time>-<n>.jsonl sorts in time order.
    auto stamp = format_time(now);
    std::replace(stamp.begin(), stamp.end(), ':', '-');
    auto path = cfg_.dir + "/recorded-" + stamp + "-" + std::to_string(++files_)
                + ".jsonl";
    out_.open(path, std::ios::binary);
    if (!out_)
      throw std::runtime_error{"cannot write " + path};
    CDB_INFO("record", "writing " << path);
    opened_ = now;
    bytes_ = 0;
  }

  const record_config& cfg_;
  std::ofstream out_;
  timestamp opened_ = 0;
  std::uint64_t bytes_ = 0;
  std::uint64_t messages_ = 0;
  std::uint64_t files_ = 0;
};

} // namespace

int run_recorder(const record_config& cfg, const std::string& url,
                 const std::string& ca_file) {
  std::error_code ec;
  std::filesystem::create_directories(cfg.dir, ec);
  if (ec) {
    CDB_ERROR("record", "cannot create " << cfg.dir << ": " << ec.message());
    return 1;
  }
  struct sigaction sa {};
  sa.sa_handler = on_record_signal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  rotating_file file{cfg};
  std::atomic<bool> failed{false};
  ws_client_config wc;
  ws_url::parse(url, wc.url);
  wc.ca_file = ca_file;
  auto client = std::make_unique<ws_client>(
    wc,
    [&](const std::string& msg, timestamp recv) {
      try {
        file.write(msg, recv);
      } catch (const std::exception& e) {
        CDB_ERROR("record", e.what());
        failed = true;
      }
    },
    [](bool up, const std::string& why) {
      if (up)
        CDB_INFO("record", why);
      else
        CDB_WARN("record", "disconnected (" << why << "); reconnecting");
    });
  wall_clock clock;
  auto start = clock.now();
  while (stop_signal == 0 && !failed
         && (cfg.duration == 0 || clock.now() - start < cfg.duration))
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  client.reset(); // stops and joins: no write after this
  file.close();
  CDB_INFO("record", "recorded " << file.messages() << " messages into "
                                 << file.files() << " file(s) in " << cfg.dir);
  return failed ? 1 : 0;
}

} // namespace cdb

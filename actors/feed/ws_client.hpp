// A WebSocket client on its own thread: connects to a ws:// or wss:// URL,
// hands every text message (with its receive time) to a callback, and
// reconnects after any loss with exponential backoff and jitter until
// stopped. wss:// verifies the server's certificate chain (system CAs or a
// given CA file) and its host name, and sends SNI. Beast answers the
// venue's pings itself. Callbacks run on the client's thread.
// Not yet: the venue's 24 h cut. No CAF include.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "messages/fields.hpp"

namespace cdb {

struct ws_url {
  bool tls = false;
  std::string host;
  std::string port;
  std::string target;

  /// Parses "ws://host[:port]/target" or "wss://..."; false otherwise.
  static bool parse(const std::string& url, ws_url& out);
};

struct ws_client_config {
  ws_url url;
  nanoseconds backoff_initial = 100'000'000;
  nanoseconds backoff_max = 5'000'000'000;
  std::string ca_file; ///< wss: trusted CAs (PEM); empty: the system's.
};

class ws_client {
public:
  using on_message = std::function<void(std::string, timestamp)>;
  /// (connected, reason): true after a handshake, false after any loss.
  using on_state = std::function<void(bool, std::string)>;

  ws_client(ws_client_config cfg, on_message msg, on_state state);
  ~ws_client(); ///< Stops and joins.

  ws_client(const ws_client&) = delete;
  ws_client& operator=(const ws_client&) = delete;

  void stop();

  std::uint64_t connects() const noexcept {
    return connects_;
  }

private:
  void run();
  void connect_once(); ///< One connection, until it fails; throws.
  template <class Stream>
  void session(Stream& ws);
  bool sleep_for(nanoseconds d); ///< false when stopped meanwhile.

  ws_client_config cfg_;
  on_message on_message_;
  on_state on_state_;
  std::atomic<bool> stop_{false};
  std::atomic<int> fd_{-1};
  std::atomic<std::uint64_t> connects_{0};
  std::thread thread_;
};

} // namespace cdb

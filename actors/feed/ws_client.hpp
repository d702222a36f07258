// A WebSocket client on its own thread (one Asio io_context, asynchronous
// operations): connects to a ws:// or wss:// URL, sends the configured
// subscription messages after every handshake, hands every text message
// (with its receive time) to a callback, and reconnects after any loss with
// exponential backoff and jitter until stopped. wss:// verifies the
// server's certificate chain (system CAs or a given CA file) and its host
// name, and sends SNI. Keepalive: protocol pings after half the idle
// timeout of silence (a peer silent for the whole timeout is dropped), plus
// an application ping text every ping_every for venues that want one (MEXC).
//
// Planned rotation (venues cut connections after 24 h): after rotate_after
// the client opens a second connection and holds its messages while the
// first keeps delivering. When both have carried a byte-identical message
// the streams are aligned: the first is closed and the held messages that
// it already delivered are dropped, the rest delivered in order. Nothing is
// missed and nothing repeated. If no common message appears within
// align_timeout, the switch happens anyway and the held messages are all
// delivered (the feed's per-instrument id check drops repeats).
// Callbacks run on the client's thread. No CAF include.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

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
  std::vector<std::string> subscribe;        ///< Sent after every handshake.
  std::string ping_text;                     ///< Application ping; empty: none.
  nanoseconds ping_every = 0;                ///< Its period; 0: none.
  nanoseconds idle_timeout = 20'000'000'000; ///< 0: never.
  nanoseconds rotate_after = 0;              ///< Planned reconnect; 0: never.
  nanoseconds align_timeout = 10'000'000'000;
  nanoseconds connect_timeout = 10'000'000'000;
};

class ws_client {
public:
  using on_message = std::function<void(std::string, timestamp)>;
  /// (up, reason): true after a handshake or a completed rotation, false
  /// after a loss.
  using on_state = std::function<void(bool, std::string)>;

  ws_client(ws_client_config cfg, on_message msg, on_state state);
  ~ws_client(); ///< Stops and joins.

  ws_client(const ws_client&) = delete;
  ws_client& operator=(const ws_client&) = delete;

  /// Stops the client's thread; no callback runs once it returns... except
  /// one already running. Safe from any thread.
  void stop();

  /// Handshakes so far (rotations included).
  std::uint64_t connects() const noexcept {
    return connects_;
  }

  /// Planned rotations completed.
  std::uint64_t rotations() const noexcept {
    return rotations_;
  }

  struct impl;
  struct conn;

private:
  std::unique_ptr<impl> impl_;
  std::atomic<std::uint64_t> connects_{0};
  std::atomic<std::uint64_t> rotations_{0};
  std::thread thread_;
};

} // namespace cdb

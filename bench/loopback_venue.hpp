// What the socket benches (cdb_latency, cdb_wire_order) share: a venue on
// 127.0.0.1 that accepts one WebSocket client, the timer slack set as cdb
// sets it, and percentiles printed in microseconds.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "runtime/clock.hpp"

namespace cdb::bench {

/// A listening socket on 127.0.0.1 (a port the kernel picks) that accepts
/// one WebSocket client: the feed under test dials `port()`.
class loopback_venue {
public:
  using tcp = boost::asio::ip::tcp;
  using stream = boost::beast::websocket::stream<tcp::socket>;

  loopback_venue()
    : acceptor_{io_, {boost::asio::ip::make_address("127.0.0.1"), 0}} {
    // nop
  }

  unsigned short port() const {
    return acceptor_.local_endpoint().port();
  }

  /// Blocks until the client connects and completes the WebSocket
  /// handshake; text frames, no Nagle delay.
  stream accept() {
    tcp::socket socket{acceptor_.get_executor()};
    acceptor_.accept(socket);
    stream ws{std::move(socket)};
    ws.accept();
    ws.text(true);
    ws.next_layer().set_option(tcp::no_delay(true));
    return ws;
  }

private:
  boost::asio::io_context io_;
  tcp::acceptor acceptor_;
};

/// Sets this thread's timer slack (and so that of the threads it starts) as
/// cdb does; prints why not and returns false when the kernel refuses.
inline bool bench_timer_slack(const char* program, nanoseconds slack) {
  std::string error;
  if (set_timer_slack(slack, error))
    return true;
  std::fprintf(stderr, "%s: timer slack %lld ns: %s\n", program,
               static_cast<long long>(slack), error.c_str());
  return false;
}

/// The p-th percentile (0-100) of `xs`, by rank; reorders `xs`.
inline double pct(std::vector<double>& xs, double p) {
  auto k = static_cast<std::size_t>(p / 100
                                    * static_cast<double>(xs.size() - 1));
  std::nth_element(xs.begin(), xs.begin() + static_cast<std::ptrdiff_t>(k),
                   xs.end());
  return xs[k];
}

/// One line: p50, p99, p99.9 and max of `xs` (microseconds), after `what`
/// padded to `width` characters.
inline void report_us(const char* what, int width, std::vector<double> xs) {
  auto max = *std::max_element(xs.begin(), xs.end());
  std::printf("%-*s p50 %8.1f   p99 %8.1f   p99.9 %8.1f   max %8.1f  us\n",
              width, what, pct(xs, 50), pct(xs, 99), pct(xs, 99.9), max);
}

} // namespace cdb::bench

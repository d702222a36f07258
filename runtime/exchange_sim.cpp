#include "runtime/exchange_sim.hpp"

#include <chrono>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "actors/feed/binance_format.hpp"
#include "runtime/clock.hpp"
#include "runtime/config_check.hpp"
#include "runtime/log.hpp"

namespace cdb {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

void sim_config::validate(std::vector<std::string>& errors) const {
  config_check c{"sim", errors};
  c.require(port >= 1 && port <= 65535, "port", port, "must be in [1, 65535]");
  boost::system::error_code ec;
  asio::ip::make_address(bind, ec);
  c.require(!ec, "bind", bind, "must be an IP address");
  c.require_span(stall_for >= 0, "stall_for", stall_for, "must be >= 0");
  c.require(tls_cert.empty() == tls_key.empty(), "tls_key", tls_key,
            "must be given together with sim.tls_cert");
}

namespace {

/// The streams a client asked for in "/stream?streams=a/b/c".
std::set<std::string> requested_streams(const std::string& target) {
  std::set<std::string> out;
  auto at = target.find("streams=");
  if (at == std::string::npos)
    return out;
  auto list = target.substr(at + 8);
  list = list.substr(0, list.find('&'));
  std::size_t start = 0;
  while (start <= list.size()) {
    auto slash = list.find('/', start);
    auto name = list.substr(start, slash - start);
    if (!name.empty())
      out.insert(name);
    if (slash == std::string::npos)
      break;
    start = slash + 1;
  }
  return out;
}

struct sequences {
  std::map<std::string, std::uint64_t> trade_ids;
  std::uint64_t update_id = 1'000'000;
};

/// Serves one client until it leaves or a fault drops it. `ws` has done
/// its TLS handshake, if any; the HTTP upgrade happens here.
template <class WebSocket>
void serve(WebSocket& ws, const sim_config& sim, synthetic_market& market,
           sequences& seq) {
  beast::flat_buffer buffer;
  http::request<http::string_body> req;
  http::read(ws.next_layer(), buffer, req);
  auto streams = requested_streams(std::string{req.target()});
  ws.accept(req);
  ws.text(true);
  CDB_INFO("exchange-sim",
           "client subscribed to " << streams.size() << " streams");
  std::uint64_t sent = 0;
  bool stalled = false;
  auto send = [&](const std::string& msg) {
    ws.write(asio::buffer(msg));
    ++sent;
    if (sim.duplicate_every > 0 && sent % sim.duplicate_every == 0)
      ws.write(asio::buffer(msg));
    if (sim.garbage_every > 0 && sent % sim.garbage_every == 0)
      ws.write(asio::buffer(std::string{R"({"e":"trade","s":garbage)"}));
    if (sim.drop_after > 0 && sent >= sim.drop_after) {
      CDB_INFO("exchange-sim",
               "fault: dropping the connection after " << sent << " messages");
      beast::get_lowest_layer(ws).close();
      throw std::runtime_error{"dropped"};
    }
    if (!stalled && sim.stall_after > 0 && sent >= sim.stall_after) {
      stalled = true;
      CDB_INFO("exchange-sim",
               "fault: stalling for " << sim.stall_for / 1'000'000 << " ms");
      std::this_thread::sleep_for(std::chrono::nanoseconds{sim.stall_for});
    }
  };
  wall_clock clock;
  std::vector<quote_tick> quotes;
  std::vector<trade_tick> trades;
  // What happened while no one listened is gone, as on a real venue; the
  // ids still move on, so the client sees the gap.
  while (market.time() + market.config().step <= clock.now()) {
    quotes.clear();
    trades.clear();
    market.step(quotes, trades);
    seq.update_id += quotes.size();
    for (auto& t : trades)
      ++seq.trade_ids[t.instrument];
  }
  try {
    for (;;) {
      // The market runs in real time whether or not anyone listens.
      while (market.time() + market.config().step <= clock.now()) {
        quotes.clear();
        trades.clear();
        market.step(quotes, trades);
        for (auto& q : quotes)
          if (streams.count(binance_stream(q.instrument, "bookTicker")))
            send(binance_book_ticker(q, ++seq.update_id));
        for (auto& t : trades) {
          auto id = ++seq.trade_ids[t.instrument];
          if (streams.count(binance_stream(t.instrument, "trade")))
            send(binance_trade(t, id));
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds{1});
    }
  } catch (const std::exception& e) {
    CDB_INFO("exchange-sim",
             "client gone after " << sent << " messages (" << e.what() << ")");
  }
}

} // namespace

int run_exchange_sim(const sim_config& sim, const synthetic_config& market) {
  try {
    asio::io_context io;
    tcp::acceptor acceptor{
      io, tcp::endpoint{asio::ip::make_address(sim.bind),
                        static_cast<unsigned short>(sim.port)}};
    wall_clock clock;
    synthetic_market m{market, clock.now()};
    sequences seq;
    bool tls = !sim.tls_cert.empty();
    asio::ssl::context ctx{asio::ssl::context::tls_server};
    if (tls) {
      ctx.use_certificate_chain_file(sim.tls_cert);
      ctx.use_private_key_file(sim.tls_key, asio::ssl::context::pem);
    }
    CDB_INFO("exchange-sim", "listening on " << (tls ? "wss://" : "ws://")
                                             << sim.bind << ':' << sim.port
                                             << "/stream");
    std::cout << "ready" << std::endl;
    for (;;) {
      tcp::socket socket{io};
      acceptor.accept(socket);
      try {
        if (tls) {
          beast::websocket::stream<beast::ssl_stream<tcp::socket>> ws{
            std::move(socket), ctx};
          ws.next_layer().handshake(asio::ssl::stream_base::server);
          serve(ws, sim, m, seq);
        } else {
          beast::websocket::stream<tcp::socket> ws{std::move(socket)};
          serve(ws, sim, m, seq);
        }
      } catch (const std::exception& e) {
        CDB_WARN("exchange-sim", "handshake failed: " << e.what());
      }
    }
  } catch (const std::exception& e) {
    CDB_ERROR("exchange-sim", "cannot serve on " << sim.bind << ':' << sim.port
                                                 << ": " << e.what());
    return 1;
  }
}

} // namespace cdb

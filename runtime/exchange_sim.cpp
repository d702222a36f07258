#include "runtime/exchange_sim.hpp"

#include <chrono>
#include <deque>
#include <iostream>
#include <map>
#include <memory>
#include <set>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <nlohmann/json.hpp>

#include "actors/feed/binance_format.hpp"
#include "actors/feed/mexc_format.hpp"
#include "actors/feed/replay_reader.hpp"
#include "runtime/clock.hpp"
#include "runtime/config_check.hpp"
#include "runtime/log.hpp"

namespace cdb {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;

void sim_config::validate(std::vector<std::string>& errors) const {
  config_check c{"sim", errors};
  c.require(port >= 1 && port <= 65535, "port", port, "must be in [1, 65535]");
  boost::system::error_code ec;
  asio::ip::make_address(bind, ec);
  c.require(!ec, "bind", bind, "must be an IP address");
  c.require_span(stall_for >= 0, "stall_for", stall_for, "must be >= 0");
  c.require_span(ping_timeout > 0, "ping_timeout", ping_timeout, "must be > 0");
  c.require(tls_cert.empty() == tls_key.empty(), "tls_key", tls_key,
            "must be given together with sim.tls_cert");
  c.require(std::isfinite(speed) && speed > 0 && speed <= 1e6, "speed", speed,
            "must be in (0, 1e6]");
  c.require(std::isfinite(contract_size) && contract_size > 0, "contract_size",
            contract_size, "must be > 0");
  for (auto& f : files) {
    std::string error;
    if (!replay_file::open(f, replay_options{}, error))
      errors.push_back("sim.files: " + error);
  }
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

/// One market event, rendered once per protocol: every client gets the
/// same bytes.
struct rendered {
  std::string binance_stream; ///< "btcusdt@trade"
  std::string binance;
  std::string mexc_channel; ///< "deal" or "ticker"
  std::string mexc_symbol;  ///< "BTC_USDT"
  std::string mexc;
};

const std::string garbage = R"({"e":"trade","s":garbage)";

/// Most messages queued for one client before it is dropped as too slow.
constexpr std::size_t max_queued = 200'000;

struct session_base : std::enable_shared_from_this<session_base> {
  virtual ~session_base() = default;
  virtual void start() = 0;
  virtual void offer(const rendered& r) = 0;
  virtual void check(steady::time_point now) = 0;
  bool accepted = false;
  bool gone = false;
};

class server {
public:
  server(const sim_config& s, const synthetic_config& m)
    : sim(s), market_cfg(m), acceptor(io), tls(ssl::context::tls_server),
      tick(io) {
    // nop
  }

  int run();

  void joined() {
    if (replay && !replay_started) {
      replay_started = true;
      replay_wall0 = steady::now();
      CDB_INFO("exchange-sim", "the recording starts with the first client");
    }
  }

  const sim_config& sim;
  const synthetic_config& market_cfg;
  asio::io_context io;
  tcp::acceptor acceptor;
  ssl::context tls;
  bool use_tls = false;
  std::vector<std::shared_ptr<session_base>> sessions;

private:
  void accept();
  void on_tick();
  void publish(const market_message& m);
  void publish(const trade_tick& t);
  void publish(const quote_tick& q);

  asio::steady_timer tick;
  wall_clock clock;
  std::unique_ptr<synthetic_market> market;
  std::vector<quote_tick> quotes;
  std::vector<trade_tick> trades;
  std::unique_ptr<replay_merge> replay;
  market_message next;
  bool has_next = false;
  bool replay_started = false;
  steady::time_point replay_wall0;
  timestamp replay_t0 = 0;
  std::uint64_t replayed = 0;
  std::map<std::string, std::uint64_t> trade_ids;
  std::uint64_t update_id = 1'000'000;
  std::uint64_t deals = 0;
};

template <bool Tls>
struct session final : session_base {
  using lowest = beast::tcp_stream;
  using stream = std::conditional_t<Tls, beast::ssl_stream<lowest>, lowest>;

  session(server& s, tcp::socket socket)
    : srv(s), ws(make(s, std::move(socket))), wake(s.io) {
    // nop
  }

  static websocket::stream<stream> make(server& s, tcp::socket socket) {
    if constexpr (Tls)
      return websocket::stream<stream>{std::move(socket), s.tls};
    else
      return websocket::stream<stream>{std::move(socket)};
  }

  server& srv;
  websocket::stream<stream> ws;
  beast::flat_buffer buffer;
  http::request<http::string_body> req;
  bool mexc = false;
  std::set<std::string> streams;                      ///< Binance.
  std::set<std::pair<std::string, std::string>> subs; ///< MEXC.
  std::deque<std::string> out;
  bool writing = false;
  bool closing = false; ///< Drop once the queue is written.
  bool stalled = false;
  steady::time_point resume_at;
  steady::time_point last_ping;
  std::uint64_t sent = 0;
  asio::steady_timer wake;

  std::shared_ptr<session> self() {
    return std::static_pointer_cast<session>(shared_from_this());
  }

  void start() override {
    if constexpr (Tls)
      ws.next_layer().async_handshake(
        ssl::stream_base::server, [s = self()](boost::system::error_code ec) {
          if (ec)
            return s->end("TLS: " + ec.message());
          s->read_request();
        });
    else
      read_request();
  }

  void read_request() {
    http::async_read(ws.next_layer(), buffer, req,
                     [s = self()](boost::system::error_code ec, std::size_t) {
                       if (ec)
                         return s->end("handshake: " + ec.message());
                       s->upgrade();
                     });
  }

  void upgrade() {
    std::string target{req.target()};
    mexc = target.find("streams=") == std::string::npos;
    if (!mexc)
      streams = requested_streams(target);
    ws.async_accept(req, [s = self()](boost::system::error_code ec) {
      if (ec)
        return s->end("handshake: " + ec.message());
      s->opened();
    });
  }

  void opened() {
    accepted = true;
    ws.text(true);
    last_ping = steady::now();
    buffer.consume(buffer.size());
    if (mexc)
      CDB_INFO("exchange-sim", "MEXC client connected");
    else
      CDB_INFO("exchange-sim",
               "client subscribed to " << streams.size() << " streams");
    srv.joined();
    read();
  }

  void read() {
    ws.async_read(buffer,
                  [s = self()](boost::system::error_code ec, std::size_t) {
                    if (s->gone)
                      return;
                    if (ec)
                      return s->end(ec.message());
                    auto msg = beast::buffers_to_string(s->buffer.data());
                    s->buffer.consume(s->buffer.size());
                    if (s->mexc)
                      s->request(msg);
                    s->read();
                  });
  }

  /// A MEXC client's request: ping or sub.<channel>.
  void request(const std::string& msg) {
    auto j = nlohmann::json::parse(msg, nullptr, false);
    std::string method;
    if (j.is_object() && j.contains("method") && j["method"].is_string())
      method = j["method"].get<std::string>();
    if (method == "ping") {
      last_ping = steady::now();
      control(mexc_pong(wall_clock{}.now()));
      return;
    }
    std::string symbol;
    if (j.is_object() && j.contains("param") && j["param"].is_object()
        && j["param"].contains("symbol") && j["param"]["symbol"].is_string())
      symbol = j["param"]["symbol"].get<std::string>();
    if (method.compare(0, 4, "sub.") == 0 && !symbol.empty()) {
      auto channel = method.substr(4);
      subs.emplace(channel, symbol);
      CDB_INFO("exchange-sim",
               "client subscribed to " << method << ' ' << symbol);
      control(mexc_ack(method, wall_clock{}.now()));
      return;
    }
    control(R"({"channel":"rs.error","data":"unknown request","ts":)"
            + std::to_string(wall_clock{}.now() / 1'000'000) + "}");
  }

  void offer(const rendered& r) override {
    if (gone || closing || !accepted)
      return;
    if (mexc ? subs.count({r.mexc_channel, r.mexc_symbol}) > 0
             : streams.count(r.binance_stream) > 0)
      send(mexc ? r.mexc : r.binance);
  }

  /// A reply that is not market data: no faults, no count.
  void control(std::string msg) {
    out.push_back(std::move(msg));
    pump();
  }

  void send(const std::string& msg) {
    out.push_back(msg);
    ++sent;
    auto& sim = srv.sim;
    if (sim.duplicate_every > 0 && sent % sim.duplicate_every == 0)
      out.push_back(msg);
    if (sim.garbage_every > 0 && sent % sim.garbage_every == 0)
      out.push_back(garbage);
    if (sim.drop_after > 0 && sent >= sim.drop_after) {
      CDB_INFO("exchange-sim",
               "fault: dropping the connection after " << sent << " messages");
      closing = true;
    }
    if (!stalled && sim.stall_after > 0 && sent >= sim.stall_after) {
      stalled = true;
      resume_at = steady::now() + std::chrono::nanoseconds{sim.stall_for};
      CDB_INFO("exchange-sim",
               "fault: stalling for " << sim.stall_for / 1'000'000 << " ms");
    }
    if (out.size() > max_queued)
      return end("too slow: " + std::to_string(out.size()) + " queued");
    pump();
  }

  void pump() {
    if (writing || gone)
      return;
    if (out.empty()) {
      if (closing)
        end("dropped");
      return;
    }
    if (steady::now() < resume_at) {
      wake.expires_at(resume_at);
      wake.async_wait([s = self()](boost::system::error_code ec) {
        if (!ec)
          s->pump();
      });
      return;
    }
    writing = true;
    ws.async_write(asio::buffer(out.front()),
                   [s = self()](boost::system::error_code ec, std::size_t) {
                     s->writing = false;
                     if (ec)
                       return s->end(ec.message());
                     s->out.pop_front();
                     s->pump();
                   });
  }

  void check(steady::time_point now) override {
    if (mexc && accepted && !gone
        && now - last_ping > std::chrono::nanoseconds{srv.sim.ping_timeout})
      end("no ping within sim.ping_timeout");
  }

  void end(const std::string& why) {
    if (gone)
      return;
    gone = true;
    wake.cancel();
    if (accepted)
      CDB_INFO("exchange-sim",
               "client gone after " << sent << " messages (" << why << ")");
    else
      CDB_WARN("exchange-sim", "handshake failed: " << why);
    boost::system::error_code ignored;
    beast::get_lowest_layer(ws).socket().shutdown(tcp::socket::shutdown_both,
                                                  ignored);
    beast::get_lowest_layer(ws).close();
  }
};

void server::accept() {
  acceptor.async_accept(
    [this](boost::system::error_code ec, tcp::socket socket) {
      if (!ec) {
        std::shared_ptr<session_base> s;
        if (use_tls)
          s = std::make_shared<session<true>>(*this, std::move(socket));
        else
          s = std::make_shared<session<false>>(*this, std::move(socket));
        sessions.push_back(s);
        s->start();
      }
      accept();
    });
}

void server::publish(const trade_tick& t) {
  rendered r;
  auto id = ++trade_ids[t.instrument];
  r.binance_stream = binance_stream(t.instrument, "trade");
  r.binance = binance_trade(t, id);
  r.mexc_channel = "deal";
  r.mexc_symbol = mexc_symbol(t.instrument);
  // Deals alternate between MEXC's two shapes: an object and an array.
  r.mexc = mexc_deal(t, sim.contract_size, deals++ % 2 == 1);
  for (auto& s : sessions)
    s->offer(r);
}

void server::publish(const quote_tick& q) {
  rendered r;
  r.binance_stream = binance_stream(q.instrument, "bookTicker");
  r.binance = binance_book_ticker(q, ++update_id);
  r.mexc_channel = "ticker";
  r.mexc_symbol = mexc_symbol(q.instrument);
  r.mexc = mexc_ticker(q, 0.0001);
  for (auto& s : sessions)
    s->offer(r);
}

void server::publish(const market_message& m) {
  ++replayed;
  if (m.kind == market_kind::trade)
    publish(m.trade);
  else if (m.kind == market_kind::quote)
    publish(m.quote);
}

void server::on_tick() {
  if (market) {
    // The market runs in real time whether or not anyone listens: what
    // happened meanwhile is gone, as on a real venue, but the ids move on.
    while (market->time() + market_cfg.step <= clock.now()) {
      quotes.clear();
      trades.clear();
      market->step(quotes, trades);
      for (auto& q : quotes)
        publish(q);
      for (auto& t : trades)
        publish(t);
    }
  } else if (replay_started && has_next) {
    auto elapsed = std::chrono::duration<double, std::nano>(steady::now()
                                                            - replay_wall0);
    auto due = replay_t0 + static_cast<timestamp>(elapsed.count() * sim.speed);
    while (has_next && event_time_of(next) <= due) {
      publish(next);
      has_next = replay->next(next);
    }
    if (!has_next)
      CDB_INFO("exchange-sim", "the recording is finished after "
                                 << replayed
                                 << " records; connections stay "
                                    "open, silent");
  }
  auto now = steady::now();
  for (auto& s : sessions)
    s->check(now);
  sessions.erase(std::remove_if(sessions.begin(), sessions.end(),
                                [](auto& s) { return s->gone; }),
                 sessions.end());
  tick.expires_after(std::chrono::milliseconds{1});
  tick.async_wait([this](boost::system::error_code ec) {
    if (!ec)
      on_tick();
  });
}

int server::run() {
  if (!sim.files.empty()) {
    std::vector<std::unique_ptr<replay_file>> opened;
    for (auto& path : sim.files) {
      std::string error;
      auto f = replay_file::open(path, replay_options{}, error);
      if (!f) {
        CDB_ERROR("exchange-sim", error);
        return 1;
      }
      opened.push_back(std::move(f));
    }
    replay = std::make_unique<replay_merge>(std::move(opened));
    has_next = replay->next(next);
    replay_t0 = has_next ? event_time_of(next) : 0;
  } else {
    market = std::make_unique<synthetic_market>(market_cfg, clock.now());
  }
  use_tls = !sim.tls_cert.empty();
  if (use_tls) {
    tls.use_certificate_chain_file(sim.tls_cert);
    tls.use_private_key_file(sim.tls_key, ssl::context::pem);
  }
  tcp::endpoint at{asio::ip::make_address(sim.bind),
                   static_cast<unsigned short>(sim.port)};
  acceptor.open(at.protocol());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  acceptor.bind(at);
  acceptor.listen();
  CDB_INFO("exchange-sim",
           "listening on " << (use_tls ? "wss://" : "ws://") << sim.bind << ':'
                           << sim.port << " (Binance: /stream?streams=..., "
                           << "MEXC: /edge), serving "
                           << (replay ? std::to_string(sim.files.size())
                                          + " recorded file(s)"
                                      : std::string{"the synthetic market"}));
  std::cout << "ready" << std::endl;
  accept();
  on_tick();
  io.run();
  return 0;
}

} // namespace

int run_exchange_sim(const sim_config& sim, const synthetic_config& market) {
  try {
    server s{sim, market};
    return s.run();
  } catch (const std::exception& e) {
    CDB_ERROR("exchange-sim", "cannot serve on " << sim.bind << ':' << sim.port
                                                 << ": " << e.what());
    return 1;
  }
}

} // namespace cdb

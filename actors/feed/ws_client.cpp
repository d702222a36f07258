#include "actors/feed/ws_client.hpp"

#include <chrono>
#include <deque>
#include <random>
#include <unordered_set>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "runtime/cpu_placement.hpp"
#include "runtime/log.hpp"

namespace cdb {

namespace beast = boost::beast;
namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

timestamp wall_now() {
  using namespace std::chrono;
  return duration_cast<std::chrono::nanoseconds>(
           system_clock::now().time_since_epoch())
    .count();
}

std::chrono::nanoseconds ns(nanoseconds x) {
  return std::chrono::nanoseconds{x};
}

std::size_t hash_of(const std::string& msg) {
  return std::hash<std::string_view>{}(msg);
}

/// Most messages a rotating connection holds before it switches anyway.
constexpr std::size_t max_held = 100'000;

} // namespace

bool ws_url::parse(const std::string& url, ws_url& out) {
  out.tls = url.compare(0, 6, "wss://") == 0;
  if (!out.tls && url.compare(0, 5, "ws://") != 0)
    return false;
  auto rest = url.substr(out.tls ? 6 : 5);
  auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
  out.target = slash == std::string::npos ? "/" : rest.substr(slash);
  auto colon = authority.rfind(':');
  if (colon == std::string::npos) {
    out.host = authority;
    out.port = out.tls ? "443" : "80";
  } else {
    out.host = authority.substr(0, colon);
    out.port = authority.substr(colon + 1);
  }
  return !out.host.empty() && !out.port.empty()
         && out.port.find_first_not_of("0123456789") == std::string::npos;
}

/// One connection's life. Lives on the client's thread; its handlers hold
/// it alive, the client drops it after close().
struct ws_client::conn : std::enable_shared_from_this<conn> {
  struct held_message {
    std::string text;
    timestamp recv;
    std::size_t hash;
  };

  virtual ~conn() = default;
  virtual void start() = 0;
  virtual void close() = 0;
  virtual void write(std::string msg) = 0;

  std::uint64_t serial = 0;
  bool open = false;              ///< Handshake done.
  bool closed = false;            ///< Closed or failed: no more callbacks.
  std::vector<held_message> held; ///< While a rotation aligns.
  std::unordered_set<std::size_t> held_hashes;
};

struct ws_client::impl {
  impl(ws_client& o, ws_client_config c, on_message m, on_state s)
    : owner(o), cfg(std::move(c)), deliver(std::move(m)), state(std::move(s)),
      tls(ssl::context::tls_client), rotate_timer(io), align_timer(io),
      retry_timer(io), jitter(std::random_device{}()),
      backoff(cfg.backoff_initial) {
    if (cfg.url.tls) {
      tls.set_verify_mode(ssl::verify_peer);
      if (cfg.ca_file.empty())
        tls.set_default_verify_paths();
      else
        tls.load_verify_file(cfg.ca_file);
    }
  }

  ws_client& owner;
  ws_client_config cfg;
  on_message deliver;
  on_state state;
  asio::io_context io;
  ssl::context tls;
  asio::steady_timer rotate_timer; ///< Starts the next planned rotation.
  asio::steady_timer align_timer;  ///< Ends a rotation that cannot align.
  asio::steady_timer retry_timer;  ///< Backoff before a reconnect.
  std::minstd_rand jitter;
  nanoseconds backoff;
  std::uint64_t serial = 0;
  std::shared_ptr<conn> current;
  std::shared_ptr<conn> next; ///< A rotation's new connection.
  /// Hashes of what `current` delivered since a rotation began; after the
  /// switch, what the new connection must not deliver again.
  std::unordered_set<std::size_t> delivered;
  std::unordered_set<std::size_t> repeat_filter;

  std::string where() const {
    return std::string{cfg.url.tls ? "wss://" : "ws://"} + cfg.url.host + ':'
           + cfg.url.port;
  }

  void connect(bool rotation);

  void on_open(conn* c) {
    ++owner.connects_;
    if (c == current.get()) {
      backoff = cfg.backoff_initial;
      state(true, "connected to " + where());
      arm_rotation();
    } else if (c == next.get()) {
      align_timer.expires_after(ns(cfg.align_timeout));
      align_timer.async_wait([this](boost::system::error_code ec) {
        if (!ec && next)
          switch_over("no common message within the align timeout");
      });
    }
  }

  /// Drops a message the old connection delivered already (right after a
  /// switch); true when it must not be delivered.
  bool repeated(std::size_t h) {
    if (repeat_filter.empty())
      return false;
    if (repeat_filter.erase(h) > 0)
      return true;
    repeat_filter.clear(); // past the overlap: the streams run in one order
    return false;
  }

  void received(conn* c, std::string msg, timestamp recv) {
    if (c == current.get()) {
      if (repeat_filter.empty() && !next) {
        deliver(std::move(msg), recv);
        return;
      }
      auto h = hash_of(msg);
      if (repeated(h))
        return;
      if (next)
        delivered.insert(h);
      deliver(std::move(msg), recv);
      if (next && next->held_hashes.count(h) > 0)
        switch_over("aligned");
    } else if (c == next.get()) {
      auto h = hash_of(msg);
      next->held.push_back({std::move(msg), recv, h});
      next->held_hashes.insert(h);
      if (delivered.count(h) > 0)
        switch_over("aligned");
      else if (next->held.size() >= max_held)
        switch_over("too many held messages");
    }
  }

  /// The new connection takes over from the old one.
  void switch_over(const char* how) {
    align_timer.cancel();
    auto old = std::move(current);
    current = std::move(next);
    if (old)
      old->close();
    repeat_filter = std::move(delivered);
    delivered = {};
    auto held = std::move(current->held);
    current->held_hashes.clear();
    ++owner.rotations_;
    std::size_t dropped = 0;
    for (auto& m : held)
      if (repeated(m.hash))
        ++dropped;
      else
        deliver(std::move(m.text), m.recv);
    state(true, "rotated to a new connection to " + where() + " (" + how + ", "
                  + std::to_string(held.size()) + " held, "
                  + std::to_string(dropped) + " already delivered)");
    arm_rotation();
  }

  void on_closed(conn* c, const std::string& why) {
    if (c == current.get()) {
      if (next && next->open) {
        switch_over("the old connection ended first");
        return;
      }
      current.reset();
      if (next) {
        next->close();
        next.reset();
      }
      delivered.clear();
      repeat_filter.clear();
      rotate_timer.cancel();
      align_timer.cancel();
      state(false, why);
      // Exponential backoff with +-20 % jitter, so many clients do not
      // reconnect in lockstep.
      std::uniform_real_distribution<double> spread{0.8, 1.2};
      auto wait = static_cast<nanoseconds>(static_cast<double>(backoff)
                                           * spread(jitter));
      backoff = std::min(backoff * 2, cfg.backoff_max);
      retry_timer.expires_after(ns(wait));
      retry_timer.async_wait([this](boost::system::error_code ec) {
        if (!ec)
          connect(false);
      });
    } else if (c == next.get()) {
      // The rotation failed; the old connection carries on, try later.
      next.reset();
      delivered.clear();
      align_timer.cancel();
      state(true, "rotation attempt failed (" + why
                    + "); keeping the "
                      "current connection");
      rotate_timer.expires_after(ns(cfg.backoff_max));
      rotate_timer.async_wait([this](boost::system::error_code ec) {
        if (!ec && current && !next)
          connect(true);
      });
    }
  }

  void arm_rotation() {
    if (cfg.rotate_after <= 0)
      return;
    rotate_timer.expires_after(ns(cfg.rotate_after));
    rotate_timer.async_wait([this](boost::system::error_code ec) {
      if (!ec && current && !next)
        connect(true);
    });
  }
};

namespace {

template <bool Tls>
struct conn_impl final : ws_client::conn {
  using lowest = beast::tcp_stream;
  using stream = std::conditional_t<Tls, beast::ssl_stream<lowest>, lowest>;

  conn_impl(ws_client::impl& c)
    : client(c), resolver(c.io), ws(make(c)), ping(c.io) {
    // nop
  }

  static websocket::stream<stream> make(ws_client::impl& c) {
    if constexpr (Tls)
      return websocket::stream<stream>{c.io, c.tls};
    else
      return websocket::stream<stream>{c.io};
  }

  ws_client::impl& client;
  tcp::resolver resolver;
  websocket::stream<stream> ws;
  beast::flat_buffer buffer;
  std::deque<std::string> out;
  asio::steady_timer ping;

  std::shared_ptr<conn_impl> self() {
    return std::static_pointer_cast<conn_impl>(shared_from_this());
  }

  void fail(const std::string& why) {
    if (closed)
      return;
    close();
    client.on_closed(this, why);
  }

  void close() override {
    closed = true;
    ping.cancel();
    resolver.cancel();
    boost::system::error_code ignored;
    beast::get_lowest_layer(ws).socket().shutdown(tcp::socket::shutdown_both,
                                                  ignored);
    beast::get_lowest_layer(ws).close();
  }

  void start() override {
    auto& url = client.cfg.url;
    resolver.async_resolve(
      url.host, url.port,
      [s = self()](boost::system::error_code ec,
                   tcp::resolver::results_type found) {
        if (ec)
          return s->fail("resolve: " + ec.message());
        auto& tcp = beast::get_lowest_layer(s->ws);
        tcp.expires_after(ns(s->client.cfg.connect_timeout));
        tcp.async_connect(found, [s](boost::system::error_code ec,
                                     const tcp::endpoint&) {
          if (ec)
            return s->fail("connect: " + ec.message());
          s->secure();
        });
      });
  }

  void secure() {
    if constexpr (Tls) {
      auto& host = client.cfg.url.host;
      auto& tls = ws.next_layer();
      // SNI, and the certificate must name the host we asked for.
      SSL_set_tlsext_host_name(tls.native_handle(), host.c_str());
      tls.set_verify_callback(ssl::host_name_verification(host));
      tls.async_handshake(ssl::stream_base::client,
                          [s = self()](boost::system::error_code ec) {
                            if (ec)
                              return s->fail("TLS: " + ec.message());
                            s->upgrade();
                          });
    } else {
      upgrade();
    }
  }

  void upgrade() {
    beast::get_lowest_layer(ws).expires_never();
    websocket::stream_base::timeout t;
    t.handshake_timeout = ns(client.cfg.connect_timeout);
    t.idle_timeout = client.cfg.idle_timeout > 0
                       ? std::chrono::steady_clock::duration{ns(
                         client.cfg.idle_timeout)}
                       : websocket::stream_base::none();
    t.keep_alive_pings = client.cfg.idle_timeout > 0;
    ws.set_option(t);
    auto& url = client.cfg.url;
    ws.async_handshake(url.host + ':' + url.port, url.target,
                       [s = self()](boost::system::error_code ec) {
                         if (ec)
                           return s->fail("handshake: " + ec.message());
                         s->opened();
                       });
  }

  void opened() {
    open = true;
    ws.text(true);
    client.on_open(this);
    if (closed)
      return;
    for (auto& m : client.cfg.subscribe)
      write(m);
    arm_ping();
    read();
  }

  void arm_ping() {
    if (client.cfg.ping_every <= 0 || client.cfg.ping_text.empty())
      return;
    ping.expires_after(ns(client.cfg.ping_every));
    ping.async_wait([s = self()](boost::system::error_code ec) {
      if (ec || s->closed)
        return;
      s->write(s->client.cfg.ping_text);
      s->arm_ping();
    });
  }

  void read() {
    ws.async_read(buffer, [s = self()](boost::system::error_code ec,
                                       std::size_t) {
      if (s->closed)
        return;
      if (ec)
        return s->fail(ec == websocket::error::closed
                         ? std::string{"closed by the venue"}
                         : ec.message());
      auto data = s->buffer.data();
      std::string msg{static_cast<const char*>(data.data()), data.size()};
      s->buffer.consume(s->buffer.size());
      s->client.received(s.get(), std::move(msg), wall_now());
      if (!s->closed)
        s->read();
    });
  }

  void write(std::string msg) override {
    out.push_back(std::move(msg));
    if (out.size() == 1)
      write_next();
  }

  void write_next() {
    ws.async_write(asio::buffer(out.front()),
                   [s = self()](boost::system::error_code ec, std::size_t) {
                     if (s->closed)
                       return;
                     if (ec)
                       return s->fail("write: " + ec.message());
                     s->out.pop_front();
                     if (!s->out.empty())
                       s->write_next();
                   });
  }
};

} // namespace

void ws_client::impl::connect(bool rotation) {
  std::shared_ptr<conn> c;
  if (cfg.url.tls)
    c = std::make_shared<conn_impl<true>>(*this);
  else
    c = std::make_shared<conn_impl<false>>(*this);
  c->serial = ++serial;
  (rotation ? next : current) = c;
  c->start();
}

ws_client::ws_client(ws_client_config cfg, on_message msg, on_state state)
  : impl_(std::make_unique<impl>(*this, std::move(cfg), std::move(msg),
                                 std::move(state))) {
  impl_->connect(false);
  thread_ = std::thread{[this] {
    // Started by an actor, maybe on the home worker: not on its CPU.
    std::string error;
    if (!cpu_placement::off_home(error))
      CDB_WARN("feed", "network thread: run.home_cpu: " << error);
    // Runs until stop(): the timers and connections always hold work.
    auto guard = asio::make_work_guard(impl_->io);
    impl_->io.run();
  }};
}

ws_client::~ws_client() {
  stop();
  if (thread_.joinable())
    thread_.join();
}

void ws_client::stop() {
  impl_->io.stop();
}

} // namespace cdb

#include "actors/feed/ws_client.hpp"

#include <chrono>
#include <random>

#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

namespace cdb {

namespace beast = boost::beast;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

timestamp wall_now() {
  using namespace std::chrono;
  return duration_cast<std::chrono::nanoseconds>(
           system_clock::now().time_since_epoch())
    .count();
}

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

ws_client::ws_client(ws_client_config cfg, on_message msg, on_state state)
  : cfg_(std::move(cfg)), on_message_(std::move(msg)),
    on_state_(std::move(state)) {
  thread_ = std::thread{[this] { run(); }};
}

ws_client::~ws_client() {
  stop();
  if (thread_.joinable())
    thread_.join();
}

void ws_client::stop() {
  stop_ = true;
  // Wakes a blocked read: shutdown(2) on the descriptor is safe from any
  // thread, unlike the Asio socket object.
  if (auto fd = fd_.load(); fd >= 0)
    ::shutdown(fd, SHUT_RDWR);
}

bool ws_client::sleep_for(nanoseconds d) {
  auto until = std::chrono::steady_clock::now() + std::chrono::nanoseconds{d};
  while (!stop_ && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  return !stop_;
}

namespace {

/// Forgets the socket's descriptor before the stream closes it.
struct forget {
  std::atomic<int>& fd;
  ~forget() {
    fd = -1;
  }
};

} // namespace

template <class Stream>
void ws_client::session(Stream& ws) {
  ws.handshake(cfg_.url.host + ':' + cfg_.url.port, cfg_.url.target);
  ++connects_;
  on_state_(true, std::string{"connected to "} + (cfg_.url.tls ? "wss://" : "")
                    + cfg_.url.host + ':' + cfg_.url.port);
  beast::flat_buffer buffer;
  for (;;) {
    ws.read(buffer);
    auto data = buffer.data();
    on_message_(std::string{static_cast<const char*>(data.data()), data.size()},
                wall_now());
    buffer.consume(buffer.size());
  }
}

void ws_client::connect_once() {
  asio::io_context io;
  tcp::resolver resolver{io};
  auto endpoints = resolver.resolve(cfg_.url.host, cfg_.url.port);
  if (!cfg_.url.tls) {
    beast::websocket::stream<tcp::socket> ws{io};
    forget guard{fd_};
    asio::connect(ws.next_layer(), endpoints);
    fd_ = ws.next_layer().native_handle();
    if (!stop_)
      session(ws);
    return;
  }
  namespace ssl = asio::ssl;
  ssl::context ctx{ssl::context::tls_client};
  ctx.set_verify_mode(ssl::verify_peer);
  if (cfg_.ca_file.empty())
    ctx.set_default_verify_paths();
  else
    ctx.load_verify_file(cfg_.ca_file);
  beast::websocket::stream<beast::ssl_stream<tcp::socket>> ws{io, ctx};
  forget guard{fd_};
  auto& tls = ws.next_layer();
  asio::connect(beast::get_lowest_layer(ws), endpoints);
  fd_ = beast::get_lowest_layer(ws).native_handle();
  // SNI, and the certificate must name the host we asked for.
  SSL_set_tlsext_host_name(tls.native_handle(), cfg_.url.host.c_str());
  tls.set_verify_callback(ssl::host_name_verification(cfg_.url.host));
  tls.handshake(ssl::stream_base::client);
  if (!stop_)
    session(ws);
}

void ws_client::run() {
  std::minstd_rand jitter{std::random_device{}()};
  auto backoff = cfg_.backoff_initial;
  while (!stop_) {
    std::string reason;
    auto before = connects_.load();
    try {
      connect_once();
    } catch (const std::exception& e) {
      reason = e.what();
    }
    if (stop_)
      break;
    if (connects_ != before)
      backoff = cfg_.backoff_initial; // it was up: start the backoff anew
    on_state_(false, reason);
    // Exponential backoff with +-20 % jitter, so many clients do not
    // reconnect in lockstep.
    std::uniform_real_distribution<double> spread{0.8, 1.2};
    auto wait = static_cast<nanoseconds>(static_cast<double>(backoff)
                                         * spread(jitter));
    backoff = std::min(backoff * 2, cfg_.backoff_max);
    if (!sleep_for(wait))
      break;
  }
}

} // namespace cdb

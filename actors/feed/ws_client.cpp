#include "actors/feed/ws_client.hpp"

#include <chrono>
#include <random>

#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

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
  const std::string scheme = "ws://";
  if (url.compare(0, scheme.size(), scheme) != 0)
    return false;
  auto rest = url.substr(scheme.size());
  auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
  out.target = slash == std::string::npos ? "/" : rest.substr(slash);
  auto colon = authority.rfind(':');
  if (colon == std::string::npos) {
    out.host = authority;
    out.port = "80";
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

void ws_client::run() {
  std::minstd_rand jitter{std::random_device{}()};
  auto backoff = cfg_.backoff_initial;
  while (!stop_) {
    std::string reason;
    try {
      asio::io_context io;
      tcp::resolver resolver{io};
      beast::websocket::stream<tcp::socket> ws{io};
      // Forgets the descriptor before `ws` closes it (declared after it).
      struct forget {
        std::atomic<int>& fd;
        ~forget() {
          fd = -1;
        }
      } guard{fd_};
      asio::connect(ws.next_layer(),
                    resolver.resolve(cfg_.url.host, cfg_.url.port));
      fd_ = ws.next_layer().native_handle();
      if (stop_)
        break;
      ws.handshake(cfg_.url.host + ':' + cfg_.url.port, cfg_.url.target);
      ++connects_;
      backoff = cfg_.backoff_initial;
      on_state_(true, "connected to " + cfg_.url.host + ':' + cfg_.url.port);
      beast::flat_buffer buffer;
      for (;;) {
        ws.read(buffer);
        auto data = buffer.data();
        on_message_(std::string{static_cast<const char*>(data.data()),
                                data.size()},
                    wall_now());
        buffer.consume(buffer.size());
      }
    } catch (const std::exception& e) {
      reason = e.what();
    }
    if (stop_)
      break;
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

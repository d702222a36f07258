#include "runtime/admin_http.hpp"

#include <chrono>
#include <iostream>
#include <stdexcept>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "runtime/clock.hpp"
#include "runtime/config_check.hpp"
#include "runtime/log.hpp"

namespace cdb {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t max_reason = 1024;
constexpr auto request_timeout = std::chrono::seconds{10};

std::string error_body(const std::string& what) {
  return nlohmann::json{{"error", what}}.dump();
}

/// Compares without an early exit, so timing does not leak the token.
bool same_secret(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i)
    diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  return diff == 0;
}

} // namespace

void admin_config::validate(std::vector<std::string>& errors) const {
  config_check c{"admin", errors};
  boost::system::error_code ec;
  asio::ip::make_address(address, ec);
  c.require(!ec, "address", address, "must be an IPv4 or IPv6 address");
  c.require(port <= 65535, "port", port, "must be in [0, 65535]");
  c.require(token.empty() || token.size() >= 16, "token", "<secret>",
            "must be empty (admin disabled) or at least 16 characters");
}

http_answer route_admin(const admin_config& cfg, const admin_handler& handle,
                        const std::string& method, const std::string& target,
                        const std::string& authorization,
                        const std::string& body) {
  auto path = target.substr(0, target.find('?'));
  if (path == "/health") {
    if (method != "GET")
      return {405, error_body("use GET")};
    return {200, "ok\n", "text/plain"};
  }
  std::string command;
  if (path == "/ready") {
    if (method != "GET")
      return {405, error_body("use GET")};
    try {
      auto answer = handle("ready", "");
      // 503 tells a load balancer or orchestrator to hold traffic back.
      auto j = nlohmann::json::parse(answer, nullptr, false);
      bool ready = j.is_object() && j.value("ready", false);
      return {ready ? 200u : 503u, std::move(answer)};
    } catch (const std::exception& e) {
      return {503, error_body(e.what())};
    }
  }
  if (path == "/api/state") {
    if (method != "GET")
      return {405, error_body("use GET")};
    command = "state";
  } else if (path == "/admin/halt" || path == "/admin/resume"
             || path == "/admin/flatten") {
    if (method != "POST")
      return {405, error_body("use POST")};
    if (cfg.token.empty())
      return {403, error_body("admin disabled: no admin.token configured "
                              "(set CDB_ADMIN_TOKEN)")};
    const std::string prefix = "Bearer ";
    if (authorization.compare(0, prefix.size(), prefix) != 0
        || !same_secret(authorization.substr(prefix.size()), cfg.token))
      return {401, error_body("missing or wrong bearer token")};
    command = path.substr(7);
  } else {
    return {404, error_body("no such path: " + path)};
  }
  if (body.size() > max_reason)
    return {413, error_body("reason longer than 1024 bytes")};
  for (unsigned char ch : body)
    if (ch < 0x20 && ch != '\t')
      return {400, error_body("reason must be one line of text")};
  auto reason = body.empty() ? "operator via admin API" : body;
  try {
    return {200, handle(command, reason)};
  } catch (const std::exception& e) {
    return {503, error_body(e.what())};
  }
}

struct admin_server::impl {
  admin_config cfg;
  admin_handler handle;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::thread worker;

  struct session : std::enable_shared_from_this<session> {
    impl& srv;
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    http::request_parser<http::string_body> parser;
    http::response<http::string_body> res;

    session(impl& s, tcp::socket socket) : srv(s), stream(std::move(socket)) {
      parser.header_limit(8192);
      parser.body_limit(max_reason + 1);
    }

    void start() {
      stream.expires_after(request_timeout);
      http::async_read(stream, buffer, parser,
                       [s = shared_from_this()](beast::error_code ec,
                                                std::size_t) {
                         s->on_read(ec);
                       });
    }

    void on_read(beast::error_code ec) {
      http_answer a;
      if (ec == http::error::body_limit) {
        a = {413, error_body("reason longer than 1024 bytes")};
      } else if (ec) {
        if (ec == beast::error::timeout || ec == http::error::end_of_stream
            || ec == asio::error::eof)
          return; // nothing to answer: gone or too slow
        a = {400, error_body("malformed request: " + ec.message())};
      } else {
        auto& req = parser.get();
        a = route_admin(srv.cfg, srv.handle, std::string{req.method_string()},
                        std::string{req.target()},
                        std::string{req[http::field::authorization]},
                        req.body());
        if (a.status != 200 && req.target().rfind("/admin/", 0) == 0)
          CDB_WARN("admin", req.method_string() << ' ' << req.target()
                                                << " refused: " << a.status);
      }
      res.result(a.status);
      res.set(http::field::content_type, a.content_type);
      res.set(http::field::connection, "close");
      res.body() = std::move(a.body);
      res.prepare_payload();
      stream.expires_after(request_timeout);
      http::async_write(
        stream, res, [s = shared_from_this()](beast::error_code, std::size_t) {
          beast::error_code ignored;
          s->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        });
    }
  };

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted)
        return;
      if (!ec)
        std::make_shared<session>(*this, std::move(socket))->start();
      accept();
    });
  }
};

admin_server::admin_server(admin_config cfg, admin_handler handle)
  : impl_(std::make_unique<impl>()) {
  impl_->cfg = std::move(cfg);
  impl_->handle = std::move(handle);
  auto& a = impl_->acceptor;
  auto where = impl_->cfg.address + ":" + std::to_string(impl_->cfg.port);
  try {
    tcp::endpoint ep{asio::ip::make_address(impl_->cfg.address),
                     static_cast<std::uint16_t>(impl_->cfg.port)};
    a.open(ep.protocol());
    a.set_option(asio::socket_base::reuse_address(true));
    a.bind(ep);
    a.listen();
  } catch (const std::exception& e) {
    throw std::runtime_error("admin.port: cannot listen on " + where + ": "
                             + e.what());
  }
  impl_->accept();
  impl_->worker = std::thread{[this] { impl_->io.run(); }};
}

admin_server::~admin_server() {
  asio::post(impl_->io, [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
    impl_->io.stop();
  });
  impl_->worker.join();
}

std::uint16_t admin_server::port() const {
  return impl_->acceptor.local_endpoint().port();
}

std::string to_json(const trading_state& s) {
  auto trips = nlohmann::json::array();
  for (auto& t : s.trips)
    trips.push_back({{"rule", t.rule},
                     {"mode", to_string(t.mode)},
                     {"reason", t.reason},
                     {"since", format_time(t.since)}});
  return nlohmann::json{{"mode", to_string(s.mode)},
                        {"reason", s.reason},
                        {"since", format_time(s.since)},
                        {"peak_equity", s.peak_equity},
                        {"trips", trips},
                        {"id", s.id}}
           .dump()
         + "\n";
}

std::string state_json(const trading_state& s,
                       const portfolio_snapshot* account,
                       const std::vector<decision_summary>& decisions) {
  auto j = nlohmann::json::parse(to_json(s));
  if (account != nullptr) {
    auto positions = nlohmann::json::array();
    for (auto& p : account->positions)
      if (p.qty != 0)
        positions.push_back({{"instrument", p.instrument},
                             {"qty", p.qty},
                             {"avg_price", p.avg_price},
                             {"mark", p.mark},
                             {"unrealized_pnl", (p.mark - p.avg_price) * p.qty},
                             {"stop_loss", p.stop_loss},
                             {"take_profit", p.take_profit},
                             {"liquidation_price", p.liquidation_price}});
    j["account"] = {{"equity", account->equity},
                    {"cash", account->cash},
                    {"exposure", account->exposure},
                    {"realized_pnl", account->realized_pnl},
                    {"unrealized_pnl", account->unrealized_pnl},
                    {"fees", account->fees},
                    {"start_of_day_equity", account->start_of_day_equity},
                    {"positions", positions},
                    {"as_of", format_time(account->event_time)}};
  } else {
    j["account"] = nullptr;
  }
  auto recent = nlohmann::json::array();
  for (auto& d : decisions)
    recent.push_back({{"id", d.id},
                      {"signal_id", d.signal_id},
                      {"approved", d.approved},
                      {"layer", d.layer},
                      {"reason", d.reason},
                      {"qty", d.qty},
                      {"event_time", format_time(d.event_time)}});
  j["recent_decisions"] = recent;
  return j.dump() + "\n";
}

int admin_client(const std::string& url, const std::string& command,
                 const std::string& token, const std::string& reason) {
  const std::string scheme = "http://";
  if (url.compare(0, scheme.size(), scheme) != 0) {
    std::cerr << "cdb admin: --url " << url
              << ": must be http://host:port (the node's admin.address and "
                 "admin.port)\n";
    return 2;
  }
  auto rest = url.substr(scheme.size());
  rest = rest.substr(0, rest.find('/'));
  auto colon = rest.rfind(':');
  auto host = colon == std::string::npos ? rest : rest.substr(0, colon);
  auto port = colon == std::string::npos ? "80" : rest.substr(colon + 1);
  bool read_only = command == "state" || command == "health"
                   || command == "ready";
  if (!read_only && command != "halt" && command != "resume"
      && command != "flatten") {
    std::cerr << "cdb admin: unknown command '" << command
              << "' (halt, resume, flatten, state, health or ready)\n";
    return 2;
  }
  try {
    asio::io_context io;
    tcp::resolver resolver{io};
    beast::tcp_stream stream{io};
    stream.expires_after(request_timeout);
    stream.connect(resolver.resolve(host, port));
    auto target = command == "state"    ? std::string{"/api/state"}
                  : command == "health" ? std::string{"/health"}
                  : command == "ready"  ? std::string{"/ready"}
                                        : "/admin/" + command;
    http::request<http::string_body> req{
      read_only ? http::verb::get : http::verb::post, target, 11};
    req.set(http::field::host, host);
    if (!token.empty())
      req.set(http::field::authorization, "Bearer " + token);
    if (!read_only) {
      req.set(http::field::content_type, "text/plain");
      req.body() = reason;
    }
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    auto ok = res.result_int() >= 200 && res.result_int() < 300;
    (ok ? std::cout : std::cerr)
      << (ok ? ""
             : "cdb admin: HTTP " + std::to_string(res.result_int()) + ": ")
      << res.body()
      << (res.body().empty() || res.body().back() != '\n' ? "\n" : "");
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "cdb admin: cannot reach " << url << ": " << e.what() << '\n';
    return 1;
  }
}

} // namespace cdb

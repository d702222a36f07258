// The node's admin HTTP endpoint (Boost.Beast), and the client `cdb admin`
// uses against it. Routes:
//   GET  /health           200 "ok": the process is alive
//   GET  /ready            200 when the node may take traffic, else 503;
//                          JSON saying what is not ready (readiness.hpp)
//   GET  /api/state        the trading state (mode, reason, trips), the
//                          account and positions, the newest decisions
//   POST /admin/halt       halt trading       } bearer token required;
//   POST /admin/resume     reset every trip   } no token configured: 403
//   POST /admin/flatten    close all positions} (admin disabled)
// The request body, if any, is the operator's reason (at most 1 KiB).
// Bad requests get 4xx answers; each connection serves one request and has
// 10 s to send it (slow clients are cut off). No CAF include: the node
// supplies the function that talks to its actors.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "messages/trading.hpp"
#include "runtime/metrics.hpp"

namespace cdb {

struct admin_config {
  std::string address = "127.0.0.1";
  std::uint64_t port = 9465; ///< 0: any free port (logged).
  std::string token;         ///< Secret: prefer CDB_ADMIN_TOKEN.

  void validate(std::vector<std::string>& errors) const;
};

/// What the node does with an admin command: "halt", "resume", "flatten",
/// "state" or "ready" (the readiness JSON, {"ready":true...} when ready).
/// Returns the JSON body of the answer, or throws std::runtime_error (answered
/// 503) when the node cannot answer.
using admin_handler = std::function<std::string(const std::string& command,
                                                const std::string& reason)>;

/// An HTTP answer: status code and body.
struct http_answer {
  unsigned status = 200;
  std::string body;
  std::string content_type = "application/json";
};

/// Routes one request; pure, for tests: `authorization` is the header's
/// value ("" when absent).
http_answer route_admin(const admin_config& cfg, const admin_handler& handle,
                        const std::string& method, const std::string& target,
                        const std::string& authorization,
                        const std::string& body);

/// Serves the routes on a thread of its own until destroyed.
class admin_server {
public:
  /// Binds at once; throws std::runtime_error naming the address when it
  /// cannot.
  admin_server(admin_config cfg, admin_handler handle);
  ~admin_server();

  admin_server(const admin_server&) = delete;
  admin_server& operator=(const admin_server&) = delete;

  /// The bound port (the chosen one when configured 0).
  std::uint16_t port() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// The trading state as the admin API shows it.
std::string to_json(const trading_state& s);

/// GET /api/state: the trading state (as to_json), plus the account
/// (equity, cash, exposure, PnL, positions; null when execution did not
/// answer) and the newest risk decisions, newest first.
std::string state_json(const trading_state& s,
                       const portfolio_snapshot* account,
                       const std::vector<decision_summary>& decisions);

/// `cdb admin COMMAND`: sends it to `url` ("http://127.0.0.1:9465"),
/// prints the answer; returns the process exit status (0: 2xx).
int admin_client(const std::string& url, const std::string& command,
                 const std::string& token, const std::string& reason);

} // namespace cdb

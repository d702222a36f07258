// The risk engine: turns a signal into risk decisions and orders. Holds the
// view risk decides on (quotes, account, positions, trading state) and runs
// sizing and the layers. Pure C++: the risk actor feeds it and sends what it
// returns.
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "actors/risk/layers.hpp"
#include "actors/risk/market_stats.hpp"
#include "actors/risk/sizing_methods.hpp"
#include "runtime/ids.hpp"
#include "runtime/instrument_cache.hpp"

namespace cdb {

/// One decision, and the order it approved (if it did).
struct decision_out {
  risk_decision decision;
  std::optional<order> approved;
};

class risk_engine {
public:
  risk_engine(const risk_config& cfg, id_source decision_ids,
              id_source order_ids);

  void on_quote(const quote_tick& q);
  /// Traded volume, for the perpetual slippage estimate.
  void on_trade(const trade_tick& t);
  /// Likewise for a batch: one lookup per run of the same instrument.
  void on_trades(const std::vector<trade_tick>& trades);
  /// A mark price makes its instrument a perpetual and gives its funding.
  void on_mark(const mark_price& m);
  void on_portfolio(const portfolio_snapshot& s);
  void on_state(const trading_state& s);
  /// Execution is gone or replaced (its node lost, a restart): the account
  /// view is stale until the execution now wired sends its own, and every
  /// signal is rejected "not_ready" until then.
  void on_execution_changed() noexcept {
    has_account_ = false;
  }

  /// Decides a signal at time `now`: a reversal yields a closing order and
  /// an opening one, each with its own decision.
  std::vector<decision_out> on_signal(const signal& s, timestamp now);

  /// Reduce-only market orders closing every position (executed whatever
  /// the trading state: flattening removes risk).
  std::vector<decision_out> flatten(const std::string& reason, timestamp now);

  trading_mode mode() const noexcept {
    return mode_;
  }

  /// True once the engine has the circuit breaker's trading state and
  /// execution's account: until then every signal is rejected "not_ready"
  /// (a new or restarted risk must not decide on a view it has not built).
  bool ready() const noexcept {
    return has_state_ && has_account_;
  }

  double position_qty(const std::string& instrument) const;

  const account_view& account() const noexcept {
    return account_;
  }

  /// The volatility and ATR sizing sees for `instrument` (0: unknown).
  const market_stats* stats(const std::string& instrument) const;

private:
  decision_out decide(const signal& s, const order_intent& intent,
                      const std::string& audit, double stop_distance,
                      timestamp now);
  decision_out reject(const signal& s, risk_layer layer,
                      const std::string& reason, double requested,
                      const std::string& audit, timestamp now);
  void book(const order& o);

  risk_config cfg_;
  id_source decision_ids_;
  id_source order_ids_;
  trading_mode mode_ = trading_mode::halted;
  bool has_state_ = false;
  bool has_account_ = false;
  account_view account_;
  std::int64_t day_ = -1;
  sizing_config sizing_;
  /// What risk knows of one instrument's market: one lookup per quote.
  struct instrument_view {
    market_view quote;
    market_stats stats;
  };
  /// The instrument's latest quote; an unknown one (known = false) if none.
  const market_view& quote_of(const std::string& instrument) const;
  /// The instrument's entry, created on first sight.
  instrument_view& view_of(const std::string& instrument);
  /// The quote with the statistics the perpetual checks need.
  market_view decision_view(const std::string& instrument) const;
  std::map<std::string, instrument_view> markets_;
  instrument_cache<instrument_view> view_cache_; ///< Entries of markets_.
  std::map<std::string, double> positions_;
};

} // namespace cdb

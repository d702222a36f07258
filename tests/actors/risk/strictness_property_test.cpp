// Property: for random limits, accounts, positions, market states, trading
// modes and signals, risk never approves an order that takes a position
// beyond max_position_pct or the open notional beyond max_exposure_pct of
// equity, never approves anything while HALTED, and only orders that reduce
// while REDUCING. Every sizing method takes part. A failure names the case.
#define CAF_SUITE risk_strictness
#include <cmath>
#include <random>
#include <sstream>

#include <caf/test/unit_test.hpp>

#include "actors/risk/engine.hpp"
#include "tests/support/builders.hpp"

using namespace cdb;

namespace {

constexpr timestamp t0 = 1'700'000'000'000'000'000;
constexpr nanoseconds minute = 60'000'000'000;

struct rng_t {
  std::mt19937_64 gen;
  std::uniform_real_distribution<double> u{0, 1};

  double uni() {
    return u(gen);
  }

  /// Log-uniform in [lo, hi].
  double log_uni(double lo, double hi) {
    return lo * std::pow(hi / lo, uni());
  }
};

} // namespace

CAF_TEST(no approved order breaks a limit or the trading state) {
  std::string first;
  int approved = 0;
  int opening = 0;
  for (int n = 0; n < 3000 && first.empty(); ++n) {
    rng_t r{std::mt19937_64{static_cast<std::uint64_t>(n)}};
    risk_config cfg;
    cfg.max_position_pct = 1 + r.uni() * 99;
    cfg.max_exposure_pct = cfg.max_position_pct + r.uni() * 200;
    cfg.max_spread_bps = 20 + r.uni() * 200;
    static const char* methods[] = {"fixed_fractional", "volatility_target",
                                    "kelly", "atr", "regime"};
    cfg.sizing_method = methods[n % 5];
    cfg.sizing.risk_per_trade_pct = 0.1 + r.uni() * 5;
    cfg.vol_bar = minute;
    risk_engine engine{cfg, id_source{"dec", "p", 1}, id_source{"ord", "p", 1}};
    auto mode = static_cast<trading_mode>(n % 3);
    trading_state st;
    st.mode = mode;
    engine.on_state(st);
    // The market: 40 minutes of quotes around a price of 1 to 100 000.
    auto price = r.log_uni(1, 1e5);
    timestamp now = t0;
    for (int i = 0; i < 40; ++i) {
      price *= std::exp((r.uni() - 0.5) * 0.02);
      quote_tick q;
      q.instrument = "X";
      q.bid = price * (1 - 0.0005 * r.uni());
      q.ask = price * (1 + 0.0005 * r.uni());
      q.event_time = now = t0 + i * minute;
      engine.on_quote(q);
    }
    quote_tick last;
    last.instrument = "X";
    last.bid = price * (1 - 0.0004);
    last.ask = price * (1 + 0.0004);
    last.event_time = now;
    engine.on_quote(last);
    // The account: a position in X of up to twice its limit, either side,
    // and open notional elsewhere.
    auto equity = r.log_uni(1e3, 1e7);
    auto held = (r.uni() * 4 - 2) * cfg.max_position_pct / 100 * equity / price;
    if (r.uni() < 0.3)
      held = 0;
    portfolio_snapshot p;
    p.equity = p.cash = p.start_of_day_equity = equity;
    p.exposure = std::fabs(held) * price + r.uni() * equity * 0.5;
    if (held != 0)
      p.positions.push_back(test::make_position("X", held, price));
    p.event_time = now;
    engine.on_portfolio(p);
    signal s;
    s.id = "sig";
    s.instrument = "X";
    s.direction = static_cast<signal_side>(r.gen() % 3);
    s.ref_price = price;
    s.stop_hint = r.uni() < 0.2 ? 0 : price * r.log_uni(1e-4, 0.1);
    s.event_time = now - static_cast<nanoseconds>(r.uni() * 1e9);
    auto out = engine.on_signal(s, now);
    // Replay the approved orders against the limits, as booked.
    auto pos = held;
    auto exposure = p.exposure;
    for (auto& d : out) {
      if (!d.approved)
        continue;
      ++approved;
      auto& o = *d.approved;
      auto px = o.direction == side::buy ? last.ask : last.bid;
      auto q = o.direction == side::buy ? o.qty : -o.qty;
      std::ostringstream why;
      if (mode == trading_mode::halted)
        why << "approved while halted";
      else if (mode == trading_mode::reducing && !o.reduce_only)
        why << "approved an opening order while reducing";
      else if (o.reduce_only && std::fabs(pos + q) > std::fabs(pos) + 1e-12)
        why << "a reduce-only order grows the position";
      else if (!o.reduce_only) {
        ++opening;
        auto pos_limit = cfg.max_position_pct / 100 * equity;
        auto exp_limit = cfg.max_exposure_pct / 100 * equity;
        auto after = std::fabs(pos + q) * px;
        if (after > pos_limit * (1 + 1e-9))
          why << "position " << after << " > limit " << pos_limit;
        else if (exposure + o.qty * px > exp_limit * (1 + 1e-9))
          why << "exposure " << exposure + o.qty * px << " > limit "
              << exp_limit;
      }
      if (!why.str().empty()) {
        first = "case " + std::to_string(n) + " (" + to_string(mode) + ", "
                + cfg.sizing_method + "): " + why.str() + "; "
                + d.decision.notes;
        break;
      }
      exposure += o.reduce_only ? -o.qty * px : o.qty * px;
      pos += q;
    }
  }
  CAF_MESSAGE(approved << " approved orders checked, " << opening
                       << " of them opening");
  CAF_CHECK_EQUAL(first, "");
  CAF_CHECK(opening > 200); // the generator does reach the limits' side
}

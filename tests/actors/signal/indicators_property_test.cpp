// Property tests: every incremental indicator equals a straightforward
// batch recomputation over the same prefix, at every step, for many seeded
// random series (random walks at price levels from 0.001 to 60 000, flat
// runs, spikes, gaps), periods from 1 to 60. A failure names the seed.
#define CAF_SUITE signal_indicator_properties
#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <caf/test/unit_test.hpp>

#include "actors/signal/indicators.hpp"
#include "actors/signal/window_indicators.hpp"

using namespace cdb;

namespace {

constexpr int series_count = 300;

struct ohlcv {
  double high, low, close, volume;
};

/// A random series: a walk with regime changes, flat runs and spikes.
std::vector<ohlcv> make_series(std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0, 1);
  double levels[] = {0.001, 1.0, 100.0, 46'000.0, 60'000.0};
  double price = levels[rng() % 5];
  auto len = 1 + rng() % 400;
  auto vol = 0.0001 + u(rng) * 0.03;
  std::vector<ohlcv> out;
  for (std::size_t i = 0; i < len; ++i) {
    auto kind = u(rng);
    if (kind < 0.15) {
      // flat: the same close again
    } else if (kind < 0.18) {
      price *= u(rng) < 0.5 ? 0.8 : 1.25; // spike / gap
    } else {
      price *= std::exp(vol * (u(rng) * 2 - 1));
    }
    auto range = price * vol * u(rng);
    auto volume = u(rng) < 0.1 ? 0.0 : u(rng) * 50;
    out.push_back({price + range, price - range * u(rng), price, volume});
  }
  return out;
}

double mean(const std::vector<double>& x, std::size_t from, std::size_t to) {
  double s = 0;
  for (auto i = from; i < to; ++i)
    s += x[i];
  return s / static_cast<double>(to - from);
}

double pvar(const std::vector<double>& x, std::size_t from, std::size_t to) {
  auto m = mean(x, from, to);
  double s = 0;
  for (auto i = from; i < to; ++i)
    s += (x[i] - m) * (x[i] - m);
  return s / static_cast<double>(to - from);
}

/// Collects the first mismatch; the test prints it.
struct checker {
  std::string first;
  std::uint64_t seed = 0;
  std::size_t checks = 0;

  void operator()(const char* what, std::size_t step, double got, double want,
                  double scale) {
    ++checks;
    auto tol = 1e-9 * std::max(1.0, scale);
    if (first.empty() && !(std::fabs(got - want) <= tol)) {
      std::ostringstream out;
      out.precision(17);
      out << what << " seed " << seed << " step " << step << ": got " << got
          << ", want " << want;
      first = out.str();
    }
  }

  void ready(const char* what, std::size_t step, bool got, bool want) {
    (*this)(what, step, got ? 1 : 0, want ? 1 : 0, 0);
  }
};

} // namespace

CAF_TEST(incremental indicators equal batch recomputation) {
  checker check;
  for (int n = 0; n < series_count; ++n) {
    check.seed = 1000 + static_cast<std::uint64_t>(n);
    std::mt19937_64 rng{check.seed};
    auto s = make_series(rng);
    auto p = 1 + rng() % 60;
    auto k = 0.5 + static_cast<double>(rng() % 30) / 10;
    sma s_sma{p};
    ema s_ema{p};
    rsi s_rsi{p};
    atr s_atr{p};
    bollinger s_bb{p, k};
    zscore s_z{p};
    volatility s_vol{p};
    vwap s_vwap{p};
    donchian s_dc{p};
    std::vector<double> closes, trs, logret, pv, vols;
    for (std::size_t i = 0; i < s.size(); ++i) {
      auto& x = s[i];
      auto scale = x.close;
      s_sma.update(x.close);
      s_ema.update(x.close);
      s_rsi.update(x.close);
      s_atr.update(x.high, x.low, x.close);
      s_bb.update(x.close);
      s_z.update(x.close);
      s_vol.update(x.close);
      s_vwap.update(x.close, x.volume);
      s_dc.update(x.high, x.low);
      auto tr = x.high - x.low;
      if (i > 0)
        tr = std::max({tr, std::fabs(x.high - s[i - 1].close),
                       std::fabs(x.low - s[i - 1].close)});
      trs.push_back(tr);
      if (i > 0)
        logret.push_back(std::log(x.close / s[i - 1].close));
      closes.push_back(x.close);
      pv.push_back(x.close * x.volume);
      vols.push_back(x.volume);
      auto len = closes.size();
      bool full = len >= p;
      check.ready("sma ready", i, s_sma.ready(), full);
      check.ready("ema ready", i, s_ema.ready(), full);
      check.ready("atr ready", i, s_atr.ready(), full);
      check.ready("rsi ready", i, s_rsi.ready(), len >= p + 1);
      check.ready("volatility ready", i, s_vol.ready(), len >= p + 1);
      check.ready("donchian ready", i, s_dc.ready(), full);
      if (full) {
        auto from = len - p;
        check("sma", i, s_sma.value(), mean(closes, from, len), scale);
        // EMA, closed form: seed weighted by (1-a)^m plus the weighted sum.
        auto a = 2.0 / (static_cast<double>(p) + 1);
        auto e = mean(closes, 0, p) * std::pow(1 - a, double(len - p));
        for (auto j = p; j < len; ++j)
          e += a * std::pow(1 - a, double(len - 1 - j)) * closes[j];
        check("ema", i, s_ema.value(), e, scale);
        // ATR: Wilder from scratch.
        auto w = mean(trs, 0, p);
        for (auto j = p; j < len; ++j)
          w = (w * double(p - 1) + trs[j]) / double(p);
        check("atr", i, s_atr.value(), w, scale);
        auto m = mean(closes, from, len);
        auto sd = std::sqrt(pvar(closes, from, len));
        check("bollinger middle", i, s_bb.middle(), m, scale);
        check("bollinger upper", i, s_bb.upper(), m + k * sd, scale);
        check("bollinger lower", i, s_bb.lower(), m - k * sd, scale);
        if (sd > 1e-6 * scale)
          check("zscore", i, s_z.value(), (x.close - m) / sd, 1e3);
        double hi = -std::numeric_limits<double>::infinity();
        double lo = std::numeric_limits<double>::infinity();
        for (auto j = from; j < len; ++j) {
          hi = std::max(hi, s[j].high);
          lo = std::min(lo, s[j].low);
        }
        check("donchian upper", i, s_dc.upper(), hi, 0);
        check("donchian lower", i, s_dc.lower(), lo, 0);
        auto v = mean(vols, from, len) * double(p);
        if (v > 0)
          check("vwap", i, s_vwap.value(), mean(pv, from, len) * double(p) / v,
                scale);
      }
      if (len >= p + 1) {
        // RSI: Wilder from scratch.
        double g = 0, l = 0;
        for (std::size_t j = 1; j <= p; ++j) {
          auto c = closes[j] - closes[j - 1];
          g += c > 0 ? c : 0;
          l += c < 0 ? -c : 0;
        }
        g /= double(p);
        l /= double(p);
        for (auto j = p + 1; j < len; ++j) {
          auto c = closes[j] - closes[j - 1];
          g = (g * double(p - 1) + (c > 0 ? c : 0)) / double(p);
          l = (l * double(p - 1) + (c < 0 ? -c : 0)) / double(p);
        }
        auto want = l == 0 ? (g == 0 ? 50.0 : 100.0)
                           : 100.0 - 100.0 / (1.0 + g / l);
        check("rsi", i, s_rsi.value(), want, 100);
        auto n = logret.size();
        auto rm = mean(logret, n - p, n);
        double ss = 0;
        for (auto j = n - p; j < n; ++j)
          ss += (logret[j] - rm) * (logret[j] - rm);
        auto want_vol = p > 1 ? std::sqrt(ss / double(p - 1)) : 0.0;
        check("volatility", i, s_vol.value(), want_vol, 1);
      }
    }
  }
  CAF_MESSAGE(check.checks << " comparisons over " << series_count
                           << " series");
  CAF_CHECK_EQUAL(check.first, "");
  CAF_CHECK(check.checks > 100'000);
}

#include "runtime/trade_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include <nlohmann/json.hpp>

#include "runtime/clock.hpp"

namespace cdb {

namespace {

constexpr nanoseconds minute = 60'000'000'000;
constexpr nanoseconds hour = 60 * minute;
constexpr nanoseconds day = 24 * hour;
constexpr double year_ns = 365.0 * static_cast<double>(day);

bool flat(double qty) {
  return std::fabs(qty) < 1e-12;
}

/// Equity at `t`: the newest point at or before it.
double equity_at(const std::vector<equity_point>& eq, std::size_t& i,
                 timestamp t) {
  while (i + 1 < eq.size() && eq[i + 1].t <= t)
    ++i;
  return eq[i].equity;
}

void add_trade(report_row& row, const round_trip& rt) {
  ++row.trades;
  row.pnl += rt.pnl;
  if (rt.pnl > 0) {
    ++row.wins;
    row.gross_win += rt.pnl;
  } else {
    row.gross_loss -= rt.pnl;
  }
}

report_row& row_of(std::vector<report_row>& rows, const std::string& name) {
  for (auto& r : rows)
    if (r.name == name)
      return r;
  rows.push_back(report_row{});
  rows.back().name = name;
  return rows.back();
}

std::string fixed(double x, int digits) {
  if (!std::isfinite(x))
    return x > 0 ? "inf" : "n/a";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, x);
  return buf;
}

std::string pct(double x) {
  return std::isfinite(x) ? fixed(100 * x, 2) + " %" : fixed(x, 2);
}

std::string span(nanoseconds d) {
  auto s = static_cast<double>(d) / 1e9;
  if (s < 120)
    return fixed(s, 1) + " s";
  if (s < 7200)
    return fixed(s / 60, 1) + " min";
  if (s < 172800)
    return fixed(s / 3600, 1) + " h";
  return fixed(s / 86400, 1) + " d";
}

/// Non-finite numbers become null.
nlohmann::json num(double x) {
  if (!std::isfinite(x))
    return nullptr;
  return x;
}

nlohmann::json row_json(const report_row& r) {
  return {{"name", r.name},
          {"signals", r.signals},
          {"fills", r.fills},
          {"trades", r.trades},
          {"wins", r.wins},
          {"pnl", num(r.pnl)},
          {"fees", num(r.fees)},
          {"profit_factor",
           num(r.gross_loss > 0
                 ? r.gross_win / r.gross_loss
                 : (r.gross_win > 0 ? std::numeric_limits<double>::infinity()
                                    : 0.0))}};
}

std::string esc(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

} // namespace

void add_trip(run_record& r, report_trip t) {
  auto seen = std::any_of(r.trips.begin(), r.trips.end(), [&](auto& y) {
    return y.rule == t.rule && y.t == t.t;
  });
  if (!seen)
    r.trips.push_back(std::move(t));
}

nanoseconds return_period(nanoseconds s) {
  if (s <= day)
    return minute;
  if (s <= 90 * day)
    return hour;
  return day;
}

std::vector<round_trip> round_trips(const std::vector<report_fill>& fills,
                                    std::int64_t& still_open) {
  struct open_trip {
    double qty = 0;
    round_trip rt;
  };
  std::map<std::string, open_trip> open;
  std::vector<round_trip> done;
  auto start = [&](open_trip& o, const report_fill& f, double qty, double fee) {
    o.qty = qty;
    o.rt = round_trip{};
    o.rt.instrument = f.instrument;
    o.rt.strategy = f.strategy;
    o.rt.direction = qty > 0 ? side::buy : side::sell;
    o.rt.opened = f.t;
    o.rt.pnl = -fee;
    o.rt.fees = fee;
  };
  for (auto& f : fills) {
    auto q = f.direction == side::buy ? f.qty : -f.qty;
    auto& o = open[f.instrument];
    if (flat(o.qty)) {
      start(o, f, q, f.fee);
      continue;
    }
    if ((o.qty > 0) == (q > 0)) { // adds
      o.qty += q;
      o.rt.pnl += f.realized_pnl - f.fee;
      o.rt.fees += f.fee;
      continue;
    }
    auto closing = std::min(std::fabs(q), std::fabs(o.qty));
    auto share = closing / std::fabs(q);
    o.rt.pnl += f.realized_pnl - f.fee * share;
    o.rt.fees += f.fee * share;
    auto rest = o.qty + q;
    if (flat(rest) || (rest > 0) != (o.qty > 0)) {
      o.rt.closed = f.t;
      done.push_back(o.rt);
      o.qty = 0;
      if (!flat(rest)) // reversed: the rest opens the next trip
        start(o, f, rest, f.fee * (1 - share));
    } else {
      o.qty = rest;
    }
  }
  still_open = 0;
  for (auto& kvp : open)
    if (!flat(kvp.second.qty))
      ++still_open;
  return done;
}

trade_report compute_report(const run_record& r) {
  trade_report rep;
  auto& eq = r.equity;
  if (!eq.empty()) {
    rep.start = eq.front().t;
    rep.end = eq.back().t;
    rep.initial_equity = r.initial_cash > 0 ? r.initial_cash
                                            : eq.front().equity;
    rep.final_equity = eq.back().equity;
  } else {
    rep.initial_equity = rep.final_equity = r.initial_cash;
  }
  if (rep.initial_equity > 0)
    rep.total_return = rep.final_equity / rep.initial_equity - 1;
  auto length = rep.end - rep.start;
  if (length > 0)
    rep.annual_return = std::pow(1 + rep.total_return,
                                 year_ns / static_cast<double>(length))
                        - 1;
  // Returns per period (the equity at each period's end), annualised.
  rep.period = return_period(length);
  std::vector<double> returns;
  if (eq.size() > 1) {
    std::size_t i = 0;
    auto prev = rep.initial_equity;
    for (auto t = rep.start + rep.period; t <= rep.end; t += rep.period) {
      auto e = equity_at(eq, i, t);
      if (prev > 0)
        returns.push_back(e / prev - 1);
      prev = e;
    }
  }
  rep.periods = static_cast<std::int64_t>(returns.size());
  if (returns.size() > 1) {
    double mean = 0;
    for (auto x : returns)
      mean += x;
    mean /= static_cast<double>(returns.size());
    double var = 0;
    double down = 0;
    for (auto x : returns) {
      var += (x - mean) * (x - mean);
      down += x < 0 ? x * x : 0;
    }
    auto sd = std::sqrt(var / static_cast<double>(returns.size() - 1));
    auto dd = std::sqrt(down / static_cast<double>(returns.size()));
    auto per_year = std::sqrt(year_ns / static_cast<double>(rep.period));
    rep.volatility = sd * per_year;
    rep.sharpe = sd > 0 ? mean / sd * per_year : 0;
    rep.sortino = dd > 0 ? mean / dd * per_year : 0;
  }
  // Drawdown from the running peak; its duration from the first point
  // below the peak to the first back at it (or the end).
  if (!eq.empty()) {
    auto peak = eq.front().equity;
    timestamp under = -1;
    for (auto& p : eq) {
      if (p.equity >= peak) {
        if (under >= 0)
          rep.max_drawdown_duration = std::max(rep.max_drawdown_duration,
                                               p.t - under);
        under = -1;
        peak = p.equity;
        continue;
      }
      if (under < 0)
        under = p.t;
      rep.max_drawdown = std::max(rep.max_drawdown, (peak - p.equity) / peak);
    }
    if (under >= 0)
      rep.max_drawdown_duration = std::max(rep.max_drawdown_duration,
                                           eq.back().t - under);
    for (std::size_t i = 0; i + 1 < eq.size(); ++i)
      if (eq[i].invested)
        rep.exposure += static_cast<double>(eq[i + 1].t - eq[i].t);
    if (length > 0)
      rep.exposure /= static_cast<double>(length);
  }
  rep.calmar = rep.max_drawdown > 0 ? rep.annual_return / rep.max_drawdown : 0;
  // Trades.
  rep.round_trips = round_trips(r.fills, rep.open_trades);
  double gross_win = 0;
  double gross_loss = 0;
  nanoseconds held = 0;
  for (auto& rt : rep.round_trips) {
    ++rep.trades;
    held += rt.closed - rt.opened;
    if (rt.pnl > 0) {
      ++rep.wins;
      gross_win += rt.pnl;
    } else {
      gross_loss -= rt.pnl;
    }
    add_trade(row_of(rep.strategies, rt.strategy), rt);
    add_trade(row_of(rep.instruments, rt.instrument), rt);
  }
  if (rep.trades > 0) {
    auto n = static_cast<double>(rep.trades);
    rep.win_rate = static_cast<double>(rep.wins) / n;
    rep.expectancy = (gross_win - gross_loss) / n;
    rep.avg_holding = held / rep.trades;
  }
  if (rep.wins > 0)
    rep.avg_win = gross_win / static_cast<double>(rep.wins);
  if (rep.trades > rep.wins)
    rep.avg_loss = -gross_loss / static_cast<double>(rep.trades - rep.wins);
  rep.profit_factor = gross_loss > 0  ? gross_win / gross_loss
                      : gross_win > 0 ? std::numeric_limits<double>::infinity()
                                      : 0.0;
  for (auto& f : r.fills) {
    ++rep.fills;
    rep.fees += f.fee;
    rep.slippage += f.qty * f.price * f.slippage_bps / 1e4;
    for (auto* row : {&row_of(rep.strategies, f.strategy),
                      &row_of(rep.instruments, f.instrument)}) {
      ++row->fills;
      row->fees += f.fee;
    }
  }
  for (auto& [name, n] : r.signals) {
    rep.signals += n;
    row_of(rep.strategies, name).signals += n;
  }
  for (auto& [name, n] : r.instrument_signals)
    row_of(rep.instruments, name).signals += n;
  auto by_name = [](const report_row& x, const report_row& y) {
    return x.name < y.name;
  };
  std::sort(rep.strategies.begin(), rep.strategies.end(), by_name);
  std::sort(rep.instruments.begin(), rep.instruments.end(), by_name);
  rep.approved = r.approved;
  rep.rejections = r.rejections;
  for (auto& kvp : r.rejections)
    rep.rejected += kvp.second;
  rep.undecided = std::max<std::int64_t>(0, rep.signals - r.decided_signals);
  rep.trips = r.trips;
  return rep;
}

std::string report_table(const trade_report& rep) {
  std::ostringstream out;
  auto line = [&out](const std::string& k, const std::string& v) {
    char buf[160];
    std::snprintf(buf, sizeof(buf), "  %-26s %s\n", k.c_str(), v.c_str());
    out << buf;
  };
  out << "period " << format_time(rep.start) << " .. " << format_time(rep.end)
      << " (" << span(rep.end - rep.start) << ")\n";
  line("equity",
       fixed(rep.initial_equity, 2) + " -> " + fixed(rep.final_equity, 2));
  line("total return", pct(rep.total_return));
  line("annualised return", pct(rep.annual_return));
  line("volatility (annualised)", pct(rep.volatility));
  line("Sharpe / Sortino / Calmar", fixed(rep.sharpe, 2) + " / "
                                      + fixed(rep.sortino, 2) + " / "
                                      + fixed(rep.calmar, 2));
  line("returns per",
       span(rep.period) + " (" + std::to_string(rep.periods) + " periods)");
  line("max drawdown", pct(rep.max_drawdown) + ", longest "
                         + span(rep.max_drawdown_duration) + " below a peak");
  line("trades", std::to_string(rep.trades) + " closed ("
                   + std::to_string(rep.open_trades) + " open at the end), "
                   + std::to_string(rep.fills) + " fills");
  line("win rate", pct(rep.win_rate));
  line("profit factor", fixed(rep.profit_factor, 2));
  line("expectancy per trade", fixed(rep.expectancy, 2));
  line("average win / loss",
       fixed(rep.avg_win, 2) + " / " + fixed(rep.avg_loss, 2));
  line("average holding time", span(rep.avg_holding));
  line("fees / slippage paid",
       fixed(rep.fees, 2) + " / " + fixed(rep.slippage, 2));
  line("exposure time", pct(rep.exposure));
  line("signals / approved / rejected", std::to_string(rep.signals) + " / "
                                          + std::to_string(rep.approved) + " / "
                                          + std::to_string(rep.rejected));
  for (auto& [layer, n] : rep.rejections)
    line("  rejected at " + layer, std::to_string(n));
  if (rep.undecided > 0)
    line("  without a decision",
         std::to_string(rep.undecided) + " (a close signal while flat)");
  line("circuit-breaker trips", std::to_string(rep.trips.size()));
  for (auto& t : rep.trips)
    out << "    " << format_time(t.t) << ' ' << t.mode << ' ' << t.rule << ": "
        << t.reason << '\n';
  auto rows = [&out](const char* title, const std::vector<report_row>& v) {
    char buf[200];
    std::snprintf(buf, sizeof(buf), "%-28s %8s %8s %7s %7s %12s %10s\n", title,
                  "signals", "fills", "trades", "win %", "pnl", "fees");
    out << buf;
    for (auto& r : v) {
      auto wr = r.trades > 0 ? 100.0 * static_cast<double>(r.wins)
                                 / static_cast<double>(r.trades)
                             : 0.0;
      std::snprintf(buf, sizeof(buf),
                    "  %-26s %8lld %8lld %7lld %7.1f %12.2f %10.2f\n",
                    r.name.substr(0, 26).c_str(),
                    static_cast<long long>(r.signals),
                    static_cast<long long>(r.fills),
                    static_cast<long long>(r.trades), wr, r.pnl, r.fees);
      out << buf;
    }
  };
  rows("per strategy", rep.strategies);
  rows("per instrument", rep.instruments);
  return out.str();
}

std::string report_json(const trade_report& rep, const run_record& r,
                        const std::string& timing_json) {
  nlohmann::json j;
  j["title"] = r.title;
  j["start"] = format_time(rep.start);
  j["end"] = format_time(rep.end);
  j["initial_equity"] = num(rep.initial_equity);
  j["final_equity"] = num(rep.final_equity);
  j["total_return"] = num(rep.total_return);
  j["annual_return"] = num(rep.annual_return);
  j["return_period_seconds"] = rep.period / 1'000'000'000;
  j["return_periods"] = rep.periods;
  j["volatility"] = num(rep.volatility);
  j["sharpe"] = num(rep.sharpe);
  j["sortino"] = num(rep.sortino);
  j["calmar"] = num(rep.calmar);
  j["max_drawdown"] = num(rep.max_drawdown);
  j["max_drawdown_seconds"] = static_cast<double>(rep.max_drawdown_duration)
                              / 1e9;
  j["fills"] = rep.fills;
  j["trades"] = rep.trades;
  j["open_trades"] = rep.open_trades;
  j["wins"] = rep.wins;
  j["win_rate"] = num(rep.win_rate);
  j["profit_factor"] = num(rep.profit_factor);
  j["expectancy"] = num(rep.expectancy);
  j["avg_win"] = num(rep.avg_win);
  j["avg_loss"] = num(rep.avg_loss);
  j["avg_holding_seconds"] = static_cast<double>(rep.avg_holding) / 1e9;
  j["fees"] = num(rep.fees);
  j["slippage"] = num(rep.slippage);
  j["exposure"] = num(rep.exposure);
  j["signals"] = rep.signals;
  j["approved"] = rep.approved;
  j["rejected"] = rep.rejected;
  j["signals_without_decision"] = rep.undecided;
  j["rejections_by_layer"] = rep.rejections;
  auto trips = nlohmann::json::array();
  for (auto& t : rep.trips)
    trips.push_back({{"time", format_time(t.t)},
                     {"rule", t.rule},
                     {"mode", t.mode},
                     {"reason", t.reason}});
  j["breaker_trips"] = trips;
  auto rows = [](const std::vector<report_row>& v) {
    auto a = nlohmann::json::array();
    for (auto& x : v)
      a.push_back(row_json(x));
    return a;
  };
  j["per_strategy"] = rows(rep.strategies);
  j["per_instrument"] = rows(rep.instruments);
  auto trades = nlohmann::json::array();
  for (auto& rt : rep.round_trips)
    trades.push_back({{"instrument", rt.instrument},
                      {"strategy", rt.strategy},
                      {"side", to_string(rt.direction)},
                      {"opened", format_time(rt.opened)},
                      {"closed", format_time(rt.closed)},
                      {"pnl", num(rt.pnl)},
                      {"fees", num(rt.fees)}});
  j["round_trips"] = trades;
  j["timing"] = timing_json.empty() ? nlohmann::json(nullptr)
                                    : nlohmann::json::parse(timing_json);
  return j.dump(2) + "\n";
}

namespace {

/// An SVG chart: x in event time over [t0, t1], y over [lo, hi].
struct plot {
  double w = 960;
  double h = 240;
  double pad = 24;  ///< Right, and half of it above and below.
  double left = 80; ///< Room for the value labels.
  timestamp t0 = 0;
  timestamp t1 = 1;
  double lo = 0;
  double hi = 1;

  double x(timestamp t) const {
    auto f = t1 > t0
               ? static_cast<double>(t - t0) / static_cast<double>(t1 - t0)
               : 0.0;
    return left + f * (w - left - pad);
  }
  double y(double v) const {
    auto f = hi > lo ? (v - lo) / (hi - lo) : 0.5;
    return h - pad / 2 - f * (h - pad);
  }
  std::string open(const std::string& id, const std::string& title) const {
    std::ostringstream o;
    o << "<h2>" << esc(title) << "</h2>\n<svg id=\"" << id
      << "\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w
      << "\" height=\"" << h << "\" viewBox=\"0 0 " << w << ' ' << h
      << "\">\n<rect x=\"" << left << "\" y=\"" << pad / 2 << "\" width=\""
      << w - left - pad << "\" height=\"" << h - pad
      << "\" fill=\"#fafafa\" stroke=\"#ccc\"/>\n";
    auto label = [&](double v, double yy) {
      o << "<text x=\"" << left - 4 << "\" y=\"" << yy + 4
        << "\" font-size=\"10\" text-anchor=\"end\">" << fixed(v, 2)
        << "</text>\n";
    };
    label(hi, pad / 2);
    label(lo, h - pad / 2);
    o << "<text x=\"" << left << "\" y=\"" << h - 6 << "\" font-size=\"10\">"
      << format_time(t0) << "</text>\n<text x=\"" << w - pad << "\" y=\""
      << h - 6 << "\" font-size=\"10\" text-anchor=\"end\">" << format_time(t1)
      << "</text>\n";
    return o.str();
  }
};

/// At most `n` points of `v` (evenly strided), always the first and last.
template <class T>
std::vector<T> thin(const std::vector<T>& v, std::size_t n) {
  if (v.size() <= n)
    return v;
  std::vector<T> out;
  auto step = static_cast<double>(v.size() - 1) / static_cast<double>(n - 1);
  for (std::size_t i = 0; i < n; ++i)
    out.push_back(
      v[static_cast<std::size_t>(std::llround(step * static_cast<double>(i)))]);
  return out;
}

/// A plot over `pts` (oldest first): their time across, `value` up.
template <class T, class F>
plot fit(const std::vector<T>& pts, F value) {
  plot p;
  p.t0 = pts.front().t;
  p.t1 = pts.back().t;
  p.lo = p.hi = value(pts.front());
  for (auto& x : pts) {
    p.lo = std::min(p.lo, value(x));
    p.hi = std::max(p.hi, value(x));
  }
  return p;
}

/// The SVG path data through `pts`.
template <class T, class F>
std::string polyline(const plot& p, const std::vector<T>& pts, F value) {
  std::string out;
  char buf[64];
  for (std::size_t i = 0; i < pts.size(); ++i) {
    std::snprintf(buf, sizeof(buf), "%c%.1f,%.1f", i == 0 ? 'M' : 'L',
                  p.x(pts[i].t), p.y(value(pts[i])));
    out += buf;
  }
  return out;
}

std::string html_rows(const std::vector<report_row>& v) {
  std::ostringstream o;
  o << "<table><tr><th>name</th><th>signals</th><th>fills</th><th>trades</"
       "th><th>win %</th><th>PnL</th><th>fees</th></tr>\n";
  for (auto& r : v)
    o << "<tr><td>" << esc(r.name) << "</td><td>" << r.signals << "</td><td>"
      << r.fills << "</td><td>" << r.trades << "</td><td>"
      << fixed(r.trades > 0 ? 100.0 * static_cast<double>(r.wins)
                                / static_cast<double>(r.trades)
                            : 0.0,
               1)
      << "</td><td>" << fixed(r.pnl, 2) << "</td><td>" << fixed(r.fees, 2)
      << "</td></tr>\n";
  o << "</table>\n";
  return o.str();
}

} // namespace

std::string report_html(const trade_report& rep, const run_record& r) {
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
       "<title>cdb report: "
    << esc(r.title)
    << "</title>\n<style>body{font-family:sans-serif;margin:24px;color:#222}"
       "table{border-collapse:collapse;margin:8px 0 16px}"
       "td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}"
       "td:first-child,th:first-child{text-align:left}"
       "h2{font-size:15px;margin:18px 0 4px}</style></head><body>\n<h1>"
    << esc(r.title) << "</h1>\n<pre>" << esc(report_table(rep)) << "</pre>\n";
  auto eq = thin(r.equity, 2000);
  auto equity = [](const equity_point& e) { return e.equity; };
  if (!eq.empty()) {
    auto p = fit(eq, equity);
    o << p.open("equity", "Equity") << "<path id=\"equity-path\" d=\""
      << polyline(p, eq, equity)
      << "\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.2\"/>\n</svg>\n";
    // Drawdown in % of the running peak, of the points drawn.
    std::vector<price_point> dd;
    auto peak = eq.front().equity;
    for (auto& e : eq) {
      peak = std::max(peak, e.equity);
      dd.push_back({e.t, peak > 0 ? (e.equity - peak) / peak * 100 : 0});
    }
    auto d = p;
    d.lo = -100 * rep.max_drawdown;
    d.hi = 0;
    o << d.open("drawdown", "Drawdown from the running peak (%)")
      << "<path id=\"drawdown-path\" d=\""
      << polyline(d, dd, [](const price_point& x) { return x.price; })
      << "\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"1.2\"/>\n</svg>\n";
  }
  auto price = [](const price_point& x) { return x.price; };
  for (auto& [instrument, series] : r.prices) {
    auto pts = thin(series, 2000);
    if (pts.empty())
      continue;
    auto p = fit(pts, price);
    o << p.open("price-" + instrument, instrument + ": price and fills")
      << "<path d=\"" << polyline(p, pts, price)
      << "\" fill=\"none\" stroke=\"#555\" stroke-width=\"1\"/>\n";
    char buf[64];
    std::vector<report_fill> marks;
    for (auto& f : r.fills)
      if (f.instrument == instrument && f.t >= p.t0 && f.t <= p.t1)
        marks.push_back(f);
    for (auto& f : thin(marks, 600)) {
      auto x = p.x(f.t);
      auto y = p.y(std::clamp(f.price, p.lo, p.hi));
      auto buy = f.direction == side::buy;
      std::snprintf(buf, sizeof(buf), "%.1f,%.1f %.1f,%.1f %.1f,%.1f", x,
                    buy ? y - 1 : y + 1, x - 4, buy ? y + 7 : y - 7, x + 4,
                    buy ? y + 7 : y - 7);
      o << "<polygon class=\"" << (buy ? "buy" : "sell") << "\" points=\""
        << buf << "\" fill=\"" << (buy ? "#2ca02c" : "#d62728") << "\"/>\n";
    }
    o << "</svg>\n";
  }
  o << "<h2>Per strategy</h2>\n"
    << html_rows(rep.strategies) << "<h2>Per instrument</h2>\n"
    << html_rows(rep.instruments)
    << "<h2>Risk rejections by layer</h2>\n<table><tr><th>layer</th><th>"
       "rejections</th></tr>\n";
  for (auto& [layer, n] : rep.rejections)
    o << "<tr><td>" << esc(layer) << "</td><td>" << n << "</td></tr>\n";
  o << "</table>\n<h2>Circuit-breaker trips</h2>\n<table><tr><th>time</th>"
       "<th>mode</th><th>rule</th><th>reason</th></tr>\n";
  for (auto& t : rep.trips)
    o << "<tr><td>" << format_time(t.t) << "</td><td>" << esc(t.mode)
      << "</td><td>" << esc(t.rule) << "</td><td>" << esc(t.reason)
      << "</td></tr>\n";
  o << "</table>\n</body></html>\n";
  return o.str();
}

} // namespace cdb

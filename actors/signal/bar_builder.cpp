#include "actors/signal/bar_builder.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace cdb {

bool parse_duration(const std::string& text, nanoseconds& out) {
  if (text.empty() || !(std::isdigit(static_cast<unsigned char>(text[0]))))
    return false;
  char* end = nullptr;
  auto x = std::strtod(text.c_str(), &end);
  std::string unit{end};
  static const std::pair<const char*, double> units[] = {
    {"ns", 1.0},   {"us", 1e3},   {"ms", 1e6},   {"s", 1e9},
    {"min", 60e9}, {"h", 3600e9}, {"d", 86400e9}};
  for (auto& [name, factor] : units) {
    if (unit != name)
      continue;
    auto ns = x * factor;
    if (!std::isfinite(ns) || ns >= 9.2e18)
      return false;
    out = static_cast<nanoseconds>(std::llround(ns));
    return true;
  }
  return false;
}

bool parse_bar_spec(const std::string& text, bar_spec& out,
                    std::string& error) {
  auto colon = text.find(':');
  if (colon == std::string::npos) {
    nanoseconds d = 0;
    if (!parse_duration(text, d)) {
      error = "must be a duration (500ms, 1s, 1min, 1h), volume:V or ticks:N";
      return false;
    }
    if (d < 1'000'000) {
      error = "time bars must be at least 1ms";
      return false;
    }
    out = bar_spec{};
    out.interval = d;
    return true;
  }
  auto kind = text.substr(0, colon);
  auto arg = text.substr(colon + 1);
  char* end = nullptr;
  auto x = std::strtod(arg.c_str(), &end);
  bool number = !arg.empty() && *end == '\0' && std::isfinite(x) && x > 0;
  if (kind == "volume" && number) {
    out = bar_spec{bar_kind::volume, 0, x, 0};
    return true;
  }
  if (kind == "ticks" && number && x == std::floor(x) && x <= 1e12) {
    out = bar_spec{bar_kind::ticks, 0, 0, static_cast<std::uint64_t>(x)};
    return true;
  }
  error = "must be volume:V (V > 0) or ticks:N (N a whole number > 0)";
  return false;
}

std::string to_string(const bar_spec& x) {
  switch (x.kind) {
    case bar_kind::volume: {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "volume:%g", x.volume);
      return buf;
    }
    case bar_kind::ticks: return "ticks:" + std::to_string(x.ticks);
    default: break;
  }
  auto ns = x.interval;
  static const std::pair<nanoseconds, const char*> units[] = {
    {86'400'000'000'000, "d"}, {3'600'000'000'000, "h"},
    {60'000'000'000, "min"},   {1'000'000'000, "s"},
    {1'000'000, "ms"},         {1'000, "us"}};
  for (auto& [size, name] : units)
    if (ns % size == 0)
      return std::to_string(ns / size) + name;
  return std::to_string(ns) + "ns";
}

bar_builder::bar_builder(std::string instrument, bar_spec spec, bool fill_gaps,
                         std::size_t max_gap_bars)
  : spec_(spec), fill_gaps_(fill_gaps), max_gap_bars_(max_gap_bars) {
  current_.instrument = std::move(instrument);
  current_.interval = spec.kind == bar_kind::time ? spec.interval : 0;
}

void bar_builder::open(const trade_tick& t, timestamp start) {
  current_.start_time = start;
  current_.end_time = spec_.kind == bar_kind::time ? start + spec_.interval
                                                   : t.event_time + 1;
  current_.open = current_.high = current_.low = current_.close = t.price;
  current_.volume = 0;
  trades_ = 0;
  open_ = true;
}

void bar_builder::close(std::vector<bar>& out) {
  out.push_back(current_);
  open_ = false;
  closed_any_ = true;
  last_close_ = current_.close;
  last_end_ = current_.end_time;
}

void bar_builder::add(const trade_tick& t, std::vector<bar>& out) {
  if (venue_)
    return;
  if (spec_.kind == bar_kind::time) {
    if (open_ && t.event_time < current_.start_time) {
      ++late_;
      return;
    }
    advance(t.event_time, out);
    auto start = t.event_time - (t.event_time % spec_.interval);
    if (t.event_time < 0 && t.event_time % spec_.interval != 0)
      start -= spec_.interval;
    if (!open_ && closed_any_ && start < last_end_) {
      ++late_;
      return;
    }
    if (!open_ && closed_any_ && fill_gaps_) {
      auto gaps = (start - last_end_) / spec_.interval;
      if (gaps > 0 && static_cast<std::uint64_t>(gaps) <= max_gap_bars_) {
        bar flat = current_;
        flat.open = flat.high = flat.low = flat.close = last_close_;
        flat.volume = 0;
        for (auto s = last_end_; s < start; s += spec_.interval) {
          flat.start_time = s;
          flat.end_time = s + spec_.interval;
          out.push_back(flat);
        }
      }
    }
    if (!open_)
      open(t, start);
  } else if (!open_) {
    open(t, t.event_time);
  }
  current_.high = std::max(current_.high, t.price);
  current_.low = std::min(current_.low, t.price);
  current_.close = t.price;
  current_.volume += t.qty;
  ++trades_;
  if (spec_.kind == bar_kind::time)
    return;
  current_.end_time = std::max(current_.end_time, t.event_time + 1);
  if ((spec_.kind == bar_kind::volume && current_.volume >= spec_.volume)
      || (spec_.kind == bar_kind::ticks && trades_ >= spec_.ticks))
    close(out);
}

void bar_builder::advance(timestamp now, std::vector<bar>& out) {
  if (open_ && !venue_ && spec_.kind == bar_kind::time
      && now >= current_.end_time)
    close(out);
}

bool bar_builder::take_venue(const bar& b) {
  if (spec_.kind != bar_kind::time || b.interval != spec_.interval)
    return false;
  if (!venue_) {
    venue_ = true;
    open_ = false; // the venue's bar replaces the one being built
  }
  return take_next(b);
}

bool bar_builder::take_next(const bar& b) {
  if (closed_any_ && b.start_time < last_end_)
    return false;
  closed_any_ = true;
  last_end_ = b.end_time;
  last_close_ = b.close;
  return true;
}

bool bar_builder::take_recorded(const bar& b) {
  if (venue_ || open_ || spec_.kind != bar_kind::time
      || b.interval != spec_.interval)
    return false;
  return take_next(b);
}

} // namespace cdb

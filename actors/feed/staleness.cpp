#include "actors/feed/staleness.hpp"

namespace cdb {

std::optional<feed_status>
staleness_watchdog::on_data_slow(const std::string& instrument, timestamp now) {
  bool added = false;
  auto& e = cached(known_, instrument, [&]() -> entry& {
    auto [i, fresh] = instruments_.try_emplace(instrument);
    added = fresh;
    return i->second;
  });
  auto age = added ? 0 : now - e.last;
  e.last = now;
  if (!added && e.state == feed_health::fresh)
    return std::nullopt;
  e.state = feed_health::fresh;
  return feed_status{instrument, feed_health::fresh, age,
                     added ? "first data" : "data again", now};
}

std::vector<feed_status> staleness_watchdog::poll(timestamp now) {
  std::vector<feed_status> out;
  for (auto& [name, e] : instruments_) {
    auto age = now - e.last;
    if (e.state == feed_health::fresh && age > threshold_) {
      e.state = feed_health::stale;
      out.push_back(feed_status{name, feed_health::stale, age,
                                "no data for longer than feed.stale_after",
                                now});
    }
  }
  return out;
}

std::vector<feed_status>
staleness_watchdog::disconnect(const std::string& reason, timestamp now) {
  std::vector<feed_status> out;
  for (auto& [name, e] : instruments_) {
    if (e.state == feed_health::disconnected)
      continue;
    e.state = feed_health::disconnected;
    out.push_back(
      feed_status{name, feed_health::disconnected, now - e.last, reason, now});
  }
  return out;
}

std::vector<feed_status> staleness_watchdog::current(timestamp now) const {
  std::vector<feed_status> out;
  for (auto& [name, e] : instruments_)
    out.push_back(feed_status{name, e.state, now - e.last, "current", now});
  return out;
}

feed_health staleness_watchdog::health(const std::string& instrument) const {
  auto i = instruments_.find(instrument);
  return i == instruments_.end() ? feed_health::disconnected : i->second.state;
}

} // namespace cdb

#include "actors/feed/stale_log.hpp"

namespace cdb {

stale_log::verdict stale_log::on_turn(const std::string& instrument,
                                      timestamp t) {
  auto& e = instruments_[instrument];
  if (e.logged >= first_ && t - e.last_logged < every_) {
    if (e.untold++ == 0)
      e.untold_since = t;
    return {false, false, 0, 0};
  }
  ++e.logged;
  e.last_logged = t;
  verdict v{true, e.logged == first_, e.untold, e.untold_since};
  e.untold = 0;
  return v;
}

std::vector<stale_log::untold> stale_log::flush() {
  std::vector<untold> out;
  for (auto& [name, e] : instruments_)
    if (e.untold > 0) {
      out.push_back({name, e.untold, e.untold_since});
      e.untold = 0;
    }
  return out;
}

} // namespace cdb

#include "runtime/clock.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <system_error>

#include <sys/prctl.h>

namespace cdb {

timestamp wall_clock::now() const {
  using namespace std::chrono;
  return duration_cast<std::chrono::nanoseconds>(
           system_clock::now().time_since_epoch())
    .count();
}

std::string format_time(timestamp t) {
  auto secs = static_cast<std::time_t>(t / 1'000'000'000);
  auto millis = static_cast<int>((t / 1'000'000) % 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec, millis);
  return buf;
}

bool set_timer_slack(nanoseconds slack, std::string& error) {
  if (::prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(slack), 0, 0, 0)
      != 0) {
    error = std::generic_category().message(errno);
    return false;
  }
  return true;
}

nanoseconds timer_slack() {
  return ::prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
}

} // namespace cdb

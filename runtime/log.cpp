#include "runtime/log.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>

#include "runtime/clock.hpp"

namespace cdb::log {

namespace {

std::atomic<int> min_level{static_cast<int>(level::info)};
std::mutex out_mtx;

const char* name(level lvl) {
  switch (lvl) {
    case level::debug: return "DEBUG";
    case level::info: return "INFO ";
    case level::warning: return "WARN ";
    default: return "ERROR";
  }
}

} // namespace

bool parse_level(const std::string& name, level& out) {
  static const char* names[] = {"debug", "info", "warning", "error"};
  for (int i = 0; i < 4; ++i)
    if (name == names[i]) {
      out = static_cast<level>(i);
      return true;
    }
  return false;
}

void set_level(level lvl) {
  min_level = static_cast<int>(lvl);
}

bool enabled(level lvl) {
  return static_cast<int>(lvl) >= min_level.load(std::memory_order_relaxed);
}

void write(level lvl, const char* who, const std::string& msg) {
  auto line = format_time(wall_clock{}.now()) + ' ' + name(lvl) + " [" + who
              + "] " + msg + '\n';
  std::lock_guard<std::mutex> guard{out_mtx};
  std::fputs(line.c_str(), stderr);
}

} // namespace cdb::log

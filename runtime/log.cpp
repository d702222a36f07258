#include "runtime/log.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>

#include "runtime/clock.hpp"

namespace cdb::log {

namespace {

std::atomic<int> min_level{static_cast<int>(level::info)};
std::mutex out_mtx;
std::string status_line; ///< Shown at the bottom of stderr; guarded by out_mtx.

/// Erases the status line's row: the cursor back to its start, the row
/// cleared.
constexpr const char* erase_row = "\r\033[K";

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
  if (status_line.empty()) {
    std::fputs(line.c_str(), stderr);
    return;
  }
  std::fputs((erase_row + line + status_line).c_str(), stderr);
  std::fflush(stderr);
}

void status(const std::string& text) {
  std::lock_guard<std::mutex> guard{out_mtx};
  status_line = text;
  std::fputs((erase_row + text).c_str(), stderr);
  std::fflush(stderr);
}

void end_status() {
  std::lock_guard<std::mutex> guard{out_mtx};
  if (status_line.empty())
    return;
  status_line.clear();
  std::fputs("\n", stderr);
  std::fflush(stderr);
}

} // namespace cdb::log

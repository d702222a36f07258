// Leveled, timestamped logging: one line per event, the actor's name in each
// line, written whole to stderr. No CAF include.
#pragma once

#include <sstream>
#include <string>

namespace cdb::log {

enum class level : int { debug = 0, info = 1, warning = 2, error = 3 };

/// Parses "debug", "info", "warning" or "error"; false on anything else.
bool parse_level(const std::string& name, level& out);

void set_level(level lvl);

bool enabled(level lvl);

void write(level lvl, const char* who, const std::string& msg);

/// Shows `text` as the terminal's status line (a progress bar) at the
/// bottom of stderr: log lines written meanwhile go above it, each on a
/// line of its own, and the status line is drawn again below them.
void status(const std::string& text);

/// Ends the status line where it stands (a newline); log lines no longer
/// redraw it.
void end_status();

} // namespace cdb::log

// `expr` is a chain of stream insertions (a << b): parenthesised, it would
// be one shift expression.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define CDB_LOG_IMPL(lvl, who, expr)                                           \
  do {                                                                         \
    if (::cdb::log::enabled(lvl)) {                                            \
      std::ostringstream cdb_log_out_;                                         \
      cdb_log_out_ << expr;                                                    \
      ::cdb::log::write(lvl, who, cdb_log_out_.str());                         \
    }                                                                          \
  } while (false)
// NOLINTEND(bugprone-macro-parentheses)

#define CDB_DEBUG(who, expr) CDB_LOG_IMPL(::cdb::log::level::debug, who, expr)
#define CDB_INFO(who, expr) CDB_LOG_IMPL(::cdb::log::level::info, who, expr)
#define CDB_WARN(who, expr) CDB_LOG_IMPL(::cdb::log::level::warning, who, expr)
#define CDB_ERROR(who, expr) CDB_LOG_IMPL(::cdb::log::level::error, who, expr)

// The run summary printed at exit: the node's counters and what
// PostgreSQL holds for this run.
#pragma once

#include <string>

#include "runtime/metrics.hpp"

namespace cdb {

/// Returns rows per table whose id belongs to `run_id`, one line per table,
/// or the database error.
std::string database_counts(const std::string& dsn, const std::string& run_id);

/// Returns the one-line status.
std::string status_line(const node_metrics& m, double initial_cash,
                        double elapsed_seconds);

} // namespace cdb

// Runs a single node until a signal, the duration, the end of the feed or an
// unrecoverable failure; prints a live status line and a final summary.
#pragma once

#include "runtime/options.hpp"

namespace cdb {

/// Returns the process exit status.
int run_node(cdb_options& cfg);

} // namespace cdb

// cdb record: captures a live stream's raw messages, each with its receive
// time, to JSONL files ("<recv_ns>\t<message>\n"), rotating by size and
// age. The replay source reads the files back (format ws_jsonl), message
// for message. Stops on SIGINT/SIGTERM or after record.duration.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "messages/fields.hpp"

namespace cdb {

struct record_config {
  std::string dir = "var/record";
  std::uint64_t max_bytes = 256ull << 20;       ///< Rotate at this file size.
  nanoseconds rotate_after = 3'600'000'000'000; ///< Rotate at this age.
  nanoseconds duration = 0;                     ///< 0: until signalled.

  void validate(std::vector<std::string>& errors) const;
};

/// Records `url` (ws:// or wss://, `ca_file` as for the feed) until stopped;
/// returns the exit status.
int run_recorder(const record_config& cfg, const std::string& url,
                 const std::string& ca_file);

} // namespace cdb

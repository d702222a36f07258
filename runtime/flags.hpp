// Command-line flags of the small modes (admin, report): "--flag VALUE" or
// "--flag=VALUE". No CAF include.
#pragma once

#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include <unistd.h>

namespace cdb {

/// True when args[i] is `flag` with a value; stores it in `out` and moves
/// `i` past a value given as the next argument.
inline bool flag_value(const std::vector<std::string>& args, std::size_t& i,
                       const std::string& flag, std::string& out) {
  auto& a = args[i];
  if (a == flag && i + 1 < args.size()) {
    out = args[++i];
    return true;
  }
  if (a.rfind(flag + "=", 0) == 0) {
    out = a.substr(flag.size() + 1);
    return true;
  }
  return false;
}

/// Why a report could not be written to `path` when the run ends, checked
/// before it starts: its directory missing or not one, the path a
/// directory, no write permission; empty when it can be written.
inline std::string unwritable(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path p{path};
  auto dir = p.parent_path().empty() ? fs::path{"."} : p.parent_path();
  if (!fs::exists(dir, ec))
    return "the directory " + dir.string() + " does not exist";
  if (!fs::is_directory(dir, ec))
    return dir.string() + " is not a directory";
  if (fs::is_directory(p, ec))
    return "a directory, not a file";
  auto target = fs::exists(p, ec) ? p : dir;
  if (::access(target.c_str(), W_OK) != 0)
    return "cannot write there (" + std::generic_category().message(errno)
           + ")";
  return {};
}

} // namespace cdb

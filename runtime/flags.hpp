// Command-line flags of the small modes (admin, report): "--flag VALUE" or
// "--flag=VALUE". No CAF include.
#pragma once

#include <string>
#include <vector>

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

} // namespace cdb

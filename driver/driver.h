// The stackc command line: a table of subcommands over one Compilation.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace stackc {

inline constexpr int kExitSuccess = 0;
inline constexpr int kExitInputErrors = 1;  // errors in the stack file, or a write failed
inline constexpr int kExitUsage = 2;        // bad command line

struct Terminal {
  std::ostream& out;
  std::ostream& err;
  bool err_is_terminal = false;
};

int RunStackc(const std::vector<std::string>& args, Terminal terminal);

}  // namespace stackc

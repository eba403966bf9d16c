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
  /// The process exits as soon as RunStackc returns (the stackc binary):
  /// `build` and `check` then leave what they built for the OS to reclaim
  /// instead of freeing it piece by piece. Any other caller keeps it false.
  bool exits_after_run = false;
};

int RunStackc(const std::vector<std::string>& args, Terminal terminal);

}  // namespace stackc

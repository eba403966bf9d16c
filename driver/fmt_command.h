// `stackc fmt`: rewrites stack files in the canonical layout, or checks
// that they are in it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "driver/driver.h"

namespace stackc {

inline constexpr std::string_view kFmtUsage =
    "usage: stackc fmt [--check | --stdout] FILE...\n"
    "\n"
    "Rewrites each FILE in the canonical layout of stack files: 2-space\n"
    "indentation, one property per line, '=' aligned within a run of\n"
    "properties, comments kept where they were. A file is replaced atomically\n"
    "and only when its layout changes. A file with syntax errors is reported\n"
    "and never touched.\n"
    "\n"
    "  --check                 write nothing; list the files that are not\n"
    "                          formatted and exit 1 when there is any\n"
    "  --stdout                write nothing; print the formatted files\n"
    "  --color WHEN            auto, always or never (default: auto)\n"
    "\n"
    "exit status: 0 success, 1 unformatted files (--check) or files that do\n"
    "not parse or cannot be written, 2 usage errors\n";

/// Runs `stackc fmt` with the arguments after the command name.
int RunFmt(const std::vector<std::string>& args, Terminal& terminal);

}  // namespace stackc

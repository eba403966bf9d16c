// The standard library: stack-language modules compiled into the binary.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace stackc {

struct StdlibModule {
  std::string_view path;  // "std/postgres.stack"
  std::string_view text;
};

const std::vector<StdlibModule>& StdlibModules();

/// The module that `import "std/NAME"` means, if there is one.
std::optional<StdlibModule> FindStdlibModule(std::string_view import_target);

}  // namespace stackc

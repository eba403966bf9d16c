#include "stdlib/stdlib.h"

#include <string>

namespace stackc {

std::optional<StdlibModule> FindStdlibModule(std::string_view import_target) {
  std::string wanted(import_target);
  if (!wanted.ends_with(".stack")) wanted += ".stack";
  for (const StdlibModule& module : StdlibModules()) {
    if (module.path == wanted) return module;
  }
  return std::nullopt;
}

}  // namespace stackc

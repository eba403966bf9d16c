# Writes a C++ source holding every stdlib module as a string, so stackc
# finds `import "std/..."` from any directory with no install step.
# Inputs: STDLIB_DIR, OUTPUT.
file(GLOB_RECURSE modules RELATIVE "${STDLIB_DIR}" "${STDLIB_DIR}/*.stack")
list(SORT modules)
set(body "")
foreach(module IN LISTS modules)
  file(READ "${STDLIB_DIR}/${module}" text)
  string(APPEND body "    {\"${module}\", R\"stackc_module(${text})stackc_module\"},\n")
endforeach()
file(WRITE "${OUTPUT}.tmp" "// Generated from stdlib/*.stack by cmake/embed_stdlib.cmake. Do not edit.
#include \"stdlib/stdlib.h\"

namespace stackc {

const std::vector<StdlibModule>& StdlibModules() {
  static const std::vector<StdlibModule> modules = {
${body}  };
  return modules;
}

}  // namespace stackc
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")

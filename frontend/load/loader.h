// Reads a stack file and, transitively, every module it imports: files
// relative to the importing file, and `std/...` from the embedded stdlib.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "frontend/ast/ast.h"
#include "frontend/diag/diagnostic.h"

namespace stackc {

/// Reads files; tests substitute an in-memory one.
class FileReader {
 public:
  virtual ~FileReader() = default;
  virtual std::optional<std::string> Read(const std::string& path) const = 0;
};

class DiskFileReader : public FileReader {
 public:
  std::optional<std::string> Read(const std::string& path) const override;
};

struct LoadedModules {
  /// modules[0] is the stack file itself; imports follow in the order they
  /// were first reached.
  std::vector<ast::Module> modules;
  /// Paths of every file read from disk, the stack file first (for depfiles).
  std::vector<std::string> disk_files;
};

/// `path` is shown in diagnostics as given.
LoadedModules LoadStack(const std::string& path, const FileReader& reader, SourceManager& sources,
                        DiagnosticEngine& diags);

/// Parses in-memory text (the language server's open buffers, tests) and
/// follows its imports as LoadStack does.
LoadedModules LoadStackText(const std::string& path, std::string text, const FileReader& reader,
                            SourceManager& sources, DiagnosticEngine& diags);

}  // namespace stackc

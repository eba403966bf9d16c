// The interface every target implements. A backend reads the IR and writes
// files into an in-memory sink; only the driver touches the disk, so tests
// capture output whole and writes can be atomic and skipped when unchanged.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "frontend/diag/diagnostic.h"
#include "ir/stack.h"

namespace stackc {

enum class FileMode { Regular, Executable };

class OutputSink {
 public:
  virtual ~OutputSink() = default;
  /// `relative_path` uses '/' and is relative to the output directory.
  virtual void Write(std::string_view relative_path, std::string contents, FileMode mode) = 0;
};

/// Collects files in memory, sorted by path.
class MemorySink : public OutputSink {
 public:
  struct File {
    std::string contents;
    FileMode mode;
  };
  /// Sees each file as soon as it is written, for work that can start
  /// before the backend finishes (the driver compares files with the disk
  /// meanwhile). A written file never changes afterwards.
  using Observer = std::function<void(const std::string& path, const File& file)>;

  MemorySink() = default;
  explicit MemorySink(Observer observer) : observer_(std::move(observer)) {}

  void Write(std::string_view relative_path, std::string contents, FileMode mode) override {
    auto [it, inserted] = files_.try_emplace(std::string(relative_path));
    if (!inserted) {
      // Two objects of one target wrote the same file: a backend bug that
      // would otherwise lose one of them silently.
      duplicates_.push_back(it->first);
      return;
    }
    // Writers reserve more than most files need; a large build holds
    // thousands of files, and the slack was 15 MiB of 131 at 5000
    // components.
    contents.shrink_to_fit();
    it->second = {std::move(contents), mode};
    if (observer_) observer_(it->first, it->second);
  }
  const std::map<std::string, File>& files() const { return files_; }
  std::map<std::string, File> TakeFiles() { return std::move(files_); }
  /// Paths written more than once; the first write was kept.
  const std::vector<std::string>& duplicates() const { return duplicates_; }

 private:
  std::map<std::string, File> files_;
  std::vector<std::string> duplicates_;
  Observer observer_;
};

/// Generated files by target name, then by relative path.
using GeneratedFiles = std::map<std::string, std::map<std::string, MemorySink::File>>;

struct EmitOptions {
  /// The stack file's name as given, for the "generated from" header.
  std::string source_name;
  /// The same stack resolved for another profile, or null when the stack
  /// declares no such profile (the Compose test file uses "test").
  std::function<const ir::Stack*(std::string_view profile)> stack_for_profile;
};

class Backend {
 public:
  virtual ~Backend() = default;
  /// Reports what the target cannot express as diagnostics; never drops it
  /// silently.
  virtual void Emit(const ir::Stack& stack, const EmitOptions& options, OutputSink& out,
                    DiagnosticEngine& diags) const = 0;

  /// The profiles, besides `stack`'s own, whose IR Emit may ask for through
  /// EmitOptions::stack_for_profile. A build lowers them before generating
  /// anything, so that it can free the syntax trees first; a profile asked
  /// for but not listed here is then an error.
  virtual std::vector<std::string> ProfilesUsed(const ir::Stack& /*stack*/) const { return {}; }
};

struct BackendEntry {
  std::string_view name;
  std::string_view help;
  std::unique_ptr<Backend> (*create)();
};

/// Every target, in the order `-t all` builds them.
const std::vector<BackendEntry>& Backends();
const BackendEntry* FindBackend(std::string_view name);

}  // namespace stackc

// Command-line reading shared by the subcommands, so that a flag such as
// --set or --color means and checks the same everywhere.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "backends/backend.h"

namespace stackc {

/// A bad command line; the command prints it with its usage and exits 2.
struct UsageError {
  std::string message;
};

/// Walks the arguments of one command: `--flag VALUE` and `--flag=VALUE`.
class ArgumentReader {
 public:
  explicit ArgumentReader(const std::vector<std::string>& args) : args_(args) {}

  bool Done() const { return index_ >= args_.size(); }
  const std::string& Current() const { return args_[index_]; }
  void Next() { ++index_; }

  /// The current argument is `flag` or `flag=...`.
  bool Is(std::string_view flag) const;
  /// The value of the current flag, consuming it when it is the next argument.
  std::string Value(std::string_view flag);
  /// Value() that must be one of `allowed`.
  std::string Choice(std::string_view flag, std::initializer_list<std::string_view> allowed);

 private:
  const std::vector<std::string>& args_;
  size_t index_ = 0;
};

/// The flags every command that compiles a stack takes. Each is read into
/// the caller's own field.
struct CommonFlags {
  std::string& profile;
  std::vector<std::pair<std::string, std::string>>& sets;
  std::string& color;
  std::string& diagnostics_format;
};

/// Reads --profile, --set, --color or --diagnostics-format when the current
/// argument is one of them; false otherwise.
bool ReadCommonFlag(ArgumentReader& reader, const CommonFlags& flags);

/// The backends that -t values name ("all" is every one), in the order of
/// the backend table. Throws UsageError for an unknown name.
struct TargetSelection {
  std::vector<const BackendEntry*> backends;
};
TargetSelection SelectTargets(const std::vector<std::string>& targets);

}  // namespace stackc
